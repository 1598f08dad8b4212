// Razorpay links and orders carry the shop's order reference where the customer and the recon file see it
// (reference_id / receipt), Paydesk's id in notes.paydesk_id; webhooks, the hosted pages and the settlement
// recon all work from that. Core + the real Paydesk Sandbox (startPaymentsFixture).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/contract';
import type { CoreEvent } from '../../electron/core/types';
import { normalizeRazorpay } from '../../electron/core/gateways/razorpay/webhooks-normalize';
import type { RazorpayWebhookEvent } from '../../electron/core/gateways/razorpay/types';
import { startPaymentsFixture, type PaymentsFixture } from '../unit/core/payments/core-fixture';

let f: PaymentsFixture;
let n = 0;
const ref = (p: string) => `${p}-${Date.now().toString(36)}-${++n}`;

beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
});

interface RzpLink { id: string; reference_id: string; notes: Record<string, string>; short_url: string; status: string }
interface RzpOrder { id: string; receipt: string | null; notes: Record<string, string> }

const rzpLink = async (id: string) => (await f.sb<RzpLink>('GET', `/v1/payment_links/${id}`, undefined, 'razorpay')).body;
const rzpOrder = async (id: string) => (await f.sb<RzpOrder>('GET', `/v1/orders/${id}`, undefined, 'razorpay')).body;
const create = (orderRef: string, kind?: 'order') =>
  f.call('links.create', { accountId: f.razorpayId, amount: '499.00', currency: 'INR', orderRef, description: 'Masala chai', ...(kind ? { kind } : {}) });

function paidEvent(p: Payment): Promise<CoreEvent> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error(`no payment.changed to paid for ${p.orderRef}`));
    }, 20_000);
    const off = f.core.onEvent((e) => {
      if (e.name === 'payment.changed' && e.payload.id === p.id && e.payload.status === 'paid') {
        clearTimeout(t);
        off();
        resolve(e);
      }
    });
  });
}

describe('what Razorpay is sent', () => {
  it('a Payment Link: reference_id = the order reference, Paydesk id in notes; its hosted page shows the reference', async () => {
    const orderRef = ref('ORD');
    const p = await create(orderRef);
    const l = await rzpLink(p.gatewayIds.plinkId!);
    expect(l.reference_id).toBe(orderRef);
    expect(l.notes).toMatchObject({ paydesk_id: p.id, order_ref: orderRef });
    const page = await (await fetch(p.url!)).text();
    expect(page).toContain(`<span>Reference</span><b>${orderRef}</b>`);
    expect(page).not.toContain(p.id);
  });

  it('an Order: receipt = the order reference, Paydesk id in notes; its checkout page shows the reference', async () => {
    const orderRef = ref('ORD');
    const p = await create(orderRef, 'order');
    const o = await rzpOrder(p.gatewayIds.orderId!);
    expect(o.receipt).toBe(orderRef);
    expect(o.notes).toMatchObject({ paydesk_id: p.id, order_ref: orderRef });
    // Checkout's page (the sandbox's, which the pay page opens) shows the reference, not Paydesk's id
    const page = await (await fetch(`${new URL(f.sandbox.url).origin}/rzp/checkout/${p.gatewayIds.orderId!}`)).text();
    expect(page).toContain(`Order ${orderRef}`);
    expect(page).not.toContain(p.id);
    // so does Paydesk's pay page the order is shared as
    expect(await (await fetch(p.url!)).text()).toContain(`<dt>Order</dt><dd>${orderRef}</dd>`);
  });

  it('Razorpay refuses a reused reference_id; a reference taken outside Paydesk is refused at the order reference', async () => {
    const orderRef = ref('EXT');
    const outside = await f.sb('POST', '/v1/payment_links', { amount: 1000, currency: 'INR', reference_id: orderRef }, 'razorpay');
    expect(outside.status).toBe(200);
    const again = await f.sb<{ error: { code: string; description: string; field: string } }>('POST', '/v1/payment_links', { amount: 1000, currency: 'INR', reference_id: orderRef }, 'razorpay');
    expect(again.status).toBe(400);
    expect(again.body.error).toMatchObject({ code: 'BAD_REQUEST_ERROR', description: 'payment link creation with reference ID already attempted', field: 'reference_id' });
    const e = await f.fail('links.create', { accountId: f.razorpayId, amount: '10.00', currency: 'INR', orderRef });
    expect(e.field).toBe('orderRef');
    expect(e.message).toMatch(new RegExp(`Razorpay already has a payment link with the reference ${orderRef}`));
  });

  it('a second attempt after a cancelled one goes out as ORD…/2 (the first reference stays taken at Razorpay)', async () => {
    const orderRef = ref('ORD');
    const first = await create(orderRef);
    await f.call('links.cancel', { id: first.id });
    const second = await create(orderRef);
    expect(second.id).not.toBe(first.id);
    const l = await rzpLink(second.gatewayIds.plinkId!);
    expect(l).toMatchObject({ reference_id: `${orderRef}/2`, notes: { paydesk_id: second.id, order_ref: orderRef } });
    const page = await (await fetch(second.url!)).text();
    expect(page).toContain(`<b>${orderRef}/2</b>`);
  });
});

