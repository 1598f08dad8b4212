// Everything the Stripe emulator remembers, as one JSON-serialisable slice. Objects are stored in
// their API shape with references as ids (expansion happens per response). Records keep insertion
// order, which is creation order: lists read them newest first.
import type Stripe from 'stripe';

export interface IdempotencyRecord {
  method: string;
  path: string;
  /** canonical form of the parameters, compared on replay */
  fingerprint: string;
  status: number;
  body: unknown;
  createdAt: number;
}

export interface Receipt {
  id: string;
  kind: 'payment' | 'refund';
  to: string;
  amount: number;
  currency: string;
  charge: string;
  payment_intent: string | null;
  refund: string | null;
  sent_at: number;
}

/** What the hosted page and the control API need to know about a session beyond its API shape. */
export interface SessionExtras {
  paymentIntentData: { receipt_email?: string; metadata?: Record<string, string>; description?: string };
  /** a card waiting for its 3-D Secure step (4000002500003155 etc.) */
  pendingAuthentication?: { card: string; name: string; email: string };
  /** the last decline, shown on the hosted page */
  lastError?: string;
}

export interface StripeState {
  products: Record<string, Stripe.Product>;
  prices: Record<string, Stripe.Price>;
  paymentLinks: Record<string, Stripe.PaymentLink>;
  linkLineItems: Record<string, Array<{ price: string; quantity: number }>>;
  linkPaymentIntentData: Record<string, { metadata?: Record<string, string>; description?: string }>;
  sessions: Record<string, Stripe.Checkout.Session>;
  sessionLineItems: Record<string, Stripe.LineItem[]>;
  sessionExtras: Record<string, SessionExtras>;
  paymentIntents: Record<string, Stripe.PaymentIntent>;
  charges: Record<string, Stripe.Charge>;
  refunds: Record<string, Stripe.Refund>;
  balanceTransactions: Record<string, Stripe.BalanceTransaction>;
  /** balance transaction id -> the payout that paid it out */
  btPayout: Record<string, string>;
  payouts: Record<string, Stripe.Payout>;
  webhookEndpoints: Record<string, Stripe.WebhookEndpoint>;
  endpointSecrets: Record<string, string>;
  events: Record<string, Stripe.Event>;
  idempotency: Record<string, IdempotencyRecord>;
  receipts: Receipt[];
}

export const initialStripeState = (): StripeState => ({
  products: {},
  prices: {},
  paymentLinks: {},
  linkLineItems: {},
  linkPaymentIntentData: {},
  sessions: {},
  sessionLineItems: {},
  sessionExtras: {},
  paymentIntents: {},
  charges: {},
  refunds: {},
  balanceTransactions: {},
  btPayout: {},
  payouts: {},
  webhookEndpoints: {},
  endpointSecrets: {},
  events: {},
  idempotency: {},
  receipts: [],
});
