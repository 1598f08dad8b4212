// Reconciliation matching: links every settlement item (a payout's balance transaction, a recon row) to the
// Paydesk payment or refund it pays out, and stores what does not add up as recon_flags:
//   external           settled at the gateway, never created in Paydesk (the item is kept, never dropped)
//   amount_mismatch    the settled amount differs from the local payment's captured amount / refund amount
//   currency_mismatch  the settlement's currency differs from the local payment's / refund's
//   not_settled        paid (or refunded) longer ago than `unsettledAfterDays` and in no settlement
//   unknown_at_gateway paid in Paydesk, the gateway answers "no such payment" (set by the fetcher, which asks)
// Pure database work (no network): run after every fetch, and after the unsettled-after setting changes.
// Idempotent: a flag that still applies is left untouched, so running it twice changes nothing.
//
// An item names its payment or refund through the gateway's ledger entry when the gateway keeps a ledger
// (its charge, intent, session or Paydesk id); otherwise the item's transaction id IS the gateway's id.
import type { Gateway } from '../../../shared/gateways';
import type { Transact } from '../store';
import type { LedgerRefs, LedgerRepo } from '../store/repos/ledger';
import type { FlagKind, FlagWrite, ReconciliationRepo } from '../store/repos/reconciliation';
import type { SettlementsRepo } from '../store/repos/settlements';
import type { PaymentLookup } from '../gateways/ports/reports';

export type { FlagKind } from '../store/repos/reconciliation';
/** the kinds derived from stored data alone (unknown_at_gateway needs the gateway's answer) */
const DERIVED: readonly FlagKind[] = ['amount_mismatch', 'currency_mismatch', 'external', 'not_settled'];

export interface MatchAccount {
  id: string;
  gateway: Gateway;
  livemode: boolean;
}

export interface MatchRepos {
  settlements: SettlementsRepo;
  ledger: LedgerRepo;
  reconciliation: ReconciliationRepo;
}

/** A flag the matcher wants on a row; stored with its detail as JSON. */
export type DesiredFlag = Omit<FlagWrite, 'detail'> & { detail: Record<string, unknown> };

export interface MatchResult {
  /** items newly linked to a local payment or refund */
  linked: number;
  flagsAdded: number;
  flagsRemoved: number;
  flagsUpdated: number;
}

const DAY_MS = 86_400_000;

/** How a ledger entry names its local payment: our id, the session's client_reference_id, charge, intent, session. */
export function ledgerLookups(r: Omit<LedgerRefs, 'ref' | 'refund_id'>): PaymentLookup[] {
  const out: PaymentLookup[] = [];
  for (const id of [r.paydesk_id, r.session_ref]) if (id) out.push({ column: 'id', value: id });
  if (r.charge_id) out.push({ column: 'charge_id', value: r.charge_id });
  if (r.payment_intent_id) out.push({ column: 'payment_intent_id', value: r.payment_intent_id }, { column: 'gateway_payment_id', value: r.payment_intent_id });
  if (r.session_id) out.push({ column: 'session_id', value: r.session_id });
  return out;
}

/** Links unlinked items of the account's settlements to local payments/refunds. Runs inside the caller's transaction. */
function linkItems(r: MatchRepos, account: MatchAccount): number {
  let linked = 0;
  for (const it of r.reconciliation.unlinkedItems(account.id)) {
    const entry = r.ledger.refsOf(account.id, it.gateway_txn_id);
    if (it.kind === 'payment') {
      const lookups = entry ? ledgerLookups(entry) : [{ column: 'gateway_payment_id', value: it.gateway_txn_id } as const];
      const paymentId = r.settlements.findPayment(account.id, lookups);
      if (paymentId && !r.settlements.paymentSettled(paymentId)) linked += r.settlements.linkPayment(it.id, paymentId);
    } else {
      const gatewayRefundId = entry ? entry.refund_id : it.gateway_txn_id;
      const refundId = gatewayRefundId ? r.settlements.refundByGatewayId(account.id, gatewayRefundId) : null;
      if (refundId && !r.settlements.refundSettled(refundId)) linked += r.settlements.linkRefund(it.id, refundId);
    }
  }
  return linked;
}

