// The Stripe half of Paydesk Sandbox, driven through the official `stripe` SDK as the app drives Stripe.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Stripe from 'stripe';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, sandboxControl, type RunningSandbox } from '../../sandbox/index.js';

const DAY = 24 * 60 * 60 * 1000;

function sdk(sb: RunningSandbox, key = sb.keys.STRIPE_SECRET_KEY, maxNetworkRetries = 2): Stripe {
  const url = new URL(sb.url);
  return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries });
}

async function control(sb: RunningSandbox, path: string, body?: unknown, method: 'GET' | 'POST' | 'DELETE' = 'POST'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await sandboxControl(sb.url, sb.controlToken).request<Record<string, unknown>>(method, path, body);
  return { status: res.status, json: res.body };
}

interface Received { body: string; headers: IncomingHttpHeaders }

/** A local webhook receiver; `failFirst` answers 500 to that many requests first. */
async function receiver(failFirst = 0): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  let failures = failFirst;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end();
        return;
      }
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

async function paidSession(sb: RunningSandbox, stripe: Stripe, amount = 2500, currency = 'usd') {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://merchant.test/ok?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://merchant.test/cancel',
    line_items: [{ quantity: 1, price_data: { currency, unit_amount: amount, product_data: { name: 'Consultation' } } }],
    customer_email: 'payer@example.com',
  });
  const paid = await control(sb, `/__sandbox/stripe/checkout/sessions/${session.id}/pay`, {});
  expect(paid.json.status).toBe('succeeded');
  const pi = paid.json.payment_intent as Stripe.PaymentIntent;
  return { session, pi };
}

let sb: RunningSandbox;
let stripe: Stripe;
const cleanups: Array<() => Promise<void>> = [];

beforeEach(async () => {
  sb = await createSandbox({ port: 0, webhookRetryScheduleMs: [20, 40, 80], webhookTimeoutMs: 2000 });
  stripe = sdk(sb);
});
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  await sb.close();
});

describe('catalog and payment links', () => {
  it('creates, retrieves, lists products and prices (incl. product_data)', async () => {
    const product = await stripe.products.create({ name: 'Tea', metadata: { sku: 't1' } });
    expect(product).toMatchObject({ object: 'product', name: 'Tea', livemode: false, metadata: { sku: 't1' } });
    expect(product.id).toMatch(/^prod_/);
    const price = await stripe.prices.create({ currency: 'inr', unit_amount: 49900, product: product.id });
    expect(price).toMatchObject({ object: 'price', currency: 'inr', unit_amount: 49900, product: product.id, type: 'one_time' });
    const inline = await stripe.prices.create({ currency: 'jpy', unit_amount: 500, product_data: { name: 'Matcha' } });
    expect(inline.product).toMatch(/^prod_/);
    expect((await stripe.prices.retrieve(price.id)).id).toBe(price.id);
    const list = await stripe.prices.list({ limit: 1 });
    expect(list).toMatchObject({ object: 'list', has_more: true, url: '/v1/prices' });
    expect(list.data[0]?.id).toBe(inline.id);
    const next = await stripe.prices.list({ limit: 1, starting_after: inline.id });
    expect(next.data[0]?.id).toBe(price.id);
    expect(next.has_more).toBe(false);
  });

  it('creates a payment link whose URL opens a checkout session with payment_link set', async () => {
    const price = await stripe.prices.create({ currency: 'usd', unit_amount: 1500, product_data: { name: 'Workshop seat' } });
    const link = await stripe.paymentLinks.create({
      line_items: [{ price: price.id, quantity: 2 }],
      metadata: { local_id: 'L-1' },
      after_completion: { type: 'redirect', redirect: { url: 'https://merchant.test/thanks' } },
    });
    expect(link).toMatchObject({ object: 'payment_link', active: true, currency: 'usd', metadata: { local_id: 'L-1' } });
    expect(link.id).toMatch(/^plink_/);
    const res = await fetch(link.url, { redirect: 'manual' });
    expect(res.status).toBe(303);
    const sessions = await stripe.checkout.sessions.list({ payment_link: link.id });
    expect(sessions.data).toHaveLength(1);
    const session = sessions.data[0]!;
    expect(session).toMatchObject({ payment_link: link.id, amount_total: 3000, success_url: 'https://merchant.test/thanks', status: 'open' });
    expect(res.headers.get('location')).toBe(`/c/pay/${session.id}`);

    const updated = await stripe.paymentLinks.update(link.id, { active: false });
    expect(updated.active).toBe(false);
    const inactive = await fetch(link.url, { redirect: 'manual' });
    expect(await inactive.text()).toContain('no longer active');
    expect((await stripe.paymentLinks.list()).data.map((l) => l.id)).toEqual([link.id]);
    const items = await stripe.paymentLinks.listLineItems(link.id);
    expect(items.data[0]).toMatchObject({ object: 'item', quantity: 2, amount_total: 3000 });
  });
});

