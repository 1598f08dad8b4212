// The Reports screen's reads: totals of every money movement over a range, settlements with their matched /
// unmatched counts, one settlement's items, and the reconciliation flags. Read-only.
//
// The rows counted are the export's money movements (store/repos/movements.ts, docs/export-columns.md):
//   payments by paid_at (gross = captured, fee, tax, net); a reusable link's row is not one (its payments are);
//   refunds that did not fail by created_at (refunds = amount, net = -amount);
//   settlement items that are movements of their own by their gateway time: payments and refunds settled
//   at the gateway that Paydesk never created (external), fees, adjustments and disputes.
import type { Gateway } from '../../../../shared/gateways';
import type { SqlDb } from '../sql';

export interface ViewFilters {
  startMs: number;
  endMs: number;
  mode: 'test' | 'live';
  gateway?: Gateway | undefined;
  accountId?: string | undefined;
}

/** One bucket of movements: sums per currency per `bucketMs` of time. */
export interface MovementBucket { currency: string; bucket: number; payments: number; refunds_n: number; external_n: number; gross: number; refunds: number; fees: number; tax: number; disputes: number; adjustments: number; net: number; settled: number }

export interface SettlementItemViewRow {
  id: number; kind: 'payment' | 'refund' | 'fee' | 'adjustment' | 'dispute'; gateway_txn_id: string; amount_minor: number; fee_minor: number; tax_minor: number; net_minor: number; created_at: number | null;
  p_id: string | null; p_order_ref: string | null; p_amount: number | null; p_captured: number | null; p_currency: string | null; p_status: string | null;
  r_id: string | null; r_payment_id: string | null; r_amount: number | null; r_currency: string | null; r_status: string | null; r_gateway_id: string | null;
}

export interface FlagViewRow {
  id: number; flag: 'unknown_at_gateway' | 'amount_mismatch' | 'currency_mismatch' | 'external' | 'not_settled'; account_id: string; gateway: Gateway; payment_id: string | null; refund_id: string | null;
  settlement_id: string | null; settlement_item_id: number | null; gateway_ref: string | null; detail: string; first_seen_at: number;
}

export interface FlagFilter {
  mode: 'test' | 'live';
  flag?: FlagViewRow['flag'] | undefined;
  gateway?: Gateway | undefined;
  accountId?: string | undefined;
  limit: number;
}

const FAILED_SETTLEMENT = `('failed', 'canceled', 'cancelled')`;


function params(f: ViewFilters): Record<string, string | number> {
  const p: Record<string, string | number> = { start: f.startMs, end: f.endMs, mode: f.mode, livemode: f.mode === 'live' ? 1 : 0 };
  if (f.gateway) p.gateway = f.gateway;
  if (f.accountId) p.account = f.accountId;
  return p;
}
const extra = (f: ViewFilters, gatewayCol: string, accountCol: string): string =>
  `${f.gateway ? ` AND ${gatewayCol} = @gateway` : ''}${f.accountId ? ` AND ${accountCol} = @account` : ''}`;

