// Property across desks: two desk processes on one PostgreSQL database, one shared sandbox. For random partial
// refund amounts of one paid payment, fired at once from desk A, desk B, or both with the same request id:
//   - what the desks accept adds up to at most what was captured, and the gateway (asked with the official
//     Stripe SDK) holds exactly the accepted refunds: none more, none failed. Paydesk's own check refuses, never
//     the gateway (the sandbox refuses an over-refund by itself, which would show as a failed row);
//   - no request is refunded twice: a request sent to both desks is one refund row and one gateway refund,
//     and both desks answer with the same refund;
//   - a refusal is in words and has its reason: the amount was more than what was left once the others were in.
// PAYDESK_PROPERTY_RUNS sets the number of runs (default 10: every run pays a new link through the sandbox).
import fc from 'fast-check';
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../sandbox/index';
import type { Envelope } from '../../shared/errors';
import { makeStripeClient } from '../../electron/core/gateways/stripe/client';
import { holdTable, joinDesk, paidStripeLink, startDesk, startSharedSandbox, type DeskProcess } from '../fixtures/desk-process';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

interface RefundOut {
  id: string;
  status: string;
  amountMinor: number;
}

interface Ask {
  amountMinor: number;
  to: 'a' | 'b' | 'both';
}

const CAPTURED = 5000;
const OWN_REFUSAL = /Nothing left to refund|At most .* can be refunded/;
const LOCK_REFUSAL = /Another desk is refunding/;
const asks = fc.array(fc.record({ amountMinor: fc.integer({ min: 500, max: 4000 }), to: fc.constantFrom<Ask['to']>('a', 'b', 'both') }), { minLength: 2, maxLength: 6 });
const dollars = (minor: number): string => (minor / 100).toFixed(2);

describe('refunds from two desks at once (property)', () => {
  let cluster: PgCluster;
  let sandbox: RunningSandbox;
  let a: DeskProcess;
  let b: DeskProcess;
  let stripe: Stripe;
  let run = 0;
  let url: string;

  beforeAll(async () => {
    const t0 = Date.now();
    cluster = await startPgCluster();
    url = await cluster.createDatabase('paydesk_team_property');
    sandbox = await startSharedSandbox();
    a = await startDesk({ store: url, sandbox, name: 'Counter' });
    b = await joinDesk(a, { store: url, sandbox, name: 'Back office' });
    stripe = makeStripeClient(sandbox.keys.STRIPE_SECRET_KEY, { baseUrl: sandbox.url, timeoutMs: 10_000 });
    console.log(`team-refunds property: cluster, sandbox and two desks up in ${Date.now() - t0} ms`);
  }, 150_000);

  afterAll(async () => {
    await Promise.allSettled([a?.dispose(), b?.dispose()]);
    await sandbox?.close();
    cluster?.stop();
  });

  /**
   * Fires every ask at once; a request for both desks goes to both with one request id. Inserts of refunds
   * are held back until each desk involved has a request waiting, so the desks race as closely as they can.
   */
  async function fire(paymentId: string, plan: Ask[]): Promise<Array<{ ask: Ask; requestId: string; answers: Envelope<RefundOut>[] }>> {
    run++;
    const held = await holdTable(url, 'refunds');
    const desks = new Set(plan.flatMap((x) => (x.to === 'both' ? ['a', 'b'] : [x.to])));
    const all = Promise.all(plan.map(async (ask, i) => {
      const requestId = `prop-${run}-${i}-${paymentId.slice(-8)}`;
      const input = { paymentId, amount: dollars(ask.amountMinor), requestId };
      const to = ask.to === 'both' ? [a, b] : [ask.to === 'a' ? a : b];
      return { ask, requestId, answers: await Promise.all(to.map((d) => d.call<RefundOut>('refunds.create', input))) };
    }));
    await held.waiters(desks.size, 3_000);
    await held.release();
    return all;
  }

  it('never refunds more than captured, never a request twice, and refuses only with a reason', async () => {
    const started = Date.now();
    await fc.assert(
      fc.asyncProperty(asks, async (plan) => {
        const p = await paidStripeLink(a, sandbox, { amount: dollars(CAPTURED), orderRef: `TEAM-PROP-${run + 1}-${Date.now() % 100000}` });
        const results = await fire(p.id, plan);

        const accepted = new Map<string, RefundOut>();
        for (const r of results) {
          const ok = r.answers.flatMap((e) => (e.ok ? [e.value] : []));
          // one request, one refund: both desks that accepted it answer with the same row
          expect(new Set(ok.map((x) => x.id)).size).toBeLessThanOrEqual(1);
          if (ok[0]) accepted.set(r.requestId, ok[0]);
        }
        const acceptedSum = [...accepted.values()].reduce((s, x) => s + x.amountMinor, 0);
        expect(acceptedSum).toBeLessThanOrEqual(CAPTURED);
        for (const r of results) {
          for (const e of r.answers) {
            if (e.ok || LOCK_REFUSAL.test(e.error.message)) continue;
            // Paydesk's own words, never the gateway's refusal nor an internal error (a request racing itself)
            expect(e.error.message).toMatch(OWN_REFUSAL);
            // refused with its reason: even with every accepted refund in, it did not fit
            expect(accepted.has(r.requestId)).toBe(false);
            expect(r.ask.amountMinor).toBeGreaterThan(CAPTURED - acceptedSum);
          }
        }
        // a desk answering a request the other desk is sending may answer while it is still `requested`
        for (const x of accepted.values()) expect(['requested', 'succeeded', 'pending']).toContain(x.status);

        // the gateway holds exactly the accepted refunds, each once
        const pi = p.gatewayIds.paymentIntentId!;
        const atGateway = (await stripe.refunds.list({ payment_intent: pi, limit: 100 })).data;
        expect(atGateway.every((g) => g.status === 'succeeded' || g.status === 'pending')).toBe(true);
        const byRow = atGateway.map((g) => g.metadata?.paydesk_refund_id);
        expect(new Set(byRow).size).toBe(atGateway.length);
        expect(new Set(byRow)).toEqual(new Set([...accepted.values()].map((x) => x.id)));
        expect(atGateway.reduce((s, g) => s + g.amount, 0)).toBe(acceptedSum);
        // and the team database has one row per accepted request, none failed
        const rows = await b.rpc<RefundOut[]>('refunds.forPayment', { paymentId: p.id });
        expect(rows.map((x) => x.id).sort()).toEqual([...accepted.values()].map((x) => x.id).sort());
        for (const x of rows) expect(['succeeded', 'pending']).toContain(x.status);
      }),
      { numRuns: Number(process.env.PAYDESK_PROPERTY_RUNS ?? 10), endOnFailure: true },
    );
    console.log(`team-refunds property: ${run} runs in ${Date.now() - started} ms`);
  }, 180_000);
});
