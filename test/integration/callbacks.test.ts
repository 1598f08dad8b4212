// Outgoing callbacks end to end: a real core with the embedded sandbox, and the shop's receiver as a real
// HTTP server on 127.0.0.1 that answers 500 to the first delivery and 200 afterwards. A link paid in the
// sandbox reaches the receiver as a payment.paid signed as docs/callbacks.md says (checked here with that
// algorithm, not with core's code), accepted exactly once, with the same event id and body on the retry;
// a refund gives payment.refunded; a resend and a rotated secret work; a wrong secret does not verify; and the
// integration document's curl, sent to the public address, ends in one accepted payment.paid too.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallbackDelivery, CallbacksStatus, Payment } from '../../shared/contract';
import { withCore, type CoreFixture } from '../fixtures/with-core';

interface Received { headers: Record<string, string | string[] | undefined>; body: string; answered: number }

let f: CoreFixture;
let server: Server;
let url = '';
const received: Received[] = [];
let secret = '';
// how many more deliveries the receiver refuses with 500 (the very first one always is)
let failNext = 0;
// core's clock: moved forward to make a retry due without waiting its 30 seconds
let offset = 0;
const clock = { now: () => Date.now() + offset };

/** docs/callbacks.md: accept when any v1 is the HMAC of "t.body" and t is within 5 minutes */
function verify(header: string, body: string, key: string, nowS: number): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')?.[1]);
  if (!Number.isInteger(t) || Math.abs(nowS - t) > 300) return false;
  const expected = Buffer.from(createHmac('sha256', key).update(`${t}.${body}`).digest('hex'), 'hex');
  return parts.filter(([k]) => k === 'v1').some(([, v]) => {
    const got = Buffer.from(v ?? '', 'hex');
    return got.length === expected.length && timingSafeEqual(got, expected);
  });
}

async function until<T>(what: string, get: () => T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/**
 * Waits until core has recorded the refused delivery (and so when to retry it): the receiver sees the request
 * before core sees the answer, and a clock moved in between would push the retry out with it.
 */
async function failureRecorded(delivery: Received): Promise<void> {
  const id = (JSON.parse(delivery.body) as { id: string }).id;
  // the attempt is counted when it is claimed, before the answer comes: wait for the answer's record, whose retry time the clock then passes
  await until('the refusal recorded', () => {
    const row = f.core.deps!.repos.callbacks.byId(id);
    return (row?.attempts ?? 0) >= 1 && row?.last_status != null && row.next_attempt_at != null;
  });
}

const eventsOf = (type: string, paymentId: string) =>
  received.filter((r) => {
    const e = JSON.parse(r.body) as { type: string; data: { id: string } };
    return e.type === type && e.data.id === paymentId;
  });

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answered = received.length === 0 || failNext-- > 0 ? 500 : 200;
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), answered });
      res.writeHead(answered, { 'content-type': 'text/plain' }).end(answered === 500 ? 'shop is deploying' : 'ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/paydesk/callbacks?shop=1`;
  f = await withCore({ sandbox: true, clock });
}, 60_000);

afterAll(async () => {
  await f?.dispose();
  await new Promise((r) => server?.close(r));
});

const stripeId = () => f.core.deps!.repos.accounts.list().find((a) => a.builtin === 'sandbox-stripe')!.id;

