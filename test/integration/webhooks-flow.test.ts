// The whole flow with core's own webhook listener: createCore + the embedded sandbox. Core registers its
// listener with the sandbox on start (Stripe through webhook_endpoints, Razorpay through the control API),
// a link paid through the sandbox's control API turns paid by the signed webhook alone, `payment.changed`
// is pushed; a forged webhook is refused and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CoreEvent } from '../../electron/core/types';
import { startPaymentsFixture, type PaymentsFixture } from '../unit/core/payments/core-fixture';

let f: PaymentsFixture;
beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
});

/** resolves with the first core event that matches (events are pushed, never polled) */
function nextEvent(pred: (e: CoreEvent) => boolean, timeoutMs = 20_000): Promise<CoreEvent> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      off();
      reject(new Error('timed out waiting for a core event'));
    }, timeoutMs);
    const off = f.core.onEvent((e) => {
      if (pred(e)) {
        clearTimeout(t);
        off();
        resolve(e);
      }
    });
  });
}

const listenerUrl = () => `http://127.0.0.1:${f.core.deps!.runtime.webhookListenerPort}`;

describe('webhooks into core', () => {
  it('core registered its listener with the sandbox for both sandbox accounts, secrets in the vault', async () => {
    const port = f.core.deps!.runtime.webhookListenerPort;
    expect(port).toBeGreaterThan(0);
    const eps = await f.sb<{ data: { url: string; status: string }[] }>('GET', '/v1/webhook_endpoints', undefined, 'stripe');
    expect(eps.body.data.map((e) => e.url)).toEqual([`${listenerUrl()}/webhooks/stripe/${f.stripeId}`]);
    const targets = await f.sb<{ data: { url: string; gateway: string }[] }>('GET', '/__sandbox/webhooks/targets?gateway=razorpay');
    expect(targets.body.data.map((t) => t.url)).toEqual([`${listenerUrl()}/webhooks/razorpay/${f.razorpayId}`]);
    const accounts = await f.call('accounts.list', {});
    for (const a of accounts.filter((x) => x.sandbox)) expect(a.webhookSecret.configured).toBe(true);
  });

  it('a restart updates the registration instead of piling up endpoints', async () => {
    await f.restart();
    const eps = await f.sb<{ data: { url: string }[] }>('GET', '/v1/webhook_endpoints', undefined, 'stripe');
    expect(eps.body.data).toHaveLength(1);
    expect(eps.body.data[0]!.url).toBe(`${listenerUrl()}/webhooks/stripe/${f.stripeId}`);
    const targets = await f.sb<{ data: unknown[] }>('GET', '/__sandbox/webhooks/targets?gateway=razorpay');
    expect(targets.body.data).toHaveLength(1);
  });

  it('Stripe: paid through the sandbox -> the signed webhook turns it paid, payment.changed pushed', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '42.00', currency: 'USD', orderRef: 'FLOW-1' });
    const paid = nextEvent((e) => e.name === 'payment.changed' && e.payload.id === p.id && e.payload.status === 'paid');
    const r = await f.sb<{ status: string }>('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    expect(r.body.status).toBe('succeeded');
    const pushed = await paid;
    // the event carries the payment as the screens show it, so no consumer fetches it again
    expect(pushed.name === 'payment.changed' && pushed.payload.payment).toMatchObject({ id: p.id, status: 'paid', capturedMinor: 4200, orderRef: 'FLOW-1', currency: 'USD' });
    await f.sb('POST', '/__sandbox/webhooks/idle');
    const d = await f.call('payments.get', { id: p.id });
    expect(d.payment).toMatchObject({ status: 'paid', capturedMinor: 4200 });
    expect(d.timeline.some((t) => t.source === 'webhook' && t.kind === 'captured')).toBe(true);
    expect(d.events.map((e) => e.type)).toEqual(expect.arrayContaining(['checkout.session.completed']));
    expect(d.events.every((e) => !e.body.includes('whsec_') && !e.body.includes('sk_test_'))).toBe(true);
  });

  it('a forged webhook is refused (400) and changes nothing', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '9.00', currency: 'USD', orderRef: 'FLOW-FORGED' });
    const forged = JSON.stringify({
      id: 'evt_forged_1', object: 'event', type: 'checkout.session.completed', created: Math.floor(Date.now() / 1000), livemode: false,
      data: { object: { id: p.gatewayIds.sessionId, object: 'checkout.session', client_reference_id: p.id, payment_status: 'paid', status: 'complete', amount_total: 900, metadata: { paydesk_id: p.id } } },
    });
    const t = Math.floor(Date.now() / 1000);
    const res = await fetch(`${listenerUrl()}/webhooks/stripe/${f.stripeId}`, {
      method: 'POST', headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${'ab'.repeat(32)}` }, body: forged,
    });
    expect(res.status).toBe(400);
    const rzp = await fetch(`${listenerUrl()}/webhooks/razorpay/${f.razorpayId}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"event":"payment.captured"}' });
    expect(rzp.status).toBe(400);
    const d = await f.call('payments.get', { id: p.id });
    expect(d.payment.status).toBe('open');
    expect(d.events).toEqual([]);
    const sec = f.core.deps!.sql.prepare('SELECT coalesce(sum(count), 0) AS n FROM security_events').get() as { n: number };
    expect(sec.n).toBeGreaterThanOrEqual(2);
  });

  it('Razorpay link paid with success@razorpay -> paid by webhook, counted once', async () => {
    const p = await f.call('links.create', { accountId: f.razorpayId, amount: '250.00', currency: 'INR', orderRef: 'FLOW-R1', customerEmail: 'r@example.com' });
    const paid = nextEvent((e) => e.name === 'payment.changed' && e.payload.id === p.id && e.payload.status === 'paid');
    await f.sb('POST', `/__sandbox/razorpay/payment_links/${p.gatewayIds.plinkId}/pay`, { vpa: 'success@razorpay' });
    await paid;
    await f.sb('POST', '/__sandbox/webhooks/idle');
    const d = await f.call('payments.get', { id: p.id });
    expect(d.payment).toMatchObject({ status: 'paid', capturedMinor: 25000 });
    expect(d.payment.feeMinor).toBeGreaterThan(0);
    expect(d.events.map((e) => e.type)).toEqual(expect.arrayContaining(['payment_link.paid', 'payment.captured']));
  });

  it('a new Razorpay secret (Webhooks screen) is what the sandbox signs with from then on: no refusals, no restart', async () => {
    const refused = (): number => (f.core.deps!.sql.prepare("SELECT coalesce(sum(count), 0) AS n FROM security_events WHERE kind = 'bad_signature' AND gateway = 'razorpay'").get() as { n: number }).n;
    const before = refused();
    const s = await f.call('webhooks.razorpaySecret', { accountId: f.razorpayId });
    expect(s.secret).toHaveLength(43);
    const p = await f.call('links.create', { accountId: f.razorpayId, amount: '75.00', currency: 'INR', orderRef: 'FLOW-R-NEWSECRET' });
    const paid = nextEvent((e) => e.name === 'payment.changed' && e.payload.id === p.id && e.payload.status === 'paid');
    await f.sb('POST', `/__sandbox/razorpay/payment_links/${p.gatewayIds.plinkId}/pay`, { vpa: 'success@razorpay' });
    await paid;
    await f.sb('POST', '/__sandbox/webhooks/idle');
    expect(refused()).toBe(before);
    const d = await f.call('payments.get', { id: p.id });
    expect(d.events.map((e) => e.type)).toEqual(expect.arrayContaining(['payment_link.paid']));
  });

  it('a payment made while the listener was down is caught up on restart', async () => {
    const p = await f.call('links.create', { accountId: f.stripeId, amount: '13.00', currency: 'USD', orderRef: 'FLOW-DOWN' });
    // stop delivering: point the endpoint at a closed port, pay, then restart core (re-registers and syncs)
    const eps = await f.sb<{ data: { id: string }[] }>('GET', '/v1/webhook_endpoints', undefined, 'stripe');
    await f.sb('POST', `/__sandbox/webhooks/targets/${eps.body.data[0]!.id}/chaos`, { dropFirst: 100 });
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    await f.restart();
    const d = await f.call('payments.get', { id: p.id });
    expect(d.payment.status).toBe('paid');
    await f.sb('POST', `/__sandbox/webhooks/targets/${eps.body.data[0]!.id}/chaos`, { dropFirst: 0 });
  });

  it('the API port can never be the webhook listener port', async () => {
    const e = await f.fail('api.enable', { port: f.core.deps!.runtime.webhookListenerPort! });
    expect(e.field).toBe('port');
  });
});
