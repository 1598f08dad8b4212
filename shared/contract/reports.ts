// Methods and events of the reports domain: reconciliation data (fees, settlements, matching) and the
// Reports screen's summary. Money is always integer minor units + ISO currency, never summed across
// currencies; dates in inputs are the merchant's LOCAL days ('YYYY-MM-DD' in the reports time zone).
import { z } from 'zod';
import { EmptySchema, mutation, query, STAFF, STAFF_AUDITED, owner } from './define';
import { GatewaySchema, ModeSchema } from './accounts';

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;
/** Years outside are typos; they also keep the day arithmetic in core away from Date.UTC's years 0-99 (read as 19xx). */
const MIN_YEAR = 1970;
const MAX_YEAR = 2999;

/** True when 'YYYY-MM-DD' names a day on the calendar: no month 13, no day 00, no 30 February. */
export function isCalendarDate(day: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return false;
  const y = Number(m[1]), mo = Number(m[2]), d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  return d <= (mo === 2 && leap ? 29 : DAYS_IN_MONTH[mo - 1]!);
}

const capitalize = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);

/**
 * A local day, 'YYYY-MM-DD', that exists on the calendar. `which` names the field in the message ("the
 * first day"), so every method that takes a range refuses 2026-02-30 the same way, at the field.
 */
const localDate = (which: string) =>
  z.string().regex(/^\d{4}-\d{2}-\d{2}$/, `Enter ${which} as a date, YYYY-MM-DD`).superRefine((day, ctx) => {
    if (!isCalendarDate(day)) ctx.addIssue({ code: 'custom', message: `${capitalize(which)}, ${day}, is not a date on the calendar` });
    else if (Number(day.slice(0, 4)) < MIN_YEAR || Number(day.slice(0, 4)) > MAX_YEAR) {
      ctx.addIssue({ code: 'custom', message: `Choose ${which} between ${MIN_YEAR} and ${MAX_YEAR}` });
    }
  });
const FromDateSchema = localDate('the first day');
const ToDateSchema = localDate('the last day');

export const ReconFlagSchema = z.enum(['unknown_at_gateway', 'amount_mismatch', 'currency_mismatch', 'external', 'not_settled']);
export type ReconFlag = z.infer<typeof ReconFlagSchema>;

export const ReportsSettingsSchema = z.object({
  /** IANA zone the reports use for local days, e.g. 'Asia/Kolkata' */
  timeZone: z.string(),
  /** true when timeZone was never set and follows the system's */
  timeZoneIsSystem: z.boolean(),
  /** the system's zone (Intl), for the Settings screen's "use system" choice */
  systemTimeZone: z.string(),
  /** a paid payment (or refund) in no settlement after this many days is flagged not_settled */
  unsettledAfterDays: z.number().int(),
});
export type ReportsSettings = z.infer<typeof ReportsSettingsSchema>;

export const ReportsSettingsInputSchema = z.object({
  /** an IANA zone; null = follow the system's zone */
  timeZone: z.string().trim().min(1, 'Choose a time zone').max(64).nullable().optional(),
  unsettledAfterDays: z.number().int('Whole days only').min(1, 'At least 1 day').max(90, 'At most 90 days').optional(),
}).strict();

export const RefreshAccountResultSchema = z.object({
  accountId: z.string(),
  gateway: GatewaySchema,
  ok: z.boolean(),
  /** why it failed (words the merchant can act on; never a key) */
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  /** gateway records read in this run */
  fetched: z.object({
    balanceTransactions: z.number().int(),
    payments: z.number().int(),
    settlements: z.number().int(),
    items: z.number().int(),
  }),
  /** payments whose fee became known in this run */
  feesFilled: z.number().int(),
  finishedAt: z.number().int(),
});
export type RefreshAccountResult = z.infer<typeof RefreshAccountResultSchema>;

export const RefreshInputSchema = z.object({
  /** one account; omitted = every account (of `mode` when given) */
  accountId: z.string().trim().min(1).optional(),
  mode: ModeSchema.optional(),
}).strict();

