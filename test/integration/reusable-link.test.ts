// A reusable Stripe Payment Link paid by two customers, through core's own webhook listener and the embedded
// Paydesk Sandbox: each payment is its own row under the link, with its own customer, amount and charge;
// each is refunded on its own; the link itself stays open (it can still be paid), holds no money, and its
// drawer lists both payments. A catch-up sync of the link finds the same two payments and makes no third.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/contract';
import { startPaymentsFixture, type PaymentsFixture } from '../unit/core/payments/core-fixture';

let f: PaymentsFixture;
beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
});

/** a customer opens the link (the sandbox starts a Checkout Session, as Stripe does) and pays it */
async function payAs(url: string, name: string, email: string): Promise<string> {
  const res = await fetch(url, { redirect: 'manual' });
  const session = /\/c\/pay\/(cs_[A-Za-z0-9_]+)/.exec(res.headers.get('location') ?? '')?.[1];
  expect(session).toBeTruthy();
  const paid = await f.sb<{ status: string; payment_intent: { id: string } }>('POST', `/__sandbox/stripe/checkout/sessions/${session}/pay`, { name, email });
  expect(paid.body.status).toBe('succeeded');
  return paid.body.payment_intent.id;
}

async function childrenOf(linkId: string, n: number): Promise<Payment[]> {
  for (let i = 0; i < 100; i++) {
    await f.sb('POST', '/__sandbox/webhooks/idle');
    const d = await f.call('payments.get', { id: linkId });
    if (d.payments.length >= n && d.payments.every((p) => p.status === 'paid')) return d.payments;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`the link's ${n} payments did not arrive`);
}

describe('a reusable link paid by two customers', () => {
  it('gives two payments, each with its customer and charge, each refundable on its own', async () => {
    const link = await f.call('links.create', { accountId: f.stripeId, kind: 'payment_link', amount: '250.00', currency: 'INR', orderRef: 'REUSE-1' });
    expect(link).toMatchObject({ reusable: true, linkState: 'open', linkId: null, reference: 'REUSE-1' });
    const piA = await payAs(link.url!, 'Asha Rao', 'asha@example.com');
    const piB = await payAs(link.url!, 'Bilal Khan', 'bilal@example.com');

    const kids = await childrenOf(link.id, 2);
    expect(kids.map((k) => [k.gatewayIds.paymentId, k.customerName, k.customerEmail, k.capturedMinor, k.linkId, k.linkState, k.orderRef]).sort())
      .toEqual([
        [piA, 'Asha Rao', 'asha@example.com', 25_000, link.id, null, 'REUSE-1'],
        [piB, 'Bilal Khan', 'bilal@example.com', 25_000, link.id, null, 'REUSE-1'],
      ].sort());
    const again = await f.call('payments.get', { id: link.id });
    expect(again.payment).toMatchObject({ status: 'open', linkState: 'open', capturedMinor: 0, reusable: true, paymentCount: 2 });
    // each payment's record holds the gateway events about it; the link's holds none of theirs
    for (const k of kids) expect((await f.call('payments.get', { id: k.id })).events.map((e) => e.type)).toContain('checkout.session.completed');
    expect(again.events.map((e) => e.type)).not.toContain('checkout.session.completed');
    const listed = await f.call('payments.list', { linkId: link.id });
    expect(listed.rows.map((r) => r.id).sort()).toEqual(kids.map((k) => k.id).sort());

    // each refunded on its own, at the gateway against its own payment
    const a = kids.find((k) => k.gatewayIds.paymentId === piA)!;
    const b = kids.find((k) => k.gatewayIds.paymentId === piB)!;
    const ra = await f.call('refunds.create', { paymentId: a.id, amount: '100.00', requestId: randomUUID() });
    const rb = await f.call('refunds.create', { paymentId: b.id, requestId: randomUUID() });
    expect(ra).toMatchObject({ status: 'succeeded', amountMinor: 10_000 });
    expect(rb).toMatchObject({ status: 'succeeded', amountMinor: 25_000 });
    const stripeRefunds = await f.sb<{ data: { amount: number; payment_intent: string }[] }>('GET', '/v1/refunds?limit=100', undefined, 'stripe');
    expect(stripeRefunds.body.data.filter((r) => r.payment_intent === piA).map((r) => r.amount)).toEqual([10_000]);
    expect(stripeRefunds.body.data.filter((r) => r.payment_intent === piB).map((r) => r.amount)).toEqual([25_000]);
    await f.sb('POST', '/__sandbox/webhooks/idle');
    expect((await f.call('payments.get', { id: a.id })).payment).toMatchObject({ refundedMinor: 10_000, displayStatus: 'partially_refunded' });
    expect((await f.call('payments.get', { id: b.id })).payment).toMatchObject({ refundedMinor: 25_000, displayStatus: 'refunded' });

    // the catch-up sync reads the link's sessions and finds the same two payments
    await f.call('links.checkStatus', { id: link.id });
    expect((await f.call('payments.get', { id: link.id })).payments).toHaveLength(2);
  });
});
