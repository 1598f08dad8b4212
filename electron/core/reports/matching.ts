// Reconciliation matching: links every settlement item (Stripe payout balance transaction, Razorpay recon
// row) to the Paydesk payment or refund it pays out, and stores what does not add up as recon_flags:
//   external           settled at the gateway, never created in Paydesk (the item is kept, never dropped)
//   amount_mismatch    the settled amount differs from the local payment's captured amount / refund amount
//   currency_mismatch  the settlement's currency differs from the local payment's / refund's
//   not_settled        paid (or refunded) longer ago than `unsettledAfterDays` and in no settlement
//   unknown_at_gateway paid in Paydesk, the gateway answers "no such payment" (set by the fetcher, which asks)
// Pure database work (no network): run after every fetch, and after the unsettled-after setting changes.
// Idempotent: a flag that still applies is left untouched, so running it twice changes nothing.
import type { Db } from '../store/db';

export type FlagKind = 'unknown_at_gateway' | 'amount_mismatch' | 'currency_mismatch' | 'external' | 'not_settled';
/** the kinds derived from stored data alone (unknown_at_gateway needs the gateway's answer) */
const DERIVED: readonly FlagKind[] = ['amount_mismatch', 'currency_mismatch', 'external', 'not_settled'];

export interface MatchAccount {
  id: string;
  gateway: 'stripe' | 'razorpay';
  livemode: boolean;
}

export interface DesiredFlag {
  flag: FlagKind;
  subject: string;
  paymentId: string | null;
  refundId: string | null;
  itemId: number | null;
  settlementId: string | null;
  gatewayRef: string | null;
  detail: Record<string, unknown>;
}

export interface MatchResult {
  /** items newly linked to a local payment or refund */
  linked: number;
  flagsAdded: number;
  flagsRemoved: number;
  flagsUpdated: number;
}

const DAY_MS = 86_400_000;
const PAID = `('paid', 'partially_paid')`;

interface ItemRow {
  id: number;
  settlement_id: string;
  kind: 'payment' | 'refund' | 'fee' | 'adjustment' | 'dispute';
  payment_id: string | null;
  refund_id: string | null;
  gateway_txn_id: string;
  amount_minor: number;
  currency: string;
}

interface StripeRefs {
  charge_id: string | null;
  payment_intent_id: string | null;
  refund_id: string | null;
  paydesk_id: string | null;
  session_id: string | null;
  session_ref: string | null;
}

/** Finds the local payment a Stripe balance transaction belongs to (our id, the session's client_reference_id, charge, intent, session). */
export function stripePaymentLookup(db: Db) {
  const byId = db.prepare<[string, string], { id: string }>('SELECT id FROM payments WHERE id = ? AND account_id = ?');
  const byCol = (col: string) => db.prepare<[string, string], { id: string }>(`SELECT id FROM payments WHERE ${col} = ? AND account_id = ? ORDER BY created_at LIMIT 1`);
  const byCharge = byCol('charge_id');
  const byPi = byCol('payment_intent_id');
  const byGatewayPayment = byCol('gateway_payment_id');
  const bySession = byCol('session_id');
  return (accountId: string, r: StripeRefs): string | null => {
    for (const id of [r.paydesk_id, r.session_ref]) if (id) { const hit = byId.get(id, accountId); if (hit) return hit.id; }
    if (r.charge_id) { const hit = byCharge.get(r.charge_id, accountId); if (hit) return hit.id; }
    if (r.payment_intent_id) {
      const hit = byPi.get(r.payment_intent_id, accountId) ?? byGatewayPayment.get(r.payment_intent_id, accountId);
      if (hit) return hit.id;
    }
    if (r.session_id) { const hit = bySession.get(r.session_id, accountId); if (hit) return hit.id; }
    return null;
  };
}