describe('checkout sessions', () => {
  it('creates with price_data, metadata and payment_intent_data; retrieves; lists line items', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment',
      success_url: 'https://merchant.test/ok',
      cancel_url: 'https://merchant.test/cancel',
      client_reference_id: 'order-7',
      customer_email: 'a@example.com',
      metadata: { order: '7' },
      payment_intent_data: { receipt_email: 'r@example.com', metadata: { order: '7' } },
      line_items: [
        { quantity: 2, price_data: { currency: 'usd', unit_amount: 1000, product_data: { name: 'A' } } },
        { quantity: 1, price_data: { currency: 'usd', unit_amount: 550, product_data: { name: 'B' } } },
      ],
      expand: ['line_items'],
    });
    expect(session.id).toMatch(/^cs_test_/);
    expect(session).toMatchObject({
      object: 'checkout.session', mode: 'payment', status: 'open', payment_status: 'unpaid', amount_total: 2550, currency: 'usd',
      client_reference_id: 'order-7', customer_email: 'a@example.com', metadata: { order: '7' }, livemode: false, payment_intent: null,
    });
    expect(session.url).toBe(`${sb.url}/c/pay/${session.id}`);
    expect(session.line_items?.data).toHaveLength(2);
    expect(session.expires_at - session.created).toBeGreaterThanOrEqual(24 * 3600 - 2);
    const items = await stripe.checkout.sessions.listLineItems(session.id);
    expect(items.data.map((li) => li.amount_total)).toEqual([2000, 550]);
    expect((await stripe.checkout.sessions.retrieve(session.id)).id).toBe(session.id);
  });

  it('refuses invalid parameters with Stripe-shaped 400s naming the param', async () => {
    const base = { mode: 'payment' as const, success_url: 'https://merchant.test/ok' };
    const line = (currency: string, unit_amount: number) => [{ quantity: 1, price_data: { currency, unit_amount, product_data: { name: 'X' } } }];
    const cases: Array<[Stripe.Checkout.SessionCreateParams, string]> = [
      [{ ...base, line_items: line('usd', 1000), expires_at: Math.floor(sb.clock.now() / 1000) + 60 }, 'expires_at'],
      [{ ...base, line_items: line('usd', 1000), expires_at: Math.floor(sb.clock.now() / 1000) + 25 * 3600 }, 'expires_at'],
      [{ ...base, line_items: line('xyz', 1000) }, 'line_items[0][price_data][currency]'],
      [{ ...base, line_items: line('usd', -5) }, 'line_items[0][price_data][unit_amount]'],
      [{ ...base, line_items: line('kwd', 1005) }, 'line_items[0][price_data][unit_amount]'],
      [{ ...base, line_items: line('usd', 10) }, 'line_items'],
      [{ ...base, line_items: line('usd', 1000), bogus: 'x' } as Stripe.Checkout.SessionCreateParams, 'bogus'],
      [{ ...base, line_items: [{ quantity: 1, price: 'price_missing' }] }, 'line_items[0][price]'],
    ];
    for (const [params, param] of cases) {
      const err = await stripe.checkout.sessions.create(params).catch((e: unknown) => e);
      expect(err, param).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
      expect((err as Stripe.errors.StripeError).param, JSON.stringify(params)).toBe(param);
      expect((err as Stripe.errors.StripeError).statusCode).toBe(400);
    }
    // a hosted session must say where the customer goes after paying
    const noReturn = await stripe.checkout.sessions.create({ mode: 'payment', line_items: line('usd', 1000) }).catch((e: unknown) => e);
    expect(noReturn).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(noReturn).toMatchObject({ code: 'parameter_missing', param: 'success_url', statusCode: 400 });
    // a non-integer amount, sent raw since the SDK would send whatever we give it
    const raw = await fetch(`${sb.url}/v1/checkout/sessions`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${sb.keys.STRIPE_SECRET_KEY}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'mode=payment&line_items[0][quantity]=1&line_items[0][price_data][currency]=usd&line_items[0][price_data][unit_amount]=10.5&line_items[0][price_data][product_data][name]=X',
    });
    expect(raw.status).toBe(400);
    const body = (await raw.json()) as { error: { type: string; param: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'line_items[0][price_data][unit_amount]' });
    expect(JSON.stringify(body)).not.toMatch(/at .*\.ts/);
  });

  it('answers 401 for a wrong key, 403 for a publishable key and 404 resource_missing', async () => {
    const wrong = await sdk(sb, 'sk_test_wrong').products.list().catch((e: unknown) => e);
    expect(wrong).toBeInstanceOf(Stripe.errors.StripeAuthenticationError);
    const publishable = await sdk(sb, sb.keys.STRIPE_PUBLISHABLE_KEY).products.list().catch((e: unknown) => e);
    expect((publishable as Stripe.errors.StripeError).statusCode).toBe(403);
    const missing = await stripe.checkout.sessions.retrieve('cs_test_nope').catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((missing as Stripe.errors.StripeError).code).toBe('resource_missing');
    expect((missing as Stripe.errors.StripeError).statusCode).toBe(404);
  });

  it('answers a bad key as Stripe does (401 invalid_request_error, "Invalid API Key provided"), and every API answer has a Request-Id', async () => {
    const res = await fetch(`${sb.url}/v1/products`, { headers: { authorization: 'Bearer sk_test_not_a_real_key_1234' } });
    expect(res.status).toBe(401);
    const body = (await res.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toMatch(/^Invalid API Key provided: sk_test_\*+1234$/);
    const ids = new Set<string>();
    for (const r of [res, await fetch(`${sb.url}/v1/products`, { headers: { authorization: `Bearer ${sb.keys.STRIPE_SECRET_KEY}` } }),
      await fetch(`${sb.url}/v1/no_such_thing`, { headers: { authorization: `Bearer ${sb.keys.STRIPE_SECRET_KEY}` } })]) {
      const id = r.headers.get('request-id');
      expect(id).toMatch(/^req_[A-Za-z0-9]{14}$/);
      ids.add(id!);
    }
    expect(ids.size).toBe(3);
  });

  it('pays a session: payment intent, charge, balance transaction, expand, receipts', async () => {
    const { session } = await paidSession(sb, stripe, 10_000);
    const done = await stripe.checkout.sessions.retrieve(session.id, { expand: ['payment_intent.latest_charge.balance_transaction'] });
    expect(done).toMatchObject({ status: 'complete', payment_status: 'paid' });
    const pi = done.payment_intent as Stripe.PaymentIntent;
    expect(pi).toMatchObject({ object: 'payment_intent', status: 'succeeded', amount: 10_000, amount_received: 10_000 });
    const charge = pi.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({ object: 'charge', status: 'succeeded', paid: true, amount: 10_000, payment_intent: pi.id });
    const bt = charge.balance_transaction as Stripe.BalanceTransaction;
    expect(bt).toMatchObject({ object: 'balance_transaction', type: 'charge', amount: 10_000, fee: 320, net: 9680, status: 'pending', source: charge.id });
    expect((await stripe.paymentIntents.list()).data.map((x) => x.id)).toEqual([pi.id]);
    expect((await stripe.charges.list({ payment_intent: pi.id })).data.map((x) => x.id)).toEqual([charge.id]);
    expect((await stripe.charges.retrieve(charge.id, { expand: ['balance_transaction'] })).balance_transaction).toMatchObject({ id: bt.id });
    const receipts = await control(sb, '/__sandbox/stripe/receipts', undefined, 'GET');
    expect(receipts.json.data).toEqual([expect.objectContaining({ kind: 'payment', to: 'payer@example.com', amount: 10_000, charge: charge.id })]);
  });

  it('declines with the test card reason and lets the payer retry', async () => {
    const session = await stripe.checkout.sessions.create({
      mode: 'payment', success_url: 'https://merchant.test/ok', line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: 900, product_data: { name: 'X' } } }],
    });
    const failed = await control(sb, `/__sandbox/stripe/checkout/sessions/${session.id}/pay`, { card: '4000000000009995' });
    expect(failed.json).toMatchObject({ status: 'declined', decline_code: 'insufficient_funds' });
    const pi = await stripe.paymentIntents.retrieve((failed.json.payment_intent as Stripe.PaymentIntent).id);
    expect(pi.status).toBe('requires_payment_method');
    expect(pi.last_payment_error).toMatchObject({ type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds' });
    const ok = await control(sb, `/__sandbox/stripe/checkout/sessions/${session.id}/pay`, { card: '4242424242424242' });
    expect(ok.json.status).toBe('succeeded');
    expect((await stripe.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
    const types = (await stripe.events.list()).data.map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['charge.failed', 'payment_intent.payment_failed', 'payment_intent.succeeded', 'checkout.session.completed']));
  });

  it('expires by API and by clock advance (30 min .. 24 h), emitting checkout.session.expired', async () => {
    const mk = (expires_at?: number) => stripe.checkout.sessions.create({
      mode: 'payment', success_url: 'https://merchant.test/ok', expires_at, line_items: [{ quantity: 1, price_data: { currency: 'eur', unit_amount: 700, product_data: { name: 'X' } } }],
    });
    const a = await mk();
    const expired = await stripe.checkout.sessions.expire(a.id);
    expect(expired.status).toBe('expired');
    const again = await stripe.checkout.sessions.expire(a.id).catch((e: unknown) => e);
    expect((again as Stripe.errors.StripeError).statusCode).toBe(400);

    const b = await mk(Math.floor(sb.clock.now() / 1000) + 3600);
    sb.clock.advance(59 * 60 * 1000);
    expect((await stripe.checkout.sessions.retrieve(b.id)).status).toBe('open');
    await control(sb, '/__sandbox/clock/advance', { seconds: 120 });
    expect((await stripe.checkout.sessions.retrieve(b.id)).status).toBe('expired');
    const page = await fetch(`${sb.url}/c/pay/${b.id}`);
    expect(await page.text()).toContain('expired');
    const events = await stripe.events.list({ type: 'checkout.session.expired' });
    expect(events.data.map((e) => (e.data.object as Stripe.Checkout.Session).id).sort()).toEqual([a.id, b.id].sort());
  });
});