describe('matching what Razorpay says back', () => {
  it('webhook facts name the payment by notes.paydesk_id, never by the reference', () => {
    const link = { id: 'plink_X', entity: 'payment_link', amount: 100, amount_paid: 0, currency: 'INR', reference_id: 'ORD-2001', status: 'cancelled', notes: { paydesk_id: 'pd_abc', order_ref: 'ORD-2001' }, created_at: 1 };
    const ev = (event: string, payload: unknown) => ({ entity: 'event', account_id: 'acc_1', event, contains: [], payload, created_at: 2 }) as unknown as RazorpayWebhookEvent;
    expect(normalizeRazorpay(ev('payment_link.cancelled', { payment_link: { entity: link } })).ref).toEqual({ paydeskId: 'pd_abc', ids: { plinkId: 'plink_X' } });
    const order = { id: 'order_X', entity: 'order', amount: 100, amount_paid: 100, amount_due: 0, currency: 'INR', receipt: 'ORD-2001', status: 'paid', notes: { paydesk_id: 'pd_abc' }, created_at: 1 };
    expect(normalizeRazorpay(ev('order.paid', { order: { entity: order } })).ref?.paydeskId).toBe('pd_abc');
    // a link made outside Paydesk: no notes, and its reference is not taken for a Paydesk id
    const outside = normalizeRazorpay(ev('payment_link.cancelled', { payment_link: { entity: { ...link, notes: [] } } }));
    expect(outside.ref).toEqual({ paydeskId: null, ids: { plinkId: 'plink_X' } });
  });

  it('a paid link and a paid order are matched by their webhooks, and the settlement recon carries the order reference', async () => {
    const linkRef = ref('ORD');
    const orderRef = ref('ORD');
    const link = await create(linkRef);
    const order = await create(orderRef, 'order');
    const linkPaid = paidEvent(link);
    const orderPaid = paidEvent(order);
    await f.sb('POST', `/__sandbox/razorpay/payment_links/${link.gatewayIds.plinkId}/pay`, { vpa: 'success@razorpay' });
    await f.sb('POST', `/__sandbox/razorpay/orders/${order.gatewayIds.orderId}/pay`, { vpa: 'success@razorpay' });
    await Promise.all([linkPaid, orderPaid]);
    await f.sb('POST', '/__sandbox/webhooks/idle');
    for (const p of [link, order]) {
      const d = await f.call('payments.get', { id: p.id });
      expect(d.payment).toMatchObject({ status: 'paid', capturedMinor: 49900, orderRef: p.orderRef });
      expect(d.timeline.some((t) => t.source === 'webhook' && t.kind === 'captured')).toBe(true);
    }

    const settled = await f.sb<{ id: string }>('POST', '/__sandbox/razorpay/settlements', { currency: 'INR' });
    expect(settled.status).toBe(200);
    const day = new Date(Date.now() + 19_800_000);
    const q = `year=${day.getUTCFullYear()}&month=${day.getUTCMonth() + 1}&day=${day.getUTCDate()}&count=1000`;
    const recon = await f.sb<{ items: { type: string; order_id: string | null; order_receipt: string | null; notes: string }[] }>('GET', `/v1/settlements/recon/combined?${q}`, undefined, 'razorpay');
    const rowOf = (p: Payment) => recon.body.items.find((r) => r.type === 'payment' && r.order_id === p.gatewayIds.orderId);
    expect(rowOf(order)?.order_receipt).toBe(orderRef);
    const linkRow = recon.body.items.find((r) => r.type === 'payment' && r.notes.includes(link.id));
    expect(linkRow?.order_receipt).toBe(linkRef);
    expect(recon.body.items.map((r) => r.order_receipt)).not.toContain(link.id);

    // core's own recon reading finds both payments (by payment id, order id or notes.paydesk_id)
    await f.call('reports.refresh', { accountId: f.razorpayId });
    const items = f.core.deps!.db.prepare(`SELECT payment_id FROM settlement_items WHERE payment_id IN (?, ?) AND kind = 'payment'`).all(link.id, order.id) as { payment_id: string }[];
    expect(items.map((i) => i.payment_id).sort()).toEqual([link.id, order.id].sort());
  });
});
