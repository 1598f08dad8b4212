// What the accountant's CSV needs of a payment, learnt from the Paydesk Sandbox the way the app learns it
// from the gateways: a Stripe Checkout Session retrieved with its charge and balance transaction expanded
// gives the method (payment_method_details.type), the balance transaction id and when its funds become
// available; a Razorpay payment gives its method (UPI is `upi`). The export then writes them.
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExport, type ExportFilters } from '../../electron/core/reports/export';
import type { PaymentRow } from '../../electron/core/store/repos/payments';
import { startPaymentsFixture, type PaymentsFixture } from '../unit/core/payments/core-fixture';

let f: PaymentsFixture;
const out = mkdtempSync(path.join(os.tmpdir(), 'paydesk-sandbox-export-'));
beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
  rmSync(out, { recursive: true, force: true });
});

let n = 0;
const ref = () => `EXP-${Date.now().toString(36)}-${++n}`;
const row = (id: string) => f.core.deps!.db.prepare('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow;

/** the export of a few days around now, as the merchant in Asia/Kolkata would ask for it */
async function exportRows(preset: 'stripe_balance' | 'razorpay_recon' | 'paydesk'): Promise<Record<string, string>[]> {
  const day = (offset: number) => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Kolkata' }).format(new Date(Date.now() + offset * 86_400_000));
  const filters: ExportFilters = { from: day(-2), to: day(2), mode: 'test' };
  const outPath = path.join(out, `${preset}-${++n}.csv`);
  await startExport({ dbPath: f.core.deps!.db.name, outPath, preset, filters, timeZone: 'Asia/Kolkata' }).done;
  const [header = [], ...records] = parse(readFileSync(outPath), { bom: true }) as string[][];
  return records.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]!])));
}

describe('export facts from the sandbox', () => {
  it('Stripe: the checked payment carries method, balance transaction and available-on, and the Stripe preset writes them', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '25.00', currency: 'USD', orderRef: ref() });
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    expect((await f.call('links.checkStatus', { id: p.id })).status).toBe('paid');
    const r = row(p.id);
    expect(r.method).toBe('card');
    expect(r.balance_txn_id).toMatch(/^txn_/);
    expect(r.available_on).toBeGreaterThan(r.paid_at!);
    expect(r.fee_minor).toBeGreaterThan(0);
    // the sandbox's balance transaction says the same
    const bt = await f.sb<{ id: string; available_on: number; fee: number; net: number }>('GET', `/v1/balance_transactions/${r.balance_txn_id}`, undefined, 'stripe');
    expect([bt.body.available_on * 1000, bt.body.fee, bt.body.net]).toEqual([r.available_on, r.fee_minor, r.net_minor]);

    const line = (await exportRows('stripe_balance')).find((x) => x['payment_metadata[paydesk_id]'] === p.id)!;
    expect(line).toMatchObject({ balance_transaction_id: r.balance_txn_id, payment_method_type: 'card', fee_status: 'known', gross: '25.00' });
    expect(line.available_on_utc).toBe(new Date(r.available_on!).toISOString().slice(0, 19).replace('T', ' '));
  });

  it('Razorpay: a UPI payment is marked upi, a card payment card, in the recon and the Paydesk presets', async () => {
    const upi = await f.call('links.create', { accountId: f.razorpayId, amount: '500.00', currency: 'INR', orderRef: ref() });
    await f.sb('POST', `/__sandbox/razorpay/payment_links/${upi.gatewayIds.plinkId}/pay`, { vpa: 'success@razorpay' });
    const card = await f.call('links.create', { accountId: f.razorpayId, kind: 'order', amount: '300.00', currency: 'INR', orderRef: ref() });
    await f.sb('POST', `/__sandbox/razorpay/orders/${card.gatewayIds.orderId}/pay`, { card_number: '4100280000001007' });
    expect((await f.call('links.checkStatus', { id: upi.id })).status).toBe('paid');
    expect((await f.call('links.checkStatus', { id: card.id })).status).toBe('paid');
    expect([row(upi.id).method, row(card.id).method]).toEqual(['upi', 'card']);

    const recon = await exportRows('razorpay_recon');
    expect(recon.find((x) => x.entity_id === row(upi.id).gateway_payment_id)).toMatchObject({ method: 'upi', fee_status: 'known', amount: '50000' });
    const unified = await exportRows('paydesk');
    expect(unified.find((x) => x.paydesk_id === card.id)).toMatchObject({ method: 'card', gross: '300.00' });
  });
});
