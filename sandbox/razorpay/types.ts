// Razorpay entities as Razorpay's API reference lists them (razorpay/markdown-docs api/*/entity.md).
// The *_FIELDS arrays are checked against the interfaces at compile time (`exactKeys` below), and the
// contract test checks every response against the arrays at run time, so a drift in either fails.

/** Razorpay returns `[]` (a PHP empty array) for empty notes, and an object otherwise. */
export type RzpNotes = Record<string, string | number> | [];

export interface RzpError {
  code: 'BAD_REQUEST_ERROR' | 'GATEWAY_ERROR' | 'SERVER_ERROR';
  description: string;
  field: string | null;
  source: string;
  step: string;
  reason: string;
  metadata: Record<string, string>;
}

export interface RzpOrder {
  id: string;
  entity: 'order';
  amount: number;
  amount_paid: number;
  amount_due: number;
  currency: string;
  receipt: string | null;
  offer_id: string | null;
  status: 'created' | 'attempted' | 'paid';
  attempts: number;
  notes: RzpNotes;
  created_at: number;
}

export interface RzpCard {
  id: string;
  entity: 'card';
  name: string;
  last4: string;
  network: 'American Express' | 'Diners Club' | 'Maestro' | 'MasterCard' | 'RuPay' | 'Unknown' | 'Visa';
  type: 'credit' | 'debit' | 'prepaid' | 'unknown';
  issuer: string | null;
  international: boolean;
  emi: boolean;
  sub_type: 'consumer' | 'business';
  token_iin: string | null;
}

export interface RzpPayment {
  id: string;
  entity: 'payment';
  amount: number;
  currency: string;
  status: 'created' | 'authorized' | 'captured' | 'refunded' | 'failed';
  order_id: string | null;
  invoice_id: string | null;
  international: boolean;
  method: 'card' | 'netbanking' | 'wallet' | 'emi' | 'upi';
  amount_refunded: number;
  refund_status: null | 'partial' | 'full';
  captured: boolean;
  description: string | null;
  card_id: string | null;
  card: RzpCard | null;
  bank: string | null;
  wallet: string | null;
  vpa: string | null;
  email: string;
  contact: string;
  notes: RzpNotes;
  fee: number | null;
  tax: number | null;
  error_code: string | null;
  error_description: string | null;
  error_source: string | null;
  error_step: string | null;
  error_reason: string | null;
  acquirer_data: Record<string, string | null>;
  created_at: number;
  /** only for method `upi` */
  upi?: { payer_account_type: 'bank_account' | 'credit_card' | 'wallet'; vpa: string };
}

export interface RzpRefund {
  id: string;
  entity: 'refund';
  amount: number;
  currency: string;
  payment_id: string;
  notes: RzpNotes;
  receipt: string | null;
  acquirer_data: { arn: string | null };
  created_at: number;
  batch_id: string | null;
  status: 'pending' | 'processed' | 'failed';
  speed_processed: 'normal' | 'instant';
  speed_requested: 'normal' | 'optimum';
}

export interface RzpPaymentLinkPayment {
  amount: number;
  created_at: number;
  method: 'card' | 'netbanking' | 'wallet' | 'emi' | 'upi' | 'bank_transfer';
  payment_id: string;
  plink_id: string;
  status: 'captured';
  updated_at: number;
}

export interface RzpPaymentLink {
  accept_partial: boolean;
  amount: number;
  amount_paid: number;
  callback_method: string;
  callback_url: string;
  cancelled_at: number;
  created_at: number;
  currency: string;
  customer: { contact?: string; email?: string; name?: string };
  description: string;
  expire_by: number;
  expired_at: number;
  first_min_partial_amount: number;
  id: string;
  notes: RzpNotes;
  notify: { email: boolean; sms: boolean };
  payments: RzpPaymentLinkPayment[] | null;
  reference_id: string;
  reminder_enable: boolean;
  reminders: { status?: string } | [];
  short_url: string;
  status: 'created' | 'partially_paid' | 'expired' | 'cancelled' | 'paid';
  updated_at: number;
  upi_link: boolean;
  user_id: string;
}

export interface RzpSettlement {
  id: string;
  entity: 'settlement';
  amount: number;
  status: 'created' | 'processed' | 'failed';
  fees: number;
  tax: number;
  utr: string;
  created_at: number;
}

/** One row of GET /v1/settlements/recon/combined (amounts in subunits). */
export interface RzpReconItem {
  entity_id: string;
  type: 'payment' | 'refund' | 'transfer' | 'adjustment';
  debit: number;
  credit: number;
  amount: number;
  currency: string;
  fee: number;
  tax: number;
  on_hold: boolean;
  settled: boolean;
  created_at: number;
  settled_at: number;
  settlement_id: string;
  posted_at: number | null;
  credit_type: string;
  description: string | null;
  notes: string | null;
  payment_id: string | null;
  settlement_utr: string;
  order_id: string | null;
  order_receipt: string | null;
  method: string | null;
  card_network: string | null;
  card_issuer: string | null;
  card_type: string | null;
  dispute_id: string | null;
}

export interface RzpCollection<T> {
  entity: 'collection';
  count: number;
  items: T[];
}

export interface RzpWebhookEvent {
  entity: 'event';
  account_id: string;
  event: string;
  contains: string[];
  payload: Record<string, { entity: unknown }>;
  created_at: number;
}

// ---- field lists, checked both ways against the interfaces ----

