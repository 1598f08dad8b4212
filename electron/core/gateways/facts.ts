// Gateway-neutral facts: what every adapter turns a gateway's objects into, and all that services,
// the store and the one fold (payments/apply.ts) ever see of a gateway event.
import type { Gateway } from '../../../shared/gateways';
import type { PaymentEvent } from '../../../shared/status';

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
  gateway: Gateway;
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
  /** who paid, when the event says (Stripe session customer_details / charge billing_details, Razorpay payment email/contact) */
  customer?: CustomerFacts | null;
}

/** The payer as the gateway reports them; each part null when not given. */
export interface CustomerFacts {
  name: string | null;
  email: string | null;
  phone: string | null;
}

/** The key under which Paydesk puts its payment id in a gateway object's metadata or notes. */
export const PAYDESK_KEY = 'paydesk_id';

function compactIds(ids: GatewayIds): GatewayIds {
  const out: GatewayIds = {};
  for (const k of GATEWAY_ID_KEYS) {
    const v = ids[k];
    if (v) out[k] = v;
  }
  return out;
}

/** A PaymentRef keeping only the ids that are set. */
export const paymentRef = (paydeskId: string | undefined | null, ids: GatewayIds): PaymentRef => ({ paydeskId: paydeskId ?? null, ids: compactIds(ids) });

/** A non-empty string, else undefined. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v.length > 0 ? v : undefined);

/** A safe integer, else null (amounts are minor units). */
export const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

/** A failure's reason as the timeline shows it: `code: message`, at most 500 characters. */
export function reasonText(code: string | null | undefined, message: string | null | undefined, fallback: string): string {
  const c = code ?? '';
  const m = message ?? '';
  const text = c && m ? `${c}: ${m}` : c || m || fallback;
  return text.slice(0, 500);
}