describe('refunds', () => {
  it('refunds partially then fully, refuses over-refunds like Stripe, lists by payment_intent', async () => {
    const { pi } = await paidSession(sb, stripe, 5000);
    const partial = await stripe.refunds.create({ payment_intent: pi.id, amount: 2000, reason: 'requested_by_customer', metadata: { ticket: '9' } });
    expect(partial.id).toMatch(/^re_/);
    expect(partial).toMatchObject({ object: 'refund', amount: 2000, status: 'succeeded', payment_intent: pi.id, reason: 'requested_by_customer', metadata: { ticket: '9' } });
    const tooMuch = await stripe.refunds.create({ payment_intent: pi.id, amount: 3001 }).catch((e: unknown) => e);
    expect(tooMuch).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect((tooMuch as Stripe.errors.StripeError).param).toBe('amount');
    const rest = await stripe.refunds.create({ charge: pi.latest_charge as string });
    expect(rest.amount).toBe(3000);
    const again = await stripe.refunds.create({ payment_intent: pi.id }).catch((e: unknown) => e);
    expect((again as Stripe.errors.StripeError).code).toBe('charge_already_refunded');
    const charge = await stripe.charges.retrieve(pi.latest_charge as string);
    expect(charge).toMatchObject({ amount_refunded: 5000, refunded: true });
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data.map((r) => r.id)).toEqual([rest.id, partial.id]);
    expect((await stripe.refunds.retrieve(partial.id)).amount).toBe(2000);
    const zero = await stripe.refunds.create({ payment_intent: pi.id, amount: -1 }).catch((e: unknown) => e);
    expect((zero as Stripe.errors.StripeError).param).toBe('amount');
    const types = (await stripe.events.list({ type: 'refund.*' })).data.map((e) => e.type);
    expect(types).toEqual(['refund.updated', 'refund.created', 'refund.updated', 'refund.created']);
    expect((await stripe.events.list({ type: 'charge.refunded' })).data).toHaveLength(2);
  });
});

