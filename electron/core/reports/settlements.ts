// Fetches and stores fees and settlements per account, then runs the matcher (matching.ts).
//
// Stripe:   balance transactions (`created[gt]` cursor in settings; fee, fee_details, net, reporting_category,
//           source expanded to the charge/refund) -> stripe_balance_txns; payouts (`payouts.list`) and the
//           transactions of each (`balanceTransactions.list({ payout })`) -> settlements + settlement_items;
//           fees of Paydesk payments filled from their charge's transaction, whenever it arrives.
// Razorpay: payments' fee and tax (`payments.all` from/to, cursor in settings; `payments.fetch` for paid
//           payments whose fee is still unknown), settlements (`settlements.all`) and their recon rows
//           (`settlements.reports({ year, month, day })`, the SDK's name for settlement recon) -> settlements +
//           settlement_items with settlement_id and settlement_utr.
//
// Network first, then every write of a step in ONE transaction. Idempotent: re-running stores nothing
// new (rows are upserted only when a value differs). Fees go through the payment state machine
// (shared/status.ts `fee_known`), exactly like the webhook ingest and sync do, so nothing double counts.
//
// Triggers: `reports.refresh` (on demand), a daily timer while core runs, and refreshAfterSync(d, id),
// which the catch-up sync calls. Concurrent triggers for one account share the running refresh.
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import type Razorpay from 'razorpay';
import { z } from 'zod';
import type { RefreshAccountResult, ReportsSettings } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { applyPaymentEvent, type PaymentEvent, type PaymentStatus } from '../../../shared/status';
import type { CoreDeps } from '../deps';
import { mapRazorpayError, mapStripeError } from '../gateways/errors';
import type { AccountRow } from '../store/repos/accounts';
import { paymentsRepo, stateOfRow, type PaymentRow } from '../store/repos/payments';
import type { SettingsRepo } from '../store/repos/settings';
import { matchAccount, recordGatewayPresence, type MatchAccount } from './matching';
import { assertTimeZone } from './time';

const DAY_S = 86_400;
const DAY_MS = DAY_S * 1000;
/** how far back the first refresh of an account looks */
const INITIAL_LOOKBACK_S = 400 * DAY_S;
/** settlements/payouts change status for a few days: re-read this window on every refresh */
const SETTLEMENT_WINDOW_S = 35 * DAY_S;
/** Razorpay fees become known at capture; re-read this much before the cursor */
const RZP_OVERLAP_S = 2 * DAY_S;
/** per refresh, at most this many direct look-ups of single payments / sessions */
const MAX_LOOKUPS = 200;
const IST_OFFSET_MS = 19_800_000;

// ------------------------------------------------------------------------------------------------
// settings

export const SETTING_TIME_ZONE = 'timeZone';
export const SETTING_UNSETTLED_DAYS = 'reports.unsettledAfterDays';
export const DEFAULT_UNSETTLED_DAYS = 7;
const cursorKey = (kind: string, accountId: string) => `reports.cursor.${kind}.${accountId}`;
const lastKey = (accountId: string) => `reports.lastRefresh.${accountId}`;

export function systemTimeZone(): string {
  const tz = Intl.DateTimeFormat().resolvedOptions().timeZone;
  try {
    if (tz) assertTimeZone(tz);
    return tz || 'UTC';
  } catch {
    return 'UTC';
  }
}

const ZoneSchema = z.string().refine((tz) => {
  try {
    assertTimeZone(tz);
    return true;
  } catch {
    return false;
  }
});

export function readReportsSettings(settings: SettingsRepo): ReportsSettings {
  const stored = settings.get(SETTING_TIME_ZONE, ZoneSchema.nullable(), null);
  const system = systemTimeZone();
  return {
    timeZone: stored ?? system,
    timeZoneIsSystem: stored === null,
    systemTimeZone: system,
    unsettledAfterDays: settings.get(SETTING_UNSETTLED_DAYS, z.number().int().min(1).max(90), DEFAULT_UNSETTLED_DAYS),
  };
}

/** Saves the reports settings; an unknown zone is an invalid_input error on `timeZone`. */
export function writeReportsSettings(settings: SettingsRepo, input: { timeZone?: string | null | undefined; unsettledAfterDays?: number | undefined }): ReportsSettings {
  if (input.timeZone !== undefined) {
    if (input.timeZone === null) settings.remove(SETTING_TIME_ZONE);
    else {
      try {
        assertTimeZone(input.timeZone);
      } catch {
        throw new AppError('invalid_input', `"${input.timeZone.slice(0, 64)}" is not a time zone Paydesk knows (use an IANA name such as Asia/Kolkata)`, { field: 'timeZone' });
      }
      // kept as the merchant chose it (ICU would rename Asia/Kolkata to its old alias Asia/Calcutta)
      settings.set(SETTING_TIME_ZONE, input.timeZone);
    }
  }
  if (input.unsettledAfterDays !== undefined) settings.set(SETTING_UNSETTLED_DAYS, input.unsettledAfterDays);
  return readReportsSettings(settings);
}

// ------------------------------------------------------------------------------------------------
// shared helpers

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
const idOf = (v: unknown): string | null => (typeof v === 'string' ? str(v) : v && typeof v === 'object' ? str((v as { id?: unknown }).id) : null);
const int = (v: unknown): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : 0;
};

/** Paydesk's own id of a settlement row: deterministic, so concurrent or repeated inserts agree. */
export function settlementRowId(accountId: string, gatewaySettlementId: string): string {
  return `stl_${createHash('sha256').update(`${accountId}\0${gatewaySettlementId}`).digest('hex').slice(0, 24)}`;
}