export const RefreshResultSchema = z.object({ accounts: z.array(RefreshAccountResultSchema) });

export const ReportsStatusSchema = z.object({
  accounts: z.array(z.object({
    accountId: z.string(),
    gateway: GatewaySchema,
    mode: ModeSchema,
    running: z.boolean(),
    /** the last finished refresh (null = never) */
    last: RefreshAccountResultSchema.nullable(),
  })),
});

export const SummaryInputSchema = z.object({
  /** required: test and live are never mixed */
  mode: ModeSchema,
  /** first local day, inclusive */
  from: FromDateSchema,
  /** last local day, inclusive */
  to: ToDateSchema,
  gateway: GatewaySchema.optional(),
  accountId: z.string().trim().min(1).optional(),
}).strict();
export type SummaryInput = z.input<typeof SummaryInputSchema>;

/**
 * Totals of one currency over the range. Rows counted: payments by paid time; refunds (not failed) by
 * creation time; settled items Paydesk never created (external) and gateway fees, adjustments and
 * disputes by their gateway time. net = gross − refunds − fees − disputes + adjustments (fees include
 * tax). settled = the part of net already in a settlement/payout; pending = net − settled.
 */
export const CurrencyTotalsSchema = z.object({
  currency: z.string(),
  grossMinor: z.number().int(),
  refundsMinor: z.number().int(),
  feesMinor: z.number().int(),
  taxMinor: z.number().int(),
  disputesMinor: z.number().int(),
  adjustmentsMinor: z.number().int(),
  netMinor: z.number().int(),
  settledMinor: z.number().int(),
  pendingMinor: z.number().int(),
  paymentCount: z.number().int(),
  refundCount: z.number().int(),
  /** external items (settled at the gateway, not created in Paydesk) included above */
  externalCount: z.number().int(),
});
export type CurrencyTotals = z.infer<typeof CurrencyTotalsSchema>;

export const SettlementSummarySchema = z.object({
  /** Paydesk id of the settlement row (pass to reports.settlement) */
  id: z.string(),
  gateway: GatewaySchema,
  accountId: z.string(),
  accountLabel: z.string(),
  /** Razorpay setl_..., Stripe po_... */
  gatewaySettlementId: z.string(),
  currency: z.string(),
  /** what reached the bank */
  amountMinor: z.number().int(),
  feeMinor: z.number().int(),
  taxMinor: z.number().int(),
  /** Razorpay bank UTR (null for Stripe) */
  utr: z.string().nullable(),
  /** Stripe arrival date / Razorpay processed time (ms) */
  arrivalAt: z.number().int().nullable(),
  createdAt: z.number().int(),
  /** Razorpay created|processed|failed; Stripe pending|in_transit|paid|failed|canceled */
  status: z.string(),
  itemCount: z.number().int(),
  /** payments and refunds linked to a Paydesk row with nothing flagged */
  matchedCount: z.number().int(),
  /** payments and refunds that are external or flagged (amount/currency mismatch) */
  unmatchedCount: z.number().int(),
  /** a Stripe manual payout: Stripe does not list its transactions, its items were matched by date */
  manual: z.boolean(),
  /** why its items could not be read, or why the match by date is in doubt; null when nothing is wrong */
  warning: z.string().nullable(),
});
export type SettlementSummary = z.infer<typeof SettlementSummarySchema>;

export const FlagCountsSchema = z.object({
  unknown_at_gateway: z.number().int(),
  amount_mismatch: z.number().int(),
  currency_mismatch: z.number().int(),
  external: z.number().int(),
  not_settled: z.number().int(),
});