describe('idempotency', () => {
  it('replays the first response, refuses different params, replays errors too', async () => {
    const { pi } = await paidSession(sb, stripe, 4000);
    const first = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 }, { idempotencyKey: 'refund-key-1' });
    const replay = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 }, { idempotencyKey: 'refund-key-1' });
    expect(replay.id).toBe(first.id);
    expect(replay.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect((await stripe.refunds.list({ payment_intent: pi.id })).data).toHaveLength(1);
    const conflict = await stripe.refunds.create({ payment_intent: pi.id, amount: 1500 }, { idempotencyKey: 'refund-key-1' }).catch((e: unknown) => e);
    expect(conflict).toBeInstanceOf(Stripe.errors.StripeIdempotencyError);

    const err1 = await stripe.refunds.create({ payment_intent: pi.id, amount: 9999 }, { idempotencyKey: 'refund-key-2' }).catch((e: unknown) => e);
    const err2 = await stripe.refunds.create({ payment_intent: pi.id, amount: 9999 }, { idempotencyKey: 'refund-key-2' }).catch((e: unknown) => e);
    expect((err1 as Stripe.errors.StripeError).message).toBe((err2 as Stripe.errors.StripeError).message);
    expect((err2 as Stripe.errors.StripeError).headers?.['idempotent-replayed']).toBe('true');

    // keys expire after 24 h of sandbox time: the same key then runs a new request
    sb.clock.advance(DAY + 60_000);
    const fresh = await stripe.refunds.create({ payment_intent: pi.id, amount: 1000 }, { idempotencyKey: 'refund-key-1' });
    expect(fresh.id).not.toBe(first.id);
  });
});

