// The Stripe half of Paydesk Sandbox, driven through the official `stripe` SDK: signed webhook deliveries,
// balance, payouts and events, persistence across restarts and the control API.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type RunningSandbox } from '../../sandbox/index.js';
import { control, DAY, paidSession, receiver, sdk } from './sandbox-stripe-kit';

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
