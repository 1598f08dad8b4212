// Reconciliation data end to end against the real Paydesk Sandbox and the real SDKs: pay a Stripe
// Checkout Session and a Razorpay Payment Link, refund part of each, pay out / settle through the
// sandbox control API, refresh, and check fees, matching, flags and idempotency in the real SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSandbox } from '../../../../sandbox/index';
import type { PaydeskCore } from '../../../../electron/core/index';
import type { CoreEvent } from '../../../../electron/core/types';
import { makeRazorpayClient } from '../../../../electron/core/gateways/razorpay/client';
import { makeStripeClient } from '../../../../electron/core/gateways/stripe/client';
import { paymentsRepo, stateOfRow } from '../../../../electron/core/store/repos/payments';
import { applyPaymentEvent, type PaymentEvent } from '../../../../shared/status';
import type { MethodName } from '../../../../shared/contract';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

const DAY_MS = 86_400_000;

let fixture: CoreFixture;
let sandbox: RunningSandbox;
let core: PaydeskCore;
/** core's parts, and its connection for the tests' own reads and seeds */
let d: NonNullable<PaydeskCore['deps']>;
let stripeAccount: string;
let razorpayAccount: string;
/** core's clock runs ahead with the sandbox's */
let clockOffset = 0;
const events: CoreEvent[] = [];

const call = <T = unknown>(method: MethodName, input: unknown): Promise<T> => fixture.call<T>(method, input);

const control = <T = unknown>(path: string, body: unknown = {}, method: 'POST' | 'GET' | 'DELETE' = 'POST'): Promise<T> => fixture.control<T>(path, body, method);

async function advance(days: number): Promise<void> {
  await control('/clock/advance', { seconds: days * 86_400 });
  clockOffset += days * DAY_MS;
}

const now = () => Date.now() + clockOffset;
/** the gateways' SDKs on the sandbox, as a shop's other tools would call them */
const stripeSdk = () => makeStripeClient(sandbox.keys.STRIPE_SECRET_KEY, { baseUrl: sandbox.url });
const razorpaySdk = () => makeRazorpayClient(sandbox.keys.RAZORPAY_KEY_ID, sandbox.keys.RAZORPAY_KEY_SECRET, { baseUrl: sandbox.url });
let seq = 0;
const newId = (p: string) => `${p}_${Date.now().toString(36)}${(seq++).toString(36)}`;

/** A payment row as links.create + the ingest would leave it: created, then the captured fact folded in. */
function recordPaid(o: { id: string; accountId: string; gateway: 'stripe' | 'razorpay'; kind: 'stripe_checkout' | 'razorpay_link'; amount: number; currency: string; gatewayPaymentId: string; ids: Record<string, string>; capturedAmount?: number }) {
  const repo = paymentsRepo(d.sql);
  repo.insert({ id: o.id, accountId: o.accountId, gateway: o.gateway, livemode: false, kind: o.kind, orderRef: `ORD-${o.id}`, amountMinor: o.amount, currency: o.currency, idempotencyKey: `idem_${o.id}`, createdAt: now() });
  let state = stateOfRow(repo.byId(o.id)!);
  const facts: PaymentEvent[] = [{ type: 'opened', at: now() }, { type: 'captured', at: now(), paymentId: o.gatewayPaymentId, amount: o.capturedAmount ?? o.amount, full: true }];
  for (const f of facts) state = applyPaymentEvent(state, f).state;
  repo.saveState(o.id, state, o.ids, now());
}

function recordRefund(o: { id: string; paymentId: string; accountId: string; gateway: 'stripe' | 'razorpay'; gatewayPaymentId: string; gatewayRefundId: string; amount: number; currency: string }) {
  d.sql.prepare(`INSERT INTO refunds (id, payment_id, account_id, gateway, livemode, gateway_payment_id, amount_minor, currency, speed, status, gateway_refund_id,
      idempotency_key, request_id, operator_name, created_at, updated_at)
    VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, 'succeeded', ?, ?, ?, 'owner', ?, ?)`)
    .run(o.id, o.paymentId, o.accountId, o.gateway, o.gatewayPaymentId, o.amount, o.currency, o.gateway === 'razorpay' ? 'normal' : null, o.gatewayRefundId, `idem_${o.id}`, `req_${o.id}`, now(), now());
}