describe('fault injection', () => {
  it('a 500 and a 429 are retried by the SDK; a hang times out', async () => {
    await control(sb, '/__sandbox/faults', { path: '/v1/products', status: 500, count: 1 });
    const p = await stripe.products.create({ name: 'After 500' });
    expect(p.name).toBe('After 500');
    await control(sb, '/__sandbox/faults', { path: '/v1/products', status: 429, count: 1 });
    expect((await stripe.products.list()).data).toHaveLength(1);
    await control(sb, '/__sandbox/faults', { path: '/v1/products', status: 500, count: 5 });
    const err = await sdk(sb, sb.keys.STRIPE_SECRET_KEY, 0).products.list().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeAPIError);
    expect((err as Stripe.errors.StripeError).statusCode).toBe(500);
    await control(sb, '/__sandbox/faults', undefined, 'DELETE');
    await control(sb, '/__sandbox/faults', { path: '/v1/balance', hang: true, count: 1 });
    const url = new URL(sb.url);
    const impatient = new Stripe(sb.keys.STRIPE_SECRET_KEY, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries: 0, timeout: 300 });
    const hung = await impatient.balance.retrieve().catch((e: unknown) => e);
    expect(hung).toBeInstanceOf(Stripe.errors.StripeConnectionError);
    const bad = await control(sb, '/__sandbox/faults', { path: '/v1/x', status: 418 });
    expect(bad.status).toBe(400);
  });

  it('a 402 fault is a decline the SDK does not retry: StripeCardError, card_declined', async () => {
    await control(sb, '/__sandbox/faults', { path: '/v1/refunds', status: 402, count: 1 });
    const { pi } = await paidSession(sb, stripe);
    const err = await stripe.refunds.create({ payment_intent: pi.id }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Stripe.errors.StripeCardError);
    expect(err).toMatchObject({ statusCode: 402, code: 'card_declined' });
    // one use: the next refund goes through
    expect((await stripe.refunds.create({ payment_intent: pi.id })).status).toBe('succeeded');
  });
});

