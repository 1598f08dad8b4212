// Razorpay events → the payment they concern and gateway-neutral facts for the state machine in
// shared/status.ts. Pure.
import type { PaymentEvent, RefundStatus } from '../../../../shared/status';
import type { RazorpayNotes, RazorpayPayment, RazorpayWebhookEvent } from './types';
import { int, paymentRef as ref, PAYDESK_KEY, reasonText, str, type CustomerFacts, type NormalizedEvent } from '../facts';

type Facts = Omit<NormalizedEvent, 'gateway' | 'type' | 'livemode'>;

function note(notes: RazorpayNotes | undefined, key: string): string | undefined {
  if (!notes || Array.isArray(notes)) return undefined;
  const v = notes[key];
  return typeof v === 'string' && v ? v : undefined;
}

/**
 * reference_id / receipt is the shop's reference; only links and orders made before that carry Paydesk's id
 * there (the notes have it too, so this is a last resort).
 */
function legacyId(v: unknown): string | undefined {
  const s = str(v);
  return s?.startsWith('pd_') ? s : undefined;
}

function refundStatus(s: string): RefundStatus {
  if (s === 'processed') return 'succeeded';
  if (s === 'failed') return 'failed';
  return 'pending';
}

function feeOf(p: RazorpayPayment, at: number): PaymentEvent | null {
  const fee = int(p.fee);
  if (fee === null) return null;
  const tax = int(p.tax) ?? 0;
  return { type: 'fee_known', at, paymentId: p.id, fee, tax, net: p.amount - fee };
}

/** a capture, then the fee when the payment states it */
function captured(events: PaymentEvent[], payment: RazorpayPayment, at: number, full: boolean): void {
  events.push({ type: 'captured', at, paymentId: payment.id, amount: payment.amount, full, method: str(payment.method) ?? null });
  const fee = feeOf(payment, at);
  if (fee) events.push(fee);
}

function paymentLink(event: RazorpayWebhookEvent, type: string, at: number): Facts | null {
  const { payload } = event;
  const link = payload?.payment_link?.entity;
  if (!type.startsWith('payment_link.') || !link) return null;
  const payment = payload?.payment?.entity;
  const orderId = str(link.order_id) ?? str(payload?.order?.entity?.id) ?? str(payment?.order_id);
  const paydeskId = note(link.notes, PAYDESK_KEY) ?? note(payment?.notes, PAYDESK_KEY) ?? legacyId(link.reference_id);
  const r = ref(paydeskId, { plinkId: link.id, orderId, paymentId: str(payment?.id) });
  const events: PaymentEvent[] = [];
  if ((type === 'payment_link.paid' || type === 'payment_link.partially_paid') && payment) captured(events, payment, at, type === 'payment_link.paid');
  else if (type === 'payment_link.cancelled') events.push({ type: 'cancelled', at });
  else if (type === 'payment_link.expired') events.push({ type: 'expired', at });
  return { ref: r, events, handled: true };
}

function orderPaid(event: RazorpayWebhookEvent, type: string, at: number): Facts | null {
  const order = event.payload?.order?.entity;
  if (type !== 'order.paid' || !order) return null;
  const payment = event.payload?.payment?.entity;
  const r = ref(note(order.notes, PAYDESK_KEY) ?? note(payment?.notes, PAYDESK_KEY) ?? legacyId(order.receipt), { orderId: order.id, paymentId: str(payment?.id) });
  const events: PaymentEvent[] = [];
  if (payment) captured(events, payment, at, order.status === 'paid');
  return { ref: r, events, handled: true };
}

function refund(event: RazorpayWebhookEvent, type: string, at: number): Facts | null {
  const re = event.payload?.refund?.entity;
  if (!type.startsWith('refund.') || !re) return null;
  const payment = event.payload?.payment?.entity;
  const r = ref(note(re.notes, PAYDESK_KEY) ?? note(payment?.notes, PAYDESK_KEY), { paymentId: re.payment_id, orderId: str(payment?.order_id) });
  const amount = int(re.amount);
  const events: PaymentEvent[] = [];
  if (amount !== null) events.push({ type: 'refund_updated', at, refundId: re.id, amount, status: refundStatus(re.status), paymentId: re.payment_id });
  return { ref: r, events, handled: true };
}

function payment(event: RazorpayWebhookEvent, type: string, at: number): Facts | null {
  const p = event.payload?.payment?.entity;
  if (!type.startsWith('payment.') || !p) return null;
  const r = ref(note(p.notes, PAYDESK_KEY), { paymentId: p.id, orderId: str(p.order_id) });
  const events: PaymentEvent[] = [];
  if (type === 'payment.authorized') events.push({ type: 'authorized', at, paymentId: p.id, amount: p.amount });
  else if (type === 'payment.captured') captured(events, p, at, false);
  else if (type === 'payment.failed') events.push({ type: 'attempt_failed', at, reason: reasonText(p.error_reason ?? p.error_code, p.error_description, 'payment_failed'), paymentId: p.id, attemptId: p.id });
  return { ref: r, events, handled: type === 'payment.authorized' || type === 'payment.captured' || type === 'payment.failed' };
}

function settlement(event: RazorpayWebhookEvent, type: string): Facts | null {
  const s = event.payload?.settlement?.entity;
  if (type !== 'settlement.processed' || !s) return null;
  return {
    ref: null,
    events: [],
    handled: true,
    settlement: { id: s.id, amountMinor: s.amount, feeMinor: s.fees, taxMinor: s.tax, utr: s.utr, at: s.created_at * 1000 },
  };
}

/** The payer as Razorpay's payment reports them (Checkout asks for email and phone; no name). */
/** the payer a payment names (the webhook's payment entity, or one a status check fetched) */
export function payerOf(p: Pick<RazorpayPayment, 'email' | 'contact'> | undefined): CustomerFacts | null {
  const email = str(p?.email) ?? null;
  const phone = str(p?.contact) ?? null;
  return email || phone ? { name: null, email, phone } : null;
}

export function normalizeRazorpay(event: RazorpayWebhookEvent): NormalizedEvent {
  const type = String(event.event);
  const at = (int(event.created_at) ?? 0) * 1000;
  const base = { gateway: 'razorpay' as const, type, livemode: null };
  const out = paymentLink(event, type, at) ?? orderPaid(event, type, at) ?? refund(event, type, at) ?? payment(event, type, at) ?? settlement(event, type);
  return out ? { ...base, ...out, customer: payerOf(event.payload?.payment?.entity) } : { ...base, ref: null, events: [], handled: false };
}
