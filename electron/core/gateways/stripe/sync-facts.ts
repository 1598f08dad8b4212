// What a retrieved Checkout Session (its payment intent, latest charge and balance transaction expanded)
// states, as gateway-neutral facts.
import type Stripe from 'stripe';
import type { PaymentEvent } from '../../../../shared/status';
import type { GatewayIds } from '../facts';

const idOf = (v: unknown): string | undefined => {
  if (typeof v === 'string' && v) return v;
  if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id;
  return undefined;
};
const objOf = <T>(v: unknown): T | null => (v && typeof v === 'object' ? (v as T) : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

function feeFact(pi: Stripe.PaymentIntent | null, at: number): PaymentEvent | null {
  const ch = objOf<Stripe.Charge>(pi?.latest_charge);
  const bt = objOf<Stripe.BalanceTransaction>(ch?.balance_transaction);
  if (!pi || !bt) return null;
  const fee = int(bt.fee);
  if (fee === null) return null;
  const availableOn = int(bt.available_on);
  return { type: 'fee_known', at, paymentId: pi.id, fee, tax: 0, net: int(bt.net), balanceTxnId: bt.id, availableOn: availableOn === null ? null : availableOn * 1000 };
}

/** `reusableLink`: the session is one of a Payment Link's, whose opening or expiry says nothing of the link. */
export function sessionFacts(s: Stripe.Checkout.Session, reusableLink: boolean, now: number): { facts: PaymentEvent[]; ids: GatewayIds } {
  const nowS = Math.floor(now / 1000);
  const pi = objOf<Stripe.PaymentIntent>(s.payment_intent);
  const piId = idOf(s.payment_intent);
  const ch = objOf<Stripe.Charge>(pi?.latest_charge);
  const ids: GatewayIds = { sessionId: s.id };
  if (piId) ids.paymentIntentId = piId;
  const chId = idOf(pi?.latest_charge);
  if (chId) ids.chargeId = chId;
  const facts: PaymentEvent[] = [];
  const paidAt = (int(ch?.created) ?? int(pi?.created) ?? nowS) * 1000;
  if (s.status === 'complete' && (s.payment_status === 'paid' || s.payment_status === 'no_payment_required')) {
    facts.push({ type: 'captured', at: paidAt, paymentId: piId ?? s.id, amount: int(s.amount_total) ?? 0, full: true, method: ch?.payment_method_details?.type ?? null });
    const fee = feeFact(pi, paidAt);
    if (fee) facts.push(fee);
  } else if (s.status === 'expired') {
    if (!reusableLink) facts.push({ type: 'expired', at: (int(s.expires_at) ?? nowS) * 1000 });
  } else if (s.status === 'open') {
    if (!reusableLink) facts.push({ type: 'opened', at: (int(s.created) ?? nowS) * 1000 });
    const e = pi?.last_payment_error;
    if (e && pi) {
      const code = e.decline_code ?? e.code ?? '';
      const msg = e.message ?? '';
      facts.push({ type: 'attempt_failed', at: (int(ch?.created) ?? int(pi.created) ?? nowS) * 1000, reason: (code && msg ? `${code}: ${msg}` : code || msg || 'payment_failed').slice(0, 500), paymentId: pi.id, attemptId: idOf(e.charge) ?? null });
    }
  }
  return { facts, ids };
}
