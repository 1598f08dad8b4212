// The gateways' balance ledger (stripe_balance_txns: one row per ledger entry, whatever gateway keeps one)
// and the look-ups the reconciliation makes through it.
import type { LedgerEntry } from '../../gateways/ports/reports';
import type { SqlDb } from '../sql';

/** The ids of a ledger entry that can name a local payment or refund. */
export interface LedgerRefs {
  charge_id: string | null;
  payment_intent_id: string | null;
  refund_id: string | null;
  paydesk_id: string | null;
  session_id: string | null;
  session_ref: string | null;
  /** charge, else refund, else source id: what a flag shows the merchant */
  ref: string | null;
}

/** The charge entry of a payment, as its fee fact. */
export interface LedgerCharge {
  id: string;
  charge_id: string | null;
  payment_intent_id: string | null;
  currency: string;
  fee_minor: number;
  tax_minor: number;
  net_minor: number;
  created_at: number;
  available_on: number | null;
}

export function ledgerRepo(db: SqlDb) {
  // IS DISTINCT FROM: SQLite's null-safe `IS NOT`, spelled so that PostgreSQL reads it too
  const upsertStmt = db.prepare(`INSERT INTO stripe_balance_txns
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
    WHERE stripe_balance_txns.status IS DISTINCT FROM excluded.status OR stripe_balance_txns.available_on IS DISTINCT FROM excluded.available_on
       OR stripe_balance_txns.fee_minor IS DISTINCT FROM excluded.fee_minor OR stripe_balance_txns.net_minor IS DISTINCT FROM excluded.net_minor
       OR stripe_balance_txns.fee_details IS DISTINCT FROM excluded.fee_details
       OR (excluded.payout_id IS NOT NULL AND stripe_balance_txns.payout_id IS DISTINCT FROM excluded.payout_id)
       OR (stripe_balance_txns.charge_id IS NULL AND excluded.charge_id IS NOT NULL)
       OR (stripe_balance_txns.payment_intent_id IS NULL AND excluded.payment_intent_id IS NOT NULL)
       OR (stripe_balance_txns.refund_id IS NULL AND excluded.refund_id IS NOT NULL)
       OR (stripe_balance_txns.paydesk_id IS NULL AND excluded.paydesk_id IS NOT NULL)`);
  const unplacedStmt = db.prepare<{ id: string; payment_intent_id: string }>(`SELECT bt.id, bt.payment_intent_id FROM stripe_balance_txns bt
      WHERE bt.account_id = ? AND bt.reporting_category IN ('charge', 'payment') AND bt.payment_intent_id IS NOT NULL AND bt.session_id IS NULL
        AND NOT EXISTS (SELECT 1 FROM payments p WHERE p.account_id = bt.account_id AND (p.id = bt.paydesk_id OR p.charge_id = bt.charge_id
          OR p.payment_intent_id = bt.payment_intent_id OR p.gateway_payment_id = bt.payment_intent_id))
      ORDER BY bt.created_at DESC LIMIT ?`);
  const setSessionStmt = db.prepare('UPDATE stripe_balance_txns SET session_id = ?, session_ref = ? WHERE account_id = ? AND id = ? AND session_id IS NULL');
  const chargeForStmt = db.prepare(`SELECT id, charge_id, payment_intent_id, currency, fee_minor, tax_minor, net_minor, created_at, available_on FROM stripe_balance_txns
      WHERE account_id = @a AND reporting_category IN ('charge', 'payment') AND
      (paydesk_id = @id OR session_ref = @id OR charge_id = @ch OR payment_intent_id = @pi OR payment_intent_id = @gp OR session_id = @sess)
      ORDER BY created_at LIMIT 1`);
  const refsStmt = db.prepare<LedgerRefs>(`SELECT charge_id, payment_intent_id, refund_id, paydesk_id, session_id, session_ref,
      coalesce(charge_id, refund_id, source_id) AS ref FROM stripe_balance_txns WHERE account_id = ? AND id = ?`);

  return {
    /** stores an entry, or updates what changed; returns how many rows changed */
    upsert(accountId: string, livemode: boolean, e: LedgerEntry): number {
      return upsertStmt.run({ accountId, livemode: livemode ? 1 : 0, ...e }).changes;
    },
    /** charges no local payment claims (by Paydesk id, charge or intent) whose checkout is not known yet */
    unplacedCharges(accountId: string, limit: number): { id: string; payment_intent_id: string }[] {
      return unplacedStmt.all(accountId, limit);
    },
    setCheckout(accountId: string, entryId: string, sessionId: string, ref: string | null): number {
      return setSessionStmt.run(sessionId, ref, accountId, entryId).changes;
    },
    /** the first charge entry naming this payment in any way */
    chargeOf(accountId: string, p: { id: string; charge_id: string | null; payment_intent_id: string | null; gateway_payment_id: string | null; session_id: string | null }): LedgerCharge | undefined {
      return chargeForStmt.get({ a: accountId, id: p.id, ch: p.charge_id, pi: p.payment_intent_id, gp: p.gateway_payment_id, sess: p.session_id }) as LedgerCharge | undefined;
    },
    refsOf(accountId: string, entryId: string): LedgerRefs | undefined {
      return refsStmt.get(accountId, entryId);
    },
  };
}

export type LedgerRepo = ReturnType<typeof ledgerRepo>;
