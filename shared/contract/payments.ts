// Methods of the payments domain: payment links (create, cancel, check status, QR), the payments list
// and detail, and the overview. The events of this domain (payment.changed, webhook.received) live in
// ./links.ts beside the webhook ingest.
//
// Money in outputs is always integer minor units + ISO currency (shared/money.ts formats it). Inputs take
// the amount as a person types it ("1,234.50"); core parses it with the currency's exponent and answers a
// wrong value with an `invalid_input` error whose `field` names the input field (e.g. `amount`).
import { z } from 'zod';
import { PAYMENT_STATUSES } from '../status';
import { mutation, query, STAFF, STAFF_AUDITED } from './define';
import { GatewaySchema, ModeSchema } from './accounts';
import { PaymentStatusSchema } from './links';

/** How the link is made. Stripe: a one-payment Checkout Session (default) or a reusable Payment Link.
 *  Razorpay: a Payment Link (default) or an Order paid on the hosted checkout page. */
export const LinkKindInputSchema = z.enum(['checkout_session', 'payment_link', 'order']);
export type LinkKindInput = z.infer<typeof LinkKindInputSchema>;

/** What the payment row is at the gateway. */
export const PaymentKindSchema = z.enum(['stripe_checkout', 'stripe_payment_link', 'razorpay_link', 'razorpay_order']);
export type PaymentKind = z.infer<typeof PaymentKindSchema>;

export const LinkStateSchema = z.enum(['creating', 'open', 'used', 'expired', 'cancelled']);
export type LinkState = z.infer<typeof LinkStateSchema>;

export const DisplayStatusSchema = z.enum([...PAYMENT_STATUSES, 'partially_refunded', 'refunded']);
export type DisplayStatusValue = z.infer<typeof DisplayStatusSchema>;

const optText = (max: number, tooLong: string) =>
  z.string().trim().max(max, tooLong).optional().transform((v) => (v === undefined || v === '' ? undefined : v));

/**
 * Names a note may not have. JavaScript objects treat the first three specially, so a note named `__proto__`
 * would vanish on its way to the store and the gateway; Paydesk sends the last two with every link itself,
 * so a note of that name would be overwritten at the gateway.
 */
const OBJECT_NAMES: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const PAYDESK_NOTE_NAMES: ReadonlySet<string> = new Set(['paydesk_id', 'order_ref']);
const MAX_NOTES = 10;

/** Why a note name (already trimmed) is refused, in words; null when it is fine. */
function noteNameProblem(name: string): string | null {
  if (name === '') return 'A note needs a name';
  if (name.length > 40) return 'Keep note names under 40 characters';
  if (!/^[A-Za-z0-9_.-]+$/.test(name)) return `The note name "${name}" can only use letters, digits, _ . -`;
  if (OBJECT_NAMES.has(name)) return `"${name}" is a reserved word and cannot be a note name; choose another name`;
  if (PAYDESK_NOTE_NAMES.has(name)) return `Paydesk sends "${name}" with every link itself; choose another note name`;
  return null;
}

/**
 * Notes are checked on the raw input, before the record is built: zod's record skips a `__proto__` key
 * without a word, so a check on its output could never see one. Every problem is reported at `notes`, the
 * field the form shows.
 */
function checkNotes(raw: Record<string, string>, ctx: z.RefinementCtx): void {
  const entries = Object.entries(raw);
  if (entries.length > MAX_NOTES) {
    ctx.addIssue({ code: 'custom', message: `At most ${MAX_NOTES} notes` });
    return;
  }
  const seen = new Set<string>();
  for (const [rawName, value] of entries) {
    const name = rawName.trim();
    const problem = noteNameProblem(name)
      ?? (seen.has(name) ? `Two notes are named "${name}"; give each note its own name` : null)
      ?? (typeof value !== 'string' ? `The note "${name}" needs a text value` : null)
      ?? (value.length > 250 ? `Keep notes under 250 characters (the note "${name}" is longer)` : null);
    if (problem) {
      ctx.addIssue({ code: 'custom', message: problem });
      return;
    }
    seen.add(name);
  }
}

const isObject = (v: unknown): v is Record<string, string> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Notes as a null-prototype record: no name can collide with what every object inherits. */
function nullPrototype(notes: Record<string, string>): Record<string, string> {
  const out = Object.create(null) as Record<string, string>;
  for (const [name, value] of Object.entries(notes)) out[name] = value;
  return out;
}

const NotesSchema = z.custom<Record<string, string>>(isObject, 'Notes are names with text values')
  .superRefine(checkNotes)
  .pipe(z.record(z.string().trim(), z.string()).transform(nullPrototype));