export const SummarySchema = z.object({
  mode: ModeSchema,
  from: z.string(),
  to: z.string(),
  timeZone: z.string(),
  /** the range as UTC instants, half-open [startMs, endMs) */
  startMs: z.number().int(),
  endMs: z.number().int(),
  currencies: z.array(CurrencyTotalsSchema),
  /** net per local day and currency, every day of the range for each currency present (oldest first) */
  daily: z.array(z.object({ day: z.string(), currency: z.string(), netMinor: z.number().int() })),
  /** settlements/payouts created in the range, newest first */
  settlements: z.array(SettlementSummarySchema),
  /** open reconciliation flags on the range's rows and settlements, by kind */
  flags: FlagCountsSchema,
  /** the latest finished refresh among the accounts shown (ms), null = never refreshed */
  refreshedAt: z.number().int().nullable(),
});
export type Summary = z.infer<typeof SummarySchema>;

const FlagEntrySchema = z.object({ flag: ReconFlagSchema, detail: z.record(z.string(), z.unknown()), firstSeenAt: z.number().int() });

export const SettlementItemSchema = z.object({
  id: z.number().int(),
  kind: z.enum(['payment', 'refund', 'fee', 'adjustment', 'dispute']),
  /** Stripe txn_..., Razorpay pay_/rfnd_/... */
  gatewayTxnId: z.string(),
  /** signed as the gateway reports it: payments positive, refunds negative */
  amountMinor: z.number().int(),
  feeMinor: z.number().int(),
  taxMinor: z.number().int(),
  netMinor: z.number().int(),
  createdAt: z.number().int().nullable(),
  /** settled at the gateway, not created in Paydesk */
  external: z.boolean(),
  payment: z.object({ id: z.string(), orderRef: z.string(), amountMinor: z.number().int(), capturedMinor: z.number().int(), currency: z.string(), status: z.string() }).nullable(),
  refund: z.object({ id: z.string(), paymentId: z.string(), amountMinor: z.number().int(), currency: z.string(), status: z.string(), gatewayRefundId: z.string().nullable() }).nullable(),
  flags: z.array(FlagEntrySchema),
});
export type SettlementItem = z.infer<typeof SettlementItemSchema>;

export const SettlementDetailSchema = z.object({
  settlement: SettlementSummarySchema.extend({ mode: ModeSchema }),
  items: z.array(SettlementItemSchema),
});
export type SettlementDetail = z.infer<typeof SettlementDetailSchema>;

export const FlagsInputSchema = z.object({
  mode: ModeSchema,
  flag: ReconFlagSchema.optional(),
  gateway: GatewaySchema.optional(),
  accountId: z.string().trim().min(1).optional(),
  limit: z.number().int().min(1).max(500).optional(),
}).strict();

export const FlagRowSchema = z.object({
  id: z.number().int(),
  flag: ReconFlagSchema,
  accountId: z.string(),
  gateway: GatewaySchema,
  /** the Paydesk payment / refund concerned (null for external items) */
  paymentId: z.string().nullable(),
  refundId: z.string().nullable(),
  settlementId: z.string().nullable(),
  settlementItemId: z.number().int().nullable(),
  gatewayRef: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
  firstSeenAt: z.number().int(),
});
export type FlagRow = z.infer<typeof FlagRowSchema>;

// ---- CSV export ------------------------------------------------------------------------------------------
// The export runs in a worker thread inside core and writes a temporary file in the data folder
// (<dataDir>/exports/<exportId>.csv). How it reaches the merchant depends on the shell:
//  - browser mode: GET /exports/<exportId> on the browser host (same token cookie), sent as an attachment
//    and deleted once downloaded (or when Paydesk closes);
//  - desktop app: the shell asks where to save BEFORE the export starts (the native save dialog), then
//    moves the finished file there and adds `savedTo` to the final `reports.exportProgress` event.
// Each export is an audit-log entry (export.made).

/** Paydesk unified; Stripe itemized balance change from activity; Razorpay settlement recon (docs/export-columns.md) */
export const ExportPresetSchema = z.enum(['paydesk', 'stripe_balance', 'razorpay_recon']);
export type ExportPreset = z.infer<typeof ExportPresetSchema>;