type Counts = RefreshAccountResult['fetched'];

interface FeeFact {
  paymentId: string;
  /** the gateway payment id the fee belongs to (the state machine's key): pi_/ch_ or pay_ */
  keys: string[];
  fee: number;
  tax: number;
  net: number | null;
  currency: string;
  at: number;
  gatewayType: string;
}

/** Fills fees through the state machine; returns the payments whose visible state changed. */
function applyFees(d: CoreDeps, account: AccountRow, facts: readonly FeeFact[]): { id: string; status: PaymentStatus }[] {
  if (facts.length === 0) return [];
  const repo = paymentsRepo(d.db);
  const directStmt = d.db.prepare(`UPDATE payments SET fee_minor = ?, tax_minor = ?, net_minor = ?, updated_at = ?
    WHERE id = ? AND (fee_minor IS NOT ? OR tax_minor IS NOT ? OR net_minor IS NOT ?)`);
  const changed: { id: string; status: PaymentStatus }[] = [];
  d.db.transaction(() => {
    const now = d.clock.now();
    for (const f of facts) {
      const row: PaymentRow | undefined = repo.byId(f.paymentId);
      if (!row || row.account_id !== account.id) continue;
      // a settlement in another currency (conversion) is flagged by the matcher, never mixed into this payment
      if (row.currency !== f.currency) continue;
      if (!row.machine) {
        // a row no state machine has touched yet (imported / seeded): only fill the columns of a paid row
        if (row.status === 'paid' || row.status === 'partially_paid') {
          const net = f.net ?? row.captured_minor - f.fee;
          if (directStmt.run(f.fee, f.tax, net, now, row.id, f.fee, f.tax, net).changes > 0) changed.push({ id: row.id, status: row.status });
        }
        continue;
      }
      const state = stateOfRow(row);
      // the same key the ingest used, when it already knows a fee (Stripe: pi_ or ch_)
      const key = f.keys.find((k) => state.fees[k] !== undefined) ?? f.keys[0]!;
      const event: PaymentEvent = { type: 'fee_known', at: f.at, paymentId: key, fee: f.fee, tax: f.tax, net: f.net };
      const r = applyPaymentEvent(state, event);
      if (!r.stateChanged) continue;
      const s = repo.saveState(row.id, r.state, {}, now);
      repo.addTimeline({ paymentId: row.id, at: f.at, recordedAt: now, event, source: 'sync', webhookEventId: null, gatewayType: f.gatewayType, changed: r.changed, statusAfter: s.status });
      if (r.changed) changed.push({ id: row.id, status: s.status });
    }
  }).immediate();
  return changed;
}

function upsertSettlementStmt(d: CoreDeps) {
  return d.db.prepare(`INSERT INTO settlements
      (id, account_id, gateway, livemode, gateway_settlement_id, currency, amount_minor, fee_minor, tax_minor, utr, status, created_at, arrival_at, fetched_at)
    VALUES (@id, @accountId, @gateway, @livemode, @gatewayId, @currency, @amount, @fee, @tax, @utr, @status, @createdAt, @arrivalAt, @now)
    ON CONFLICT (account_id, gateway_settlement_id) DO UPDATE SET
      amount_minor = excluded.amount_minor, fee_minor = excluded.fee_minor, tax_minor = excluded.tax_minor, utr = excluded.utr,
      status = excluded.status, arrival_at = excluded.arrival_at, currency = excluded.currency, fetched_at = excluded.fetched_at
    WHERE settlements.amount_minor IS NOT excluded.amount_minor OR settlements.fee_minor IS NOT excluded.fee_minor
       OR settlements.tax_minor IS NOT excluded.tax_minor OR settlements.utr IS NOT excluded.utr OR settlements.status IS NOT excluded.status
       OR settlements.arrival_at IS NOT excluded.arrival_at OR settlements.currency IS NOT excluded.currency`);
}

function insertItemStmt(d: CoreDeps) {
  return d.db.prepare(`INSERT INTO settlement_items
      (settlement_id, kind, payment_id, refund_id, gateway_txn_id, amount_minor, fee_minor, tax_minor, net_minor, created_at)
    VALUES (@settlementId, @kind, @paymentId, NULL, @txn, @amount, @fee, @tax, @net, @createdAt)
    ON CONFLICT (settlement_id, gateway_txn_id) DO NOTHING`);
}

type ItemKind = 'payment' | 'refund' | 'fee' | 'adjustment' | 'dispute';

// ------------------------------------------------------------------------------------------------
// Stripe

interface BtRecord {
  id: string;
  type: string;
  category: string;
  sourceId: string | null;
  chargeId: string | null;
  paymentIntentId: string | null;
  refundId: string | null;
  paydeskId: string | null;
  currency: string;
  amount: number;
  fee: number;
  tax: number;
  net: number;
  feeDetails: string;
  exchangeRate: string | null;
  status: string;
  payoutId: string | null;
  createdAt: number;
  availableOn: number | null;
}

