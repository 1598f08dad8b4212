// The Reports screen's numbers: totals per currency over a range of the merchant's LOCAL days (time zone
// from the reports settings; time.ts turns local days into UTC instants, DST included), a daily net series,
// the settlements with matched/unmatched counts, one settlement's items (reports.settlement) and the open
// reconciliation flags (reports.flags). The rows counted are the export's money movements
// (store/repos/report-views.ts says which).
// net = gross − refunds − fees − disputes + adjustments; settled = the part of net whose row is in a
// settlement/payout that did not fail; pending = net − settled. Test and live never mix.
import type { z } from 'zod';
import type { FlagRow, FlagsInputSchema, SettlementDetail, SettlementItem, SettlementSummary, Summary, SummaryInputSchema } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { AccountsRepo } from '../store/repos/accounts';
import type { ReportViewsRepo, SettlementViewRow, ViewFilters } from '../store/repos/report-views';
import type { ReportsService } from './service';
import { localDateRangeToUtc, zoneOffsetMs } from './time';

type SummaryInput = z.output<typeof SummaryInputSchema>;
type FlagsInput = z.output<typeof FlagsInputSchema>;

const BUCKET_MS = 15 * 60_000; // every zone offset is a multiple of 15 minutes, and so is every DST change
const DAY_MS = 86_400_000;
const MAX_DAYS = 3_700;

/** What the summary reads. */
export interface SummaryDeps {
  views: ReportViewsRepo;
  accounts: AccountsRepo;
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

function toSettlementSummary(r: SettlementViewRow): SettlementSummary {
  return {
    id: r.id, gateway: r.gateway, accountId: r.account_id, accountLabel: r.label, gatewaySettlementId: r.gateway_settlement_id, currency: r.currency,
    amountMinor: r.amount_minor, feeMinor: r.fee_minor, taxMinor: r.tax_minor, utr: r.utr, arrivalAt: r.arrival_at, createdAt: r.created_at, status: r.status,
    itemCount: r.item_count, matchedCount: r.matched, unmatchedCount: r.unmatched, manual: r.manual === 1, warning: r.warning,
  };
}

export function summarize(d: SummaryDeps, input: SummaryInput, svc: ReportsService): Summary {
  const { timeZone } = svc.settings();
  const { startMs, endMs } = resolveRange(input, timeZone);
  const f: ViewFilters = { startMs, endMs, mode: input.mode, gateway: input.gateway, accountId: input.accountId };

  const rows = d.views.movementBuckets(f, BUCKET_MS);

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

  const settlements = d.views.settlementsIn(f).map(toSettlementSummary);

  const flags = { unknown_at_gateway: 0, amount_mismatch: 0, currency_mismatch: 0, external: 0, not_settled: 0 };
  const flagRows = d.views.flagCounts(f);
  for (const r of flagRows) flags[r.flag] = r.n;

  let refreshedAt: number | null = null;
  for (const a of d.accounts.list()) {
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

export function settlementDetail(d: SummaryDeps, id: string): SettlementDetail {
  const row = d.views.settlement(id);
  if (!row) throw new AppError('not_found', 'No such settlement');
  const items = d.views.settlementItems(id);
  const flags = d.views.itemFlags(id);
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

export function listFlags(d: SummaryDeps, input: FlagsInput): { rows: FlagRow[]; total: number } {
  const { rows, total } = d.views.flags({ mode: input.mode, flag: input.flag, gateway: input.gateway, accountId: input.accountId, limit: input.limit ?? 100 });
  return {
    total,
    rows: rows.map((r) => ({
      id: r.id, flag: r.flag, accountId: r.account_id, gateway: r.gateway, paymentId: r.payment_id, refundId: r.refund_id, settlementId: r.settlement_id,
      settlementItemId: r.settlement_item_id, gatewayRef: r.gateway_ref, detail: parseDetail(r.detail), firstSeenAt: r.first_seen_at,
    })),
  };
}
