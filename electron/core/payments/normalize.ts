// Maps raw gateway webhook events to (a) the Paydesk payment they concern and (b) gateway-neutral facts
// for the state machine in shared/status.ts. Pure functions: no database, no network.
import type Stripe from 'stripe';
import type { PaymentEvent, RefundStatus } from '../../../shared/status';
import type { RazorpayNotes, RazorpayPayment, RazorpayWebhookEvent } from './razorpay-types';

export type GatewayName = 'stripe' | 'razorpay';

/** Gateway ids a payment row can be found by (and learns from events). Keys match payments columns. */
export interface GatewayIds {
  /** Stripe Checkout Session cs_... */
  sessionId?: string;
  /** Stripe plink_... or Razorpay plink_... */
  plinkId?: string;
  /** Razorpay order_... */
  orderId?: string;
  /** Stripe pi_... */
  paymentIntentId?: string;
  /** Stripe ch_/py_... */
  chargeId?: string;
  /** Razorpay pay_... */
  paymentId?: string;
}
export const GATEWAY_ID_KEYS = ['sessionId', 'plinkId', 'orderId', 'paymentIntentId', 'chargeId', 'paymentId'] as const;

export interface PaymentRef {
  /** our id as the gateway echoes it (client_reference_id, metadata/notes.paydesk_id, reference_id) */
  paydeskId: string | null;
  ids: GatewayIds;
}

export interface Settlement {
  id: string;
  amountMinor: number;
  feeMinor: number;
  taxMinor: number;
  utr: string | null;
  at: number;
}

export interface NormalizedEvent {
  gateway: GatewayName;
  /** the gateway's event type, e.g. checkout.session.completed */
  type: string;
  /** null: the event is not about one payment (settlement, payout, ...) */
  ref: PaymentRef | null;
  /** facts for the state machine, in the order the event states them */
  events: PaymentEvent[];
  /** true when the type is one Paydesk knows (events may still be empty, e.g. an unpaid async completion) */
  handled: boolean;
  settlement?: Settlement;
  livemode: boolean | null;
}

const PAYDESK_KEY = 'paydesk_id';

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);
/** A Stripe expandable field: an id string or an object with an id. */
const idOf = (v: unknown): string | undefined => {
  if (typeof v === 'string') return str(v);
  if (v && typeof v === 'object' && 'id' in v) return str((v as { id: unknown }).id);
  return undefined;
};
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

function compactIds(ids: GatewayIds): GatewayIds {
  const out: GatewayIds = {};
  for (const k of GATEWAY_ID_KEYS) {
    const v = ids[k];
    if (v) out[k] = v;
  }
  return out;
}

const ref = (paydeskId: string | undefined | null, ids: GatewayIds): PaymentRef => ({ paydeskId: paydeskId ?? null, ids: compactIds(ids) });

function reasonText(code: string | null | undefined, message: string | null | undefined, fallback: string): string {
  const c = code ?? '';
  const m = message ?? '';
  const text = c && m ? `${c}: ${m}` : c || m || fallback;
  return text.slice(0, 500);
}

// ---------------------------------------------------------------------------------------------------
// Stripe

function stripeRefundStatus(s: string | null | undefined): RefundStatus {
  if (s === 'succeeded') return 'succeeded';
  if (s === 'failed' || s === 'canceled') return 'failed';
  return 'pending'; // pending, requires_action
}

function stripeRefundEvent(r: Stripe.Refund, at: number): PaymentEvent | null {
  const amount = int(r.amount);
  if (amount === null) return null;
  return { type: 'refund_updated', at, refundId: r.id, amount, status: stripeRefundStatus(r.status), paymentId: idOf(r.payment_intent) ?? idOf(r.charge) ?? null };
}

function stripeSession(s: Stripe.Checkout.Session, type: string, at: number): Pick<NormalizedEvent, 'ref' | 'events'> {
  const pi = idOf(s.payment_intent);
  const r = ref(str(s.client_reference_id) ?? str(s.metadata?.[PAYDESK_KEY]), { sessionId: s.id, plinkId: idOf(s.payment_link), paymentIntentId: pi });
  const events: PaymentEvent[] = [];
  const paid = s.payment_status === 'paid' || s.payment_status === 'no_payment_required';
  if (type === 'checkout.session.completed' || type === 'checkout.session.async_payment_succeeded') {
    if (paid) events.push({ type: 'captured', at, paymentId: pi ?? s.id, amount: int(s.amount_total) ?? 0, full: true });
  } else if (type === 'checkout.session.async_payment_failed') {
    events.push({ type: 'attempt_failed', at, reason: 'async_payment_failed: The delayed payment failed', paymentId: pi ?? null });
  } else if (type === 'checkout.session.expired') {
    // a session of a reusable Payment Link expiring does not expire the link
    if (!idOf(s.payment_link)) events.push({ type: 'expired', at });
  }
  return { ref: r, events };
}

