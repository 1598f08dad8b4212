// A whole desk on the team database: core opened on PostgreSQL (a throwaway cluster) with the embedded
// sandbox. A link made at the desk is paid in the sandbox, its webhook applied, refunded in part, found by
// search, recorded in the audit log, exported to the reconciliation CSV; after a restart everything is still
// there. Real core, real SDKs, real HTTP, a real PostgreSQL server.
import { readFileSync } from 'node:fs';
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { exportFilePath } from '../../electron/core/reports/export-service';
import type { Payment } from '../../shared/contract';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { withCore, type CoreFixture } from '../fixtures/with-core';

let cluster: PgCluster;
let f: CoreFixture;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('paydesk_team');
  f = await withCore({ store: { engine: 'postgres', url } });
}, 120_000);
afterAll(async () => {
  await f?.dispose();
  cluster?.stop();
});

async function until<T>(what: string, get: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a desk on PostgreSQL', () => {
  let paid: Payment;

  it('starts without a problem and lists the sandbox accounts', async () => {
    expect(f.core.info().startupError).toBeNull();
    const accounts = await f.call<Array<{ gateway: string; builtin: string | null }>>('accounts.list', {});
    expect(accounts.map((a) => a.gateway).sort()).toEqual(['razorpay', 'stripe']);
  });

  it('makes a link, sees it paid through the webhook, and refunds part of it', async () => {
    const accounts = await f.call<Array<{ id: string; gateway: string }>>('accounts.list', {});
    const stripe = accounts.find((a) => a.gateway === 'stripe')!;
    const link = await f.call<Payment>('links.create', { accountId: stripe.id, amount: '42.50', currency: 'USD', orderRef: 'TEAM-1001', customerEmail: 'asha@example.com' });
    await f.control(`/stripe/checkout/sessions/${link.gatewayIds.sessionId}/pay`, {});
    paid = await until('paid', async () => {
      const p = await f.call<{ payment: Payment }>('payments.get', { id: link.id });
      return p.payment.status === 'paid' && p.payment;
    });
    expect(paid.capturedMinor).toBe(4250);
    await f.call('refunds.create', { paymentId: link.id, amount: '5.00', requestId: 'team-refund-1' });
    await until('refunded', async () => {
      const p = await f.call<{ payment: Payment }>('payments.get', { id: link.id });
      return p.payment.refundedMinor === 500 && p.payment;
    });
  });

  it('finds the payment by part of its order reference and email, and keeps the audit trail', async () => {
    const byRef = await f.call<{ rows: Payment[] }>('payments.list', { search: 'TEAM-10' });
    expect(byRef.rows.map((r) => r.id)).toContain(paid.id);
    const byEmail = await f.call<{ rows: Payment[] }>('payments.list', { search: 'asha@exa' });
    expect(byEmail.rows.map((r) => r.id)).toContain(paid.id);
    const audit = await f.call<{ items: Array<{ action: string }> }>('audit.list', {});
    expect(audit.items.map((a) => a.action)).toEqual(expect.arrayContaining(['link.created', 'refund.requested']));
  });

  it("exports the day's CSV from the team database: the payment and its refund", async () => {
    const day = new Date(paid.paidAt!).toISOString().slice(0, 10);
    const started = await f.call<{ exportId: string; fileName: string }>('reports.export.start', { mode: 'test', from: day, to: day, preset: 'paydesk' });
    const status = await until('the export', async () => {
      const s = await f.call<{ state: string; rows: number; error: string | null }>('reports.export.status', { exportId: started.exportId });
      if (s.state !== 'running' && s.state !== 'done') throw new Error(`export ${s.state}: ${s.error}`);
      return s.state === 'done' && s;
    });
    const rows = parse(readFileSync(exportFilePath(f.dataDir, started.exportId)!), { bom: true, columns: true }) as Record<string, string>[];
    expect(status.rows).toBe(rows.length);
    const ours = rows.filter((r) => r.order_ref === 'TEAM-1001');
    expect(ours.map((r) => r.type)).toEqual(['payment', 'refund']);
    expect(ours[0]).toMatchObject({ paydesk_id: paid.id, mode: 'test', currency: 'USD', gross: '42.50', gross_minor: '4250' });
    expect(ours[1]).toMatchObject({ gross_minor: '-500', fee_minor: '0', net_minor: '-500' });
    expect(ours[1]!.refund_id).toMatch(/^re_/);
  });

  it('keeps everything across a restart', async () => {
    await f.restart();
    const p = await f.call<{ payment: Payment }>('payments.get', { id: paid.id });
    expect(p.payment).toMatchObject({ status: 'paid', refundedMinor: 500 });
  });
});