/** The flags the stored data implies for one account (every kind but unknown_at_gateway). */
export function deriveFlags(r: MatchRepos, account: MatchAccount, now: number, unsettledAfterDays: number): DesiredFlag[] {
  const out: DesiredFlag[] = [];
  const gatewayRefOf = (txn: string): string => r.ledger.refsOf(account.id, txn)?.ref ?? txn;

  // external: settled at the gateway, no Paydesk row
  for (const it of r.reconciliation.unlinkedItems(account.id)) {
    out.push({
      flag: 'external', subject: `item:${it.id}`, paymentId: null, refundId: null, itemId: it.id, settlementId: it.settlement_id,
      gatewayRef: gatewayRefOf(it.gateway_txn_id), detail: { kind: it.kind, amountMinor: it.amount_minor, currency: it.currency },
    });
  }

  // mismatches of linked items: settled amount vs captured (refund) amount; settlement currency vs the local one
  const linked = [
    ...r.reconciliation.linkedPaymentItems(account.id).map((it) => ({ it, settled: it.amount_minor, expected: it.expected })),
    ...r.reconciliation.linkedRefundItems(account.id).map((it) => ({ it, settled: Math.abs(it.amount_minor), expected: it.expected, refund: true })),
  ];
  for (const { it, settled, expected, ...rest } of linked) {
    const refund = 'refund' in rest;
    const base = { paymentId: it.payment_id, refundId: refund ? it.refund_id : null, itemId: it.id, settlementId: it.settlement_id, gatewayRef: gatewayRefOf(it.gateway_txn_id) };
    if (it.currency !== it.expected_currency) {
      out.push({ ...base, flag: 'currency_mismatch', subject: `item:${it.id}`, detail: { expectedCurrency: it.expected_currency, settledCurrency: it.currency } });
    } else if (settled !== expected) {
      out.push({ ...base, flag: 'amount_mismatch', subject: `item:${it.id}`, detail: { currency: it.currency, expectedMinor: refund ? -expected : expected, settledMinor: it.amount_minor } });
    }
  }

  // not settled after N days (payments the gateway does not know are flagged as such instead)
  const cutoff = now - unsettledAfterDays * DAY_MS;
  for (const p of r.reconciliation.unsettledPayments(account.id, cutoff)) {
    out.push({
      flag: 'not_settled', subject: `payment:${p.id}`, paymentId: p.id, refundId: null, itemId: null, settlementId: null, gatewayRef: p.ref,
      detail: { since: p.paid_at, days: unsettledAfterDays, currency: p.currency, amountMinor: p.captured_minor },
    });
  }
  for (const f of r.reconciliation.unsettledRefunds(account.id, cutoff)) {
    out.push({
      flag: 'not_settled', subject: `refund:${f.id}`, paymentId: f.payment_id, refundId: f.id, itemId: null, settlementId: null, gatewayRef: f.ref,
      detail: { since: f.created_at, days: unsettledAfterDays, currency: f.currency, amountMinor: -f.amount_minor },
    });
  }
  return out;
}

/** Makes the stored flags of `kinds` for the account exactly `desired`; untouched when already equal. In the caller's transaction. */
export function replaceFlags(repo: ReconciliationRepo, account: MatchAccount, kinds: readonly FlagKind[], desired: readonly DesiredFlag[], now: number, scope?: (subject: string) => boolean) {
  const want = new Map(desired.map((f) => [`${f.flag}\0${f.subject}`, f]));
  let added = 0, removed = 0, updated = 0;
  for (const e of repo.flagsOf(account.id, kinds)) {
    if (scope && !scope(e.subject)) continue;
    const key = `${e.flag}\0${e.subject}`;
    const w = want.get(key);
    if (!w) {
      removed += repo.removeFlag(e.id);
      continue;
    }
    want.delete(key);
    const detail = JSON.stringify(w.detail);
    if (e.detail !== detail || e.gateway_ref !== w.gatewayRef || e.payment_id !== w.paymentId || e.refund_id !== w.refundId || e.settlement_item_id !== w.itemId || e.settlement_id !== w.settlementId) {
      updated += repo.updateFlag(e.id, { ...w, detail });
    }
  }
  for (const w of want.values()) added += repo.addFlag(account, { ...w, detail: JSON.stringify(w.detail) }, now);
  return { added, removed, updated };
}

/**
 * The gateway's answer about payments Paydesk thinks are paid: `unknown` true = the gateway has no such
 * payment (flag it), false = it does (clear the flag). Payments not asked about keep their flag as is.
 */
export function recordGatewayPresence(repo: ReconciliationRepo, account: MatchAccount, answers: ReadonlyMap<string, { unknown: boolean; gatewayRef: string | null }>, now: number) {
  if (answers.size === 0) return { added: 0, removed: 0, updated: 0 };
  const desired: DesiredFlag[] = [];
  for (const [paymentId, a] of answers) {
    if (a.unknown) {
      desired.push({ flag: 'unknown_at_gateway', subject: `payment:${paymentId}`, paymentId, refundId: null, itemId: null, settlementId: null, gatewayRef: a.gatewayRef, detail: {} });
    }
  }
  const asked = new Set([...answers.keys()].map((id) => `payment:${id}`));
  return replaceFlags(repo, account, ['unknown_at_gateway'], desired, now, (subject) => asked.has(subject));
}

/** Link items, then recompute the derived flags of one account, in one transaction. */
export function matchAccount(r: MatchRepos & { transaction: Transact }, account: MatchAccount, opts: { now: number; unsettledAfterDays: number }): MatchResult {
  return r.transaction((): MatchResult => {
    const linked = linkItems(r, account);
    const desired = deriveFlags(r, account, opts.now, opts.unsettledAfterDays);
    const res = replaceFlags(r.reconciliation, account, DERIVED, desired, opts.now);
    return { linked, flagsAdded: res.added, flagsRemoved: res.removed, flagsUpdated: res.updated };
  });
}