function toBtRecord(bt: Stripe.BalanceTransaction, payoutId: string | null): BtRecord {
  const src = bt.source as unknown;
  const sourceId = idOf(src);
  let chargeId: string | null = null;
  let paymentIntentId: string | null = null;
  let refundId: string | null = null;
  let paydeskId: string | null = null;
  if (src && typeof src === 'object') {
    const o = src as { object?: string; id?: string; payment_intent?: unknown; charge?: unknown; metadata?: Record<string, string> | null };
    if (o.object === 'charge') {
      chargeId = sourceId;
      paymentIntentId = idOf(o.payment_intent);
      paydeskId = str(o.metadata?.paydesk_id);
    } else if (o.object === 'refund') {
      refundId = sourceId;
      chargeId = idOf(o.charge);
      paymentIntentId = idOf(o.payment_intent);
    }
  } else if (sourceId) {
    if (/^(ch|py)_/.test(sourceId)) chargeId = sourceId;
    else if (/^(re|pyr)_/.test(sourceId)) refundId = sourceId;
  }
  const details = Array.isArray(bt.fee_details) ? bt.fee_details : [];
  const tax = details.filter((f) => f.type === 'tax').reduce((s, f) => s + int(f.amount), 0);
  return {
    id: bt.id,
    type: String(bt.type),
    category: String(bt.reporting_category ?? bt.type),
    sourceId,
    chargeId,
    paymentIntentId,
    refundId,
    paydeskId,
    currency: String(bt.currency).toUpperCase(),
    amount: int(bt.amount),
    fee: int(bt.fee),
    tax,
    net: int(bt.net),
    feeDetails: JSON.stringify(details.map((f) => ({ amount: int(f.amount), currency: String(f.currency).toUpperCase(), type: f.type, description: f.description ?? null }))),
    exchangeRate: bt.exchange_rate == null ? null : String(bt.exchange_rate),
    status: String(bt.status),
    payoutId,
    createdAt: int(bt.created) * 1000,
    availableOn: bt.available_on ? int(bt.available_on) * 1000 : null,
  };
}

const PAYMENT_CATEGORIES = new Set(['charge', 'payment']);

function stripeItemKind(category: string): ItemKind | null {
  if (category === 'payout' || category === 'payout_reversal' || category === 'topup' || category === 'topup_reversal') return null;
  if (PAYMENT_CATEGORIES.has(category)) return 'payment';
  if (category === 'refund' || category === 'refund_failure' || category === 'partial_capture_reversal') return 'refund';
  if (category === 'dispute' || category === 'dispute_reversal') return 'dispute';
  if (category === 'fee' || category === 'network_cost') return 'fee';
  return 'adjustment';
}

async function stripeList<T>(list: AsyncIterable<T>, max = 1_000_000): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const x of list) {
      out.push(x);
      if (out.length >= max) break;
    }
  } catch (err) {
    throw mapStripeError(err);
  }
  return out;
}

const isStripeMissing = (err: unknown): boolean => {
  const e = err as { type?: string; statusCode?: number; code?: string } | null;
  return !!e && e.type === 'StripeInvalidRequestError' && (e.statusCode === 404 || e.code === 'resource_missing');
};

function upsertBtStmt(d: CoreDeps) {
  return d.db.prepare(`INSERT INTO stripe_balance_txns
      (account_id, id, livemode, type, reporting_category, source_id, charge_id, payment_intent_id, refund_id, paydesk_id, currency,
       amount_minor, fee_minor, tax_minor, net_minor, fee_details, exchange_rate, status, payout_id, created_at, available_on)
    VALUES (@accountId, @id, @livemode, @type, @category, @sourceId, @chargeId, @paymentIntentId, @refundId, @paydeskId, @currency,
       @amount, @fee, @tax, @net, @feeDetails, @exchangeRate, @status, @payoutId, @createdAt, @availableOn)
    ON CONFLICT (account_id, id) DO UPDATE SET
      status = excluded.status, available_on = excluded.available_on,
      fee_minor = excluded.fee_minor, tax_minor = excluded.tax_minor, net_minor = excluded.net_minor, fee_details = excluded.fee_details,
      payout_id = coalesce(excluded.payout_id, stripe_balance_txns.payout_id),
      charge_id = coalesce(stripe_balance_txns.charge_id, excluded.charge_id),
      payment_intent_id = coalesce(stripe_balance_txns.payment_intent_id, excluded.payment_intent_id),
      refund_id = coalesce(stripe_balance_txns.refund_id, excluded.refund_id),
      paydesk_id = coalesce(stripe_balance_txns.paydesk_id, excluded.paydesk_id)
    WHERE stripe_balance_txns.status IS NOT excluded.status OR stripe_balance_txns.available_on IS NOT excluded.available_on
       OR stripe_balance_txns.fee_minor IS NOT excluded.fee_minor OR stripe_balance_txns.net_minor IS NOT excluded.net_minor
       OR stripe_balance_txns.fee_details IS NOT excluded.fee_details
       OR (excluded.payout_id IS NOT NULL AND stripe_balance_txns.payout_id IS NOT excluded.payout_id)
       OR (stripe_balance_txns.charge_id IS NULL AND excluded.charge_id IS NOT NULL)
       OR (stripe_balance_txns.payment_intent_id IS NULL AND excluded.payment_intent_id IS NOT NULL)
       OR (stripe_balance_txns.refund_id IS NULL AND excluded.refund_id IS NOT NULL)
       OR (stripe_balance_txns.paydesk_id IS NULL AND excluded.paydesk_id IS NOT NULL)`);
}

interface RunOutcome {
  fetched: Counts;
  writes: number;
  feeChanged: { id: string; status: PaymentStatus }[];
}