/** Links unlinked items of the account's settlements to local payments/refunds. Runs inside the caller's transaction. */
function linkItems(db: Db, account: MatchAccount): number {
  const items = db.prepare<[string], ItemRow>(`SELECT si.id, si.settlement_id, si.kind, si.payment_id, si.refund_id, si.gateway_txn_id, si.amount_minor, s.currency
      FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id
      WHERE s.account_id = ? AND ((si.kind = 'payment' AND si.payment_id IS NULL) OR (si.kind = 'refund' AND si.refund_id IS NULL))`).all(account.id);
  if (items.length === 0) return 0;
  const paymentTaken = db.prepare<[string], { id: number }>(`SELECT id FROM settlement_items WHERE payment_id = ? AND kind = 'payment'`);
  const refundTaken = db.prepare<[string], { id: number }>('SELECT id FROM settlement_items WHERE refund_id = ?');
  const setPayment = db.prepare('UPDATE settlement_items SET payment_id = ? WHERE id = ? AND payment_id IS NULL');
  const setRefund = db.prepare('UPDATE settlement_items SET refund_id = ? WHERE id = ? AND refund_id IS NULL');
  const refundByGatewayId = db.prepare<[string, string], { id: string }>('SELECT id FROM refunds WHERE gateway_refund_id = ? AND account_id = ?');
  const paymentByGatewayId = db.prepare<[string, string], { id: string }>('SELECT id FROM payments WHERE gateway_payment_id = ? AND account_id = ? ORDER BY created_at LIMIT 1');
  const stripeRefs = db.prepare<[string, string], StripeRefs>(
    'SELECT charge_id, payment_intent_id, refund_id, paydesk_id, session_id, session_ref FROM stripe_balance_txns WHERE account_id = ? AND id = ?',
  );
  const findStripe = stripePaymentLookup(db);

  let linked = 0;
  for (const it of items) {
    if (it.kind === 'payment') {
      let paymentId: string | null = null;
      if (account.gateway === 'razorpay') paymentId = paymentByGatewayId.get(it.gateway_txn_id, account.id)?.id ?? null;
      else {
        const refs = stripeRefs.get(account.id, it.gateway_txn_id);
        if (refs) paymentId = findStripe(account.id, refs);
      }
      if (paymentId && !paymentTaken.get(paymentId)) linked += setPayment.run(paymentId, it.id).changes;
    } else {
      let gatewayRefundId: string | null = it.gateway_txn_id;
      if (account.gateway === 'stripe') gatewayRefundId = stripeRefs.get(account.id, it.gateway_txn_id)?.refund_id ?? null;
      const refundId = gatewayRefundId ? (refundByGatewayId.get(gatewayRefundId, account.id)?.id ?? null) : null;
      if (refundId && !refundTaken.get(refundId)) linked += setRefund.run(refundId, it.id).changes;
    }
  }
  return linked;
}

