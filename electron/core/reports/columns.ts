// The three export presets: Paydesk unified, Stripe's itemized balance change from activity, and
// Razorpay's Settlement Recon. Each column: its name (verbatim for the gateway presets, see
// ../../../../shared GATEWAYS.md §1), whether it is text or a number (only text cells are neutralised
// against formula injection), what it means, where it comes from, and how a raw movement row
// (store/repos/movements.ts MOVEMENT_FIELDS) becomes the cell. docs/export-columns.md documents the same list;
// a test checks the two agree.
import type { Gateway } from '../../../shared/gateways';
import { toMajorString } from '../../../shared/money';
import { type CellValue, type CsvColumnSpec, CRLF, numberField, textField } from './csv';
import { F, type MovementField, type MovementRow } from '../store/repos/movements';
import { type TimeFormatter } from './time';

export interface RowContext {
  readonly time: TimeFormatter;
}

export interface ColumnDef extends CsvColumnSpec {
  /** what the column means */
  readonly doc: string;
  /** where the value comes from */
  readonly source: string;
  readonly value: (r: MovementRow, c: RowContext) => CellValue;
  /**
   * Fast path (the writer skips the closure): the cell is this raw field as is (text, or an integer for
   * number columns), or with `major`, this minor-unit field through toMajorString in the row's currency.
   * `value` must compute the same thing; a test checks that.
   */
  readonly field?: MovementField;
  readonly major?: boolean;
  /** every raw field the cell reads: the export selects only the fields its preset uses (the rest are NULL) */
  readonly uses: readonly MovementField[];
}

export const PRESET_IDS = ['paydesk', 'stripe_balance', 'razorpay_recon'] as const;
export type PresetId = (typeof PRESET_IDS)[number];

export interface Preset {
  readonly id: PresetId;
  readonly title: string;
  /** the only gateway whose rows this preset carries (the gateway presets), or null for all */
  readonly gateway: Gateway | null;
  /** whether payout rows (one per settlement / payout) are part of this preset */
  readonly payouts: boolean;
  readonly columns: readonly ColumnDef[];
}

// ---- accessors -------------------------------------------------------------------------------------
const s = (r: MovementRow, i: number): string | null => (r[i] as string | null) ?? null;
const n = (r: MovementRow, i: number): number | null => (r[i] as number | null) ?? null;
const cur = (r: MovementRow): string => r[F.currency] as string;
const major = (r: MovementRow, i: number): string | null => {
  const v = r[i] as number | null;
  return v == null ? null : toMajorString(v, cur(r));
};
const abs = (v: number | null): number | null => (v == null ? null : Math.abs(v));
const unixSeconds = (ms: number | null): number | null => (ms == null ? null : Math.floor(ms / 1000));
/** the part of a signed amount on one side (credit: +1, debit: -1); unknown stays unknown */
const signedPart = (v: number | null, side: 1 | -1): number | null => (v == null ? null : Math.max(side * v, 0));

/** a computed text column; `uses` lists every raw field `value` reads (a test checks it is complete) */
const text = (name: string, doc: string, source: string, value: ColumnDef['value'], uses: readonly MovementField[]): ColumnDef => ({ name, kind: 'text', doc, source, value, uses });
const num = (name: string, doc: string, source: string, value: ColumnDef['value'], uses: readonly MovementField[]): ColumnDef => ({ name, kind: 'number', doc, source, value, uses });
/** a text column that is one raw field */
const textF = (name: string, doc: string, source: string, f: MovementField): ColumnDef => ({ name, kind: 'text', doc, source, field: f, uses: [f], value: (r) => s(r, F[f]) });
/** a number column that is one raw integer field (minor units, counts) */
const intF = (name: string, doc: string, source: string, f: MovementField): ColumnDef => ({ name, kind: 'number', doc, source, field: f, uses: [f], value: (r) => n(r, F[f]) });
/** a number column: one minor-unit field in major units, via toMajorString */
const majorF = (name: string, doc: string, source: string, f: MovementField): ColumnDef => ({ name, kind: 'number', doc, source, field: f, major: true, uses: [f, 'currency'], value: (r) => major(r, F[f]) });
/** a gateway column Paydesk has no data for: present (so spreadsheets keep working) and empty */
const empty = (name: string, doc: string, kind: 'text' | 'number' = 'text'): ColumnDef => ({
  name,
  kind,
  doc,
  source: 'not stored by Paydesk: always empty',
  value: () => null,
  uses: [],
});