describe('callbacks to the shop', () => {
  it('refuses a URL that is not https (except on this computer), naming the field', async () => {
    const r = await f.core.callUnknown('callbacks.set', { url: 'http://shop.example.com/cb' }, { transport: 'ipc' });
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'url' } });
    const r2 = await f.core.callUnknown('callbacks.set', { url: 'ftp://shop.example.com/cb' }, { transport: 'ipc' });
    expect(r2).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'url' } });
  });

  it('the first URL makes a secret shown once; get shows only its last four', async () => {
    const set = await f.call<{ status: CallbacksStatus; created: { secret: string } | null }>('callbacks.set', { url });
    expect(set.created?.secret).toMatch(/^pdcb_/);
    secret = set.created!.secret;
    const got = await f.call<CallbacksStatus>('callbacks.get', {});
    expect(got).toMatchObject({ url, enabled: true, secretLast4: secret.slice(-4) });
    expect(JSON.stringify(got)).not.toContain(secret);
    const again = await f.call<{ created: unknown }>('callbacks.set', { url });
    expect(again.created).toBeNull();
  });

  let paid: Payment;
  let eventId = '';
  it('a payment paid in the sandbox reaches the shop as one signed payment.paid, retried after a 500', async () => {
    paid = await f.call<Payment>('links.create', { accountId: stripeId(), amount: '42.00', currency: 'USD', orderRef: 'CB-1' });
    await f.control(`/stripe/checkout/sessions/${paid.gatewayIds.sessionId}/pay`, {});
    const first = await until('the first delivery', () => eventsOf('payment.paid', paid.id)[0]);
    expect(first.answered).toBe(500);
    expect(first.headers['content-type']).toBe('application/json');
    expect(first.headers['user-agent']).toBe('Paydesk-Callbacks/1');

    await failureRecorded(first);
    offset += 60_000;
    await f.core.deps!.callbacks.flush();
    const [a, b] = await until('the retry', () => { const l = eventsOf('payment.paid', paid.id); return l.length >= 2 && l; });
    expect(b!.answered).toBe(200);
    expect(b!.body).toBe(a!.body);
    const event = JSON.parse(b!.body) as { id: string; type: string; livemode: boolean; data: Record<string, unknown> };
    eventId = event.id;
    expect(event).toMatchObject({ type: 'payment.paid', livemode: false, data: { id: paid.id, order_id: 'CB-1', status: 'paid', amount: 4200, currency: 'usd', session_id: paid.gatewayIds.sessionId } });
    const header = String(b!.headers['paydesk-signature']);
    expect(header).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    expect(header).not.toBe(String(a!.headers['paydesk-signature']));
    expect(verify(header, b!.body, secret, Math.floor(clock.now() / 1000))).toBe(true);
    expect(verify(header, b!.body, 'pdcb_wrong_secret', Math.floor(clock.now() / 1000))).toBe(false);
    expect(verify(header, b!.body.replace('CB-1', 'CB-2'), secret, Math.floor(clock.now() / 1000))).toBe(false);
    // back to the wall clock: the sandbox refuses a session whose expiry looks more than 24 h away
    offset = 0;
  });

  it('the fact is sent once: announcing again, a later run and a restart add no delivery', async () => {
    f.core.deps!.announcePayment(paid.id);
    await f.core.deps!.callbacks.flush();
    await f.restart();
    await f.core.deps!.callbacks.flush();
    expect(eventsOf('payment.paid', paid.id).filter((r) => r.answered === 200)).toHaveLength(1);
    expect(eventsOf('payment.paid', paid.id)).toHaveLength(2);
    const log = await f.call<CallbackDelivery[]>('callbacks.deliveries', {});
    expect(log.filter((e) => e.paymentId === paid.id && e.type === 'payment.paid')).toEqual([
      expect.objectContaining({ id: eventId, status: 'delivered', attempts: 2, lastStatus: 200, orderId: 'CB-1', lastError: null }),
    ]);
    const attempts = f.core.deps!.repos.callbacks.attemptsOf(eventId);
    expect(attempts.map((x) => x.http_status)).toEqual([500, 200]);
    expect(attempts[0]!.error).toContain('shop is deploying');
  });

  it('a refund gives payment.refunded with the refund', async () => {
    await f.call('refunds.create', { paymentId: paid.id, amount: '5.00', requestId: 'req_cb_1' });
    const r = await until('payment.refunded', () => eventsOf('payment.refunded', paid.id)[0], 30_000);
    const event = JSON.parse(r.body) as { id: string; data: { refund: { amount: number; currency: string; id: string }; amount_refunded: number } };
    expect(event.id).not.toBe(eventId);
    expect(event.data.refund).toMatchObject({ amount: 500, currency: 'usd' });
    expect(event.data.amount_refunded).toBe(500);
    expect(verify(String(r.headers['paydesk-signature']), r.body, secret, Math.floor(clock.now() / 1000))).toBe(true);
  });

  it('resend delivers the same event again, even though it was delivered', async () => {
    const before = eventsOf('payment.paid', paid.id).length;
    const out = await f.call<CallbackDelivery>('callbacks.resend', { id: eventId });
    expect(out.id).toBe(eventId);
    const l = await until('the resend', () => { const x = eventsOf('payment.paid', paid.id); return x.length > before && x; });
    expect(JSON.parse(l.at(-1)!.body).id).toBe(eventId);
    await until('delivered again', () => f.core.deps!.repos.callbacks.byId(eventId)?.attempts === 3);
    expect(f.core.deps!.repos.callbacks.byId(eventId)).toMatchObject({ status: 'delivered', last_status: 200 });
  });

  it('after a rotation both secrets sign until the overlap ends', async () => {
    const rotated = await f.call<{ created: { secret: string; previousSignsUntil: number } }>('callbacks.rotateSecret', {});
    const fresh = rotated.created.secret;
    expect(fresh).not.toBe(secret);
    expect(rotated.created.previousSignsUntil).toBeGreaterThan(clock.now() + 23 * 3_600_000);
    const before = received.length;
    await f.call('callbacks.resend', { id: eventId });
    const r = await until('the signed resend', () => received.length > before && received.at(-1));
    const header = String(r.headers['paydesk-signature']);
    expect(header.match(/v1=/g)).toHaveLength(2);
    const nowS = Math.floor(clock.now() / 1000);
    expect(verify(header, r.body, fresh, nowS)).toBe(true);
    expect(verify(header, r.body, secret, nowS)).toBe(true);
    expect(verify(header, r.body, 'pdcb_wrong', nowS)).toBe(false);
    // the audit log keeps the address without its query string, and never a secret
    const audit = f.core.deps!.db.prepare("SELECT details FROM audit_log WHERE subject_type IN ('callbacks', 'callback_event')").pluck().all() as string[];
    expect(audit.length).toBeGreaterThanOrEqual(4);
    expect(audit.join('\n')).not.toMatch(/pdcb_|shop=1/);
  });

  it('a declined card gives payment.failed and an expired link gives link.expired', async () => {
    const failing = await f.call<Payment>('links.create', { accountId: stripeId(), amount: '3.00', currency: 'USD', orderRef: 'CB-FAIL' });
    await f.control(`/stripe/checkout/sessions/${failing.gatewayIds.sessionId}/fail`, {});
    const failed = await until('payment.failed', () => eventsOf('payment.failed', failing.id)[0]);
    expect(JSON.parse(failed.body)).toMatchObject({ type: 'payment.failed', data: { order_id: 'CB-FAIL', status: 'failed' } });

    const expiring = await f.call<Payment>('links.create', { accountId: stripeId(), amount: '4.00', currency: 'USD', orderRef: 'CB-EXP' });
    await f.control(`/stripe/checkout/sessions/${expiring.gatewayIds.sessionId}/expire`, {});
    const expired = await until('link.expired', () => eventsOf('link.expired', expiring.id)[0]);
    expect(JSON.parse(expired.body)).toMatchObject({ type: 'link.expired', data: { order_id: 'CB-EXP', status: 'expired' } });
  });

  it('a fact committed but never queued (a crash before the announcement) is caught up at start', async () => {
    const p = await f.call<Payment>('links.create', { accountId: stripeId(), amount: '6.00', currency: 'USD', orderRef: 'CB-SWEEP' });
    await f.control(`/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    await until('the first payment.paid', () => eventsOf('payment.paid', p.id)[0]);
    const firstId = (JSON.parse(eventsOf('payment.paid', p.id)[0]!.body) as { id: string }).id;
    f.core.deps!.db.prepare('DELETE FROM callback_events WHERE payment_id = ?').run(p.id);
    await f.restart();
    const again = await until('the caught-up payment.paid', () => eventsOf('payment.paid', p.id)[1]);
    expect(JSON.parse(again.body)).toMatchObject({ type: 'payment.paid', data: { id: p.id, order_id: 'CB-SWEEP' } });
    expect(JSON.parse(again.body).id).not.toBe(firstId);
  });

  it("the integration document's curl through the public address: the status turns paid, and the shop is told once after a 500", async () => {
    await f.call('api.enable', { port: 0 });
    const token = (await f.call<{ secret: string }>('api.tokens.create', { name: 'Shop website' })).secret;
    // the "URL I run myself" pointing at the edge listener stands in for the tunnel
    const edge = `http://127.0.0.1:${f.core.deps!.runtime.webhookListenerPort}`;
    await f.call('tunnel.start', { provider: 'own', ownUrl: edge });
    const auth = { authorization: `Bearer ${token}` };
    const res = await fetch(`${edge}/api/payments/stripe/checkout`, { method: 'POST', headers: { ...auth, 'content-type': 'application/x-www-form-urlencoded' }, body: '{"order_id":"ORD123","amount":5000,"currency":"usd"}' });
    const created = (await res.json()) as { id: string; session_id: string; checkout_url: string };
    expect(res.status, JSON.stringify(created)).toBe(201);

    failNext = 1;
    await f.control(`/stripe/checkout/sessions/${created.session_id}/pay`, {});
    const status = (await (await fetch(`${edge}/api/payments/stripe/status/${created.id}`, { headers: auth })).json()) as { status: string };
    expect(status.status).toBe('paid');
    const first = await until('the first delivery', () => eventsOf('payment.paid', created.id)[0]);
    expect(first.answered).toBe(500);
    await failureRecorded(first);
    offset += 60_000;
    await f.core.deps!.callbacks.flush();
    const accepted = await until('the accepted retry', () => eventsOf('payment.paid', created.id).find((r) => r.answered === 200));
    // the first secret, rotated above, still signs beside the new one until the overlap ends
    expect(verify(String(accepted.headers['paydesk-signature']), accepted.body, secret, Math.floor(clock.now() / 1000))).toBe(true);
    expect(JSON.parse(accepted.body)).toMatchObject({ type: 'payment.paid', data: { id: created.id, order_id: 'ORD123', amount: 5000 } });
    offset = 0;
    await f.core.deps!.callbacks.flush();
    expect(eventsOf('payment.paid', created.id).filter((r) => r.answered === 200)).toHaveLength(1);
  });

  it('switched off, nothing more is queued', async () => {
    await f.call('callbacks.set', { url: null });
    const p = await f.call<Payment>('links.create', { accountId: stripeId(), amount: '7.00', currency: 'USD', orderRef: 'CB-OFF' });
    await f.control(`/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`, {});
    await until('paid', () => f.core.deps!.repos.payments.byId(p.id)?.status === 'paid');
    expect(f.core.deps!.repos.callbacks.exists('payment.paid', p.id)).toBe(false);
  });
});