async function stripePaid(amount: number, opts: { local: boolean }): Promise<{ id: string; pi: string; ch: string }> {
  const id = newId('pd');
  const stripe = stripeSdk();
  const session = await stripe.checkout.sessions.create({
    mode: 'payment', success_url: 'https://example.com/ok', client_reference_id: opts.local ? id : undefined,
    line_items: [{ quantity: 1, price_data: { currency: 'usd', unit_amount: amount, product_data: { name: 'Order' } } }],
  });
  const paid = await control<{ status: string; payment_intent: { id: string }; charge: { id: string } }>(`/stripe/checkout/sessions/${session.id}/pay`, {});
  expect(paid.status).toBe('succeeded');
  if (opts.local) {
    // what the ingest knows after checkout.session.completed: the session and the intent, not the charge or its fee
    recordPaid({ id, accountId: stripeAccount, gateway: 'stripe', kind: 'stripe_checkout', amount, currency: 'USD', gatewayPaymentId: paid.payment_intent.id, ids: { sessionId: session.id, paymentIntentId: paid.payment_intent.id } });
  }
  return { id, pi: paid.payment_intent.id, ch: paid.charge.id };
}

async function razorpayPaid(amount: number, opts: { local: boolean; claimCaptured?: number }): Promise<{ id: string; pay: string }> {
  const id = newId('pd');
  const rzp = razorpaySdk();
  const link = (await rzp.paymentLink.create({ amount, currency: 'INR', reference_id: id, description: 'Order', ...(opts.local ? { notes: { paydesk_id: id } } : {}) } as never)) as unknown as { id: string };
  const paid = await control<{ payment: { id: string; status: string } }>(`/razorpay/payment_links/${link.id}/pay`, {});
  expect(paid.payment.status).toBe('captured');
  if (opts.local) {
    recordPaid({ id, accountId: razorpayAccount, gateway: 'razorpay', kind: 'razorpay_link', amount, currency: 'INR', gatewayPaymentId: paid.payment.id, ids: { plinkId: link.id, paymentId: paid.payment.id }, capturedAmount: opts.claimCaptured ?? amount });
  }
  return { id, pay: paid.payment.id };
}

/** Every reconciliation-relevant table, for "re-running changes nothing". */
function snapshot(): Record<string, unknown[]> {
  const t = (sql: string) => d.sql.prepare(sql).all();
  return {
    payments: t('SELECT * FROM payments ORDER BY id'),
    payment_events: t('SELECT * FROM payment_events ORDER BY id'),
    settlements: t('SELECT * FROM settlements ORDER BY id'),
    settlement_items: t('SELECT * FROM settlement_items ORDER BY id'),
    recon_flags: t('SELECT * FROM recon_flags ORDER BY id'),
    stripe_balance_txns: t('SELECT * FROM stripe_balance_txns ORDER BY id'),
  };
}

const payment = (id: string) => paymentsRepo(d.sql).byId(id)!;
const itemOfPayment = (id: string) => d.sql.prepare(`SELECT si.*, s.gateway_settlement_id, s.utr FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id WHERE si.payment_id = ?`).get(id) as
  { settlement_id: string; gateway_settlement_id: string; utr: string | null; amount_minor: number; fee_minor: number; net_minor: number } | undefined;
const itemOfRefund = (id: string) => d.sql.prepare(`SELECT si.*, s.gateway_settlement_id FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id WHERE si.refund_id = ?`).get(id) as
  { settlement_id: string; gateway_settlement_id: string; amount_minor: number } | undefined;
const flagsOf = (subjectLike: string) => d.sql.prepare('SELECT flag, subject, detail FROM recon_flags WHERE subject LIKE ? ORDER BY flag').all(subjectLike) as { flag: string; subject: string; detail: string }[];

async function webhooksOff(): Promise<void> {
  const body = await control<{ data?: { id: string; gateway: string }[]; targets?: { id: string; gateway: string }[] }>('/webhooks/targets', undefined, 'GET');
  for (const t of body.data ?? body.targets ?? []) {
    if (t.gateway === 'razorpay') {
      await control(`/webhooks/targets/${t.id}`, undefined, 'DELETE');
      continue;
    }
    const del = await fetch(`${sandbox.url}/v1/webhook_endpoints/${t.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${sandbox.keys.STRIPE_SECRET_KEY}` } });
    if (!del.ok) throw new Error(`could not remove webhook target ${t.id}: ${del.status}`);
  }
}

