// The Reports screen's numbers, straight from the tables: totals per currency over a range of the
// merchant's LOCAL days (time zone from the reports settings; time.ts turns local days into UTC
// instants, DST included), a daily net series, the settlements with matched/unmatched counts, one
// settlement's items (reports.settlement) and the open reconciliation flags (reports.flags).
//
// The rows counted are the export's money movements (reports/queries.ts, docs/export-columns.md):
//   payments by paid_at (gross = captured, fee, tax, net);
//   refunds that did not fail by created_at (refunds = amount, net = -amount);
//   settlement items that are movements of their own by their gateway time: payments and refunds settled
//   at the gateway that Paydesk never created (external), fees, adjustments and disputes.
// net = gross − refunds − fees − disputes + adjustments; settled = the part of net whose row is in a
// settlement/payout that did not fail; pending = net − settled. Test and live never mix.
import type { z } from 'zod';
import type { FlagRow, FlagsInputSchema, SettlementDetail, SettlementItem, SettlementSummary, Summary, SummaryInputSchema } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { CoreDeps } from '../deps';
import type { ReportsService } from './settlements';
import { localDateRangeToUtc, zoneOffsetMs } from './time';

type SummaryInput = z.output<typeof SummaryInputSchema>;
type FlagsInput = z.output<typeof FlagsInputSchema>;

const BUCKET_MS = 15 * 60_000; // every zone offset is a multiple of 15 minutes, and so is every DST change
const DAY_MS = 86_400_000;
const MAX_DAYS = 3_700;
const FAILED_SETTLEMENT = `('failed', 'canceled', 'cancelled')`;

interface Filters {
  startMs: number;
  endMs: number;
  mode: 'test' | 'live';
  gateway?: 'stripe' | 'razorpay' | undefined;
  accountId?: string | undefined;
}

function params(f: Filters): Record<string, string | number> {
  const p: Record<string, string | number> = { start: f.startMs, end: f.endMs, mode: f.mode, livemode: f.mode === 'live' ? 1 : 0 };
  if (f.gateway) p.gateway = f.gateway;
  if (f.accountId) p.account = f.accountId;
  return p;
}
const extra = (f: Filters, gatewayCol: string, accountCol: string): string =>
  `${f.gateway ? ` AND ${gatewayCol} = @gateway` : ''}${f.accountId ? ` AND ${accountCol} = @account` : ''}`;

