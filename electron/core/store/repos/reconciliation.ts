// What the reconciliation matcher reads and writes: unlinked and linked settlement items, payments and refunds
// no settlement covers, and the recon_flags that say what does not add up.
import type { Gateway } from '../../../../shared/gateways';
import type { SettlementItemKind } from '../../gateways/ports/reports';
import type { SqlDb } from '../sql';

export type FlagKind = 'unknown_at_gateway' | 'amount_mismatch' | 'currency_mismatch' | 'external' | 'not_settled';

export interface UnlinkedItem {
  id: number;
  settlement_id: string;
  kind: SettlementItemKind;
  payment_id: string | null;
  refund_id: string | null;
  gateway_txn_id: string;
  amount_minor: number;
  currency: string;
}

/** A settled item linked to a local payment or refund, with what Paydesk expected it to be. */
export interface LinkedItem {
  id: number;
  settlement_id: string;
  payment_id: string;
  refund_id: string | null;
  gateway_txn_id: string;
  amount_minor: number;
  currency: string;
  expected_currency: string;
  expected: number;
}

export interface StoredFlag {
  id: number;
  flag: FlagKind;
  subject: string;
  detail: string;
  gateway_ref: string | null;
  payment_id: string | null;
  refund_id: string | null;
  settlement_item_id: number | null;
  settlement_id: string | null;
}

export interface FlagWrite {
  flag: FlagKind;
  subject: string;
  paymentId: string | null;
  refundId: string | null;
  itemId: number | null;
  settlementId: string | null;
  gatewayRef: string | null;
  detail: string;
}

const PAID = `('paid', 'partially_paid')`;