/** Whether the fee cells hold the gateway's figure. The gateway presets carry it after all of their own columns. */
const FEE_STATUS: ColumnDef = textF('fee_status', 'known: fee, tax and net are the gateway\'s figures; pending: the gateway has not reported the fee yet, so they are empty (never 0)', 'payments.fee_minor IS NULL; refunds, items and payouts: known', 'fee_status');

// ---- (a) Paydesk unified ---------------------------------------------------------------------------
const UNIFIED: readonly ColumnDef[] = [
  textF('gateway', 'stripe or razorpay', 'payments.gateway / settlements.gateway', 'gateway'),
  textF('account', 'The account label in Paydesk', 'accounts.label', 'account_label'),
  text('mode', 'test or live (an export never mixes them)', 'livemode', (r) => (r[F.livemode] === 1 ? 'live' : 'test'), ['livemode']),
  textF('type', 'payment, refund, fee, adjustment, dispute or payout', 'the UNION arm; settlement_items.kind', 'type'),
  textF('paydesk_id', "The row's own Paydesk id (payment or refund); empty for gateway-only rows", 'payments.id / refunds.id', 'paydesk_id'),
  textF('order_ref', "The merchant's order reference", 'payments.order_ref', 'order_ref'),
  textF('reference', 'What the gateway and the customer see: the order reference, with /2, /3 from the second attempt on', 'payments.gateway_ref', 'gateway_ref'),
  textF('payment_id', 'Gateway payment id (Razorpay pay_…)', 'payments.gateway_payment_id', 'payment_id'),
  text('charge_or_intent_id', 'Stripe charge id (ch_…), else the PaymentIntent id (pi_…)', 'payments.charge_id, payments.payment_intent_id', (r) => s(r, F.charge_id) ?? s(r, F.payment_intent_id), ['charge_id', 'payment_intent_id']),
  textF('link_id', 'Payment link id (plink_…); for a payment made through a reusable link, that link', 'payments.plink_id, else the reusable link\'s plink_id', 'link_id'),
  text('order_id', 'Razorpay order id (order_…), else the Stripe Checkout Session id (cs_…)', 'payments.order_id, payments.session_id', (r) => s(r, F.order_id) ?? s(r, F.session_id), ['order_id', 'session_id']),
  textF('refund_id', 'Gateway refund id (re_… / rfnd_…)', 'refunds.gateway_refund_id', 'refund_id'),
  text('created_utc', 'When the money moved, UTC, ISO 8601 (payments: paid_at; refunds: created_at; payouts: created_at)', 'at_ms', (r, c) => c.time.utcIso(r[F.at_ms] as number), ['at_ms']),
  text('created_local', "The same instant in the merchant's time zone, ISO 8601 with offset", 'at_ms + Settings time zone', (r, c) => c.time.localIso(r[F.at_ms] as number), ['at_ms']),
  textF('currency', 'ISO 4217, upper case', 'payments.currency / refunds.currency / settlements.currency', 'currency'),
  majorF('gross', 'Gross in major units (money in > 0, out < 0), exponent-aware (JPY 0, USD 2, KWD 3 decimals)', 'gross_minor via toMajorString', 'gross_minor'),
  majorF('fee', 'What the gateway kept, tax included, major units; empty while fee_status is pending', 'fee_minor via toMajorString', 'fee_minor'),
  majorF('tax', 'The tax part of fee (Razorpay GST), major units; empty while fee_status is pending', 'tax_minor via toMajorString', 'tax_minor'),
  majorF('net', 'gross - fee, major units; empty while fee_status is pending', 'net_minor via toMajorString', 'net_minor'),
  intF('gross_minor', 'Gross in integer minor units (the source of truth)', 'payments.captured_minor (else amount_minor); -refunds.amount_minor; -settlements.amount_minor', 'gross_minor'),
  intF('fee_minor', 'Fee in integer minor units; empty while fee_status is pending', 'payments.fee_minor / settlement_items.fee_minor; refunds and payouts 0', 'fee_minor'),
  intF('tax_minor', 'Tax in integer minor units; empty while fee_status is pending', 'payments.tax_minor / settlement_items.tax_minor', 'tax_minor'),
  intF('net_minor', 'Net in integer minor units; empty while fee_status is pending', 'payments.net_minor (else gross - fee) / settlement_items.net_minor', 'net_minor'),
  FEE_STATUS,
  textF('status', "Paydesk status of the row; 'external' for a payment or refund the gateway settled that Paydesk never created", 'payments.status / refunds.status / settlements.status', 'status'),
  textF('refund_reason', 'Refund reason', 'refunds.reason', 'refund_reason'),
  textF('payout_or_settlement_id', 'The Stripe payout (po_…) or Razorpay settlement (setl_…) that paid this out', 'settlements.gateway_settlement_id via settlement_items', 'settlement_id'),
  text('settlement_utr_or_payout_arrival', 'Razorpay: the settlement UTR; Stripe: the payout arrival date (local, YYYY-MM-DD)', 'settlements.utr / settlements.arrival_at', (r, c) => {
    // a settlement the bank names by a UTR (Razorpay) shows it; a payout without one (Stripe) its arrival date
    if (r[F.settlement_utr] != null) return s(r, F.settlement_utr);
    const arrival = n(r, F.settlement_arrival_ms);
    return arrival == null ? null : c.time.localDate(arrival);
  }, ['settlement_utr', 'settlement_arrival_ms']),
  textF('method', 'How the customer paid, as the gateway names it: card, upi, netbanking, wallet, emi, …', 'payments.method (Stripe payment_method_details.type, Razorpay payment method)', 'method'),
  textF('customer_email', 'Customer email', 'payments.customer_email', 'customer_email'),
  textF('customer_name', 'Customer name', 'payments.customer_name', 'customer_name'),
  textF('description', 'Payment description', 'payments.description', 'description'),
];