async function refreshStripe(d: CoreDeps, account: AccountRow): Promise<RunOutcome> {
  const stripe = d.gateways.stripe(account.id);
  const settings = d.repos.settings;
  const nowS = Math.floor(d.clock.now() / 1000);
  const fetched: Counts = { balanceTransactions: 0, payments: 0, settlements: 0, items: 0 };
  const livemode = account.livemode ? 1 : 0;
  let writes = 0;

  // 1. new balance transactions since the cursor (the same second again: upserts make that harmless)
  const btCursorKey = cursorKey('stripe.bt', account.id);
  const btCursor = settings.get(btCursorKey, z.number().int(), nowS - INITIAL_LOOKBACK_S);
  const bts = await stripeList(stripe.balanceTransactions.list({ created: { gt: btCursor - 1 }, limit: 100, expand: ['data.source'] }));
  fetched.balanceTransactions += bts.length;

  // 2. payouts of the recent window, and the transactions of every payout not itemized yet
  const poCursorKey = cursorKey('stripe.payout', account.id);
  const poCursor = settings.get(poCursorKey, z.number().int(), nowS - INITIAL_LOOKBACK_S);
  const payouts = await stripeList(stripe.payouts.list({ created: { gte: Math.min(poCursor, nowS) - SETTLEMENT_WINDOW_S }, limit: 100 }));
  fetched.settlements += payouts.length;
  const itemCount = d.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM settlement_items WHERE settlement_id = ?');
  const payoutTxns = new Map<string, Stripe.BalanceTransaction[]>();
  for (const po of payouts) {
    if ((itemCount.get(settlementRowId(account.id, po.id))?.n ?? 0) > 0) continue;
    const txns = await stripeList(stripe.balanceTransactions.list({ payout: po.id, limit: 100, expand: ['data.source'] }));
    payoutTxns.set(po.id, txns);
    fetched.balanceTransactions += txns.length;
  }

  // 3. store it all in one transaction
  const upsertBt = upsertBtStmt(d);
  const upsertSettlement = upsertSettlementStmt(d);
  const insertItem = insertItemStmt(d);
  const storedSums = d.db.prepare<[string], { fee: number; tax: number }>(
    'SELECT coalesce(sum(fee_minor), 0) AS fee, coalesce(sum(tax_minor), 0) AS tax FROM settlement_items WHERE settlement_id = ?');
  let maxBt = btCursor;
  let maxPo = poCursor;
  d.db.transaction(() => {
    const now = d.clock.now();
    for (const bt of bts) {
      const r = toBtRecord(bt, null);
      writes += upsertBt.run({ accountId: account.id, livemode, ...r }).changes;
      maxBt = Math.max(maxBt, int(bt.created));
    }
    for (const po of payouts) {
      const id = settlementRowId(account.id, po.id);
      const records = (payoutTxns.get(po.id) ?? []).map((bt) => toBtRecord(bt, po.id));
      const items = records.filter((r) => r.type !== 'payout' && stripeItemKind(r.category) !== null);
      // the payout's fees and tax: those of its transactions (stored ones when they were itemized before)
      const sums = payoutTxns.has(po.id)
        ? { fee: items.reduce((n, r) => n + r.fee, 0), tax: items.reduce((n, r) => n + r.tax, 0) }
        : (storedSums.get(id) ?? { fee: 0, tax: 0 });
      writes += upsertSettlement.run({
        id, accountId: account.id, gateway: 'stripe', livemode, gatewayId: po.id, currency: String(po.currency).toUpperCase(), amount: int(po.amount),
        fee: sums.fee, tax: sums.tax, utr: null, status: String(po.status), createdAt: int(po.created) * 1000, arrivalAt: po.arrival_date ? int(po.arrival_date) * 1000 : null, now,
      }).changes;
      maxPo = Math.max(maxPo, int(po.created));
      for (const r of records) writes += upsertBt.run({ accountId: account.id, livemode, ...r }).changes;
      for (const r of items) {
        const n = insertItem.run({ settlementId: id, kind: stripeItemKind(r.category), paymentId: null, txn: r.id, amount: r.amount, fee: r.fee, tax: r.tax, net: r.net, createdAt: r.createdAt }).changes;
        writes += n;
        fetched.items += n;
      }
    }
  }).immediate();
  if (maxBt !== btCursor || !settings.get(btCursorKey, z.number().int().nullable(), null)) settings.set(btCursorKey, maxBt);
  if (maxPo !== poCursor || !settings.get(poCursorKey, z.number().int().nullable(), null)) settings.set(poCursorKey, maxPo);

  // 4. charges Paydesk cannot place by charge/intent/metadata: ask once which Checkout Session made them
  const unplaced = d.db.prepare<[string], { id: string; payment_intent_id: string }>(`SELECT bt.id, bt.payment_intent_id FROM stripe_balance_txns bt
      WHERE bt.account_id = ? AND bt.reporting_category IN ('charge', 'payment') AND bt.payment_intent_id IS NOT NULL AND bt.session_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.account_id = bt.account_id AND (p.id = bt.paydesk_id OR p.charge_id = bt.charge_id
          OR p.payment_intent_id = bt.payment_intent_id OR p.gateway_payment_id = bt.payment_intent_id))
      ORDER BY bt.created_at DESC LIMIT ${MAX_LOOKUPS}`).all(account.id);
  const sessionFound: { id: string; session: string; ref: string | null }[] = [];
  for (const u of unplaced) {
    const list = await stripeList(stripe.checkout.sessions.list({ payment_intent: u.payment_intent_id, limit: 1 }), 1);
    const s = list[0];
    sessionFound.push({ id: u.id, session: s?.id ?? '', ref: s ? (str(s.client_reference_id) ?? str(s.metadata?.paydesk_id)) : null });
  }
  if (sessionFound.length > 0) {
    const setSession = d.db.prepare('UPDATE stripe_balance_txns SET session_id = ?, session_ref = ? WHERE account_id = ? AND id = ? AND session_id IS NULL');
    d.db.transaction(() => {
      for (const s of sessionFound) writes += setSession.run(s.session, s.ref, account.id, s.id).changes;
    }).immediate();
  }

  // 5. paid payments whose fee is unknown: their transaction from the feed, else ask Stripe for the payment itself
  const feeless = () => d.db.prepare<[string], PaymentRow>(`SELECT * FROM payments WHERE account_id = ? AND status IN ('paid', 'partially_paid')
      AND fee_minor IS NULL ORDER BY paid_at DESC LIMIT ${MAX_LOOKUPS}`).all(account.id);
  const btForPayment = d.db.prepare(`SELECT * FROM stripe_balance_txns WHERE account_id = @a AND reporting_category IN ('charge', 'payment') AND
      (paydesk_id = @id OR session_ref = @id OR charge_id = @ch OR payment_intent_id = @pi OR payment_intent_id = @gp OR session_id = @sess)
      ORDER BY created_at LIMIT 1`);
  interface BtDb { id: string; charge_id: string | null; payment_intent_id: string | null; currency: string; fee_minor: number; tax_minor: number; net_minor: number; created_at: number }
  const factsFrom = (rows: PaymentRow[]): { facts: FeeFact[]; missing: PaymentRow[] } => {
    const facts: FeeFact[] = [];
    const missing: PaymentRow[] = [];
    for (const p of rows) {
      const bt = btForPayment.get({ a: account.id, id: p.id, ch: p.charge_id, pi: p.payment_intent_id, gp: p.gateway_payment_id, sess: p.session_id }) as BtDb | undefined;
      if (!bt) {
        missing.push(p);
        continue;
      }
      const keys = [bt.payment_intent_id, bt.charge_id].filter((k): k is string => !!k);
      facts.push({ paymentId: p.id, keys, fee: bt.fee_minor, tax: bt.tax_minor, net: bt.net_minor, currency: bt.currency, at: bt.created_at, gatewayType: 'balance_transaction' });
    }
    return { facts, missing };
  };
  const first = factsFrom(feeless());
  const presence = new Map<string, { unknown: boolean; gatewayRef: string | null }>();
  const asked: Stripe.BalanceTransaction[] = [];
  for (const p of first.missing) {
    const ref = p.charge_id ?? p.payment_intent_id ?? (p.gateway_payment_id?.startsWith('pi_') ? p.gateway_payment_id : null) ?? p.session_id;
    if (!ref) continue;
    try {
      let bt: unknown = null;
      if (ref.startsWith('ch_') || ref.startsWith('py_')) {
        bt = (await stripe.charges.retrieve(ref, { expand: ['balance_transaction'] })).balance_transaction;
      } else if (ref.startsWith('pi_')) {
        const pi = await stripe.paymentIntents.retrieve(ref, { expand: ['latest_charge.balance_transaction'] });
        bt = (pi.latest_charge as Stripe.Charge | null)?.balance_transaction ?? null;
      } else {
        const s = await stripe.checkout.sessions.retrieve(ref, { expand: ['payment_intent.latest_charge.balance_transaction'] });
        const pi = s.payment_intent as Stripe.PaymentIntent | null;
        if (!pi || typeof pi !== 'object') {
          presence.set(p.id, { unknown: s.payment_status !== 'paid', gatewayRef: ref });
          continue;
        }
        bt = (pi.latest_charge as Stripe.Charge | null)?.balance_transaction ?? null;
      }
      presence.set(p.id, { unknown: false, gatewayRef: ref });
      if (bt && typeof bt === 'object') {
        // the retrieved transaction's source is the charge id only: look its charge up for the intent
        const full = await stripe.balanceTransactions.retrieve((bt as Stripe.BalanceTransaction).id, { expand: ['source'] });
        asked.push(full);
      }
    } catch (err) {
      if (isStripeMissing(err)) presence.set(p.id, { unknown: true, gatewayRef: ref });
      else throw mapStripeError(err);
    }
  }
  fetched.payments += presence.size;
  fetched.balanceTransactions += asked.length;
  if (asked.length > 0) {
    d.db.transaction(() => {
      for (const bt of asked) writes += upsertBt.run({ accountId: account.id, livemode, ...toBtRecord(bt, null) }).changes;
    }).immediate();
  }
  const second = asked.length > 0 ? factsFrom(first.missing) : { facts: [], missing: [] };
  const feeChanged = applyFees(d, account, [...first.facts, ...second.facts]);
  writes += feeChanged.length;
  const p = recordGatewayPresence(d.db, matchAccountOf(account), presence, d.clock.now());
  writes += p.added + p.removed + p.updated;
  return { fetched, writes, feeChanged };
}