/** The flags the stored data implies for one account (every kind but unknown_at_gateway). */
export function deriveFlags(db: Db, account: MatchAccount, now: number, unsettledAfterDays: number): DesiredFlag[] {
  const out: DesiredFlag[] = [];
  const stripeRef = account.gateway === 'stripe'
    ? db.prepare<[string, string], { ref: string | null }>('SELECT coalesce(charge_id, refund_id, source_id) AS ref FROM stripe_balance_txns WHERE account_id = ? AND id = ?')
    : null;
  const gatewayRefOf = (txn: string): string => (stripeRef ? (stripeRef.get(account.id, txn)?.ref ?? txn) : txn);

  // external: settled at the gateway, no Paydesk row
  const external = db.prepare<[string], ItemRow>(`SELECT si.id, si.settlement_id, si.kind, si.payment_id, si.refund_id, si.gateway_txn_id, si.amount_minor, s.currency
      FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id
      WHERE s.account_id = ? AND ((si.kind = 'payment' AND si.payment_id IS NULL) OR (si.kind = 'refund' AND si.refund_id IS NULL))`).all(account.id);
  for (const it of external) {
    out.push({
      flag: 'external', subject: `item:${it.id}`, paymentId: null, refundId: null, itemId: it.id, settlementId: it.settlement_id,
      gatewayRef: gatewayRefOf(it.gateway_txn_id), detail: { kind: it.kind, amountMinor: it.amount_minor, currency: it.currency },
    });
  }

  // mismatches of linked payments: settled amount vs captured amount; settlement currency vs payment currency
  const payments = db.prepare<[string], { id: number; settlement_id: string; payment_id: string; gateway_txn_id: string; amount_minor: number; currency: string; p_currency: string; expected: number }>(
    `SELECT si.id, si.settlement_id, si.payment_id, si.gateway_txn_id, si.amount_minor, s.currency, p.currency AS p_currency,
            CASE WHEN p.captured_minor > 0 THEN p.captured_minor ELSE p.amount_minor END AS expected
       FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id JOIN payments p ON p.id = si.payment_id
      WHERE s.account_id = ? AND si.kind = 'payment'`,
  ).all(account.id);
  for (const it of payments) {
    const base = { paymentId: it.payment_id, refundId: null, itemId: it.id, settlementId: it.settlement_id, gatewayRef: gatewayRefOf(it.gateway_txn_id) };
    if (it.currency !== it.p_currency) {
      out.push({ ...base, flag: 'currency_mismatch', subject: `item:${it.id}`, detail: { expectedCurrency: it.p_currency, settledCurrency: it.currency } });
    } else if (it.amount_minor !== it.expected) {
      out.push({ ...base, flag: 'amount_mismatch', subject: `item:${it.id}`, detail: { currency: it.currency, expectedMinor: it.expected, settledMinor: it.amount_minor } });
    }
  }
  const refunds = db.prepare<[string], { id: number; settlement_id: string; refund_id: string; payment_id: string; gateway_txn_id: string; amount_minor: number; currency: string; r_currency: string; expected: number }>(
    `SELECT si.id, si.settlement_id, si.refund_id, r.payment_id, si.gateway_txn_id, si.amount_minor, s.currency, r.currency AS r_currency, r.amount_minor AS expected
       FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id JOIN refunds r ON r.id = si.refund_id
      WHERE s.account_id = ? AND si.kind = 'refund'`,
  ).all(account.id);
  for (const it of refunds) {
    const base = { paymentId: it.payment_id, refundId: it.refund_id, itemId: it.id, settlementId: it.settlement_id, gatewayRef: gatewayRefOf(it.gateway_txn_id) };
    if (it.currency !== it.r_currency) {
      out.push({ ...base, flag: 'currency_mismatch', subject: `item:${it.id}`, detail: { expectedCurrency: it.r_currency, settledCurrency: it.currency } });
    } else if (Math.abs(it.amount_minor) !== it.expected) {
      out.push({ ...base, flag: 'amount_mismatch', subject: `item:${it.id}`, detail: { currency: it.currency, expectedMinor: -it.expected, settledMinor: it.amount_minor } });
    }
  }

  // not settled after N days (payments the gateway does not know are flagged as such instead)
  const cutoff = now - unsettledAfterDays * DAY_MS;
  const unsettledPayments = db.prepare<[string, number], { id: string; paid_at: number; currency: string; captured_minor: number; ref: string | null }>(
    `SELECT p.id, p.paid_at, p.currency, p.captured_minor, coalesce(p.gateway_payment_id, p.payment_intent_id, p.charge_id) AS ref FROM payments p
      WHERE p.account_id = ? AND p.status IN ${PAID} AND p.paid_at IS NOT NULL AND p.paid_at < ?
        AND NOT EXISTS (SELECT 1 FROM settlement_items si WHERE si.payment_id = p.id AND si.kind = 'payment')
        AND NOT EXISTS (SELECT 1 FROM recon_flags f WHERE f.flag = 'unknown_at_gateway' AND f.subject = 'payment:' || p.id)`,
  ).all(account.id, cutoff);
  for (const p of unsettledPayments) {
    out.push({
      flag: 'not_settled', subject: `payment:${p.id}`, paymentId: p.id, refundId: null, itemId: null, settlementId: null, gatewayRef: p.ref,
      detail: { since: p.paid_at, days: unsettledAfterDays, currency: p.currency, amountMinor: p.captured_minor },
    });
  }
  const unsettledRefunds = db.prepare<[string, number], { id: string; payment_id: string; created_at: number; currency: string; amount_minor: number; ref: string | null }>(
    `SELECT r.id, r.payment_id, r.created_at, r.currency, r.amount_minor, r.gateway_refund_id AS ref FROM refunds r
      WHERE r.account_id = ? AND r.status = 'succeeded' AND r.created_at < ?
        AND NOT EXISTS (SELECT 1 FROM settlement_items si WHERE si.refund_id = r.id)`,
  ).all(account.id, cutoff);
  for (const r of unsettledRefunds) {
    out.push({
      flag: 'not_settled', subject: `refund:${r.id}`, paymentId: r.payment_id, refundId: r.id, itemId: null, settlementId: null, gatewayRef: r.ref,
      detail: { since: r.created_at, days: unsettledAfterDays, currency: r.currency, amountMinor: -r.amount_minor },
    });
  }
  return out;
}

