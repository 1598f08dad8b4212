// The catch-up sync against the real sandbox with NO webhook delivered (the sandbox has no target for
// core's listener): paid, failed, expired are learnt from the gateway; nothing moves backwards; facts
// learnt twice count once.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { applyFacts } from '../../../../electron/core/payments/apply';
import type { PaymentRow } from '../../../../electron/core/store/repos/payments';
import { startPaymentsFixture, type PaymentsFixture } from './core-fixture';

let f: PaymentsFixture;
let n = 0;
const ref = () => `SYNC-${Date.now().toString(36)}-${++n}`;

/** "listener off": remove every webhook target the sandbox has, so nothing is delivered */
async function webhooksOff(): Promise<void> {
  const t = await f.sb<{ data?: { id: string; gateway: string }[]; targets?: { id: string; gateway: string }[] }>('GET', '/__sandbox/webhooks/targets');
  const list = t.body.data ?? t.body.targets ?? [];
  for (const target of list) {
    if (target.gateway === 'stripe') await f.sb('DELETE', `/v1/webhook_endpoints/${target.id}`, undefined, 'stripe');
    else await f.sb('DELETE', `/__sandbox/webhooks/targets/${target.id}`);
  }
}

beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
});
beforeEach(async () => {
  await webhooksOff();
});

const received = () => f.core.deps!.db.prepare('SELECT count(*) AS n FROM webhook_events').get() as { n: number };