// ---- (b) Stripe balance_change_from_activity.itemized.3 ---------------------------------------------
const STRIPE_CATEGORY: Readonly<Record<string, string>> = {
  payment: 'charge',
  refund: 'refund',
  fee: 'fee',
  adjustment: 'other_adjustment',
  dispute: 'dispute',
  payout: 'payout',
};
const ADDRESS_PARTS = ['line1', 'line2', 'city', 'state', 'postal_code', 'country'] as const;
const addressColumns = (prefix: string, what: string): ColumnDef[] => ADDRESS_PARTS.map((p) => empty(`${prefix}_${p}`, `${what}: ${p.replace('_', ' ')}`));

const STRIPE: readonly ColumnDef[] = [
  text('balance_transaction_id', 'Stripe balance transaction id (txn_…) of the charge, refund or item', 'payments.balance_txn_id / the ledger entry of the refund / settlement_items.gateway_txn_id', (r) => s(r, F.balance_txn_id) ?? s(r, F.gateway_txn_id), ['balance_txn_id', 'gateway_txn_id']),
  text('created_utc', 'When the transaction was created, UTC, "YYYY-MM-DD HH:MM:SS"', 'at_ms', (r, c) => c.time.utcPlain(r[F.at_ms] as number), ['at_ms']),
  text('created', "The same in the merchant's time zone (the report's timezone parameter)", 'at_ms + Settings time zone', (r, c) => c.time.localPlain(r[F.at_ms] as number), ['at_ms']),
  text('available_on_utc', 'When the funds become available, UTC, "YYYY-MM-DD HH:MM:SS"', 'payments.available_on / stripe_balance_txns.available_on', (r, c) => {
    const v = n(r, F.available_on_ms);
    return v == null ? null : c.time.utcPlain(v);
  }, ['available_on_ms']),
  text('available_on', "The same in the merchant's time zone", 'payments.available_on / stripe_balance_txns.available_on + Settings time zone', (r, c) => {
    const v = n(r, F.available_on_ms);
    return v == null ? null : c.time.localPlain(v);
  }, ['available_on_ms']),
  text('currency', 'Three-letter currency, lower case as Stripe writes it', 'currency', (r) => cur(r).toLowerCase(), ['currency']),
  majorF('gross', 'Gross amount, major units', 'gross_minor via toMajorString', 'gross_minor'),
  majorF('fee', 'Fees, major units; empty while fee_status is pending', 'fee_minor via toMajorString', 'fee_minor'),
  majorF('net', 'Net amount (gross - fee), major units; empty while fee_status is pending', 'net_minor via toMajorString', 'net_minor'),
  text('reporting_category', 'charge, refund, fee, other_adjustment, dispute or payout', 'type', (r) => STRIPE_CATEGORY[r[F.type] as string] ?? (r[F.type] as string), ['type']),
  text('source_id', 'The object that caused the transaction: charge (ch_…, else pi_…), refund (re_…) or payout (po_…)', 'gateway ids', (r) => {
    switch (r[F.type]) {
      case 'payment': return s(r, F.charge_id) ?? s(r, F.payment_intent_id) ?? s(r, F.payment_id);
      case 'refund': return s(r, F.refund_id);
      case 'payout': return s(r, F.settlement_id);
      default: return s(r, F.gateway_txn_id);
    }
  }, ['type', 'charge_id', 'payment_intent_id', 'payment_id', 'refund_id', 'settlement_id', 'gateway_txn_id']),
  textF('description', 'Description', 'payments.description', 'description'),
  num('customer_facing_amount', 'For charges and refunds: the amount the customer saw, major units (Paydesk charges in the settlement currency)', 'gross_minor via toMajorString', (r) => (r[F.type] === 'payment' || r[F.type] === 'refund' ? major(r, F.gross_minor) : null), ['type', 'gross_minor', 'currency']),
  text('customer_facing_currency', 'Currency of customer_facing_amount', 'currency', (r) => (r[F.type] === 'payment' || r[F.type] === 'refund' ? cur(r).toLowerCase() : null), ['type', 'currency']),
  empty('regulatory_tag', 'Regulatory tag'),
  textF('automatic_payout_id', 'The payout (po_…) that included this transaction', 'settlements.gateway_settlement_id', 'settlement_id'),
  text('automatic_payout_effective_at_utc', 'When that payout arrived (effective), UTC', 'settlements.arrival_at', (r, c) => {
    const v = n(r, F.settlement_arrival_ms);
    return v == null ? null : c.time.utcPlain(v);
  }, ['settlement_arrival_ms']),
  text('automatic_payout_effective_at', 'When that payout arrived, local time', 'settlements.arrival_at', (r, c) => {
    const v = n(r, F.settlement_arrival_ms);
    return v == null ? null : c.time.localPlain(v);
  }, ['settlement_arrival_ms']),
  empty('customer_id', 'Stripe customer id (Paydesk links do not create customers)'),
  textF('customer_email', 'Customer email', 'payments.customer_email', 'customer_email'),
  textF('customer_name', 'Customer name', 'payments.customer_name', 'customer_name'),
  empty('customer_description', 'Customer description'),
  ...addressColumns('customer_shipping_address', 'Customer shipping address'),
  ...addressColumns('customer_address', 'Customer address'),
  ...addressColumns('shipping_address', 'Shipping address of the charge'),
  ...addressColumns('card_address', 'Card billing address'),
  textF('charge_id', 'Charge id (ch_…)', 'payments.charge_id', 'charge_id'),
  textF('payment_intent_id', 'PaymentIntent id (pi_…)', 'payments.payment_intent_id', 'payment_intent_id'),
  text('charge_created_utc', 'When the charge was created, UTC', 'payments.paid_at', (r, c) => {
    const v = n(r, F.payment_at_ms);
    return v == null ? null : c.time.utcPlain(v);
  }, ['payment_at_ms']),
  text('charge_created', 'When the charge was created, local time', 'payments.paid_at', (r, c) => {
    const v = n(r, F.payment_at_ms);
    return v == null ? null : c.time.localPlain(v);
  }, ['payment_at_ms']),
  empty('invoice_id', 'Invoice id'),
  empty('invoice_number', 'Invoice number'),
  empty('subscription_id', 'Subscription id'),
  textF('payment_method_type', 'Payment method type (card, upi, …)', 'payments.method (the charge\'s payment_method_details.type)', 'method'),
  empty('is_link', 'Whether the charge used Link (Stripe\'s wallet, not Payment Links)'),
  empty('card_brand', 'Card brand'),
  empty('card_funding', 'Card funding'),
  empty('card_country', 'Card country'),
  empty('statement_descriptor', 'Statement descriptor'),
  empty('dispute_reason', 'Dispute reason'),
  empty('connected_account_id', 'Connect: connected account id'),
  empty('connected_account_name', 'Connect: connected account name'),
  empty('connected_account_country', 'Connect: connected account country'),
  empty('connected_account_direct_charge_id', 'Connect: direct charge id'),
  textF('payment_metadata[paydesk_id]', 'Metadata key Paydesk sets on the payment: the local payment id', 'payments.id', 'paydesk_payment_id'),
  textF('payment_metadata[order_ref]', 'Metadata key Paydesk sets on the payment: the order reference', 'payments.order_ref', 'order_ref'),
  text('refund_metadata[paydesk_refund_id]', 'Metadata key Paydesk sets on the refund: the local refund id', 'refunds.id', (r) => (r[F.type] === 'refund' ? s(r, F.paydesk_id) : null), ['type', 'paydesk_id']),
  FEE_STATUS,
];