/** A page a gateway sends the customer to: https, or http on this computer (the embedded sandbox). */
const ReturnUrlSchema = (field: string) => z.string().trim().max(500, `Keep ${field} under 500 characters`).refine((v) => {
  try {
    const u = new URL(v);
    return u.protocol === 'https:' || (u.protocol === 'http:' && (u.hostname === '127.0.0.1' || u.hostname === 'localhost'));
  } catch {
    return false;
  }
}, 'Give a full https address, for example https://shop.example.com/thanks');

export const LinkCreateInputSchema = z.object({
  accountId: z.string().trim().min(1, 'Choose the account to create the link with'),
  /** the console's current mode (the TEST MODE banner); a live account is refused while in test mode and vice versa */
  mode: ModeSchema.optional(),
  /** default: checkout_session for Stripe, payment_link for Razorpay */
  kind: LinkKindInputSchema.optional(),
  /** as typed: "1,234.50", "1,00,000.50" (lakhs), "1234.5", "₹500" (JPY has no decimals, KWD three; '.' before decimals) */
  amount: z.string().trim().min(1, 'Enter an amount').max(40, 'The amount is too long'),
  currency: z.string().trim().toUpperCase().regex(/^[A-Z]{3}$/, 'Choose a currency (a 3-letter code such as USD or INR)'),
  description: optText(250, 'Keep the description under 250 characters'),
  orderRef: z.string().trim().min(1, 'Enter the order reference').max(40, 'Keep the order reference under 40 characters')
    .regex(/^[\x21-\x7e][\x20-\x7e]*$/, 'Use letters, digits and simple punctuation for the order reference'),
  customerName: optText(100, 'Keep the name under 100 characters'),
  customerEmail: optText(254, 'The email address is too long'),
  /** as typed ("98765 00000", "+91 98765-00000"); stored as E.164, a number without its code read as the shop's country's */
  customerPhone: optText(30, 'Keep the phone number under 30 characters'),
  /** minutes from now until the link expires (Stripe Checkout 30..1440; Razorpay links at least 15) */
  expiresInMinutes: z.number().int('Whole minutes only').positive('The expiry must be in the future').optional(),
  /** or an absolute expiry, ms since the epoch */
  expiresAt: z.number().int().positive().optional(),
  /** your own key/value notes (at most 10), stored with the payment and sent to the gateway as metadata/notes */
  notes: NotesSchema.optional(),
  /** the gateway sends its receipt/notification to the customer's email/phone; default on */
  notify: z.boolean().optional(),
  /** the shop's own page the customer returns to after paying (https; default: Paydesk's thank-you page on the public address) */
  successUrl: ReturnUrlSchema('successUrl').optional(),
  /** ... and after leaving without paying (default: successUrl, else Paydesk's own page) */
  cancelUrl: ReturnUrlSchema('cancelUrl').optional(),
  /** client-generated id of this submission: the same requestId again returns the same payment (double click, retry) */
  requestId: z.string().trim().min(8).max(64).regex(/^[A-Za-z0-9_-]+$/).optional(),
}).superRefine((v, ctx) => {
  if (v.expiresInMinutes !== undefined && v.expiresAt !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['expiresAt'], message: 'Give the expiry either in minutes or as a time, not both' });
  }
});
export type LinkCreateInput = z.input<typeof LinkCreateInputSchema>;

export const GatewayIdsSchema = z.object({
  /** Stripe cs_... */
  sessionId: z.string().nullable(),
  /** Stripe or Razorpay plink_... */
  plinkId: z.string().nullable(),
  /** Razorpay order_... */
  orderId: z.string().nullable(),
  /** Stripe pi_... */
  paymentIntentId: z.string().nullable(),
  /** Stripe ch_... */
  chargeId: z.string().nullable(),
  /** the gateway payment that paid it (Razorpay pay_..., Stripe pi_...) */
  paymentId: z.string().nullable(),
});