/** One UNION ALL of every money movement in range with its summary columns. */
function movementsSql(f: Filters): string {
  return `
SELECT p.currency AS currency, p.paid_at AS at, 1 AS payments, 0 AS refunds_n, 0 AS external_n,
       p.captured_minor AS gross, 0 AS refunds, coalesce(p.fee_minor, 0) AS fees, coalesce(p.tax_minor, 0) AS tax, 0 AS disputes, 0 AS adjustments,
       coalesce(p.net_minor, p.captured_minor - coalesce(p.fee_minor, 0)) AS net,
       EXISTS (SELECT 1 FROM settlement_items si JOIN settlements s ON s.id = si.settlement_id
               WHERE si.payment_id = p.id AND si.kind = 'payment' AND s.status NOT IN ${FAILED_SETTLEMENT}) AS settled
  FROM payments p JOIN accounts a ON a.id = p.account_id
 WHERE p.paid_at >= @start AND p.paid_at < @end AND p.livemode = @livemode AND a.mode = @mode${extra(f, 'p.gateway', 'p.account_id')}
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

function nextDay(day: string): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + DAY_MS).toISOString().slice(0, 10);
}

function resolveRange(input: { from: string; to: string }, timeZone: string): { startMs: number; endMs: number } {
  if (input.to < input.from) throw new AppError('invalid_input', 'The end date is before the start date', { field: 'to' });
  if ((Date.parse(`${input.to}T00:00:00Z`) - Date.parse(`${input.from}T00:00:00Z`)) / DAY_MS > MAX_DAYS) {
    throw new AppError('invalid_input', 'Choose a range of at most ten years', { field: 'from' });
  }
  try {
    return localDateRangeToUtc(input.from, input.to, timeZone);
  } catch (err) {
    const field = /"(\d{4}-\d{2}-\d{2})"/.exec((err as Error).message)?.[1] === input.to ? 'to' : 'from';
    throw new AppError('invalid_input', (err as Error).message, { field });
  }
}

interface SettlementDbRow {
  id: string; gateway: 'stripe' | 'razorpay'; account_id: string; label: string; mode: 'test' | 'live'; gateway_settlement_id: string; currency: string;
  amount_minor: number; fee_minor: number; tax_minor: number; utr: string | null; arrival_at: number | null; created_at: number; status: string;
  item_count: number; matched: number; unmatched: number;
}

const SETTLEMENT_COLUMNS = `s.id, s.gateway, s.account_id, a.label, a.mode, s.gateway_settlement_id, s.currency, s.amount_minor, s.fee_minor, s.tax_minor,
  s.utr, s.arrival_at, s.created_at, s.status,
  (SELECT count(*) FROM settlement_items si WHERE si.settlement_id = s.id) AS item_count,
  (SELECT count(*) FROM settlement_items si WHERE si.settlement_id = s.id
     AND ((si.kind = 'payment' AND si.payment_id IS NOT NULL) OR (si.kind = 'refund' AND si.refund_id IS NOT NULL))
     AND NOT EXISTS (SELECT 1 FROM recon_flags f WHERE f.settlement_item_id = si.id)) AS matched,
  (SELECT count(*) FROM settlement_items si WHERE si.settlement_id = s.id AND si.kind IN ('payment', 'refund')
     AND ((si.kind = 'payment' AND si.payment_id IS NULL) OR (si.kind = 'refund' AND si.refund_id IS NULL)
          OR EXISTS (SELECT 1 FROM recon_flags f WHERE f.settlement_item_id = si.id))) AS unmatched`;

function toSettlementSummary(r: SettlementDbRow): SettlementSummary {
  return {
    id: r.id, gateway: r.gateway, accountId: r.account_id, accountLabel: r.label, gatewaySettlementId: r.gateway_settlement_id, currency: r.currency,
    amountMinor: r.amount_minor, feeMinor: r.fee_minor, taxMinor: r.tax_minor, utr: r.utr, arrivalAt: r.arrival_at, createdAt: r.created_at, status: r.status,
    itemCount: r.item_count, matchedCount: r.matched, unmatchedCount: r.unmatched,
  };
}

export function summarize(d: CoreDeps, input: SummaryInput, svc: ReportsService): Summary {
  const { timeZone } = svc.settings();
  const { startMs, endMs } = resolveRange(input, timeZone);
  const f: Filters = { startMs, endMs, mode: input.mode, gateway: input.gateway, accountId: input.accountId };
  const p = params(f);

  interface Bucket { currency: string; bucket: number; payments: number; refunds_n: number; external_n: number; gross: number; refunds: number; fees: number; tax: number; disputes: number; adjustments: number; net: number; settled: number }
  const rows = d.db.prepare(`SELECT currency, at / ${BUCKET_MS} AS bucket, sum(payments) AS payments, sum(refunds_n) AS refunds_n, sum(external_n) AS external_n,
      sum(gross) AS gross, sum(refunds) AS refunds, sum(fees) AS fees, sum(tax) AS tax, sum(disputes) AS disputes, sum(adjustments) AS adjustments,
      sum(net) AS net, sum(CASE WHEN settled THEN net ELSE 0 END) AS settled
    FROM (${movementsSql(f)}) GROUP BY currency, bucket`).all(p) as Bucket[];

  const totals = new Map<string, Summary['currencies'][number]>();
  const daily = new Map<string, number>(); // `${currency}\0${day}` -> net
  for (const r of rows) {
    let t = totals.get(r.currency);
    if (!t) {
      t = { currency: r.currency, grossMinor: 0, refundsMinor: 0, feesMinor: 0, taxMinor: 0, disputesMinor: 0, adjustmentsMinor: 0, netMinor: 0, settledMinor: 0, pendingMinor: 0, paymentCount: 0, refundCount: 0, externalCount: 0 };
      totals.set(r.currency, t);
    }
    t.grossMinor += r.gross;
    t.refundsMinor += r.refunds;
    t.feesMinor += r.fees;
    t.taxMinor += r.tax;
    t.disputesMinor += r.disputes;
    t.adjustmentsMinor += r.adjustments;
    t.netMinor += r.net;
    t.settledMinor += r.settled;
    t.paymentCount += r.payments;
    t.refundCount += r.refunds_n;
    t.externalCount += r.external_n;
    const at = r.bucket * BUCKET_MS;
    const day = new Date(at + zoneOffsetMs(timeZone, at)).toISOString().slice(0, 10);
    const key = `${r.currency}\0${day}`;
    daily.set(key, (daily.get(key) ?? 0) + r.net);
  }
  const currencies = [...totals.values()].sort((a, b) => a.currency.localeCompare(b.currency));
  for (const t of currencies) t.pendingMinor = t.netMinor - t.settledMinor;

  const series: Summary['daily'] = [];
  for (let day = input.from; day <= input.to; day = nextDay(day)) {
    for (const t of currencies) series.push({ day, currency: t.currency, netMinor: daily.get(`${t.currency}\0${day}`) ?? 0 });
  }

  const settlements = (d.db.prepare(`SELECT ${SETTLEMENT_COLUMNS} FROM settlements s JOIN accounts a ON a.id = s.account_id
      WHERE s.created_at >= @start AND s.created_at < @end AND s.livemode = @livemode AND a.mode = @mode${extra(f, 's.gateway', 's.account_id')}
      ORDER BY s.created_at DESC, s.id`).all(p) as SettlementDbRow[]).map(toSettlementSummary);

  const flags = { unknown_at_gateway: 0, amount_mismatch: 0, currency_mismatch: 0, external: 0, not_settled: 0 };
  const flagRows = d.db.prepare(`SELECT f.flag, count(*) AS n FROM recon_flags f JOIN accounts a ON a.id = f.account_id
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
      GROUP BY f.flag`).all(p) as { flag: keyof Summary['flags']; n: number }[];
  for (const r of flagRows) flags[r.flag] = r.n;

  let refreshedAt: number | null = null;
  for (const a of d.repos.accounts.list()) {
    if (a.mode !== input.mode || (input.gateway && a.gateway !== input.gateway) || (input.accountId && a.id !== input.accountId)) continue;
    const last = svc.lastResult(a.id);
    if (last?.ok && (refreshedAt === null || last.finishedAt > refreshedAt)) refreshedAt = last.finishedAt;
  }

  return { mode: input.mode, from: input.from, to: input.to, timeZone, startMs, endMs, currencies, daily: series, settlements, flags, refreshedAt };
}

const parseDetail = (json: string): Record<string, unknown> => {
  try {
    const v = JSON.parse(json) as unknown;
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
};

export function settlementDetail(d: CoreDeps, id: string): SettlementDetail {
  const row = d.db.prepare(`SELECT ${SETTLEMENT_COLUMNS} FROM settlements s JOIN accounts a ON a.id = s.account_id WHERE s.id = ?`).get(id) as SettlementDbRow | undefined;
  if (!row) throw new AppError('not_found', 'No such settlement');
  interface ItemDb {
    id: number; kind: SettlementItem['kind']; gateway_txn_id: string; amount_minor: number; fee_minor: number; tax_minor: number; net_minor: number; created_at: number | null;
    p_id: string | null; p_order_ref: string | null; p_amount: number | null; p_captured: number | null; p_currency: string | null; p_status: string | null;
    r_id: string | null; r_payment_id: string | null; r_amount: number | null; r_currency: string | null; r_status: string | null; r_gateway_id: string | null;
  }
  const items = d.db.prepare(`SELECT si.id, si.kind, si.gateway_txn_id, si.amount_minor, si.fee_minor, si.tax_minor, si.net_minor, si.created_at,
        p.id AS p_id, p.order_ref AS p_order_ref, p.amount_minor AS p_amount, p.captured_minor AS p_captured, p.currency AS p_currency, p.status AS p_status,
        r.id AS r_id, r.payment_id AS r_payment_id, r.amount_minor AS r_amount, r.currency AS r_currency, r.status AS r_status, r.gateway_refund_id AS r_gateway_id
      FROM settlement_items si LEFT JOIN payments p ON p.id = si.payment_id LEFT JOIN refunds r ON r.id = si.refund_id
      WHERE si.settlement_id = ? ORDER BY coalesce(si.created_at, 0), si.id`).all(id) as ItemDb[];
  const flags = d.db.prepare(`SELECT settlement_item_id, flag, detail, first_seen_at FROM recon_flags WHERE settlement_id = ? AND settlement_item_id IS NOT NULL ORDER BY id`)
    .all(id) as { settlement_item_id: number; flag: SettlementItem['flags'][number]['flag']; detail: string; first_seen_at: number }[];
  const byItem = new Map<number, SettlementItem['flags']>();
  for (const fl of flags) {
    const list = byItem.get(fl.settlement_item_id) ?? [];
    list.push({ flag: fl.flag, detail: parseDetail(fl.detail), firstSeenAt: fl.first_seen_at });
    byItem.set(fl.settlement_item_id, list);
  }
  return {
    settlement: { ...toSettlementSummary(row), mode: row.mode },
    items: items.map((it): SettlementItem => ({
      id: it.id, kind: it.kind, gatewayTxnId: it.gateway_txn_id, amountMinor: it.amount_minor, feeMinor: it.fee_minor, taxMinor: it.tax_minor, netMinor: it.net_minor,
      createdAt: it.created_at,
      external: (it.kind === 'payment' && it.p_id === null) || (it.kind === 'refund' && it.r_id === null),
      payment: it.p_id !== null
        ? { id: it.p_id, orderRef: it.p_order_ref ?? '', amountMinor: it.p_amount ?? 0, capturedMinor: it.p_captured ?? 0, currency: it.p_currency ?? '', status: it.p_status ?? '' }
        : null,
      refund: it.r_id !== null
        ? { id: it.r_id, paymentId: it.r_payment_id ?? '', amountMinor: it.r_amount ?? 0, currency: it.r_currency ?? '', status: it.r_status ?? '', gatewayRefundId: it.r_gateway_id }
        : null,
      flags: byItem.get(it.id) ?? [],
    })),
  };
}

export function listFlags(d: CoreDeps, input: FlagsInput): { rows: FlagRow[]; total: number } {
  const p: Record<string, string | number> = { mode: input.mode, livemode: input.mode === 'live' ? 1 : 0, limit: input.limit ?? 100 };
  let where = 'f.livemode = @livemode AND a.mode = @mode';
  if (input.flag) { where += ' AND f.flag = @flag'; p.flag = input.flag; }
  if (input.gateway) { where += ' AND f.gateway = @gateway'; p.gateway = input.gateway; }
  if (input.accountId) { where += ' AND f.account_id = @account'; p.account = input.accountId; }
  const total = (d.db.prepare(`SELECT count(*) AS n FROM recon_flags f JOIN accounts a ON a.id = f.account_id WHERE ${where}`).get(p) as { n: number }).n;
  const rows = d.db.prepare(`SELECT f.* FROM recon_flags f JOIN accounts a ON a.id = f.account_id WHERE ${where} ORDER BY f.first_seen_at DESC, f.id DESC LIMIT @limit`).all(p) as {
    id: number; flag: FlagRow['flag']; account_id: string; gateway: FlagRow['gateway']; payment_id: string | null; refund_id: string | null;
    settlement_id: string | null; settlement_item_id: number | null; gateway_ref: string | null; detail: string; first_seen_at: number;
  }[];
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id, flag: r.flag, accountId: r.account_id, gateway: r.gateway, paymentId: r.payment_id, refundId: r.refund_id, settlementId: r.settlement_id,
      settlementItemId: r.settlement_item_id, gatewayRef: r.gateway_ref, detail: parseDetail(r.detail), firstSeenAt: r.first_seen_at,
    })),
  };
}
