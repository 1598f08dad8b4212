// The Stripe half of Paydesk Sandbox, driven through the official `stripe` SDK as the app drives Stripe:
// catalog, payment links, checkout sessions, refunds, idempotency and injected faults.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type RunningSandbox } from '../../sandbox/index.js';
import { control, DAY, paidSession, sdk } from './sandbox-stripe-kit';

let sb: RunningSandbox;
let stripe: Stripe;

beforeEach(async () => {
  sb = await createSandbox({ port: 0, webhookRetryScheduleMs: [20, 40, 80], webhookTimeoutMs: 2000 });
  stripe = sdk(sb);
});
afterEach(async () => {
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