function stripePaymentIntent(pi: Stripe.PaymentIntent, type: string, at: number): Pick<NormalizedEvent, 'ref' | 'events'> {
  const r = ref(str(pi.metadata?.[PAYDESK_KEY]), { paymentIntentId: pi.id, chargeId: idOf(pi.latest_charge) });
  const events: PaymentEvent[] = [];
  if (type === 'payment_intent.succeeded') {
    events.push({ type: 'captured', at, paymentId: pi.id, amount: int(pi.amount_received) ?? int(pi.amount) ?? 0, full: false });
  } else if (type === 'payment_intent.payment_failed') {
    const e = pi.last_payment_error;
    events.push({ type: 'attempt_failed', at, reason: reasonText(e?.decline_code ?? e?.code, e?.message, 'payment_failed'), paymentId: pi.id });
  } else if (type === 'payment_intent.amount_capturable_updated' && pi.status === 'requires_capture') {
    events.push({ type: 'authorized', at, paymentId: pi.id, amount: int(pi.amount_capturable) ?? 0 });
  }
  return { ref: r, events };
}

function stripeCharge(ch: Stripe.Charge, type: string, at: number): Pick<NormalizedEvent, 'ref' | 'events'> {
  const pi = idOf(ch.payment_intent);
  const r = ref(str(ch.metadata?.[PAYDESK_KEY]), { chargeId: ch.id, paymentIntentId: pi });
  const paymentId = pi ?? ch.id;
  const events: PaymentEvent[] = [];
  if (type === 'charge.succeeded' || type === 'charge.captured') {
    if (ch.captured) events.push({ type: 'captured', at, paymentId, amount: int(ch.amount_captured) ?? int(ch.amount) ?? 0, full: false });
    else events.push({ type: 'authorized', at, paymentId, amount: int(ch.amount) ?? 0 });
  } else if (type === 'charge.failed') {
    events.push({ type: 'attempt_failed', at, reason: reasonText(ch.outcome?.reason ?? ch.failure_code, ch.failure_message, 'charge_failed'), paymentId });
  } else if (type === 'charge.refunded') {
    for (const re of ch.refunds?.data ?? []) {
      const e = stripeRefundEvent(re, at);
      if (e) events.push(e);
    }
  }
  // the fee is known only when the balance transaction is expanded (sync fetches it; webhooks carry an id)
  const bt = ch.balance_transaction;
  if (bt && typeof bt === 'object' && (type === 'charge.succeeded' || type === 'charge.captured' || type === 'charge.updated')) {
    const fee = int(bt.fee);
    if (fee !== null) events.push({ type: 'fee_known', at, paymentId, fee, tax: 0, net: int(bt.net) });
  }
  return { ref: r, events };
}

function stripeRefund(re: Stripe.Refund, at: number): Pick<NormalizedEvent, 'ref' | 'events'> {
  const r = ref(str(re.metadata?.[PAYDESK_KEY]), { paymentIntentId: idOf(re.payment_intent), chargeId: idOf(re.charge) });
  const e = stripeRefundEvent(re, at);
  return { ref: r, events: e ? [e] : [] };
}

function stripePaymentLink(pl: Stripe.PaymentLink, type: string, at: number): Pick<NormalizedEvent, 'ref' | 'events'> {
  const r = ref(str(pl.metadata?.[PAYDESK_KEY]), { plinkId: pl.id });
  const events: PaymentEvent[] = [];
  if (type === 'payment_link.created') events.push({ type: 'opened', at });
  else if (type === 'payment_link.updated') events.push(pl.active ? { type: 'opened', at } : { type: 'cancelled', at });
  return { ref: r, events };
}

export function normalizeStripe(event: Stripe.Event): NormalizedEvent {
  const at = (int(event.created) ?? 0) * 1000;
  const base = { gateway: 'stripe' as const, type: event.type, livemode: typeof event.livemode === 'boolean' ? event.livemode : null };
  const obj = event.data.object as unknown as { object?: string };
  let out: Pick<NormalizedEvent, 'ref' | 'events'> | null = null;
  if (event.type.startsWith('checkout.session.') && obj.object === 'checkout.session') {
    out = stripeSession(obj as Stripe.Checkout.Session, event.type, at);
  } else if (event.type.startsWith('payment_intent.') && obj.object === 'payment_intent') {
    out = stripePaymentIntent(obj as Stripe.PaymentIntent, event.type, at);
  } else if ((event.type === 'refund.created' || event.type === 'refund.updated' || event.type === 'refund.failed' || event.type === 'charge.refund.updated') && obj.object === 'refund') {
    out = stripeRefund(obj as Stripe.Refund, at);
  } else if (event.type.startsWith('charge.') && obj.object === 'charge') {
    out = stripeCharge(obj as Stripe.Charge, event.type, at);
  } else if (event.type.startsWith('payment_link.') && obj.object === 'payment_link') {
    out = stripePaymentLink(obj as Stripe.PaymentLink, event.type, at);
  }
  if (!out) return { ...base, ref: null, events: [], handled: false };
  return { ...base, ...out, handled: true };
}

