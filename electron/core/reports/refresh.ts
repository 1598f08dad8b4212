// Fetches and stores one account's fees and settlements through its gateway's report port.
//   1. activity since the cursor: ledger entries (stored) and fees (folded into their payments)
//   2. settlements of the recent window, and the items of every settlement not itemized yet
//   3. charges the ledger cannot place: ask once which checkout made them
//   4. paid payments whose fee is still unknown: their ledger entry, else ask the gateway for the payment
// Network first, then every write of a step in ONE transaction. Idempotent: re-running stores nothing new
// (rows are upserted only when a value differs).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RefreshAccountResult } from '../../../shared/contract';
import type { Gateway } from '../../../shared/gateways';
import type { PaymentStatus } from '../../../shared/status';
import type { GatewayClient } from '../gateways';
import type { GatewaySettlement, LedgerEntry, ReportPort, SettlementContents } from '../gateways/ports/reports';
import type { Transact } from '../store';
import type { LedgerRepo } from '../store/repos/ledger';
import type { PaymentRow, PaymentsRepo } from '../store/repos/payments';
import type { ReconciliationRepo } from '../store/repos/reconciliation';
import type { SettingsRepo } from '../store/repos/settings';
import type { SettlementsRepo } from '../store/repos/settlements';
import { applyFees, type FeeFact } from './fees';
import { recordGatewayPresence } from './matching';

const DAY_S = 86_400;
/** how far back the first refresh of an account looks */
const INITIAL_LOOKBACK_S = 400 * DAY_S;
/** settlements/payouts change status for a few days: re-read this window on every refresh */
const SETTLEMENT_WINDOW_S = 35 * DAY_S;
/** per refresh, at most this many direct look-ups of single payments / sessions */
const MAX_LOOKUPS = 200;

export type Counts = RefreshAccountResult['fetched'];

export interface RefreshRepos {
  settings: SettingsRepo;
  payments: PaymentsRepo;
  settlements: SettlementsRepo;
  ledger: LedgerRepo;
  reconciliation: ReconciliationRepo;
}

export interface RefreshDeps {
  repos: RefreshRepos;
  transaction: Transact;
  now: () => number;
}

export interface RefreshAccount {
  id: string;
  gateway: Gateway;
  livemode: boolean;
}

export interface RunOutcome {
  fetched: Counts;
  writes: number;
  feeChanged: { id: string; status: PaymentStatus }[];
}

/** Paydesk's own id of a settlement row: deterministic, so concurrent or repeated inserts agree. */
export function settlementRowId(accountId: string, gatewaySettlementId: string): string {
  return `stl_${createHash('sha256').update(`${accountId}\0${gatewaySettlementId}`).digest('hex').slice(0, 24)}`;
}

const cursorKey = (kind: string, accountId: string) => `reports.cursor.${kind}.${accountId}`;

/** A cursor in seconds, and how to move it (stored the first time even when it did not move). */
function cursor(settings: SettingsRepo, kind: string, accountId: string, nowS: number) {
  const key = cursorKey(kind, accountId);
  const value = settings.get(key, z.number().int(), nowS - INITIAL_LOOKBACK_S);
  return {
    value,
    save(next: number) {
      if (next !== value || !settings.get(key, z.number().int().nullable(), null)) settings.set(key, next);
    },
  };
}

/** Stores settlements, their ledger entries and items; returns the rows written. */
function storeSettlements(d: RefreshDeps, port: ReportPort, account: RefreshAccount, settlements: readonly GatewaySettlement[], contents: ReadonlyMap<string, SettlementContents>): number {
  const r = d.repos;
  let writes = 0;
  d.transaction(() => {
    const now = d.now();
    for (const st of settlements) {
      const id = settlementRowId(account.id, st.gatewayId);
      const c = contents.get(st.gatewayId);
      for (const e of c?.entries ?? []) writes += r.ledger.upsert(account.id, account.livemode, e);
      const items = c?.items ?? [];
      // a settlement's fees and tax: its own, else those of its items (stored ones when they were itemized before)
      const sums = c ? { fee: items.reduce((n, i) => n + i.fee, 0), tax: items.reduce((n, i) => n + i.tax, 0) } : r.settlements.storedSums(id);
      const currency = st.currency ?? items.find((i) => i.currency)?.currency ?? r.settlements.storedCurrency(account.id, st.gatewayId) ?? port.settlementCurrency;
      writes += r.settlements.upsert({
        ...st, id, accountId: account.id, gateway: account.gateway, livemode: account.livemode, currency, fee: st.fee ?? sums.fee, tax: st.tax ?? sums.tax,
        warning: c ? (c.warning ?? null) : undefined,
      }, now);
    }
    for (const st of settlements) {
      const settlementId = settlementRowId(account.id, st.gatewayId);
      for (const it of contents.get(st.gatewayId)?.items ?? []) {
        let paymentId: string | null = null;
        if (it.refs && it.kind === 'payment') {
          const local = r.settlements.findPayment(account.id, it.refs);
          if (local && !r.settlements.paymentSettled(local)) paymentId = local;
        }
        writes += r.settlements.addItem({ settlementId, kind: it.kind, paymentId, txn: it.txnId, amount: it.amount, fee: it.fee, tax: it.tax, net: it.net, createdAt: it.createdAt });
      }
    }
  });
  return writes;
}