describe('webhooks', () => {
  it('delivers signed events to enabled endpoints; constructEvent verifies them', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const we = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['checkout.session.completed', 'payment_intent.succeeded', 'charge.refunded'] });
    expect(we.secret).toMatch(/^whsec_/);
    expect((await stripe.webhookEndpoints.retrieve(we.id)).secret).toBeUndefined();
    const { session, pi } = await paidSession(sb, stripe);
    await stripe.refunds.create({ payment_intent: pi.id });
    await sb.webhooks.idle();
    const events = hook.received.map((r) => stripe.webhooks.constructEvent(r.body, r.headers['stripe-signature'] as string, we.secret!));
    expect(events.map((e) => e.type).sort()).toEqual(['charge.refunded', 'checkout.session.completed', 'payment_intent.succeeded']);
    const completed = events.find((e) => e.type === 'checkout.session.completed')!;
    expect((completed.data.object as Stripe.Checkout.Session).id).toBe(session.id);
    expect(hook.received[0]!.headers['stripe-signature']).toMatch(/^t=\d+,v1=[0-9a-f]{64},v0=[0-9a-f]{64}$/);
    expect(() => stripe.webhooks.constructEvent(hook.received[0]!.body, hook.received[0]!.headers['stripe-signature'] as string, 'whsec_wrong')).toThrow();

    // update / disable / list / delete
    const disabled = await stripe.webhookEndpoints.update(we.id, { disabled: true });
    expect(disabled.status).toBe('disabled');
    await paidSession(sb, stripe);
    await sb.webhooks.idle();
    expect(hook.received).toHaveLength(3);
    expect((await stripe.webhookEndpoints.list()).data).toHaveLength(1);
    expect(await stripe.webhookEndpoints.del(we.id)).toMatchObject({ id: we.id, deleted: true });
    expect((await stripe.webhookEndpoints.list()).data).toHaveLength(0);
  });

  it('retries failed deliveries (receiver 500s, chaos dropFirst) and duplicates with chaos', async () => {
    const hook = await receiver(1);
    cleanups.push(hook.close);
    const we = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payment_intent.succeeded'] });
    const chaos = await control(sb, `/__sandbox/webhooks/targets/${we.id}/chaos`, { dropFirst: 1 });
    expect(chaos.status).toBe(200);
    const { pi } = await paidSession(sb, stripe);
    await sb.webhooks.idle();
    expect(hook.received).toHaveLength(1);
    const attempts = (await control(sb, '/__sandbox/deliveries?gateway=stripe', undefined, 'GET')).json.data as Array<{ attempt: number; ok: boolean; status: number | null }>;
    expect(attempts.map((d) => [d.attempt, d.ok, d.status])).toEqual([[1, false, null], [2, false, 500], [3, true, 200]]);
    const event = stripe.webhooks.constructEvent(hook.received[0]!.body, hook.received[0]!.headers['stripe-signature'] as string, we.secret!);
    expect((event.data.object as Stripe.PaymentIntent).id).toBe(pi.id);

    await control(sb, `/__sandbox/webhooks/targets/${we.id}/chaos`, { duplicate: true });
    await paidSession(sb, stripe);
    await sb.webhooks.idle();
    expect(hook.received).toHaveLength(3);
    expect(hook.received[1]!.body).toBe(hook.received[2]!.body);
  });

  it('reorders a batch with chaos reorder', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['*'] });
    await control(sb, '/__sandbox/webhooks/chaos', { gateway: 'stripe', reorder: 3 });
    await paidSession(sb, stripe);
    await sb.webhooks.idle();
    const types = hook.received.map((r) => (JSON.parse(r.body) as Stripe.Event).type);
    expect(types).toEqual(['checkout.session.completed', 'payment_intent.succeeded', 'charge.succeeded']);
  });
});