beforeAll(async () => {
  fixture = await withCore({ sandbox: true, clock: { now } });
  // withCore was asked for a sandbox, so there is one
  sandbox = fixture.sandbox!;
  core = fixture.core;
  // This suite moves core's clock forward by days (payout availability), so the sandbox's webhooks, signed
  // at real time, would be refused as stale and retried in the background while snapshots are taken.
  // Reconciliation is fed by refresh here, not by webhooks: remove every webhook target.
  await webhooksOff();
  d = core.deps!;
  // only what core pushes from here on: the tests look for events their own steps caused, not start-up's
  core.onEvent((e) => events.push(e));
  const accounts = d.repos.accounts.list();
  stripeAccount = accounts.find((a) => a.builtin === 'sandbox-stripe')!.id;
  razorpayAccount = accounts.find((a) => a.builtin === 'sandbox-razorpay')!.id;
});

afterAll(async () => {
  await fixture?.dispose();
});

describe('reports refresh against the sandbox', () => {
  const s: Record<string, { id: string; pi?: string; ch?: string; pay?: string }> = {};
  let stripeRefund = '';
  let razorpayRefund = '';

  it('fills a Stripe fee that arrives after the payment, before any payout', async () => {
    s.stripe = await stripePaid(5_000, { local: true });
    expect(payment(s.stripe.id).fee_minor).toBeNull();
    const r = await call<{ accounts: { ok: boolean; feesFilled: number; error: unknown }[] }>('reports.refresh', { accountId: stripeAccount });
    expect(r.accounts).toEqual([expect.objectContaining({ ok: true, error: null, feesFilled: 1 })]);
    // sandbox fee: round(5000 × 2.9%) + 30
    const p = payment(s.stripe.id);
    expect({ fee: p.fee_minor, tax: p.tax_minor, net: p.net_minor }).toEqual({ fee: 175, tax: 0, net: 4_825 });
    // with the balance transaction it came from: the Stripe export's balance_transaction_id and available_on
    const bt = d.sql.prepare(`SELECT id, available_on FROM stripe_balance_txns WHERE account_id = ? AND payment_intent_id = ?`).get(stripeAccount, s.stripe.pi) as { id: string; available_on: number };
    expect({ txn: p.balance_txn_id, availableOn: p.available_on }).toEqual({ txn: bt.id, availableOn: bt.available_on });
    expect(p.balance_txn_id).toMatch(/^txn_/);
    expect(d.sql.prepare(`SELECT kind, source FROM payment_events WHERE payment_id = ? AND kind = 'fee_known'`).all(s.stripe.id)).toEqual([{ kind: 'fee_known', source: 'sync' }]);
    expect(events.some((e) => e.name === 'payment.changed' && e.payload.id === s.stripe!.id)).toBe(true);
    expect(events.some((e) => e.name === 'reports.changed')).toBe(true);
  });

  it('pays out and settles, then matches every payment and refund and keeps external ones', async () => {
    // Stripe: a partial refund through the SDK, an external payment (made at the gateway, not in Paydesk),
    // and a payment Paydesk believes is paid that Stripe never saw
    const refund = await stripeSdk().refunds.create({ payment_intent: s.stripe!.pi!, amount: 1_500 });
    stripeRefund = newId('rf');
    recordRefund({ id: stripeRefund, paymentId: s.stripe!.id, accountId: stripeAccount, gateway: 'stripe', gatewayPaymentId: s.stripe!.pi!, gatewayRefundId: refund.id, amount: 1_500, currency: 'USD' });
    s.stripeExternal = await stripePaid(2_500, { local: false });
    s.stripeGhost = { id: newId('pd') };
    recordPaid({ id: s.stripeGhost.id, accountId: stripeAccount, gateway: 'stripe', kind: 'stripe_checkout', amount: 990, currency: 'USD', gatewayPaymentId: 'pi_DoesNotExistAtTheGateway01', ids: { paymentIntentId: 'pi_DoesNotExistAtTheGateway01' } });

    // Razorpay: a link paid and partly refunded, an external link payment, and one whose local amount disagrees
    s.razorpay = await razorpayPaid(50_000, { local: true });
    const rz = (await razorpaySdk().payments.refund(s.razorpay.pay!, { amount: 10_000 } as never)) as unknown as { id: string };
    razorpayRefund = newId('rf');
    recordRefund({ id: razorpayRefund, paymentId: s.razorpay.id, accountId: razorpayAccount, gateway: 'razorpay', gatewayPaymentId: s.razorpay.pay!, gatewayRefundId: rz.id, amount: 10_000, currency: 'INR' });
    s.razorpayExternal = await razorpayPaid(20_000, { local: false });
    s.razorpayOff = await razorpayPaid(30_000, { local: true, claimCaptured: 25_000 });

    await advance(3); // Stripe charges become available after 2 days
    const payouts = await control<{ data: { id: string }[] }>('/stripe/payouts', { currency: 'usd' });
    expect(payouts.data).toHaveLength(1);
    const settlement = await control<{ id: string; utr: string }>('/razorpay/settlements', { currency: 'INR' });

    const r = await call<{ accounts: { accountId: string; ok: boolean; error: unknown }[] }>('reports.refresh', { mode: 'test' });
    expect(r.accounts.map((a) => a.ok)).toEqual(r.accounts.map(() => true));
    expect(r.accounts.map((a) => a.accountId).sort()).toEqual([stripeAccount, razorpayAccount].sort());

    // fees
    expect(payment(s.razorpay.id)).toMatchObject({ fee_minor: 1_180, tax_minor: 180, net_minor: 48_820 }); // 2% + 18% GST
    expect(payment(s.razorpayOff!.id).fee_minor).toBe(708);

    // Stripe: the payment and its refund are in the payout
    expect(itemOfPayment(s.stripe!.id)).toMatchObject({ gateway_settlement_id: payouts.data[0]!.id, amount_minor: 5_000, fee_minor: 175, net_minor: 4_825 });
    expect(itemOfRefund(stripeRefund)).toMatchObject({ gateway_settlement_id: payouts.data[0]!.id, amount_minor: -1_500 });
    // Razorpay: the payment and its refund are in the settlement, with its UTR
    expect(itemOfPayment(s.razorpay.id)).toMatchObject({ gateway_settlement_id: settlement.id, utr: settlement.utr, amount_minor: 50_000, fee_minor: 1_180, net_minor: 48_820 });
    expect(itemOfRefund(razorpayRefund)).toMatchObject({ gateway_settlement_id: settlement.id, amount_minor: -10_000 });

    // external payments are stored as items with no Paydesk row and flagged, never dropped
    const ext = d.sql.prepare(`SELECT s.gateway, si.kind, si.gateway_txn_id, si.amount_minor FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id
        WHERE si.kind = 'payment' AND si.payment_id IS NULL ORDER BY s.gateway`).all();
    expect(ext).toEqual([
      { gateway: 'razorpay', kind: 'payment', gateway_txn_id: s.razorpayExternal.pay, amount_minor: 20_000 },
      { gateway: 'stripe', kind: 'payment', gateway_txn_id: expect.stringMatching(/^txn_/), amount_minor: 2_500 },
    ]);
    const extFlags = d.sql.prepare(`SELECT gateway, gateway_ref FROM recon_flags WHERE flag = 'external' ORDER BY gateway`).all();
    expect(extFlags).toEqual([{ gateway: 'razorpay', gateway_ref: s.razorpayExternal.pay }, { gateway: 'stripe', gateway_ref: s.stripeExternal.ch }]);

    // paid here, unknown at the gateway; and the amount that disagrees
    expect(flagsOf(`payment:${s.stripeGhost.id}`).map((f) => f.flag)).toEqual(['unknown_at_gateway']);
    const off = d.sql.prepare(`SELECT flag, detail FROM recon_flags WHERE payment_id = ? AND flag = 'amount_mismatch'`).get(s.razorpayOff!.id) as { detail: string };
    expect(JSON.parse(off.detail)).toEqual({ currency: 'INR', expectedMinor: 25_000, settledMinor: 30_000 });

    // every payment and refund Paydesk created (and the gateway knows) is linked to what paid it out
    const unlinked = d.sql.prepare(`SELECT id FROM payments p WHERE p.status = 'paid' AND NOT EXISTS (SELECT 1 FROM settlement_items si WHERE si.payment_id = p.id)`).all();
    expect(unlinked).toEqual([{ id: s.stripeGhost.id }]);
    const unlinkedRefunds = d.sql.prepare(`SELECT id FROM refunds r WHERE NOT EXISTS (SELECT 1 FROM settlement_items si WHERE si.refund_id = r.id)`).all();
    expect(unlinkedRefunds).toEqual([]);
  });

  it('shows each settlement with matched and unmatched counts and a drill-down', async () => {
    const today = new Date(now()).toISOString().slice(0, 10);
    const from = new Date(now() - 10 * DAY_MS).toISOString().slice(0, 10);
    await call('reports.settings.set', { timeZone: 'UTC' });
    const sum = await call<{ settlements: { id: string; gateway: string; matchedCount: number; unmatchedCount: number; itemCount: number; utr: string | null }[]; flags: Record<string, number> }>(
      'reports.summary', { mode: 'test', from, to: today });
    const stripeSt = sum.settlements.find((x) => x.gateway === 'stripe')!;
    const rzSt = sum.settlements.find((x) => x.gateway === 'razorpay')!;
    expect(stripeSt).toMatchObject({ matchedCount: 2, unmatchedCount: 1, itemCount: 3, utr: null });
    // razorpay: payment + refund matched; the external payment and the mismatched one unmatched
    expect(rzSt).toMatchObject({ matchedCount: 2, unmatchedCount: 2, itemCount: 4 });
    expect(sum.flags).toMatchObject({ external: 2, amount_mismatch: 1, unknown_at_gateway: 1 });

    const detail = await call<{ items: { kind: string; external: boolean; payment: { id: string } | null; refund: { id: string } | null; flags: { flag: string }[] }[] }>('reports.settlement', { id: rzSt.id });
    expect(detail.items.map((i) => [i.kind, i.external, i.payment?.id ?? i.refund?.id ?? null, i.flags.map((f) => f.flag)]).sort()).toEqual([
      ['payment', false, s.razorpay!.id, []],
      ['payment', false, s.razorpayOff!.id, ['amount_mismatch']],
      ['payment', true, null, ['external']],
      ['refund', false, razorpayRefund, []],
    ].sort());
  });

  it('re-running the refresh changes nothing', async () => {
    const before = snapshot();
    const n = events.length;
    const r = await call<{ accounts: { ok: boolean; feesFilled: number }[] }>('reports.refresh', {});
    expect(r.accounts.every((a) => a.ok && a.feesFilled === 0)).toBe(true);
    expect(snapshot()).toEqual(before);
    expect(events.slice(n).filter((e) => e.name === 'reports.changed' || e.name === 'payment.changed')).toEqual([]);
  });

  it('flags a paid payment in no settlement after the configured days, and clears it once settled', async () => {
    s.late = await razorpayPaid(12_300, { local: true });
    await call('reports.refresh', { accountId: razorpayAccount });
    expect(flagsOf(`payment:${s.late.id}`)).toEqual([]);
    await call('reports.settings.set', { unsettledAfterDays: 2 });
    clockOffset += 3 * DAY_MS; // Paydesk's clock only: three days later, still not settled
    await call('reports.refresh', { accountId: razorpayAccount });
    expect(flagsOf(`payment:${s.late.id}`).map((f) => f.flag)).toEqual(['not_settled']);
    const flags = await call<{ rows: { flag: string; paymentId: string | null }[]; total: number }>('reports.flags', { mode: 'test', flag: 'not_settled' });
    expect(flags.rows.map((f) => f.paymentId)).toContain(s.late.id);

    await advance(1);
    await control('/razorpay/settlements', { currency: 'INR' });
    await call('reports.refresh', { accountId: razorpayAccount });
    expect(flagsOf(`payment:${s.late.id}`)).toEqual([]);
    expect(itemOfPayment(s.late.id)).toBeDefined();
  });

  it('reports a gateway problem as a result, not a crash', async () => {
    await control('/faults', { path: '/v1/balance_transactions', status: 500, count: 10 });
    const r = await call<{ accounts: { ok: boolean; error: { code: string; message: string } | null }[] }>('reports.refresh', { accountId: stripeAccount });
    expect(r.accounts[0]).toMatchObject({ ok: false, error: { code: 'gateway_unreachable' } });
    expect(JSON.stringify(r)).not.toContain(sandbox.keys.STRIPE_SECRET_KEY);
    await control('/faults', undefined, 'DELETE');
    const status = await call<{ accounts: { accountId: string; last: { ok: boolean } | null }[] }>('reports.status', {});
    expect(status.accounts.find((a) => a.accountId === stripeAccount)?.last?.ok).toBe(false);
  });
});