// ------------------------------------------------------------------------------------------------
// Razorpay

interface RzpCollection<T> { items?: T[]; count?: number }
interface RzpPaymentLite { id: string; amount: number; currency: string; status: string; order_id: string | null; fee?: number | null; tax?: number | null; notes?: unknown; created_at: number; captured?: boolean }
interface RzpSettlementLite { id: string; amount: number; status: string; fees: number; tax: number; utr: string | null; created_at: number }
interface RzpReconRow {
  entity_id: string; type: string; debit: number; credit: number; amount: number | string; currency: string; fee: number; tax: number;
  created_at: number; settled_at: number; settlement_id: string; settlement_utr: string | null; payment_id: string | null; order_id: string | null;
  notes: unknown; dispute_id: string | null;
}

async function rzp<T>(p: Promise<unknown>): Promise<T> {
  try {
    return (await p) as T;
  } catch (err) {
    throw mapRazorpayError(err);
  }
}

const isRazorpayMissing = (err: unknown): boolean => {
  const e = err as { statusCode?: number | string; error?: { description?: string } } | null;
  const status = Number(e?.statusCode);
  return status === 404 || (status === 400 && /does not exist|not a valid id/i.test(e?.error?.description ?? ''));
};

/** notes as payments or recon rows carry them: an object, [] when empty, or (recon) a string */
function paydeskIdOfNotes(notes: unknown): string | null {
  if (typeof notes === 'string') {
    if (/^pd_[A-Za-z0-9_-]+$/.test(notes)) return notes;
    try {
      return paydeskIdOfNotes(JSON.parse(notes));
    } catch {
      return null;
    }
  }
  if (notes && typeof notes === 'object' && !Array.isArray(notes)) return str((notes as Record<string, unknown>).paydesk_id);
  return null;
}