/** Step 3: charges no local payment claims yet, placed by the checkout that made them. */
async function placeCharges(d: RefreshDeps, port: ReportPort, account: RefreshAccount): Promise<number> {
  const found: { id: string; session: string; ref: string | null }[] = [];
  for (const u of d.repos.ledger.unplacedCharges(account.id, MAX_LOOKUPS)) {
    const s = await port.checkoutOf(u.payment_intent_id);
    found.push({ id: u.id, session: s.sessionId, ref: s.ref });
  }
  if (found.length === 0) return 0;
  return d.transaction(() => found.reduce((n, s) => n + d.repos.ledger.setCheckout(account.id, s.id, s.session, s.ref), 0));
}

/** Fee facts of payments from their ledger charge entries; the rest are `missing`. */
function feesFromLedger(d: RefreshDeps, accountId: string, rows: readonly PaymentRow[]): { facts: FeeFact[]; missing: PaymentRow[] } {
  const facts: FeeFact[] = [];
  const missing: PaymentRow[] = [];
  for (const p of rows) {
    const bt = d.repos.ledger.chargeOf(accountId, p);
    if (!bt) {
      missing.push(p);
      continue;
    }
    const keys = [bt.payment_intent_id, bt.charge_id].filter((k): k is string => !!k);
    facts.push({
      paymentId: p.id, keys, fee: bt.fee_minor, tax: bt.tax_minor, net: bt.net_minor, currency: bt.currency, at: bt.created_at, gatewayType: 'balance_transaction',
      balanceTxnId: bt.id, availableOn: bt.available_on,
    });
  }
  return { facts, missing };
}

export async function refreshAccount(d: RefreshDeps, client: GatewayClient, account: RefreshAccount): Promise<RunOutcome> {
  const port = client.reports;
  const r = d.repos;
  const nowS = Math.floor(d.now() / 1000);
  const fetched: Counts = { balanceTransactions: 0, payments: 0, settlements: 0, items: 0 };
  let writes = 0;

  // 1. activity since the cursor, and 2. settlements of the recent window with the items of those not itemized yet
  const activityCursor = cursor(r.settings, port.cursorNames.activity, account.id, nowS);
  const activity = await port.activitySince(activityCursor.value, nowS);
  fetched.balanceTransactions += activity.entries.length;
  fetched.payments += activity.payments;
  const stCursor = cursor(r.settings, port.cursorNames.settlements, account.id, nowS);
  const settlements = await port.settlementsSince(Math.min(stCursor.value, nowS) - SETTLEMENT_WINDOW_S, nowS + DAY_S);
  fetched.settlements += settlements.length;
  const contents = await port.settlementContents(settlements.filter((st) => !r.settlements.isItemized(settlementRowId(account.id, st.gatewayId))));
  for (const c of contents.values()) {
    fetched.balanceTransactions += c.entries.length;
    fetched.items += c.items.length;
  }
  writes += d.transaction(() => activity.entries.reduce((n, e) => n + r.ledger.upsert(account.id, account.livemode, e), 0) + storeSettlements(d, port, account, settlements, contents));
  activityCursor.save(activity.cursorS);
  stCursor.save(settlements.reduce((m, st) => Math.max(m, Math.floor(st.createdAt / 1000)), stCursor.value));
  const facts: FeeFact[] = [];
  for (const f of activity.fees) {
    const paymentId = r.settlements.findPayment(account.id, f.refs);
    if (paymentId) facts.push({ paymentId, keys: f.keys, fee: f.fee, tax: f.tax, net: f.net, currency: f.currency, at: f.at, gatewayType: f.gatewayType });
  }

  // 3. charges the ledger cannot place by charge/intent/metadata
  writes += await placeCharges(d, port, account);

  // 4. paid payments whose fee is unknown: their ledger entry, else ask the gateway for the payment itself
  const gotFee = new Set(facts.map((f) => f.paymentId));
  const first = feesFromLedger(d, account.id, r.settlements.feelessPaid(account.id, MAX_LOOKUPS).filter((p) => !gotFee.has(p.id)));
  const presence = new Map<string, { unknown: boolean; gatewayRef: string | null }>();
  const asked: LedgerEntry[] = [];
  for (const p of first.missing) {
    const ref = port.paymentRef(p);
    if (!ref) continue;
    const a = await port.lookupPayment(ref);
    presence.set(p.id, { unknown: !a.known, gatewayRef: ref });
    if (a.entry) asked.push(a.entry);
    if (a.fee) facts.push({ ...a.fee, paymentId: p.id });
  }
  fetched.payments += presence.size;
  fetched.balanceTransactions += asked.length;
  if (asked.length > 0) writes += d.transaction(() => asked.reduce((n, e) => n + r.ledger.upsert(account.id, account.livemode, e), 0));
  const second = asked.length > 0 ? feesFromLedger(d, account.id, first.missing) : { facts: [] };
  const feeChanged = applyFees({ payments: r.payments, reconciliation: r.reconciliation, transaction: d.transaction, now: d.now }, account.id, [...facts, ...first.facts, ...second.facts]);
  writes += feeChanged.length;
  const p = d.transaction(() => recordGatewayPresence(r.reconciliation, account, presence, d.now()));
  writes += p.added + p.removed + p.updated;
  return { fetched, writes, feeChanged };
}