/** The notes as Paydesk sends them (electron/core/payments/links.ts metadataOf; refunds: paydesk_refund_id). */
function notesOf(r: MovementRow): string | null {
  const id = s(r, F.paydesk_id);
  if (id == null) return null;
  if (r[F.type] === 'refund') return JSON.stringify({ paydesk_refund_id: id });
  let notes: Record<string, unknown> = {};
  const raw = s(r, F.notes);
  if (raw != null && raw !== '{}') {
    try {
      const parsed = JSON.parse(raw) as unknown;
      if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) notes = parsed as Record<string, unknown>;
    } catch {
      // notes are CHECK(json_valid) in the table; export the ids even if not
    }
  }
  return JSON.stringify({ ...notes, paydesk_id: id, order_ref: s(r, F.order_ref) });
}

// ---- (c) Razorpay Settlement Recon ------------------------------------------------------------------
const RAZORPAY_TYPE: Readonly<Record<string, string>> = { payment: 'payment', refund: 'refund', fee: 'adjustment', adjustment: 'adjustment', dispute: 'adjustment' };

const RAZORPAY: readonly ColumnDef[] = [
  text('entity_id', 'The settled entity: payment pay_…, refund rfnd_…, or the recon entity id', 'payments.gateway_payment_id / refunds.gateway_refund_id / settlement_items.gateway_txn_id', (r) => {
    if (r[F.type] === 'payment') return s(r, F.payment_id) ?? s(r, F.gateway_txn_id);
    if (r[F.type] === 'refund') return s(r, F.refund_id) ?? s(r, F.gateway_txn_id);
    return s(r, F.gateway_txn_id);
  }, ['type', 'payment_id', 'refund_id', 'gateway_txn_id']),
  text('type', 'payment, refund or adjustment (fees, adjustments and disputes map to adjustment)', 'type', (r) => RAZORPAY_TYPE[r[F.type] as string] ?? (r[F.type] as string), ['type']),
  num('debit', 'Amount debited from the balance, subunits (refunds: amount + fee); empty while fee_status is pending', 'max(-net_minor, 0)', (r) => signedPart(n(r, F.net_minor), -1), ['net_minor']),
  num('credit', 'Amount credited to the balance, subunits (payments: amount - fee); empty while fee_status is pending', 'max(net_minor, 0)', (r) => signedPart(n(r, F.net_minor), 1), ['net_minor']),
  num('amount', 'Transaction amount, subunits (positive)', '|gross_minor|', (r) => abs(n(r, F.gross_minor)), ['gross_minor']),
  textF('currency', 'Currency, upper case', 'currency', 'currency'),
  intF('fee', 'Fee including tax, subunits; empty while fee_status is pending', 'fee_minor', 'fee_minor'),
  intF('tax', 'Tax (GST) part of fee, subunits; empty while fee_status is pending', 'tax_minor', 'tax_minor'),
  empty('on_hold', 'Whether the settlement of this entity is on hold (not stored)'),
  text('settled', 'true once a settlement includes the entity, else false', 'settlement_items', (r) => (r[F.settlement_id] == null ? 'false' : 'true'), ['settlement_id']),
  num('created_at', 'When the entity was created (payments: paid), Unix seconds', 'at_ms', (r) => unixSeconds(r[F.at_ms] as number), ['at_ms']),
  num('settled_at', 'When it was settled, Unix seconds', 'settlements.created_at', (r) => unixSeconds(n(r, F.settled_at_ms)), ['settled_at_ms']),
  textF('settlement_id', 'Settlement id (setl_…)', 'settlements.gateway_settlement_id', 'settlement_id'),
  empty('posted_at', 'When the entity was posted to the ledger (not stored)', 'number'),
  empty('credit_type', 'Credit type (not stored)'),
  textF('description', 'Description', 'payments.description', 'description'),
  text('notes', 'The notes Paydesk sends, as JSON: payments {…merchant notes, paydesk_id, order_ref}; refunds {paydesk_refund_id}', 'payments.notes, payments.id, payments.order_ref / refunds.id', notesOf, ['type', 'paydesk_id', 'notes', 'order_ref']),
  textF('payment_id', 'The payment (pay_…); for refunds the refunded payment', 'payments.gateway_payment_id', 'payment_id'),
  textF('settlement_utr', 'Bank UTR of the settlement', 'settlements.utr', 'settlement_utr'),
  textF('order_id', 'Order id (order_…)', 'payments.order_id', 'order_id'),
  text('order_receipt', "The order's receipt: the shop's order reference as the customer saw it (ORD-2001, ORD-2001/2)", 'payments.gateway_ref (when an order exists)', (r) => (r[F.order_id] == null ? null : s(r, F.gateway_ref)), ['order_id', 'gateway_ref']),
  textF('method', 'card, netbanking, wallet, upi or emi', 'payments.method (the Razorpay payment\'s method)', 'method'),
  empty('card_network', 'Card network'),
  empty('card_issuer', 'Card issuer'),
  empty('card_type', 'Card type'),
  empty('dispute_id', 'Dispute id'),
  FEE_STATUS,
];