/** One UNION ALL of every money movement in range with its summary columns. */
function movementsSql(f: ViewFilters): string {
  return `
SELECT p.currency AS currency, p.paid_at AS at, 1 AS payments, 0 AS refunds_n, 0 AS external_n,
       p.captured_minor AS gross, 0 AS refunds, coalesce(p.fee_minor, 0) AS fees, coalesce(p.tax_minor, 0) AS tax, 0 AS disputes, 0 AS adjustments,
       coalesce(p.net_minor, p.captured_minor - coalesce(p.fee_minor, 0)) AS net,
       EXISTS (SELECT 1 FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id
               WHERE si.payment_id = p.id AND si.kind = 'payment' AND s.status NOT IN ${FAILED_SETTLEMENT}) AS settled
  FROM payments p JOIN accounts a ON a.id = p.account_id
 WHERE p.paid_at >= @start AND p.paid_at < @end AND p.livemode = @livemode AND a.mode = @mode AND p.reusable = 0${extra(f, 'p.gateway', 'p.account_id')}
UNION ALL
SELECT r.currency, r.created_at, 0, 1, 0,
       0, r.amount_minor, 0, 0, 0, 0,
       -r.amount_minor,
       EXISTS (SELECT 1 FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id
               WHERE si.refund_id = r.id AND s.status NOT IN ${FAILED_SETTLEMENT})
  FROM refunds r JOIN accounts a ON a.id = r.account_id
 WHERE r.created_at >= @start AND r.created_at < @end AND r.status <> 'failed' AND r.livemode = @livemode AND a.mode = @mode${extra(f, 'r.gateway', 'r.account_id')}
UNION ALL
SELECT s.currency, coalesce(si.created_at, s.created_at), 0, 0, CASE WHEN si.kind IN ('payment', 'refund') THEN 1 ELSE 0 END,
       CASE WHEN si.kind = 'payment' THEN si.amount_minor ELSE 0 END,
       CASE WHEN si.kind = 'refund' THEN -si.amount_minor ELSE 0 END,
       CASE WHEN si.kind = 'fee' THEN si.fee_minor - si.amount_minor ELSE si.fee_minor END,
       si.tax_minor,
       CASE WHEN si.kind = 'dispute' THEN -si.amount_minor ELSE 0 END,
       CASE WHEN si.kind = 'adjustment' THEN si.amount_minor ELSE 0 END,
       si.net_minor,
       s.status NOT IN ${FAILED_SETTLEMENT}
  FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id JOIN accounts a ON a.id = s.account_id
 WHERE coalesce(si.created_at, s.created_at) >= @start AND coalesce(si.created_at, s.created_at) < @end
   AND NOT ((si.kind = 'payment' AND si.payment_id IS NOT NULL) OR (si.kind = 'refund' AND si.refund_id IS NOT NULL))
   AND s.livemode = @livemode AND a.mode = @mode${extra(f, 's.gateway', 's.account_id')}`;
}

export interface SettlementViewRow {
  id: string; gateway: Gateway; account_id: string; label: string; mode: 'test' | 'live'; gateway_settlement_id: string; currency: string;
  amount_minor: number; fee_minor: number; tax_minor: number; utr: string | null; arrival_at: number | null; created_at: number; status: string;
  item_count: number; matched: number; unmatched: number; manual: 0 | 1; warning: string | null;
}

const SETTLEMENT_COLUMNS = `s.id, s.gateway, s.account_id, a.label, a.mode, s.gateway_settlement_id, s.currency, s.amount_minor, s.fee_minor, s.tax_minor,
  s.utr, s.arrival_at, s.created_at, s.status, s.manual, s.warning,
  (SELECT count(*) FROM settlement_items si WHERE si.settlement_id = s.id) AS item_count,
  (SELECT count(*) FROM settlement_items si WHERE si.settlement_id = s.id
     AND ((si.kind = 'payment' AND si.payment_id IS NOT NULL) OR (si.kind = 'refund' AND si.refund_id IS NOT NULL))
     AND NOT EXISTS (SELECT 1 FROM recon_flags f WHERE f.settlement_item_id = si.id)) AS matched,
  (SELECT count(*) FROM settlement_items si WHERE si.settlement_id = s.id AND si.kind IN ('payment', 'refund')
     AND ((si.kind = 'payment' AND si.payment_id IS NULL) OR (si.kind = 'refund' AND si.refund_id IS NULL)
          OR EXISTS (SELECT 1 FROM recon_flags f WHERE f.settlement_item_id = si.id))) AS unmatched`;