export const PaymentSchema = z.object({
  /** Paydesk id pd_... (the gateway echoes it: client_reference_id, metadata/notes.paydesk_id, reference_id) */
  id: z.string(),
  accountId: z.string(),
  gateway: GatewaySchema,
  mode: ModeSchema,
  kind: PaymentKindSchema,
  /** the shop's order reference */
  orderRef: z.string(),
  /** which try at this order the link is: 1, 2, ... (a new link for the same order once the earlier one expired or was cancelled) */
  attemptNo: z.number().int(),
  /** what the gateway and the customer see: the order reference, with "/2", "/3" ... from the second attempt */
  reference: z.string(),
  /** a reusable link: many customers can pay it, each payment is its own row under it (`linkId`) */
  reusable: z.boolean(),
  /** a payment made through a reusable link: the link's Paydesk id; null for a link */
  linkId: z.string().nullable(),
  /** the link's own state, apart from its payments: `used` = a single-use link that was paid; null for a payment under a reusable link */
  linkState: LinkStateSchema.nullable(),
  /** attempts that failed (a declined card ...); a single-use link stays open after one */
  failedAttempts: z.number().int(),
  /** a reusable link: how many payments were made through it (0 for any other row) */
  paymentCount: z.number().int(),
  amountMinor: z.number().int(),
  currency: z.string(),
  description: z.string().nullable(),
  customerName: z.string().nullable(),
  customerEmail: z.string().nullable(),
  customerPhone: z.string().nullable(),
  notes: z.record(z.string(), z.string()),
  status: PaymentStatusSchema,
  /** the chip: status, or partially_refunded / refunded once money went back */
  displayStatus: DisplayStatusSchema,
  /** why it failed (decline reason), when status is failed */
  statusReason: z.string().nullable(),
  /** while status is `creating`: why it is not created yet (e.g. the gateway could not be reached; Paydesk retries every minute) */
  pendingReason: z.string().nullable(),
  /** the link or checkout page the customer pays on (a Razorpay order: Paydesk's own pay page, /pay/<id>); null while creating, and for a Razorpay order when Paydesk had no public address */
  url: z.string().nullable(),
  gatewayIds: GatewayIdsSchema,
  expiresAt: z.number().int().nullable(),
  paidAt: z.number().int().nullable(),
  capturedMinor: z.number().int(),
  refundedMinor: z.number().int(),
  /** known once the gateway reports it (Stripe balance transaction, Razorpay payment fee; Razorpay fee includes tax) */
  feeMinor: z.number().int().nullable(),
  taxMinor: z.number().int().nullable(),
  netMinor: z.number().int().nullable(),
  /** 'console' or 'api' (the merchant HTTP API) */
  createdBy: z.string().nullable(),
  createdAt: z.number().int(),
  updatedAt: z.number().int(),
});
export type Payment = z.infer<typeof PaymentSchema>;

/** a C0 or C1 control character or DEL (tab and line breaks are folded into spaces before this is checked) */
const hasControlChar = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
};
/** half of a surrogate pair with no other half: not text, and SQLite would store it as U+FFFD */
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The search box as typed or pasted. Tabs and line breaks (a cell pasted from a spreadsheet) become spaces;
 * any other character a person can type is searched for as it is, quotes and punctuation included. Other
 * control characters (NUL ...) and broken UTF-16 cannot come from a keyboard and are refused at `search`.
 */
const SearchTextSchema = z.string()
  .transform((s) => s.replace(/[\t\n\r\v\f\u0085\u2028\u2029]+/g, ' ').trim())
  .pipe(z.string()
    .max(200, 'Keep the search under 200 characters')
    .refine((s) => !hasControlChar(s), 'The search contains a control character (such as NUL); search for plain text')
    .refine((s) => !LONE_SURROGATE.test(s), 'The search contains a broken character; type or paste it again'));

export const PaymentListInputSchema = z.object({
  status: z.array(DisplayStatusSchema).max(10).optional(),
  gateway: GatewaySchema.optional(),
  accountId: z.string().optional(),
  mode: ModeSchema.optional(),
  /** created at or after (ms) */
  from: z.number().int().optional(),
  /** created before (ms) */
  to: z.number().int().optional(),
  /** order reference, email, name, phone, description or any gateway id (substring, 3+ characters use the index) */
  search: SearchTextSchema.optional(),
  /** only the payments made through this reusable link */
  linkId: z.string().optional(),
  /** nextCursor of the previous page */
  cursor: z.string().max(200).optional(),
  limit: z.number().int().min(1).max(500).optional(),
  /** count the matches into `total` (first page only; default true); false: rows only (a caller that shows no count) */
  withTotal: z.boolean().optional(),
});
export type PaymentListInput = z.input<typeof PaymentListInputSchema>;

export const PaymentListSchema = z.object({
  rows: z.array(PaymentSchema),
  /** how many payments match the filters (all pages); counted for the first page only, null on later ones */
  total: z.number().int().nullable(),
  /** pass as `cursor` for the next page; null on the last page */
  nextCursor: z.string().nullable(),
});
export type PaymentList = z.infer<typeof PaymentListSchema>;

export const TimelineEntrySchema = z.object({
  /** the gateway's time of the fact (ms) */
  at: z.number().int(),
  /** created, opened, attempt_failed, authorized, captured, expired, cancelled, refund_updated, fee_known */
  kind: z.string(),
  source: z.enum(['webhook', 'sync', 'local']),
  /** e.g. checkout.session.completed */
  gatewayType: z.string().nullable(),
  /** whether it changed what the merchant sees */
  changed: z.boolean(),
  statusAfter: PaymentStatusSchema,
  /** the fact's details (amounts, reason, refund id, gateway payment id) */
  detail: z.record(z.string(), z.unknown()),
});
export type TimelineEntry = z.infer<typeof TimelineEntrySchema>;