export const PRESETS: Readonly<Record<PresetId, Preset>> = {
  paydesk: { id: 'paydesk', title: 'Paydesk unified', gateway: null, payouts: true, columns: UNIFIED },
  stripe_balance: { id: 'stripe_balance', title: 'Stripe: balance change from activity (itemized)', gateway: 'stripe', payouts: true, columns: STRIPE },
  razorpay_recon: { id: 'razorpay_recon', title: 'Razorpay: settlement recon', gateway: 'razorpay', payouts: false, columns: RAZORPAY },
};

/** Every raw field a preset reads (the export selects only these; the rest come back NULL). */
export function presetFields(preset: Preset): MovementField[] {
  const set = new Set<MovementField>(['at_ms', 'currency']);
  for (const c of preset.columns) for (const f of c.uses) set.add(f);
  return [...set];
}

export function isPresetId(v: unknown): v is PresetId {
  return typeof v === 'string' && (PRESET_IDS as readonly string[]).includes(v);
}

const OP_VALUE = 0; // generic: the column's value() closure
const OP_TEXT = 1; // raw text field
const OP_INT = 2; // raw integer field
const OP_MAJOR = 3; // raw minor-unit field -> toMajorString

/**
 * Compiles a preset into one function raw row -> CSV line (with CRLF). The hot loop of the export: columns
 * that are one raw field skip their closure; text cells go through the allocation-free fast path of
 * textField; toMajorString output is a plain decimal by construction, so it skips numberField's check.
 */
