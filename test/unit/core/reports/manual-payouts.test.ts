// Stripe manual payouts end to end against the real Paydesk Sandbox, the real SDK and the real SQLite. Stripe
// lists a payout's balance transactions only for automatic payouts (400 for a manual one), so the refresh
// reads an automatic payout's items through the payout filter and matches a manual payout's by date; a payout
// whose items cannot be read is stored with a warning and does not fail the others.
import type Stripe from 'stripe';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../../sandbox/index';
import type { PaydeskCore } from '../../../../electron/core/index';
import { makeStripeClient } from '../../../../electron/core/gateways/stripe/client';
import { stripeReports } from '../../../../electron/core/gateways/stripe/reports';
import { refreshAccount } from '../../../../electron/core/reports/refresh';
import { paymentsRepo, stateOfRow } from '../../../../electron/core/store/repos/payments';
import { applyPaymentEvent, type PaymentEvent } from '../../../../shared/status';
import type { MethodName, SettlementSummary } from '../../../../shared/contract';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

const DAY_MS = 86_400_000;

let fixture: CoreFixture;
let sandbox: RunningSandbox;
let core: PaydeskCore;
let d: NonNullable<PaydeskCore['deps']>;
let stripeAccount: string;
let clockOffset = 0;
const now = () => Date.now() + clockOffset;
let seq = 0;
const newId = (p: string) => `${p}_${Date.now().toString(36)}${(seq++).toString(36)}`;
const stripeSdk = () => makeStripeClient(sandbox.keys.STRIPE_SECRET_KEY, { baseUrl: sandbox.url });

const call = <T = unknown>(method: MethodName, input: unknown): Promise<T> => fixture.call<T>(method, input);

const control = <T = unknown>(path: string, body: unknown = {}, method: 'POST' | 'GET' | 'DELETE' = 'POST'): Promise<T> => fixture.control<T>(path, body, method);

async function advance(days: number, seconds = days * 86_400): Promise<void> {
  await control('/clock/advance', { seconds });
  clockOffset += seconds * 1000;
}

/** A paid Checkout Session, and the local payment the ingest would have recorded for it. */
async function stripePaid(amount: number): Promise<{ id: string; pi: string }> {
  const id = newId('pd');
  const session = await stripeSdk().checkout.sessions.create({
    mode: 'payment', success_url: 'https://example.com/ok', client_reference_id: id,
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: 'Order' } } }],
  });
  const paid = await control<{ status: string; payment_intent: { id: string } }>(`/stripe/checkout/sessions/${session.id}/pay`, {});
  expect(paid.status).toBe('succeeded');
  const repo = paymentsRepo(d.sql);
  repo.insert({ id, accountId: stripeAccount, gateway: 'stripe', livemode: false, kind: 'stripe_checkout', orderRef: `ORD-${id}`, amountMinor: amount, currency: 'USD', idempotencyKey: `idem_${id}`, createdAt: now() });
  let state = stateOfRow(repo.byId(id)!);
  const facts: PaymentEvent[] = [{ type: 'opened', at: now() }, { type: 'captured', at: now(), paymentId: paid.payment_intent.id, amount, full: true }];
  for (const f of facts) state = applyPaymentEvent(state, f).state;
  repo.saveState(id, state, { sessionId: session.id, paymentIntentId: paid.payment_intent.id }, now());
  return { id, pi: paid.payment_intent.id };
}

interface StoredSettlement { id: string; gateway_settlement_id: string; manual: number; warning: string | null; amount_minor: number }
const settlementOf = (po: string) => d.sql.prepare('SELECT id, gateway_settlement_id, manual, warning, amount_minor FROM settlements WHERE gateway_settlement_id = ?').get(po) as StoredSettlement | undefined;
const itemTxns = (settlementId: string) => (d.sql.prepare('SELECT gateway_txn_id FROM settlement_items WHERE settlement_id = ? ORDER BY gateway_txn_id').all(settlementId) as { gateway_txn_id: string }[]).map((r) => r.gateway_txn_id);
const paymentItemOf = (paymentId: string) => d.sql.prepare(`SELECT s.gateway_settlement_id FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id WHERE si.payment_id = ?`).get(paymentId) as { gateway_settlement_id: string } | undefined;
/** the balance transactions Stripe says a payout took, less the payout's own */
const listedTxns = async (po: string) => (await stripeSdk().balanceTransactions.list({ payout: po, limit: 100 })).data.filter((t) => t.type !== 'payout').map((t) => t.id).sort();
const txnsOf = async (...sources: string[]) => {
  const all = (await stripeSdk().balanceTransactions.list({ limit: 100, expand: ['data.source'] })).data;
  const refOf = (t: Stripe.BalanceTransaction) => {
    const src = t.source as Stripe.Charge | Stripe.Refund | string | null;
    return typeof src === 'object' && src ? (src.object === 'charge' ? src.payment_intent : src.id) : src;
  };
  return all.filter((t) => sources.includes(String(refOf(t)))).map((t) => t.id).sort();
};

beforeAll(async () => {
  fixture = await withCore({ sandbox: true, clock: { now } });
  sandbox = fixture.sandbox!;
  core = fixture.core;
  d = core.deps!;
  // this suite moves core's clock by days: webhooks signed at real time would be stale; refresh feeds reconciliation here
  for (const t of (await control<{ data: { id: string; gateway: string }[] }>('/webhooks/targets', undefined, 'GET')).data) {
    if (t.gateway === 'stripe') await fetch(`${sandbox.url}/v1/webhook_endpoints/${t.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${sandbox.keys.STRIPE_SECRET_KEY}` } });
  }
  stripeAccount = d.repos.accounts.list().find((a) => a.builtin === 'sandbox-stripe')!.id;
});

