// Refunds across desks: two desk processes on one PostgreSQL database share one Paydesk Sandbox. A link made
// and paid on desk A is refunded in full ten times at once, five times from each desk: the payment's row lock
// lets exactly one through, the nine others are refused in words, and the gateway (asked with the official
// Stripe SDK) shows refunded = captured. A refund still waiting for the gateway on one desk counts on the other,
// and a desk kept waiting for the payment's row lock past lock_timeout refuses in words.
import pg from 'pg';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/index';
import { makeStripeClient } from '../../electron/core/gateways/stripe/client';
import { holdTable, joinDesk, paidStripeLink, startDesk, startSharedSandbox, type DeskProcess } from '../fixtures/desk-process';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

interface RefundOut {
  id: string;
  status: string;
  amountMinor: number;
}

const REFUSAL = /Nothing left to refund|At most .* can be refunded|Another desk is refunding/;

describe('refunds from two desks on one team database', () => {
  let cluster: PgCluster;
  let sandbox: RunningSandbox;
  let a: DeskProcess;
  let b: DeskProcess;
  let stripe: Stripe;
  let url: string;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await startPgCluster();
    url = await cluster.createDatabase('paydesk_team_refunds');
    sandbox = await startSharedSandbox();
    a = await startDesk({ store: url, sandbox, name: 'Counter' });
    b = await joinDesk(a, { store: url, sandbox, name: 'Back office' });
    stripe = makeStripeClient(sandbox.keys.STRIPE_SECRET_KEY, { baseUrl: sandbox.url, timeoutMs: 10_000 });
    console.log(`team-refunds: cluster, sandbox and two desks up in ${Date.now() - t0} ms`);
  }, 150_000);

  afterAll(async () => {
    await Promise.allSettled([a?.dispose(), b?.dispose()]);
    await sandbox?.close();
    cluster?.stop();
  });

  it('ten concurrent full refunds, five from each desk: exactly one succeeds and the gateway shows refunded = captured', async () => {
    const p = await paidStripeLink(a, sandbox, { amount: '80.00', orderRef: 'TEAM-FULL-1' });
    expect(p.capturedMinor).toBe(8000);
    // desk B reads the same payment from the team database
    expect(await b.rpc<{ capturedMinor: number; refundableMinor: number }>('refunds.preview', { paymentId: p.id })).toMatchObject({ capturedMinor: 8000, refundableMinor: 8000 });

    // the widest race: each desk's first refund has read the payment and its refunds before either may insert
    const held = await holdTable(url, 'refunds');
    const started = Date.now();
    const calls = Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? a : b).call<RefundOut>('refunds.create', { paymentId: p.id, requestId: `team-full-${i}-${p.id}` }));
    expect(await held.waiters(2)).toBeGreaterThanOrEqual(2);
    await held.release();
    const results = await Promise.all(calls);
    console.log(`team-refunds: ten concurrent refunds answered in ${Date.now() - started} ms`);

    const ok = results.filter((r) => r.ok);
    const refused = results.flatMap((r) => (r.ok ? [] : [r.error]));
    expect(ok).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const e of refused) expect(e.message).toMatch(REFUSAL);
    const won = (ok[0] as { ok: true; value: RefundOut }).value;
    expect(won.amountMinor).toBe(8000);
    expect(['succeeded', 'pending']).toContain(won.status);

    // the gateway: one refund, refunded = captured
    const pi = p.gatewayIds.paymentIntentId ?? (await a.rpc<{ gatewayIds: { paymentIntentId: string } }>('payments.get', { id: p.id })).gatewayIds.paymentIntentId;
    const refunds = await stripe.refunds.list({ payment_intent: pi, limit: 100 });
    expect(refunds.data.map((r) => r.amount)).toEqual([8000]);
    const charges = await stripe.charges.list({ payment_intent: pi, limit: 10 });
    expect(charges.data).toHaveLength(1);
    expect(charges.data[0]!.amount_refunded).toBe(charges.data[0]!.amount_captured);

    // both desks: nothing left
    for (const desk of [a, b]) {
      expect(await desk.rpc<{ refundableMinor: number }>('refunds.preview', { paymentId: p.id })).toMatchObject({ refundableMinor: 0 });
    }
    expect(await b.rpc<RefundOut[]>('refunds.forPayment', { paymentId: p.id })).toHaveLength(1);
  }, 60_000);

  it("a refund waiting for the gateway's answer on one desk counts against the other desk's check", async () => {
    // links are made on the desk that holds the lease (its listener serves the thank-you page)
    const p = await paidStripeLink(a, sandbox, { amount: '30.00', orderRef: 'TEAM-WAIT-1' });
    // desk A's call gets no answer (the gateway fails): its intent is committed and waits for a retry
    sandbox.faults.add({ path: '/v1/refunds', method: 'POST', status: 500, count: 10 });
    const waiting = await a.rpc<RefundOut & { lastError: string | null }>('refunds.create', { paymentId: p.id, amount: '20.00', requestId: `team-wait-a-${p.id}` });
    sandbox.faults.clear();
    expect(waiting).toMatchObject({ status: 'requested', amountMinor: 2000, lastError: expect.stringMatching(/try again/) });
    expect(await b.rpc('refunds.preview', { paymentId: p.id })).toMatchObject({ pendingMinor: 2000, refundableMinor: 1000 });
    const over = await b.call<RefundOut>('refunds.create', { paymentId: p.id, amount: '15.00', requestId: `team-wait-b-${p.id}` });
    expect(over).toMatchObject({ ok: false, error: { field: 'amount', message: expect.stringMatching(/At most \$10\.00 can be refunded/) } });
    // what is left still goes through from desk B
    expect(await b.rpc<RefundOut>('refunds.create', { paymentId: p.id, amount: '10.00', requestId: `team-wait-b2-${p.id}` })).toMatchObject({ amountMinor: 1000 });
  }, 60_000);

  it('a desk that waits longer than lock_timeout for the payment says so in words', async () => {
    const p = await paidStripeLink(a, sandbox, { amount: '12.00', orderRef: 'TEAM-LOCK-1' });
    // another desk's transaction holding the payment (here the test's own connection, for longer than 10 s)
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT id FROM payments WHERE id = $1 FOR UPDATE', [p.id]);
      const started = Date.now();
      const r = await b.call<RefundOut>('refunds.create', { paymentId: p.id, requestId: `team-lock-${p.id}` });
      const waited = Date.now() - started;
      console.log(`team-refunds: refused after waiting ${waited} ms for the payment's row lock`);
      expect(r).toMatchObject({ ok: false, error: { code: 'conflict', retryable: true, message: 'Another desk is refunding or capturing this payment; try again in a moment.' } });
      expect(waited).toBeGreaterThanOrEqual(9_000);
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
    // nothing was left behind: the refund goes through once the other transaction ends
    expect(await b.rpc<RefundOut>('refunds.create', { paymentId: p.id, requestId: `team-lock-${p.id}` })).toMatchObject({ amountMinor: 1200 });
  }, 60_000);
});