type Missing<T, K extends readonly string[]> = Exclude<keyof T, K[number]>;
type Extra<T, K extends readonly string[]> = Exclude<K[number], keyof T>;
/** compiles only when K lists exactly the keys of T */
function exactKeys<T>() {
  return <const K extends readonly string[]>(
    keys: K & ([Missing<T, K>] extends [never] ? unknown : { missing: Missing<T, K> }) & ([Extra<T, K>] extends [never] ? unknown : { extra: Extra<T, K> }),
  ): K => keys;
}

export const ORDER_FIELDS = exactKeys<RzpOrder>()([
  'id', 'entity', 'amount', 'amount_paid', 'amount_due', 'currency', 'receipt', 'offer_id', 'status', 'attempts', 'notes', 'created_at',
]);
export const PAYMENT_FIELDS = exactKeys<RzpPayment>()([
  'id', 'entity', 'amount', 'currency', 'status', 'order_id', 'invoice_id', 'international', 'method', 'amount_refunded', 'refund_status',
  'captured', 'description', 'card_id', 'card', 'bank', 'wallet', 'vpa', 'email', 'contact', 'notes', 'fee', 'tax', 'error_code',
  'error_description', 'error_source', 'error_step', 'error_reason', 'acquirer_data', 'created_at', 'upi',
]);
/** fields that appear only in some payments (`upi` for UPI payments) */
export const PAYMENT_OPTIONAL_FIELDS: readonly string[] = ['upi'];
export const CARD_FIELDS = exactKeys<RzpCard>()([
  'id', 'entity', 'name', 'last4', 'network', 'type', 'issuer', 'international', 'emi', 'sub_type', 'token_iin',
]);
export const REFUND_FIELDS = exactKeys<RzpRefund>()([
  'id', 'entity', 'amount', 'currency', 'payment_id', 'notes', 'receipt', 'acquirer_data', 'created_at', 'batch_id', 'status',
  'speed_processed', 'speed_requested',
]);
export const PAYMENT_LINK_FIELDS = exactKeys<RzpPaymentLink>()([
  'accept_partial', 'amount', 'amount_paid', 'callback_method', 'callback_url', 'cancelled_at', 'created_at', 'currency', 'customer',
  'description', 'expire_by', 'expired_at', 'first_min_partial_amount', 'id', 'notes', 'notify', 'payments', 'reference_id',
  'reminder_enable', 'reminders', 'short_url', 'status', 'updated_at', 'upi_link', 'user_id',
]);
export const PAYMENT_LINK_PAYMENT_FIELDS = exactKeys<RzpPaymentLinkPayment>()([
  'amount', 'created_at', 'method', 'payment_id', 'plink_id', 'status', 'updated_at',
]);
export const SETTLEMENT_FIELDS = exactKeys<RzpSettlement>()(['id', 'entity', 'amount', 'status', 'fees', 'tax', 'utr', 'created_at']);
export const RECON_FIELDS = exactKeys<RzpReconItem>()([
  'entity_id', 'type', 'debit', 'credit', 'amount', 'currency', 'fee', 'tax', 'on_hold', 'settled', 'created_at', 'settled_at',
  'settlement_id', 'posted_at', 'credit_type', 'description', 'notes', 'payment_id', 'settlement_utr', 'order_id', 'order_receipt',
  'method', 'card_network', 'card_issuer', 'card_type', 'dispute_id',
]);
export const ERROR_FIELDS = exactKeys<RzpError>()(['code', 'description', 'field', 'source', 'step', 'reason', 'metadata']);
export const EVENT_FIELDS = exactKeys<RzpWebhookEvent>()(['entity', 'account_id', 'event', 'contains', 'payload', 'created_at']);

// ---- sandbox-internal state (JSON-serialisable, kept in ctx.state.slice('razorpay')) ----

export interface RzpNotification {
  id: string;
  channel: 'sms' | 'email';
  to: string;
  payment_link_id: string;
  short_url: string;
  message: string;
  /** sandbox ms */
  at: number;
}

export interface RzpEmittedEvent {
  id: string;
  type: string;
  /** sandbox ms */
  at: number;
  body: string;
}

export interface RzpPaymentMeta {
  /** sandbox ms at authorisation (for the 3-day auto-refund) */
  authorizedAtMs: number | null;
  capturedAtMs: number | null;
  settlementId: string | null;
  linkId: string | null;
  /** true when the payment was refunded automatically because it was never captured */
  autoRefunded: boolean;
  /** error test cards: the bank step fails with this reason whichever button is pressed */
  bankFailure: string | null;
}

export interface RzpOrderMeta {
  paymentCapture: boolean;
  paymentIds: string[];
  linkId: string | null;
}

export interface RzpIdempotencyRecord {
  hash: string;
  paymentId: string;
  refundId: string;
}

export interface RzpState {
  accountId: string;
  orders: Record<string, RzpOrder>;
  orderMeta: Record<string, RzpOrderMeta>;
  payments: Record<string, RzpPayment>;
  paymentMeta: Record<string, RzpPaymentMeta>;
  refunds: Record<string, RzpRefund>;
  refundSettlement: Record<string, string | null>;
  links: Record<string, RzpPaymentLink>;
  linkOrder: Record<string, string>;
  settlements: Record<string, RzpSettlement>;
  idempotency: Record<string, RzpIdempotencyRecord>;
  notifications: RzpNotification[];
  events: RzpEmittedEvent[];
}