describe('sync without webhooks', () => {
  it('Stripe: paid through the control API -> Check status marks it paid, with the fee', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '25.00', currency: 'USD', orderRef: ref() });
    const paid = await f.sb<{ status: string }>('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    expect(paid.body.status).toBe('succeeded');
    expect((await f.call('payments.get', { id: p.id })).payment.status).toBe('open');
    const before = received().n;
    const checked = await f.call('links.checkStatus', { id: p.id });
    expect(checked).toMatchObject({ status: 'paid', capturedMinor: 2500 });
    expect(checked.paidAt).not.toBeNull();
    expect(checked.feeMinor).toBe(Math.round((2500 * 290) / 10000) + 30);
    expect(checked.gatewayIds.paymentIntentId).toMatch(/^pi_/);
    expect(received().n).toBe(before); // learnt by sync, not by a webhook
    expect(f.events.some((e) => e.name === 'payment.changed' && e.payload.id === p.id && e.payload.status === 'paid')).toBe(true);
    const detail = await f.call('payments.get', { id: p.id });
    expect(detail.timeline.some((t) => t.kind === 'captured' && t.source === 'sync')).toBe(true);
  });

  it('Stripe: a declined attempt shows failed with the reason, then a later success wins', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '10.00', currency: 'USD', orderRef: ref() });
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/fail`, { card: '4000000000009995' });
    const failed = await f.call('links.checkStatus', { id: p.id });
    expect(failed.status).toBe('failed');
    expect(failed.statusReason).toMatch(/insufficient_funds/);
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    expect((await f.call('links.checkStatus', { id: p.id })).status).toBe('paid');
  });

  it('Stripe: a declined try that every status check reports again is one entry and one failed attempt', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '12.00', currency: 'USD', orderRef: ref() });
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/fail`, { card: '4000000000000002' });
    for (let i = 0; i < 3; i++) await f.call('links.checkStatus', { id: p.id });
    const d = await f.call('payments.get', { id: p.id });
    expect(d.payment.failedAttempts).toBe(1);
    expect(d.timeline.filter((t) => t.kind === 'attempt_failed')).toHaveLength(1);
    // a second declined card on the same link is a second try
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/fail`, { card: '4000000000000002' });
    await f.call('links.checkStatus', { id: p.id });
    expect((await f.call('payments.get', { id: p.id })).payment.failedAttempts).toBe(2);
  });

  it('the periodic run (syncAll) catches up Razorpay links and orders, with fee, tax and the payer', async () => {
    const link = await f.call('links.create', { accountId: f.razorpayId, amount: '500.00', currency: 'INR', orderRef: ref() });
    const order = await f.call('links.create', { accountId: f.razorpayId, kind: 'order', amount: '300.00', currency: 'INR', orderRef: ref() });
    const a = await f.sb<{ payment: { status: string } }>('POST', `/__sandbox/razorpay/payment_links/${link.gatewayIds.plinkId}/pay`, { vpa: 'success@razorpay', email: 'link.payer@example.com', contact: '+919900000001' });
    expect(a.body.payment.status).toBe('captured');
    await f.sb('POST', `/__sandbox/razorpay/orders/${order.gatewayIds.orderId}/pay`, { email: 'order.payer@example.com' });
    const report = await f.core.deps!.payments.sync.syncAll('test');
    expect(report.errors).toEqual([]);
    const l = (await f.call('payments.get', { id: link.id })).payment;
    expect(l).toMatchObject({ status: 'paid', capturedMinor: 50000 });
    expect(l.gatewayIds.paymentId).toMatch(/^pay_/);
    expect(l.feeMinor).toBeGreaterThan(0);
    expect(l.taxMinor).toBeGreaterThan(0);
    const o = (await f.call('payments.get', { id: order.id })).payment;
    expect(o).toMatchObject({ status: 'paid', capturedMinor: 30000 });
    // the payer as a webhook would have named them, learnt without one
    expect(l).toMatchObject({ customerEmail: 'link.payer@example.com', customerPhone: '+919900000001' });
    expect(o.customerEmail).toBe('order.payer@example.com');
  });

  it('expiry through the sandbox clock -> expired (Stripe session and Razorpay link)', async () => {
    const s = await f.call('links.create', { accountId: f.stripeId, amount: '5.00', currency: 'USD', orderRef: ref(), expiresInMinutes: 40 });
    const r = await f.call('links.create', { accountId: f.razorpayId, amount: '5.00', currency: 'INR', orderRef: ref(), expiresInMinutes: 20 });
    await f.sb('POST', '/__sandbox/clock/advance', { seconds: 45 * 60 });
    await f.core.deps!.payments.sync.syncAll('test');
    expect((await f.call('payments.get', { id: s.id })).payment.status).toBe('expired');
    expect((await f.call('payments.get', { id: r.id })).payment.status).toBe('expired');
  });

  it('never backwards: a paid payment stays paid whatever comes later; a fact learnt twice counts once', async () => {
    const p = await f.call('links.create', { accountId: f.razorpayId, amount: '100.00', currency: 'INR', orderRef: ref() });
    await f.sb('POST', `/__sandbox/razorpay/payment_links/${p.gatewayIds.plinkId}/pay`, {});
    const sync = f.core.deps!.payments.sync;
    await sync.syncPayment(p.id);
    await sync.syncPayment(p.id);
    const d = f.core.deps!;
    const row = d.db.prepare('SELECT * FROM payments WHERE id = ?').get(p.id) as PaymentRow;
    const now = Date.now();
    d.store.transaction(() => applyFacts(d.store.repos.payments, row, [{ type: 'expired', at: now }, { type: 'opened', at: now }, { type: 'attempt_failed', at: now, reason: 'late' }], { source: 'sync', gatewayType: null, now }));
    await f.sb('POST', '/__sandbox/clock/advance', { seconds: 3600 });
    await sync.syncPayment(p.id);
    const detail = await f.call('payments.get', { id: p.id });
    expect(detail.payment).toMatchObject({ status: 'paid', capturedMinor: 10000 });
    expect(detail.timeline.filter((t) => t.kind === 'captured')).toHaveLength(1);
  });

  it('Stripe events since the cursor: a payment made while nothing was watching is found by syncAll', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '7.00', currency: 'USD', orderRef: ref() });
    const sync = f.core.deps!.payments.sync;
    await sync.syncAll('before');
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    const r = await sync.syncAll('after');
    expect(r.changed).toBeGreaterThan(0);
    expect((await f.call('payments.get', { id: p.id })).payment.status).toBe('paid');
    const cursor = f.core.deps!.db.prepare("SELECT value FROM settings WHERE key = ?").get(`sync.stripe.cursor.${f.stripeId}`) as { value: string } | undefined;
    expect(cursor).toBeDefined();
    // a second run applies nothing again
    const again = await sync.syncAll('again');
    expect(again.changed).toBe(0);
  });
});