export function reconciliationRepo(db: SqlDb) {
  // in the order stored: when two items name one payment, the first links on either engine
  const unlinkedStmt = db.prepare<UnlinkedItem>(`SELECT si.id, si.settlement_id, si.kind, si.payment_id, si.refund_id, si.gateway_txn_id, si.amount_minor, s.currency
      FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id
      WHERE s.account_id = ? AND ((si.kind = 'payment' AND si.payment_id IS NULL) OR (si.kind = 'refund' AND si.refund_id IS NULL))
      ORDER BY si.id`);
  const linkedPaymentsStmt = db.prepare<LinkedItem>(
    `SELECT si.id, si.settlement_id, si.payment_id, NULL AS refund_id, si.gateway_txn_id, si.amount_minor, s.currency, p.currency AS expected_currency,
            CASE WHEN p.captured_minor > 0 THEN p.captured_minor ELSE p.amount_minor END AS expected
       FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id JOIN payments p ON p.id = si.payment_id
      WHERE s.account_id = ? AND si.kind = 'payment'`);
  const linkedRefundsStmt = db.prepare<LinkedItem>(
    `SELECT si.id, si.settlement_id, si.refund_id, r.payment_id, si.gateway_txn_id, si.amount_minor, s.currency, r.currency AS expected_currency, r.amount_minor AS expected
       FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id JOIN refunds r ON r.id = si.refund_id
      WHERE s.account_id = ? AND si.kind = 'refund'`);
  const unsettledPaymentsStmt = db.prepare<{ id: string; paid_at: number; currency: string; captured_minor: number; ref: string | null }>(
    `SELECT p.id, p.paid_at, p.currency, p.captured_minor, coalesce(p.gateway_payment_id, p.payment_intent_id, p.charge_id) AS ref FROM payments p
      WHERE p.account_id = ? AND p.status IN ${PAID} AND p.paid_at IS NOT NULL AND p.paid_at < ?
        AND NOT EXISTS (SELECT 1 FROM settlement_items si WHERE si.payment_id = p.id AND si.kind = 'payment')
        AND NOT EXISTS (SELECT 1 FROM recon_flags f WHERE f.flag = 'unknown_at_gateway' AND f.subject = 'payment:' || p.id)`);
  const unsettledRefundsStmt = db.prepare<{ id: string; payment_id: string; created_at: number; currency: string; amount_minor: number; ref: string | null }>(
    `SELECT r.id, r.payment_id, r.created_at, r.currency, r.amount_minor, r.gateway_refund_id AS ref FROM refunds r
      WHERE r.account_id = ? AND r.status = 'succeeded' AND r.created_at < ?
        AND NOT EXISTS (SELECT 1 FROM settlement_items si WHERE si.refund_id = r.id)`);
  const delStmt = db.prepare('DELETE FROM recon_flags WHERE id = ?');
  const insStmt = db.prepare(`INSERT INTO recon_flags (account_id, gateway, livemode, flag, subject, payment_id, refund_id, settlement_item_id, settlement_id, gateway_ref, detail, first_seen_at)
    VALUES (@accountId, @gateway, @livemode, @flag, @subject, @paymentId, @refundId, @itemId, @settlementId, @gatewayRef, @detail, @now)`);
  const updStmt = db.prepare(`UPDATE recon_flags SET payment_id = @paymentId, refund_id = @refundId, settlement_item_id = @itemId, settlement_id = @settlementId,
    gateway_ref = @gatewayRef, detail = @detail WHERE id = @id`);
  // IS DISTINCT FROM: SQLite's null-safe `IS NOT`, spelled so that PostgreSQL reads it too
  const directFeeStmt = db.prepare(`UPDATE payments SET fee_minor = ?, tax_minor = ?, net_minor = ?, updated_at = ?
    WHERE id = ? AND (fee_minor IS DISTINCT FROM ? OR tax_minor IS DISTINCT FROM ? OR net_minor IS DISTINCT FROM ?)`);

  return {
    /** payment and refund items of the account no local row is linked to yet */
    unlinkedItems: (accountId: string): UnlinkedItem[] => unlinkedStmt.all(accountId),
    linkedPaymentItems: (accountId: string): LinkedItem[] => linkedPaymentsStmt.all(accountId),
    linkedRefundItems: (accountId: string): LinkedItem[] => linkedRefundsStmt.all(accountId),
    /** paid before `before`, in no settlement, and not known to be missing at the gateway */
    unsettledPayments: (accountId: string, before: number) => unsettledPaymentsStmt.all(accountId, before),
    unsettledRefunds: (accountId: string, before: number) => unsettledRefundsStmt.all(accountId, before),
    flagsOf(accountId: string, kinds: readonly FlagKind[]): StoredFlag[] {
      if (kinds.length === 0) return []; // PostgreSQL rejects an empty IN (); SQLite matched nothing
      return db.prepare(`SELECT id, flag, subject, detail, gateway_ref, payment_id, refund_id, settlement_item_id, settlement_id
        FROM recon_flags WHERE account_id = ? AND flag IN (${kinds.map(() => '?').join(', ')})`).all(accountId, ...kinds) as StoredFlag[];
    },
    removeFlag: (id: number): number => delStmt.run(id).changes,
    addFlag(account: { id: string; gateway: Gateway; livemode: boolean }, f: FlagWrite, now: number): number {
      return insStmt.run({ accountId: account.id, gateway: account.gateway, livemode: account.livemode ? 1 : 0, ...f, now }).changes;
    },
    updateFlag(id: number, f: Omit<FlagWrite, 'flag' | 'subject'>): number {
      return updStmt.run({ id, paymentId: f.paymentId, refundId: f.refundId, itemId: f.itemId, settlementId: f.settlementId, gatewayRef: f.gatewayRef, detail: f.detail }).changes;
    },
    /**
     * Fills the fee columns of a payment no state machine has touched yet (imported or seeded rows), which
     * has no machine state to fold a fee into. Returns 1 when a value changed.
     */
    fillFeesOfUnfolded(paymentId: string, fee: number, tax: number, net: number, now: number): number {
      return directFeeStmt.run(fee, tax, net, now, paymentId, fee, tax, net).changes;
    },
  };
}

export type ReconciliationRepo = ReturnType<typeof reconciliationRepo>;