async function rzpPages<T>(fetchPage: (skip: number) => Promise<RzpCollection<T>>, pageSize: number, max = 100_000): Promise<T[]> {
  const out: T[] = [];
  for (let skip = 0; out.length < max; skip += pageSize) {
    const page = await fetchPage(skip);
    const items = page.items ?? [];
    out.push(...items);
    if (items.length < pageSize) break;
  }
  return out;
}

function istDay(createdSec: number): { year: number; month: number; day: number; key: string } {
  const d = new Date(createdSec * 1000 + IST_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), key: d.toISOString().slice(0, 10) };
}

function rzpItem(row: RzpReconRow): { kind: ItemKind; amount: number; fee: number; tax: number; net: number } {
  const amount = int(row.amount);
  const fee = int(row.fee);
  const tax = int(row.tax);
  const net = int(row.credit) - int(row.debit);
  if (row.dispute_id) return { kind: 'dispute', amount: net + fee, fee, tax, net };
  if (row.type === 'payment') return { kind: 'payment', amount, fee, tax, net };
  if (row.type === 'refund') return { kind: 'refund', amount: -amount, fee, tax, net };
  return { kind: 'adjustment', amount: net + fee, fee, tax, net };
}

async function refreshRazorpay(d: CoreDeps, account: AccountRow): Promise<RunOutcome> {
  const client: Razorpay = d.gateways.razorpay(account.id);
  const settings = d.repos.settings;
  const nowS = Math.floor(d.clock.now() / 1000);
  const fetched: Counts = { balanceTransactions: 0, payments: 0, settlements: 0, items: 0 };
  const livemode = account.livemode ? 1 : 0;
  let writes = 0;

  const byGatewayId = d.db.prepare<[string, string], { id: string }>('SELECT id FROM payments WHERE gateway_payment_id = ? AND account_id = ? ORDER BY created_at LIMIT 1');
  const byOrder = d.db.prepare<[string, string], { id: string }>('SELECT id FROM payments WHERE order_id = ? AND account_id = ? ORDER BY created_at LIMIT 1');
  const byId = d.db.prepare<[string, string], { id: string }>('SELECT id FROM payments WHERE id = ? AND account_id = ?');
  const localOf = (payId: string, orderId: string | null, notes: unknown): string | null => {
    const hit = byGatewayId.get(payId, account.id) ?? (orderId ? byOrder.get(orderId, account.id) : undefined);
    if (hit) return hit.id;
    const pd = paydeskIdOfNotes(notes);
    return pd ? (byId.get(pd, account.id)?.id ?? null) : null;
  };
  const feeFact = (paymentId: string, p: RzpPaymentLite): FeeFact | null => {
    if (p.fee === null || p.fee === undefined) return null;
    const fee = int(p.fee);
    return { paymentId, keys: [p.id], fee, tax: int(p.tax), net: int(p.amount) - fee, currency: String(p.currency).toUpperCase(), at: int(p.created_at) * 1000, gatewayType: 'payment' };
  };

  // 1. payments since the cursor: their fee and tax
  const payCursorKey = cursorKey('razorpay.payments', account.id);
  const payCursor = settings.get(payCursorKey, z.number().int(), nowS - INITIAL_LOOKBACK_S);
  const payments = await rzpPages<RzpPaymentLite>((skip) => rzp(client.payments.all({ from: payCursor - RZP_OVERLAP_S, to: nowS + DAY_S, count: 100, skip })), 100);
  fetched.payments += payments.length;
  const facts: FeeFact[] = [];
  let maxPay = payCursor;
  for (const p of payments) {
    const local = localOf(p.id, p.order_id, p.notes);
    const f = local ? feeFact(local, p) : null;
    if (f) facts.push(f);
    // the cursor moves only past captured payments, whose fee is final
    if (p.fee !== null && p.fee !== undefined) maxPay = Math.max(maxPay, int(p.created_at));
  }

  // 2. paid payments whose fee is still unknown: fetch each (this also finds payments the gateway does not know)
  const gotFee = new Set(facts.map((f) => f.paymentId));
  const feeless = d.db.prepare<[string], PaymentRow>(`SELECT * FROM payments WHERE account_id = ? AND status IN ('paid', 'partially_paid')
      AND fee_minor IS NULL AND gateway_payment_id IS NOT NULL ORDER BY paid_at DESC LIMIT ${MAX_LOOKUPS}`).all(account.id);
  const presence = new Map<string, { unknown: boolean; gatewayRef: string | null }>();
  for (const row of feeless) {
    if (gotFee.has(row.id) || !row.gateway_payment_id) continue;
    try {
      const p = (await client.payments.fetch(row.gateway_payment_id)) as unknown as RzpPaymentLite;
      presence.set(row.id, { unknown: false, gatewayRef: row.gateway_payment_id });
      const f = feeFact(row.id, p);
      if (f) facts.push(f);
    } catch (err) {
      if (isRazorpayMissing(err)) presence.set(row.id, { unknown: true, gatewayRef: row.gateway_payment_id });
      else throw mapRazorpayError(err);
    }
  }
  fetched.payments += presence.size;

  // 3. settlements of the recent window, and the recon rows of every settlement not itemized yet
  const stCursorKey = cursorKey('razorpay.settlements', account.id);
  const stCursor = settings.get(stCursorKey, z.number().int(), nowS - INITIAL_LOOKBACK_S);
  const settlementsList = await rzpPages<RzpSettlementLite>(
    (skip) => rzp(client.settlements.all({ from: Math.min(stCursor, nowS) - SETTLEMENT_WINDOW_S, to: nowS + DAY_S, count: 100, skip })), 100);
  fetched.settlements += settlementsList.length;
  const itemCount = d.db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM settlement_items WHERE settlement_id = ?');
  const needDays = new Map<string, { year: number; month: number; day: number }>();
  const needIds = new Set<string>();
  for (const st of settlementsList) {
    if ((itemCount.get(settlementRowId(account.id, st.id))?.n ?? 0) > 0) continue;
    const day = istDay(int(st.created_at));
    needDays.set(day.key, day);
    needIds.add(st.id);
  }
  const recon: RzpReconRow[] = [];
  for (const day of needDays.values()) {
    const rows = await rzpPages<RzpReconRow>(
      (skip) => rzp<RzpCollection<RzpReconRow>>(client.settlements.reports({ year: day.year, month: day.month, day: day.day, count: 1000, skip })), 1000);
    recon.push(...rows.filter((r) => needIds.has(r.settlement_id)));
  }
  fetched.items += recon.length;

  // 4. store
  const upsertSettlement = upsertSettlementStmt(d);
  const insertItem = insertItemStmt(d);
  const paymentTaken = d.db.prepare<[string], { id: number }>(`SELECT id FROM settlement_items WHERE payment_id = ? AND kind = 'payment'`);
  const storedCurrency = d.db.prepare<[string, string], { currency: string }>('SELECT currency FROM settlements WHERE account_id = ? AND gateway_settlement_id = ?');
  let maxSt = stCursor;
  d.db.transaction(() => {
    const now = d.clock.now();
    for (const st of settlementsList) {
      const created = int(st.created_at);
      maxSt = Math.max(maxSt, created);
      writes += upsertSettlement.run({
        id: settlementRowId(account.id, st.id), accountId: account.id, gateway: 'razorpay', livemode, gatewayId: st.id,
        // the settlement entity has no currency: the recon rows carry it (Razorpay settles INR by default)
        currency: String(recon.find((r) => r.settlement_id === st.id)?.currency ?? storedCurrency.get(account.id, st.id)?.currency ?? 'INR').toUpperCase(),
        amount: int(st.amount), fee: int(st.fees), tax: int(st.tax), utr: str(st.utr), status: String(st.status),
        createdAt: created * 1000, arrivalAt: st.status === 'processed' ? created * 1000 : null, now,
      }).changes;
    }
    for (const row of recon) {
      const it = rzpItem(row);
      let paymentId: string | null = null;
      if (it.kind === 'payment') {
        const local = localOf(row.entity_id, row.order_id, row.notes);
        if (local && !paymentTaken.get(local)) paymentId = local;
      }
      writes += insertItem.run({
        settlementId: settlementRowId(account.id, row.settlement_id), kind: it.kind, paymentId, txn: row.entity_id,
        amount: it.amount, fee: it.fee, tax: it.tax, net: it.net, createdAt: int(row.created_at) * 1000,
      }).changes;
    }
  }).immediate();
  if (maxPay !== payCursor || !settings.get(payCursorKey, z.number().int().nullable(), null)) settings.set(payCursorKey, maxPay);
  if (maxSt !== stCursor || !settings.get(stCursorKey, z.number().int().nullable(), null)) settings.set(stCursorKey, maxSt);

  const feeChanged = applyFees(d, account, facts);
  writes += feeChanged.length;
  const p = recordGatewayPresence(d.db, matchAccountOf(account), presence, d.clock.now());
  writes += p.added + p.removed + p.updated;
  return { fetched, writes, feeChanged };
}