afterAll(async () => {
  await fixture?.dispose();
});

describe('settlements refresh with a Stripe manual payout', () => {
  const p: Record<string, { id: string; pi: string }> = {};
  const po: Record<string, string> = {};

  it('stores an automatic payout listed by Stripe and a manual one matched by date, flagged manual', async () => {
    p.first = await stripePaid(5_000);
    await advance(3); // sandbox charges become available after 2 days
    po.auto = (await control<{ data: Stripe.Payout[] }>('/stripe/payouts', { currency: 'usd' })).data[0]!.id;
    await advance(1);
    p.second = await stripePaid(3_000);
    const refund = await stripeSdk().refunds.create({ payment_intent: p.first.pi, amount: 1_000 });
    await advance(3);
    // what the merchant's own Dashboard or script does: the whole available balance, 2883 - 1000
    const manual = await stripeSdk().payouts.create({ amount: 1_883, currency: 'usd' });
    expect(manual.automatic).toBe(false);
    po.manual = manual.id;
    await expect(stripeSdk().balanceTransactions.list({ payout: po.manual })).rejects.toMatchObject({ statusCode: 400 });

    const r = await call<{ accounts: { ok: boolean; error: unknown; fetched: { settlements: number } }[] }>('reports.refresh', { accountId: stripeAccount });
    expect(r.accounts).toEqual([expect.objectContaining({ ok: true, error: null })]);
    const auto = settlementOf(po.auto)!;
    const man = settlementOf(po.manual)!;
    expect(auto).toMatchObject({ manual: 0, warning: null, amount_minor: 4_825 });
    expect(man).toMatchObject({ manual: 1, warning: null, amount_minor: 1_883 });
    // the automatic payout's items are what the payout filter lists; the manual one's the charge and refund since
    expect(itemTxns(auto.id)).toEqual(await listedTxns(po.auto));
    expect(itemTxns(auto.id)).toEqual(await txnsOf(p.first.pi));
    expect(itemTxns(man.id)).toEqual(await txnsOf(p.second.pi, refund.id));
    expect(paymentItemOf(p.first.id)?.gateway_settlement_id).toBe(po.auto);
    expect(paymentItemOf(p.second.id)?.gateway_settlement_id).toBe(po.manual);
    // the ledger knows which payout took each transaction
    const payoutOfTxn = d.sql.prepare('SELECT payout_id FROM stripe_balance_txns WHERE account_id = ? AND id = ?');
    for (const t of itemTxns(man.id)) expect((payoutOfTxn.get(stripeAccount, t) as { payout_id: string }).payout_id).toBe(po.manual);

    // the Reports screen's summary says so
    await call('reports.settings.set', { timeZone: 'UTC' });
    const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
    const sum = await call<{ settlements: SettlementSummary[] }>('reports.summary', { mode: 'test', from: day(now() - 10 * DAY_MS), to: day(now()) });
    const byPo = new Map(sum.settlements.map((s) => [s.gatewaySettlementId, s]));
    // the charge is Paydesk's payment; the refund was made at Stripe, not in Paydesk
    expect(byPo.get(po.manual)).toMatchObject({ manual: true, warning: null, itemCount: 2, matchedCount: 1 });
    expect(byPo.get(po.auto)).toMatchObject({ manual: false, warning: null });
  });

  it('warns on a manual payout of part of the balance, and a failure on one payout keeps the others', async () => {
    p.third = await stripePaid(2_000); // net 1912
    p.fourth = await stripePaid(4_000); // net 3854
    await advance(3);
    const partial = await stripeSdk().payouts.create({ amount: 1_000, currency: 'usd' });
    await advance(0, 600); // not in the same second: which one came first decides what each took
    const rest = (await control<{ data: Stripe.Payout[] }>('/stripe/payouts', { currency: 'usd' })).data[0]!;
    expect(rest.automatic).toBe(true);

    // Stripe failing for the automatic payout only: its settlement is stored with a warning, the manual one as usual
    const sdk = stripeSdk();
    const list = sdk.balanceTransactions.list.bind(sdk.balanceTransactions);
    sdk.balanceTransactions.list = ((params?: Stripe.BalanceTransactionListParams, opts?: Stripe.RequestOptions) => {
      if (params?.payout === rest.id) throw Object.assign(new Error('Stripe is down for this one'), { type: 'StripeAPIError', statusCode: 500 });
      return list(params, opts);
    }) as typeof sdk.balanceTransactions.list;
    const client = { ...d.gateways.client(stripeAccount), reports: stripeReports(sdk, { accountId: stripeAccount, publicKey: null, secret: '', baseUrl: sandbox.url, livemode: false } as never) };
    const deps = { repos: d.repos, transaction: d.store.transaction, now };
    await refreshAccount(deps, client, { id: stripeAccount, gateway: 'stripe', livemode: false });

    const failed = settlementOf(rest.id)!;
    expect(failed.warning).toMatch(/^Couldn’t read this payout’s transactions: Stripe had a problem answering \(500\)/);
    expect(itemTxns(failed.id)).toEqual([]);
    const part = settlementOf(partial.id)!;
    expect(part.manual).toBe(1);
    // both charges became available since the previous payout: 5766 net, the payout took 1000
    expect(part.warning).toContain('come to $57.66, the payout was $10.00');
    expect(itemTxns(part.id)).toEqual(await txnsOf(p.third.pi, p.fourth.pi));

    // the next refresh reads the automatic payout again and clears its warning
    const r = await call<{ accounts: { ok: boolean }[] }>('reports.refresh', { accountId: stripeAccount });
    expect(r.accounts[0]?.ok).toBe(true);
    expect(settlementOf(rest.id)!.warning).toBeNull();
    expect(itemTxns(failed.id).length).toBeGreaterThan(0);
  });
});