export function reportViewsRepo(db: SqlDb) {
  const settlementStmt = db.prepare(`SELECT ${SETTLEMENT_COLUMNS} FROM settlements s JOIN accounts a ON a.id = s.account_id WHERE s.id = ?`);
  const itemsStmt = db.prepare(`SELECT si.id, si.kind, si.gateway_txn_id, si.amount_minor, si.fee_minor, si.tax_minor, si.net_minor, si.created_at,
        p.id AS p_id, p.order_ref AS p_order_ref, p.amount_minor AS p_amount, p.captured_minor AS p_captured, p.currency AS p_currency, p.status AS p_status,
        r.id AS r_id, r.payment_id AS r_payment_id, r.amount_minor AS r_amount, r.currency AS r_currency, r.status AS r_status, r.gateway_refund_id AS r_gateway_id
      FROM settlement_items si LEFT JOIN payments p ON p.id = si.payment_id LEFT JOIN refunds r ON r.id = si.refund_id
      WHERE si.settlement_id = ? ORDER BY coalesce(si.created_at, 0), si.id`);
  const itemFlagsStmt = db.prepare(`SELECT settlement_item_id, flag, detail, first_seen_at FROM recon_flags WHERE settlement_id = ? AND settlement_item_id IS NOT NULL ORDER BY id`);

  return {
    /**
     * every money movement in range, summed per currency and time bucket (integer division on both engines;
     * the subquery's alias is one PostgreSQL before 16 requires)
     */
    movementBuckets(f: ViewFilters, bucketMs: number): MovementBucket[] {
      return db.prepare(`SELECT currency, at / ${bucketMs} AS bucket, sum(payments) AS payments, sum(refunds_n) AS refunds_n, sum(external_n) AS external_n,
      sum(gross) AS gross, sum(refunds) AS refunds, sum(fees) AS fees, sum(tax) AS tax, sum(disputes) AS disputes, sum(adjustments) AS adjustments,
      sum(net) AS net, sum(CASE WHEN settled THEN net ELSE 0 END) AS settled
    FROM (${movementsSql(f)}) AS m GROUP BY currency, bucket`).all(params(f)) as MovementBucket[];
    },
    /** settlements created in range, latest first */
    settlementsIn(f: ViewFilters): SettlementViewRow[] {
      return db.prepare(`SELECT ${SETTLEMENT_COLUMNS} FROM settlements s JOIN accounts a ON a.id = s.account_id
      WHERE s.created_at >= @start AND s.created_at < @end AND s.livemode = @livemode AND a.mode = @mode${extra(f, 's.gateway', 's.account_id')}
      ORDER BY s.created_at DESC, s.id`).all(params(f)) as SettlementViewRow[];
    },
    /** open flags per kind whose subject (item, refund or payment) falls in range */
    flagCounts(f: ViewFilters): { flag: FlagViewRow['flag']; n: number }[] {
      return db.prepare(`SELECT f.flag, count(*) AS n FROM recon_flags f JOIN accounts a ON a.id = f.account_id
      LEFT JOIN settlement_items si ON si.id = f.settlement_item_id
      LEFT JOIN settlements s ON s.id = si.settlement_id
      LEFT JOIN refunds r ON r.id = f.refund_id
      LEFT JOIN payments p ON p.id = f.payment_id
      WHERE f.livemode = @livemode AND a.mode = @mode${extra(f, 'f.gateway', 'f.account_id')}
        AND (CASE WHEN f.settlement_item_id IS NOT NULL THEN coalesce(si.created_at, s.created_at)
                  WHEN f.refund_id IS NOT NULL THEN r.created_at
                  ELSE coalesce(p.paid_at, p.created_at) END) >= @start
        AND (CASE WHEN f.settlement_item_id IS NOT NULL THEN coalesce(si.created_at, s.created_at)
                  WHEN f.refund_id IS NOT NULL THEN r.created_at
                  ELSE coalesce(p.paid_at, p.created_at) END) < @end
      GROUP BY f.flag`).all(params(f)) as { flag: FlagViewRow['flag']; n: number }[];
    },
    settlement: (id: string): SettlementViewRow | undefined => settlementStmt.get(id) as SettlementViewRow | undefined,
    settlementItems: (id: string): SettlementItemViewRow[] => itemsStmt.all(id) as SettlementItemViewRow[],
    itemFlags: (settlementId: string) => itemFlagsStmt.all(settlementId) as { settlement_item_id: number; flag: FlagViewRow['flag']; detail: string; first_seen_at: number }[],
    /** flags of one mode, latest first, and how many there are in all */
    flags(filter: FlagFilter): { rows: FlagViewRow[]; total: number } {
      const p: Record<string, string | number> = { mode: filter.mode, livemode: filter.mode === 'live' ? 1 : 0, limit: filter.limit };
      let where = 'f.livemode = @livemode AND a.mode = @mode';
      if (filter.flag) { where += ' AND f.flag = @flag'; p.flag = filter.flag; }
      if (filter.gateway) { where += ' AND f.gateway = @gateway'; p.gateway = filter.gateway; }
      if (filter.accountId) { where += ' AND f.account_id = @account'; p.account = filter.accountId; }
      const total = (db.prepare(`SELECT count(*) AS n FROM recon_flags f JOIN accounts a ON a.id = f.account_id WHERE ${where}`).get(p) as { n: number }).n;
      const rows = db.prepare(`SELECT f.* FROM recon_flags f JOIN accounts a ON a.id = f.account_id WHERE ${where} ORDER BY f.first_seen_at DESC, f.id DESC LIMIT @limit`).all(p) as FlagViewRow[];
      return { rows, total };
    },
  };
}

export type ReportViewsRepo = ReturnType<typeof reportViewsRepo>;