// ------------------------------------------------------------------------------------------------
// the service: refresh per account, status, daily timer

const matchAccountOf = (a: AccountRow): MatchAccount => ({ id: a.id, gateway: a.gateway, livemode: a.livemode });

const ResultSchema = z.object({
  accountId: z.string(),
  gateway: z.enum(['stripe', 'razorpay']),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  fetched: z.object({ balanceTransactions: z.number(), payments: z.number(), settlements: z.number(), items: z.number() }),
  feesFilled: z.number(),
  finishedAt: z.number(),
});

export interface ReportsService {
  /** fetch + store + match one account; never throws for a gateway problem (the result carries it) */
  refresh(accountId: string): Promise<RefreshAccountResult>;
  /** every account (of one mode), one after the other */
  refreshAll(mode?: 'test' | 'live'): Promise<RefreshAccountResult[]>;
  /** re-run the matcher (no network) for every account, e.g. after the unsettled-after setting changed */
  rematchAll(): void;
  isRunning(accountId: string): boolean;
  lastResult(accountId: string): RefreshAccountResult | null;
  settings(): ReportsSettings;
  /** stop the daily timer */
  dispose(): void;
}

export interface ReportsServiceOptions {
  /** first automatic refresh after start (ms); default 5 minutes */
  firstRunDelayMs?: number;
  /** automatic refresh period (ms); default 24 h; 0 = no timer */
  periodMs?: number;
}

