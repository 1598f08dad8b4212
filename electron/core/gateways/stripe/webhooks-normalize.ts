// Stripe events → the payment they concern and gateway-neutral facts for the state machine in
// shared/status.ts. Pure: used for webhooks and for the events API that sync reads.
import type Stripe from 'stripe';
import type { PaymentEvent, RefundStatus } from '../../../../shared/status';
import { int, paymentRef as ref, PAYDESK_KEY, reasonText, str, type CustomerFacts, type NormalizedEvent } from '../facts';

type Facts = Pick<NormalizedEvent, 'ref' | 'events' | 'customer'>;

/** The payer as Stripe collected them: Checkout's customer_details, a charge's billing_details. */
function payer(d: { name?: string | null; email?: string | null; phone?: string | null } | null | undefined): CustomerFacts | null {
  if (!d) return null;
  const c = { name: str(d.name) ?? null, email: str(d.email) ?? null, phone: str(d.phone) ?? null };
  return c.name || c.email || c.phone ? c : null;
}

/** A Stripe expandable field: an id string or an object with an id. */
const idOf = (v: unknown): string | undefined => {
  if (typeof v === 'string') return str(v);
  if (v && typeof v === 'object' && 'id' in v) return str((v as { id: unknown }).id);
  return undefined;
};

function refundStatus(s: string | null | undefined): RefundStatus {
  if (s === 'succeeded') return 'succeeded';
  if (s === 'failed' || s === 'canceled') return 'failed';
  return 'pending'; // pending, requires_action
}

function refundEvent(r: Stripe.Refund, at: number): PaymentEvent | null {
  const amount = int(r.amount);
  if (amount === null) return null;
  return { type: 'refund_updated', at, refundId: r.id, amount, status: refundStatus(r.status), paymentId: idOf(r.payment_intent) ?? idOf(r.charge) ?? null };
}

function session(s: Stripe.Checkout.Session, type: string, at: number): Facts {
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
  return { ref: r, events, customer: payer(s.customer_details) };
}

function paymentIntent(pi: Stripe.PaymentIntent, type: string, at: number): Facts {
  const r = ref(str(pi.metadata?.[PAYDESK_KEY]), { paymentIntentId: pi.id, chargeId: idOf(pi.latest_charge) });
  const events: PaymentEvent[] = [];
  if (type === 'payment_intent.succeeded') {
    events.push({ type: 'captured', at, paymentId: pi.id, amount: int(pi.amount_received) ?? int(pi.amount) ?? 0, full: false });
  } else if (type === 'payment_intent.payment_failed') {
    const e = pi.last_payment_error;
    events.push({ type: 'attempt_failed', at, reason: reasonText(e?.decline_code ?? e?.code, e?.message, 'payment_failed'), paymentId: pi.id, attemptId: idOf(e?.charge) ?? null });
  } else if (type === 'payment_intent.amount_capturable_updated' && pi.status === 'requires_capture') {
    events.push({ type: 'authorized', at, paymentId: pi.id, amount: int(pi.amount_capturable) ?? 0 });
  }
  return { ref: r, events };
}

function charge(ch: Stripe.Charge, type: string, at: number): Facts {
  const pi = idOf(ch.payment_intent);
  const r = ref(str(ch.metadata?.[PAYDESK_KEY]), { chargeId: ch.id, paymentIntentId: pi });
  const paymentId = pi ?? ch.id;
  const events: PaymentEvent[] = [];
  if (type === 'charge.succeeded' || type === 'charge.captured') {
    const method = str(ch.payment_method_details?.type) ?? null;
    if (ch.captured) events.push({ type: 'captured', at, paymentId, amount: int(ch.amount_captured) ?? int(ch.amount) ?? 0, full: false, method });
    else events.push({ type: 'authorized', at, paymentId, amount: int(ch.amount) ?? 0 });
  } else if (type === 'charge.failed') {
    events.push({ type: 'attempt_failed', at, reason: reasonText(ch.outcome?.reason ?? ch.failure_code, ch.failure_message, 'charge_failed'), paymentId, attemptId: ch.id });
  } else if (type === 'charge.refunded') {
    for (const re of ch.refunds?.data ?? []) {
      const e = refundEvent(re, at);
      if (e) events.push(e);
    }
  }
  // the fee is known only when the balance transaction is expanded (sync fetches it; webhooks carry an id)
  const bt = ch.balance_transaction;
  if (bt && typeof bt === 'object' && (type === 'charge.succeeded' || type === 'charge.captured' || type === 'charge.updated')) {
    const fee = int(bt.fee);
    const availableOn = int(bt.available_on);
    if (fee !== null) events.push({ type: 'fee_known', at, paymentId, fee, tax: 0, net: int(bt.net), balanceTxnId: bt.id, availableOn: availableOn === null ? null : availableOn * 1000 });
  }
  return { ref: r, events, customer: payer(ch.billing_details) };
}

function refund(re: Stripe.Refund, at: number): Facts {
  const r = ref(str(re.metadata?.[PAYDESK_KEY]), { paymentIntentId: idOf(re.payment_intent), chargeId: idOf(re.charge) });
  const e = refundEvent(re, at);
  return { ref: r, events: e ? [e] : [] };
}

function paymentLink(pl: Stripe.PaymentLink, type: string, at: number): Facts {
  const r = ref(str(pl.metadata?.[PAYDESK_KEY]), { plinkId: pl.id });
  const events: PaymentEvent[] = [];
  if (type === 'payment_link.created') events.push({ type: 'opened', at });
  else if (type === 'payment_link.updated') events.push(pl.active ? { type: 'opened', at } : { type: 'cancelled', at });
  return { ref: r, events };
}

const REFUND_TYPES = new Set(['refund.created', 'refund.updated', 'refund.failed', 'charge.refund.updated']);

function factsOf(type: string, obj: { object?: string }, at: number): Facts | null {
  if (type.startsWith('checkout.session.') && obj.object === 'checkout.session') return session(obj as Stripe.Checkout.Session, type, at);
  if (type.startsWith('payment_intent.') && obj.object === 'payment_intent') return paymentIntent(obj as Stripe.PaymentIntent, type, at);
  if (REFUND_TYPES.has(type) && obj.object === 'refund') return refund(obj as Stripe.Refund, at);
  if (type.startsWith('charge.') && obj.object === 'charge') return charge(obj as Stripe.Charge, type, at);
  if (type.startsWith('payment_link.') && obj.object === 'payment_link') return paymentLink(obj as Stripe.PaymentLink, type, at);
  return null;
}

export function normalizeStripe(event: Stripe.Event): NormalizedEvent {
  const at = (int(event.created) ?? 0) * 1000;
  const base = { gateway: 'stripe' as const, type: event.type, livemode: typeof event.livemode === 'boolean' ? event.livemode : null };
  const out = factsOf(event.type, event.data.object as unknown as { object?: string }, at);
  if (!out) return { ...base, ref: null, events: [], handled: false };
  return { ...base, ...out, handled: true };
}