describe('balance, payouts, events', () => {
  it('moves funds pending -> available with the clock, pays out, links transactions to the payout', async () => {
    const hook = await receiver();
    cleanups.push(hook.close);
    const we = await stripe.webhookEndpoints.create({ url: hook.url, enabled_events: ['payout.paid'] });
    await paidSession(sb, stripe, 10_000);
    let balance = await stripe.balance.retrieve();
    expect(balance.pending).toEqual([expect.objectContaining({ currency: 'usd', amount: 9680 })]);
    expect(balance.available).toEqual([expect.objectContaining({ currency: 'usd', amount: 0 })]);
    const none = await control(sb, '/__sandbox/stripe/payouts', {});
    expect(none.status).toBe(409);
    sb.clock.advance(2 * DAY + 1000);
    balance = await stripe.balance.retrieve();
    expect(balance.available).toEqual([expect.objectContaining({ currency: 'usd', amount: 9680 })]);
    const made = await control(sb, '/__sandbox/stripe/payouts', {});
    const payout = (made.json.data as Stripe.Payout[])[0]!;
    expect(payout).toMatchObject({ object: 'payout', amount: 9680, status: 'paid', automatic: true });
    expect(payout.id).toMatch(/^po_/);
    expect((await stripe.balance.retrieve()).available[0]?.amount).toBe(0);
    const txns = await stripe.balanceTransactions.list({ payout: payout.id });
    expect(txns.data.map((t) => t.type).sort()).toEqual(['charge', 'payout']);
    expect((await stripe.balanceTransactions.list({ type: 'charge' })).data).toHaveLength(1);
    expect((await stripe.payouts.retrieve(payout.id)).amount).toBe(9680);
    expect((await stripe.payouts.list()).data).toHaveLength(1);
    await sb.webhooks.idle();
    expect(stripe.webhooks.constructEvent(hook.received[0]!.body, hook.received[0]!.headers['stripe-signature'] as string, we.secret!).type).toBe('payout.paid');
  });

  it('creates a manual payout (automatic: false) and refuses the payout filter for it, as Stripe does', async () => {
    await paidSession(sb, stripe, 10_000);
    sb.clock.advance(2 * DAY + 1000);
    const tooMuch = await stripe.payouts.create({ amount: 9681, currency: 'usd' }).catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(tooMuch).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', code: 'balance_insufficient' });
    const manual = await stripe.payouts.create({ amount: 9680, currency: 'usd' });
    expect(manual).toMatchObject({ object: 'payout', amount: 9680, currency: 'usd', automatic: false, status: 'paid' });
    expect((await stripe.balance.retrieve()).available[0]?.amount).toBe(0);
    const refused = await stripe.balanceTransactions.list({ payout: manual.id }).catch((e: unknown) => e as Stripe.errors.StripeError);
    expect(refused).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError', param: 'payout' });
    expect((refused as Stripe.errors.StripeError).message).toBe('Balance transaction history can only be filtered on automatic transfers, not manual.');
    // the control call makes one too, and an automatic payout's filter still works beside it
    await paidSession(sb, stripe, 5_000);
    sb.clock.advance(2 * DAY + 1000);
    const viaControl = await control(sb, '/__sandbox/stripe/payouts', { manual: true, amount: 1000 });
    expect((viaControl.json.data as Stripe.Payout[])[0]).toMatchObject({ automatic: false, amount: 1000 });
    const auto = (await control(sb, '/__sandbox/stripe/payouts', {})).json.data as Stripe.Payout[];
    expect(auto[0]).toMatchObject({ automatic: true, amount: 4825 - 1000 });
    expect((await stripe.balanceTransactions.list({ payout: auto[0]!.id })).data.map((t) => t.type).sort()).toEqual(['charge', 'payout']);
  });

  it('filters events by type and created, and keeps them 30 days', async () => {
    await paidSession(sb, stripe);
    const all = await stripe.events.list();
    expect(all.data.length).toBeGreaterThanOrEqual(3);
    const one = await stripe.events.retrieve(all.data[0]!.id);
    expect(one.id).toMatch(/^evt_/);
    sb.clock.advance(DAY);
    const later = Math.floor(sb.clock.now() / 1000);
    await paidSession(sb, stripe);
    const recent = await stripe.events.list({ created: { gte: later }, type: 'charge.succeeded' });
    expect(recent.data).toHaveLength(1);
    sb.clock.advance(30 * DAY - 1000);
    const kept = await stripe.events.list({ limit: 100 });
    expect(kept.data.every((e) => e.created >= later)).toBe(true);
    const gone = await stripe.events.retrieve(one.id).catch((e: unknown) => e);
    expect((gone as Stripe.errors.StripeError).statusCode).toBe(404);
  });
});