export const ExportStartInputSchema = z.object({
  /** required: an export never mixes test and live */
  mode: ModeSchema,
  /** first local day, inclusive */
  from: FromDateSchema,
  /** last local day, inclusive */
  to: ToDateSchema,
  gateway: GatewaySchema.optional(),
  accountId: z.string().trim().min(1).optional(),
  preset: ExportPresetSchema,
  /** start the file with a UTF-8 byte order mark so Excel reads it as UTF-8 */
  bom: z.boolean().optional(),
}).strict().superRefine((v, ctx) => {
  if (v.from > v.to) ctx.addIssue({ code: 'custom', path: ['to'], message: 'The last day must be on or after the first day' });
});
export type ExportStartInput = z.input<typeof ExportStartInputSchema>;

export const ExportStartedSchema = z.object({
  exportId: z.string(),
  /** the suggested file name, e.g. paydesk-test-2026-03-01_2026-03-31.csv */
  fileName: z.string(),
});

export const ExportStateSchema = z.enum(['running', 'done', 'failed', 'cancelled']);
export type ExportState = z.infer<typeof ExportStateSchema>;

export const ExportStatusSchema = z.object({
  exportId: z.string(),
  state: ExportStateSchema,
  preset: ExportPresetSchema,
  mode: ModeSchema,
  fileName: z.string(),
  /** rows written so far (header not counted) */
  rows: z.number().int(),
  bytes: z.number().int(),
  /** why it failed, in words */
  error: z.string().nullable(),
  startedAt: z.number().int(),
  finishedAt: z.number().int().nullable(),
  /** browser mode: whether the file is still waiting to be downloaded (it is deleted once downloaded) */
  available: z.boolean(),
});
export type ExportStatus = z.infer<typeof ExportStatusSchema>;

const ExportIdInputSchema = z.object({ exportId: z.string().trim().min(1).max(64) }).strict();

export const ExportProgressSchema = z.object({
  exportId: z.string(),
  rows: z.number().int(),
  /** true once it finished, failed or was cancelled */
  done: z.boolean(),
  /** why it failed (done and not cancelled) */
  error: z.string().optional(),
  cancelled: z.boolean().optional(),
  fileName: z.string().optional(),
  /** desktop app only: where the file was saved (the path the merchant chose in the save dialog) */
  savedTo: z.string().optional(),
});
export type ExportProgress = z.infer<typeof ExportProgressSchema>;

export const reportsMethods = {
  /** fetch fees, settlements/payouts and recon from the gateways now, then match (one account or all) */
  'reports.refresh': mutation(RefreshInputSchema, RefreshResultSchema, STAFF),
  /** last refresh per account, and whether one is running */
  'reports.status': query(EmptySchema, ReportsStatusSchema, STAFF),
  'reports.summary': query(SummaryInputSchema, SummarySchema, STAFF),
  /** one settlement/payout with its items, each matched to a payment/refund or flagged */
  'reports.settlement': query(z.object({ id: z.string().trim().min(1) }).strict(), SettlementDetailSchema, STAFF),
  /** open reconciliation flags (newest first), e.g. paid here but unknown at the gateway, not settled */
  'reports.flags': query(FlagsInputSchema, z.object({ rows: z.array(FlagRowSchema), total: z.number().int() }), STAFF),
  'reports.settings.get': query(EmptySchema, ReportsSettingsSchema, STAFF),
  'reports.settings.set': mutation(ReportsSettingsInputSchema, ReportsSettingsSchema, owner('change the reports time zone')),
  /** start a CSV export (worker thread); progress arrives as reports.exportProgress events */
  'reports.export.start': mutation(ExportStartInputSchema, ExportStartedSchema, STAFF_AUDITED),
  'reports.export.cancel': mutation(ExportIdInputSchema, ExportStatusSchema, STAFF),
  'reports.export.status': query(ExportIdInputSchema, ExportStatusSchema, STAFF),
};

export const reportsEvents = {
  /** reconciliation data changed (a refresh stored something new, or settings changed): refetch the summary */
  'reports.changed': z.object({ accountIds: z.array(z.string()) }),
  /** an export wrote more rows, finished, failed or was cancelled */
  'reports.exportProgress': ExportProgressSchema,
};

