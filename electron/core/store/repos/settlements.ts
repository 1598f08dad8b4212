// Settlements / payouts and their items, and the payment look-ups that place an item or a fee.
import type { Gateway } from '../../../../shared/gateways';
import type { GatewaySettlement, PaymentLookup, PaymentRefColumn, SettlementItemKind } from '../../gateways/ports/reports';
import type { SqlDb } from '../sql';
import type { PaymentRow } from './payments';

export interface SettlementUpsert extends Omit<GatewaySettlement, 'currency' | 'fee' | 'tax'> {
  id: string;
  accountId: string;
  gateway: Gateway;
  livemode: boolean;
  currency: string;
  fee: number;
  tax: number;
  /** why its items could not be read, null once they were; undefined: its items were not asked for, keep what is stored */
  warning?: string | null;
}

export interface ItemInsert {
  settlementId: string;
  kind: SettlementItemKind;
  paymentId: string | null;
  txn: string;
  amount: number;
  fee: number;
  tax: number;
  net: number;
  createdAt: number;
}

const LOOKUP_COLUMNS: readonly PaymentRefColumn[] = ['id', 'charge_id', 'payment_intent_id', 'gateway_payment_id', 'order_id', 'session_id'];

export function settlementsRepo(db: SqlDb) {
  // IS DISTINCT FROM: SQLite's null-safe `IS NOT`, spelled so that PostgreSQL reads it too
  const upsertStmt = db.prepare(`INSERT INTO settlements
      (id, account_id, gateway, livemode, gateway_settlement_id, currency, amount_minor, fee_minor, tax_minor, utr, status, created_at, arrival_at, fetched_at, manual, warning)
    VALUES (@id, @accountId, @gateway, @livemode, @gatewayId, @currency, @amount, @fee, @tax, @utr, @status, @createdAt, @arrivalAt, @now, @manual, @warning)
    ON CONFLICT (account_id, gateway_settlement_id) DO UPDATE SET
      amount_minor = excluded.amount_minor, fee_minor = excluded.fee_minor, tax_minor = excluded.tax_minor, utr = excluded.utr,
      status = excluded.status, arrival_at = excluded.arrival_at, currency = excluded.currency, fetched_at = excluded.fetched_at,
      manual = excluded.manual, warning = CASE WHEN @setWarning = 1 THEN excluded.warning ELSE settlements.warning END
    WHERE settlements.amount_minor IS DISTINCT FROM excluded.amount_minor OR settlements.fee_minor IS DISTINCT FROM excluded.fee_minor
       OR settlements.tax_minor IS DISTINCT FROM excluded.tax_minor OR settlements.utr IS DISTINCT FROM excluded.utr OR settlements.status IS DISTINCT FROM excluded.status
       OR settlements.arrival_at IS DISTINCT FROM excluded.arrival_at OR settlements.currency IS DISTINCT FROM excluded.currency OR settlements.manual IS DISTINCT FROM excluded.manual
       OR (@setWarning = 1 AND settlements.warning IS DISTINCT FROM excluded.warning)`);
  const insertItemStmt = db.prepare(`INSERT INTO settlement_items
      (settlement_id, kind, payment_id, refund_id, gateway_txn_id, amount_minor, fee_minor, tax_minor, net_minor, created_at)
    VALUES (@settlementId, @kind, @paymentId, NULL, @txn, @amount, @fee, @tax, @net, @createdAt)
    ON CONFLICT (settlement_id, gateway_txn_id) DO NOTHING`);
  const itemCountStmt = db.prepare<{ n: number }>('SELECT count(*) AS n FROM settlement_items WHERE settlement_id = ?');
  const sumsStmt = db.prepare<{ fee: number; tax: number }>(
    'SELECT coalesce(sum(fee_minor), 0) AS fee, coalesce(sum(tax_minor), 0) AS tax FROM settlement_items WHERE settlement_id = ?');
  const currencyStmt = db.prepare<{ currency: string }>('SELECT currency FROM settlements WHERE account_id = ? AND gateway_settlement_id = ?');
  const paymentTakenStmt = db.prepare<{ id: number }>(`SELECT id FROM settlement_items WHERE payment_id = ? AND kind = 'payment'`);
  const refundTakenStmt = db.prepare<{ id: number }>('SELECT id FROM settlement_items WHERE refund_id = ?');
  const setPaymentStmt = db.prepare('UPDATE settlement_items SET payment_id = ? WHERE id = ? AND payment_id IS NULL');
  const setRefundStmt = db.prepare('UPDATE settlement_items SET refund_id = ? WHERE id = ? AND refund_id IS NULL');
  const byColumn = Object.fromEntries(LOOKUP_COLUMNS.map((c) => [c, c === 'id'
    ? db.prepare<{ id: string }>('SELECT id FROM payments WHERE id = ? AND account_id = ?')
    : db.prepare<{ id: string }>(`SELECT id FROM payments WHERE ${c} = ? AND account_id = ? ORDER BY created_at LIMIT 1`)]));
  const refundByGatewayIdStmt = db.prepare<{ id: string }>('SELECT id FROM refunds WHERE gateway_refund_id = ? AND account_id = ?');
  const feelessStmt = db.prepare<PaymentRow>(`SELECT * FROM payments WHERE account_id = ? AND status IN ('paid', 'partially_paid')
      AND fee_minor IS NULL ORDER BY paid_at DESC LIMIT ?`);

  return {
    /** stores a settlement, or updates what changed; returns how many rows changed */
    upsert(s: SettlementUpsert, now: number): number {
      return upsertStmt.run({
        id: s.id, accountId: s.accountId, gateway: s.gateway, livemode: s.livemode ? 1 : 0, gatewayId: s.gatewayId, currency: s.currency, amount: s.amount,
        fee: s.fee, tax: s.tax, utr: s.utr, status: s.status, createdAt: s.createdAt, arrivalAt: s.arrivalAt, now,
        manual: s.manual ? 1 : 0, warning: s.warning ?? null, setWarning: s.warning === undefined ? 0 : 1,
      }).changes;
    },
    /** adds an item unless the settlement has it already; returns 1 when added */
    addItem(it: ItemInsert): number {
      return insertItemStmt.run(it).changes;
    },
    isItemized: (settlementId: string): boolean => (itemCountStmt.get(settlementId)?.n ?? 0) > 0,
    storedSums: (settlementId: string): { fee: number; tax: number } => sumsStmt.get(settlementId) ?? { fee: 0, tax: 0 },
    storedCurrency: (accountId: string, gatewaySettlementId: string): string | null => currencyStmt.get(accountId, gatewaySettlementId)?.currency ?? null,
    /** a payment is settled by one item at most */
    paymentSettled: (paymentId: string): boolean => !!paymentTakenStmt.get(paymentId),
    refundSettled: (refundId: string): boolean => !!refundTakenStmt.get(refundId),
    linkPayment: (itemId: number, paymentId: string): number => setPaymentStmt.run(paymentId, itemId).changes,
    linkRefund: (itemId: number, refundId: string): number => setRefundStmt.run(refundId, itemId).changes,
    /** the first local payment of the account a look-up finds, trying them in order */
    findPayment(accountId: string, lookups: readonly PaymentLookup[]): string | null {
      for (const l of lookups) {
        const hit = byColumn[l.column]?.get(l.value, accountId);
        if (hit) return hit.id;
      }
      return null;
    },
    refundByGatewayId: (accountId: string, gatewayRefundId: string): string | null => refundByGatewayIdStmt.get(gatewayRefundId, accountId)?.id ?? null,
    /** paid payments whose fee is still unknown, latest first */
    feelessPaid: (accountId: string, limit: number): PaymentRow[] => feelessStmt.all(accountId, limit),
  };
}

export type SettlementsRepo = ReturnType<typeof settlementsRepo>;