describe('persistence and control', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('keeps keys, objects and webhook endpoints across a restart with a state file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-state-'));
    dirs.push(dir);
    const file = join(dir, 'state.json');
    const first = await createSandbox({ port: 0, stateFile: file });
    const s1 = sdk(first);
    const { pi } = await paidSession(first, s1);
    const we = await s1.webhookEndpoints.create({ url: 'http://127.0.0.1:9/hook', enabled_events: ['*'] });
    first.clock.advance(3 * DAY);
    const advancedTo = first.clock.now();
    await first.close();

    const second = await createSandbox({ port: 0, stateFile: file });
    try {
      expect(second.keys).toEqual(first.keys);
      expect(second.controlToken).toBe(first.controlToken);
      expect(second.keys.STRIPE_SECRET_KEY).toMatch(/^sk_test_51/);
      // against the time taken before the restart: the first's clock, read after the second's, can be a millisecond ahead
      expect(second.clock.now()).toBeGreaterThanOrEqual(advancedTo);
      const s2 = sdk(second);
      expect((await s2.paymentIntents.retrieve(pi.id)).status).toBe('succeeded');
      expect((await s2.webhookEndpoints.list()).data.map((w) => w.id)).toEqual([we.id]);
      expect(second.webhooks.targets('stripe').map((t) => t.id)).toEqual([we.id]);
    } finally {
      await second.close();
    }
  });

  it('health, clock, reset and razorpay-only targets', async () => {
    const health = await control(sb, '/__sandbox/health', undefined, 'GET');
    expect(health.json).toMatchObject({ ok: true, url: sb.url });
    await stripe.products.create({ name: 'gone soon' });
    const before = sb.clock.now();
    const advanced = await control(sb, '/__sandbox/clock/advance', { seconds: 3600 });
    expect(advanced.json.now as number).toBeGreaterThanOrEqual(before + 3600_000);
    const stripeTarget = await control(sb, '/__sandbox/webhooks/targets', { gateway: 'stripe', url: 'http://127.0.0.1:9/' });
    expect(stripeTarget.status).toBe(400);
    const rzp = await control(sb, '/__sandbox/webhooks/targets', { gateway: 'razorpay', url: 'http://127.0.0.1:9/', secret: 's3cret', events: ['payment.captured'] });
    expect(rzp.json).toMatchObject({ gateway: 'razorpay', enabled: true, events: ['payment.captured'] });
    const listed = await control(sb, '/__sandbox/webhooks/targets?gateway=razorpay', undefined, 'GET');
    expect(listed.json.data).toHaveLength(1);
    await control(sb, '/__sandbox/reset', {});
    expect((await stripe.products.list()).data).toHaveLength(0);
    expect((await control(sb, '/__sandbox/webhooks/targets', undefined, 'GET')).json.data).toHaveLength(0);
    const bad = await control(sb, '/__sandbox/clock/advance', { seconds: -1 });
    expect(bad.status).toBe(400);
  });
});