export const RawEventSchema = z.object({
  id: z.number().int(),
  eventId: z.string(),
  type: z.string(),
  receivedAt: z.number().int(),
  createdAt: z.number().int().nullable(),
  applyResult: z.string().nullable(),
  /** the raw body as received (JSON text; gateway events never carry API keys or webhook secrets) */
  body: z.string(),
});
export type RawEvent = z.infer<typeof RawEventSchema>;

export const AttemptSchema = z.object({
  id: z.string(),
  attemptNo: z.number().int(),
  reference: z.string(),
  status: PaymentStatusSchema,
  linkState: LinkStateSchema.nullable(),
  createdAt: z.number().int(),
});
export type Attempt = z.infer<typeof AttemptSchema>;

export const PaymentDetailSchema = z.object({
  payment: PaymentSchema,
  /** a reusable link's payments, newest first (empty for any other row) */
  payments: z.array(PaymentSchema),
  /** every attempt at the same order, this one included, oldest first */
  attempts: z.array(AttemptSchema),
  timeline: z.array(TimelineEntrySchema),
  events: z.array(RawEventSchema),
  fees: z.object({ feeMinor: z.number().int().nullable(), taxMinor: z.number().int().nullable(), netMinor: z.number().int().nullable(), currency: z.string() }),
  /** notify setting the link was created with (receipts/notifications by the gateway) */
  notify: z.boolean().nullable(),
});
export type PaymentDetail = z.infer<typeof PaymentDetailSchema>;

export const QrSchema = z.object({
  url: z.string(),
  /** an <svg> document */
  svg: z.string(),
  /** data:image/svg+xml;base64,... for an <img> (the CSP allows data: images) */
  dataUrl: z.string(),
});

const CurrencyTotalsSchema = z.object({
  currency: z.string(),
  todayMinor: z.number().int(),
  last7Minor: z.number().int(),
  last30Minor: z.number().int(),
  todayCount: z.number().int(),
  last7Count: z.number().int(),
  last30Count: z.number().int(),
});

export const OverviewSchema = z.object({
  mode: ModeSchema,
  /** start of today (local time of the machine), ms */
  todayStart: z.number().int(),
  /** collected = captured amounts by the day they were paid, per currency (never summed across currencies) */
  collected: z.array(CurrencyTotalsSchema),
  /** links that can still be paid (open, failed attempts, authorised, partially paid) */
  openLinks: z.number().int(),
  /** payments whose last attempt failed, created in the last 30 days */
  failedPayments: z.number().int(),
  /** still being created (gateway not reached yet) */
  creating: z.number().int(),
  /** money sent back, per currency, on payments updated in the last 30 days */
  refunds: z.array(z.object({ currency: z.string(), count: z.number().int(), amountMinor: z.number().int() })),
  /** daily volume for a chart: the last 30 days (oldest first), one point per day and currency with payments */
  daily: z.array(z.object({ day: z.string(), dayStart: z.number().int(), currency: z.string(), amountMinor: z.number().int(), count: z.number().int() })),
});
export type Overview = z.infer<typeof OverviewSchema>;

const IdSchema = z.object({ id: z.string().trim().min(1) });

export const paymentsMethods = {
  /** create a payment link (Stripe Checkout Session / Payment Link, Razorpay Payment Link / Order) */
  'links.create': mutation(LinkCreateInputSchema, PaymentSchema, STAFF_AUDITED),
  /** cancel / expire an unpaid link at the gateway */
  'links.cancel': mutation(IdSchema, PaymentSchema, STAFF_AUDITED),
  /** ask the gateway now (the manual status check): runs the catch-up sync for this payment */
  'links.checkStatus': mutation(IdSchema, PaymentSchema, STAFF),
  /** the link's URL as a QR code, drawn locally */
  'links.qr': query(IdSchema, QrSchema, STAFF),
  'payments.list': query(PaymentListInputSchema, PaymentListSchema, STAFF),
  'payments.get': query(IdSchema, PaymentDetailSchema, STAFF),
  'overview.get': query(z.object({ mode: ModeSchema }), OverviewSchema, STAFF),
};
export const paymentsEvents = {
  /** a payment's status, amounts or fees changed (a webhook, a sync or a local action): the payment as it is now */
  /** null while the desk is locked: the screen then learns only that something changed */
  'payment.changed': z.object({ id: z.string(), status: PaymentStatusSchema, payment: PaymentSchema.nullable() }),
};