/** Makes the stored flags of `kinds` for the account exactly `desired`; untouched when already equal. In the caller's transaction. */
export function replaceFlags(db: Db, account: MatchAccount, kinds: readonly FlagKind[], desired: readonly DesiredFlag[], now: number, scope?: (subject: string) => boolean) {
  const existing = db.prepare<[string], { id: number; flag: FlagKind; subject: string; detail: string; gateway_ref: string | null; payment_id: string | null; refund_id: string | null; settlement_item_id: number | null; settlement_id: string | null }>(
    `SELECT id, flag, subject, detail, gateway_ref, payment_id, refund_id, settlement_item_id, settlement_id FROM recon_flags WHERE account_id = ? AND flag IN (${kinds.map((k) => `'${k}'`).join(', ')})`,
  ).all(account.id);
  const want = new Map(desired.map((f) => [`${f.flag}\0${f.subject}`, f]));
  const del = db.prepare('DELETE FROM recon_flags WHERE id = ?');
  const ins = db.prepare(`INSERT INTO recon_flags (account_id, gateway, livemode, flag, subject, payment_id, refund_id, settlement_item_id, settlement_id, gateway_ref, detail, first_seen_at)
    VALUES (@accountId, @gateway, @livemode, @flag, @subject, @paymentId, @refundId, @itemId, @settlementId, @gatewayRef, @detail, @now)`);
  const upd = db.prepare(`UPDATE recon_flags SET payment_id = @paymentId, refund_id = @refundId, settlement_item_id = @itemId, settlement_id = @settlementId,
    gateway_ref = @gatewayRef, detail = @detail WHERE id = @id`);
  let added = 0, removed = 0, updated = 0;
  for (const e of existing) {
    if (scope && !scope(e.subject)) continue;
    const key = `${e.flag}\0${e.subject}`;
    const w = want.get(key);
    if (!w) {
      removed += del.run(e.id).changes;
      continue;
    }
    want.delete(key);
    const detail = JSON.stringify(w.detail);
    if (e.detail !== detail || e.gateway_ref !== w.gatewayRef || e.payment_id !== w.paymentId || e.refund_id !== w.refundId || e.settlement_item_id !== w.itemId || e.settlement_id !== w.settlementId) {
      updated += upd.run({ id: e.id, paymentId: w.paymentId, refundId: w.refundId, itemId: w.itemId, settlementId: w.settlementId, gatewayRef: w.gatewayRef, detail }).changes;
    }
  }
  for (const w of want.values()) {
    added += ins.run({
      accountId: account.id, gateway: account.gateway, livemode: account.livemode ? 1 : 0, flag: w.flag, subject: w.subject, paymentId: w.paymentId,
      refundId: w.refundId, itemId: w.itemId, settlementId: w.settlementId, gatewayRef: w.gatewayRef, detail: JSON.stringify(w.detail), now,
    }).changes;
  }
  return { added, removed, updated };
}

/**
 * The gateway's answer about payments Paydesk thinks are paid: `unknown` true = the gateway has no such
 * payment (flag it), false = it does (clear the flag). Payments not asked about keep their flag as is.
 */
export function recordGatewayPresence(db: Db, account: MatchAccount, answers: ReadonlyMap<string, { unknown: boolean; gatewayRef: string | null }>, now: number) {
  if (answers.size === 0) return { added: 0, removed: 0, updated: 0 };
  const desired: DesiredFlag[] = [];
  for (const [paymentId, a] of answers) {
    if (a.unknown) {
      desired.push({ flag: 'unknown_at_gateway', subject: `payment:${paymentId}`, paymentId, refundId: null, itemId: null, settlementId: null, gatewayRef: a.gatewayRef, detail: {} });
    }
  }
  const asked = new Set([...answers.keys()].map((id) => `payment:${id}`));
  return replaceFlags(db, account, ['unknown_at_gateway'], desired, now, (subject) => asked.has(subject));
}

/** Link items, then recompute the derived flags of one account, in one transaction. */
export function matchAccount(db: Db, account: MatchAccount, opts: { now: number; unsettledAfterDays: number }): MatchResult {
  return db.transaction((): MatchResult => {
    const linked = linkItems(db, account);
    const desired = deriveFlags(db, account, opts.now, opts.unsettledAfterDays);
    const r = replaceFlags(db, account, DERIVED, desired, opts.now);
    return { linked, flagsAdded: r.added, flagsRemoved: r.removed, flagsUpdated: r.updated };
  }).immediate();
}