export function rowWriter(preset: Preset, ctx: RowContext): (r: MovementRow) => string {
  const cols = preset.columns;
  const count = cols.length;
  const values = cols.map((c) => c.value);
  const isText = cols.map((c) => c.kind === 'text');
  const ops = cols.map((c) => (c.field === undefined ? OP_VALUE : c.kind === 'text' ? OP_TEXT : c.major ? OP_MAJOR : OP_INT));
  const idx = cols.map((c) => (c.field === undefined ? -1 : F[c.field]));
  const curIdx = F.currency;
  return (r) => {
    let line = '';
    for (let i = 0; i < count; i++) {
      let cell: string;
      const op = ops[i];
      if (op === OP_TEXT) {
        cell = textField(r[idx[i]!] as string | null);
      } else if (op === OP_MAJOR) {
        const v = r[idx[i]!] as number | null;
        cell = v == null ? '' : toMajorString(v, r[curIdx] as string);
      } else if (op === OP_INT) {
        cell = numberField(r[idx[i]!] as number | null);
      } else {
        const v = values[i]!(r, ctx);
        cell = isText[i] ? textField(v == null ? null : typeof v === 'string' ? v : String(v)) : numberField(v);
      }
      if (i === 0) line = cell;
      else line += ',' + cell;
    }
    return line + CRLF;
  };
}