// ---------------------------------------------------------------------------------------------------
// Razorpay

function note(notes: RazorpayNotes | undefined, key: string): string | undefined {
  if (!notes || Array.isArray(notes)) return undefined;
  const v = notes[key];
  return typeof v === 'string' && v ? v : undefined;
}

function razorpayFailureReason(p: RazorpayPayment): string {
  return reasonText(p.error_reason ?? p.error_code, p.error_description, 'payment_failed');
}

function razorpayRefundStatus(s: string): RefundStatus {
  if (s === 'processed') return 'succeeded';
  if (s === 'failed') return 'failed';
  return 'pending';
}

function razorpayFee(p: RazorpayPayment, at: number): PaymentEvent | null {
  const fee = int(p.fee);
  if (fee === null) return null;
  const tax = int(p.tax) ?? 0;
  return { type: 'fee_known', at, paymentId: p.id, fee, tax, net: p.amount - fee };
}

export function normalizeRazorpay(event: RazorpayWebhookEvent): NormalizedEvent {
  const type = String(event.event);
  const at = (int(event.created_at) ?? 0) * 1000;
  const base = { gateway: 'razorpay' as const, type, livemode: null };
  const payment = event.payload?.payment?.entity;
  const order = event.payload?.order?.entity;
  const link = event.payload?.payment_link?.entity;
  const refund = event.payload?.refund?.entity;
  const settlement = event.payload?.settlement?.entity;
  const events: PaymentEvent[] = [];

  if (type.startsWith('payment_link.') && link) {
    const r = ref(str(link.reference_id) ?? note(link.notes, PAYDESK_KEY), { plinkId: link.id, orderId: str(link.order_id) ?? str(order?.id) ?? str(payment?.order_id), paymentId: str(payment?.id) });
    if ((type === 'payment_link.paid' || type === 'payment_link.partially_paid') && payment) {
      events.push({ type: 'captured', at, paymentId: payment.id, amount: payment.amount, full: type === 'payment_link.paid' });
      const fee = razorpayFee(payment, at);
      if (fee) events.push(fee);
    } else if (type === 'payment_link.cancelled') events.push({ type: 'cancelled', at });
    else if (type === 'payment_link.expired') events.push({ type: 'expired', at });
    return { ...base, ref: r, events, handled: true };
  }

  if (type === 'order.paid' && order) {
    const receipt = str(order.receipt);
    const r = ref(note(order.notes, PAYDESK_KEY) ?? (receipt?.startsWith('pd_') ? receipt : undefined) ?? note(payment?.notes, PAYDESK_KEY), { orderId: order.id, paymentId: str(payment?.id) });
    if (payment) {
      events.push({ type: 'captured', at, paymentId: payment.id, amount: payment.amount, full: order.status === 'paid' });
      const fee = razorpayFee(payment, at);
      if (fee) events.push(fee);
    }
    return { ...base, ref: r, events, handled: true };
  }

  if (type.startsWith('refund.') && refund) {
    const r = ref(note(refund.notes, PAYDESK_KEY) ?? note(payment?.notes, PAYDESK_KEY), { paymentId: refund.payment_id, orderId: str(payment?.order_id) });
    const amount = int(refund.amount);
    if (amount !== null) events.push({ type: 'refund_updated', at, refundId: refund.id, amount, status: razorpayRefundStatus(refund.status), paymentId: refund.payment_id });
    return { ...base, ref: r, events, handled: true };
  }

  if (type.startsWith('payment.') && payment) {
    const r = ref(note(payment.notes, PAYDESK_KEY), { paymentId: payment.id, orderId: str(payment.order_id) });
    if (type === 'payment.authorized') events.push({ type: 'authorized', at, paymentId: payment.id, amount: payment.amount });
    else if (type === 'payment.captured') {
      events.push({ type: 'captured', at, paymentId: payment.id, amount: payment.amount, full: false });
      const fee = razorpayFee(payment, at);
      if (fee) events.push(fee);
    } else if (type === 'payment.failed') events.push({ type: 'attempt_failed', at, reason: razorpayFailureReason(payment), paymentId: payment.id });
    return { ...base, ref: r, events, handled: type === 'payment.authorized' || type === 'payment.captured' || type === 'payment.failed' };
  }

  if (type === 'settlement.processed' && settlement) {
    return {
      ...base,
      ref: null,
      events: [],
      handled: true,
      settlement: { id: settlement.id, amountMinor: settlement.amount, feeMinor: settlement.fees, taxMinor: settlement.tax, utr: settlement.utr, at: settlement.created_at * 1000 },
    };
  }
  return { ...base, ref: null, events: [], handled: false };
}

/** Normalizes a stored raw event body (already verified) of either gateway. */
export function normalizeRaw(gateway: GatewayName, parsed: unknown): NormalizedEvent {
  if (gateway === 'stripe') return normalizeStripe(parsed as Stripe.Event);
  return normalizeRazorpay(parsed as RazorpayWebhookEvent);
}