const services = new WeakMap<CoreDeps, ReportsService>();

/** The one reports service of a core (created on first use, with its daily timer). */
export function reportsService(d: CoreDeps, opts: ReportsServiceOptions = {}): ReportsService {
  const existing = services.get(d);
  if (existing) return existing;
  const svc = createReportsService(d, opts);
  services.set(d, svc);
  return svc;
}

/**
 * For the catch-up sync (payments/sync.ts): refresh this account's reconciliation data in the
 * background after a sync. Never throws, never blocks the caller; coalesces with a running refresh.
 */
export function refreshAfterSync(d: CoreDeps, accountId: string): void {
  if (!d.db.open) return;
  void reportsService(d).refresh(accountId).catch((err: unknown) => d.log('warn', 'reports refresh after sync failed', { error: err }));
}

function createReportsService(d: CoreDeps, opts: ReportsServiceOptions): ReportsService {
  const running = new Map<string, Promise<RefreshAccountResult>>();
  const last = new Map<string, RefreshAccountResult>();
  let timer: NodeJS.Timeout | null = null;
  let disposed = false;

  const readLast = (accountId: string): RefreshAccountResult | null => {
    const hit = last.get(accountId);
    if (hit) return hit;
    const stored = d.repos.settings.get(lastKey(accountId), ResultSchema.nullable(), null);
    if (stored) last.set(accountId, stored);
    return stored;
  };

  async function run(account: AccountRow): Promise<RefreshAccountResult> {
    const empty: Counts = { balanceTransactions: 0, payments: 0, settlements: 0, items: 0 };
    let result: RefreshAccountResult;
    let changed = false;
    try {
      const out = account.gateway === 'stripe' ? await refreshStripe(d, account) : await refreshRazorpay(d, account);
      const m = matchAccount(d.db, matchAccountOf(account), { now: d.clock.now(), unsettledAfterDays: readReportsSettings(d.repos.settings).unsettledAfterDays });
      changed = out.writes + m.linked + m.flagsAdded + m.flagsRemoved + m.flagsUpdated > 0;
      for (const p of out.feeChanged) d.events.emit('payment.changed', p);
      result = { accountId: account.id, gateway: account.gateway, ok: true, error: null, fetched: out.fetched, feesFilled: out.feeChanged.length, finishedAt: d.clock.now() };
    } catch (err) {
      if (!d.db.open) throw err;
      const e = err instanceof AppError ? err : new AppError('internal', 'Refreshing the reconciliation data failed. The details are in the log.');
      if (!(err instanceof AppError) || e.code === 'internal') d.log('error', 'reports refresh failed', { accountId: account.id, error: err });
      else d.log('warn', `reports refresh failed: ${e.message}`, { accountId: account.id, code: e.code });
      result = { accountId: account.id, gateway: account.gateway, ok: false, error: { code: e.code, message: e.message }, fetched: empty, feesFilled: 0, finishedAt: d.clock.now() };
    }
    last.set(account.id, result);
    if (d.db.open) d.repos.settings.set(lastKey(account.id), result);
    if (changed) d.events.emit('reports.changed', { accountIds: [account.id] });
    return result;
  }

  const svc: ReportsService = {
    refresh(accountId) {
      const inflight = running.get(accountId);
      if (inflight) return inflight;
      const account = d.repos.accounts.get(accountId);
      if (!account) return Promise.reject(new AppError('not_found', 'No such account'));
      const p = run(account).finally(() => running.delete(accountId));
      running.set(accountId, p);
      return p;
    },
    async refreshAll(mode) {
      const out: RefreshAccountResult[] = [];
      for (const a of d.repos.accounts.list()) {
        if (mode && a.mode !== mode) continue;
        if (!d.db.open) break;
        out.push(await svc.refresh(a.id));
      }
      return out;
    },
    rematchAll() {
      const days = readReportsSettings(d.repos.settings).unsettledAfterDays;
      const changedIds: string[] = [];
      for (const a of d.repos.accounts.list()) {
        const m = matchAccount(d.db, matchAccountOf(a), { now: d.clock.now(), unsettledAfterDays: days });
        if (m.linked + m.flagsAdded + m.flagsRemoved + m.flagsUpdated > 0) changedIds.push(a.id);
      }
      if (changedIds.length > 0) d.events.emit('reports.changed', { accountIds: changedIds });
    },
    isRunning: (accountId) => running.has(accountId),
    lastResult: readLast,
    settings: () => readReportsSettings(d.repos.settings),
    dispose() {
      disposed = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };

  // daily while core runs; the timer never keeps the process alive, and stops once the database is closed
  const period = opts.periodMs ?? DAY_MS;
  if (period > 0) {
    const tick = () => {
      timer = null;
      if (disposed || !d.db.open) return;
      void svc.refreshAll().catch((err: unknown) => d.log('warn', 'daily reports refresh failed', { error: err })).finally(() => {
        if (!disposed && d.db.open) schedule(period);
      });
    };
    const schedule = (ms: number) => {
      timer = setTimeout(tick, ms);
      timer.unref();
    };
    schedule(opts.firstRunDelayMs ?? 5 * 60_000);
  }
  return svc;
}
