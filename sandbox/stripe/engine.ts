// The Stripe account's behaviour, shared by the API routes, the hosted checkout page and the
// control API: paying and failing sessions, refunds, balance movements, payouts and events.
import type Stripe from 'stripe';
import type { GatewayModuleContext } from '../core/types.js';
import { newId } from '../core/ids.js';
import { invalid, missingResource, StripeApiError } from './form.js';
import { buildEvent, type EventObject, type SandboxEventType } from './event-objects.js';
import { buildBalanceTransaction, buildCharge, buildPaymentIntent, buildRefund } from './money-objects.js';
import { automaticPayouts, manualPayout } from './payouts.js';
import { AUTHENTICATION_FAILED, checkCard, type CardOutcome } from './cards.js';
import { balanceOf, refundAmount } from './ledger.js';
import { initialStripeState, type StripeState } from './state.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const EVENT_RETENTION_MS = 30 * DAY_MS;
const IDEMPOTENCY_TTL_MS = DAY_MS;

export type PayResult =
  | { status: 'succeeded'; session: Stripe.Checkout.Session; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge }
  | { status: 'declined'; session: Stripe.Checkout.Session; paymentIntent: Stripe.PaymentIntent; charge: Stripe.Charge | null; message: string; declineCode: string; code: string }
  | { status: 'requires_action'; session: Stripe.Checkout.Session; paymentIntent: Stripe.PaymentIntent }
  | { status: 'invalid_card'; session: Stripe.Checkout.Session; field: string; message: string }
  | { status: 'not_open'; session: Stripe.Checkout.Session };

export interface CardEntry {
  number: string;
  expiry: string;
  cvc: string;
  name: string;
  email: string;
}

const clone = <T>(value: T): T => structuredClone(value);

export class StripeEngine {
  readonly state: StripeState;
  private readonly fee: { bps: number; fixed: number };
  private readonly availableAfterMs: number;

  constructor(private readonly ctx: GatewayModuleContext) {
    this.state = ctx.state.slice<StripeState>('stripe', initialStripeState);
    this.fee = ctx.options.stripeFee ?? { bps: 290, fixed: 30 };
    this.availableAfterMs = (ctx.options.stripeAvailableAfterDays ?? 2) * DAY_MS;
    ctx.clock.onAdvance((now) => this.onClock(now));
  }

  now(): number {
    return this.ctx.clock.now();
  }

  touch(): void {
    this.ctx.state.touch();
  }

  baseUrl(fallback = ''): string {
    return this.ctx.baseUrl?.() || fallback;
  }

  /** Stores the event and queues it for every enabled endpoint subscribed to its type. */
  emit<T extends SandboxEventType>(type: T, object: EventObject<T>, previousAttributes?: Partial<EventObject<T>>, idempotencyKey: string | null = null): void {
    const pendingWebhooks = Object.values(this.state.webhookEndpoints)
      .filter((we) => we.status === 'enabled' && (we.enabled_events.includes('*') || we.enabled_events.includes(type))).length;
    const event = buildEvent({ type, object: clone(object), previousAttributes, now: this.now(), pendingWebhooks, idempotencyKey });
    this.state.events[event.id] = event;
    this.touch();
    this.ctx.webhooks.emit({ gateway: 'stripe', id: event.id, type, body: JSON.stringify(event, null, 2), createdAt: this.now() });
  }

  /** Mirrors a webhook endpoint into the dispatcher (keeping chaos set through the control API). */
  syncTarget(endpointId: string): void {
    const we = this.state.webhookEndpoints[endpointId];
    const secret = this.state.endpointSecrets[endpointId];
    if (!we || !secret) {
      this.ctx.webhooks.removeTarget(endpointId);
      return;
    }
    const existing = this.ctx.webhooks.targets('stripe').find((t) => t.id === endpointId);
    this.ctx.webhooks.upsertTarget({
      id: we.id, gateway: 'stripe', url: we.url, secret, events: we.enabled_events, enabled: we.status === 'enabled', chaos: existing?.chaos ?? {},
    });
  }

  /** For `GET /v1/events?delivery_success=`: true when every endpoint that got the event acknowledged it. */
  deliverySucceeded(eventId: string): boolean {
    const deliveries = this.ctx.webhooks.deliveries({ gateway: 'stripe', eventId });
    const byTarget = new Map<string, boolean>();
    for (const d of deliveries) byTarget.set(d.targetId, (byTarget.get(d.targetId) ?? false) || d.ok);
    return [...byTarget.values()].every(Boolean);
  }

  // ---- lookups

  session(id: string, param = 'session'): Stripe.Checkout.Session {
    const s = this.state.sessions[id];
    if (!s) throw missingResource('checkout.session', id, param);
    return s;
  }

  charge(id: string, param = 'charge'): Stripe.Charge {
    const c = this.state.charges[id];
    if (!c) throw missingResource('charge', id, param);
    return c;
  }

  paymentIntent(id: string, param = 'payment_intent'): Stripe.PaymentIntent {
    const pi = this.state.paymentIntents[id];
    if (!pi) throw missingResource('payment_intent', id, param);
    return pi;
  }

  /** Any stored object by id, for `expand[]`. */
  byId(id: string): object | undefined {
    const s = this.state;
    const [prefix] = id.split('_', 1);
    switch (prefix) {
      case 'pi': return s.paymentIntents[id];
      case 'ch': return s.charges[id];
      case 're': return s.refunds[id];
      case 'txn': return s.balanceTransactions[id];
      case 'po': return s.payouts[id];
      case 'price': return s.prices[id];
      case 'prod': return s.products[id];
      case 'plink': return s.paymentLinks[id];
      case 'cs': return s.sessions[id];
      default: return undefined;
    }
  }

  // ---- money

  feeFor(amount: number): number {
    return Math.round((amount * this.fee.bps) / 10_000) + this.fee.fixed;
  }

  balance(): Stripe.Balance {
    return balanceOf(this.state);
  }

  // ---- checkout

  private ensurePaymentIntent(session: Stripe.Checkout.Session, email: string): Stripe.PaymentIntent {
    if (typeof session.payment_intent === 'string') return this.paymentIntent(session.payment_intent);
    const extras = this.state.sessionExtras[session.id];
    const pi = buildPaymentIntent({
      now: this.now(),
      amount: session.amount_total ?? 0,
      currency: session.currency ?? 'usd',
      metadata: { ...extras?.paymentIntentData.metadata },
      receiptEmail: extras?.paymentIntentData.receipt_email ?? (email || null),
      description: extras?.paymentIntentData.description ?? null,
    });
    this.state.paymentIntents[pi.id] = pi;
    session.payment_intent = pi.id;
    return pi;
  }

  /** Expires the session when its time has passed (lazily, in case nobody advanced the clock). */
  private refreshExpiry(session: Stripe.Checkout.Session): void {
    if (session.status === 'open' && session.expires_at * 1000 <= this.now()) this.expireSession(session.id);
  }

  /** One payment attempt, as the hosted page or the control API makes it. */
  pay(sessionId: string, entry: CardEntry, authentication?: 'approve' | 'fail'): PayResult {
    const session = this.session(sessionId);
    this.refreshExpiry(session);
    if (session.status !== 'open') return { status: 'not_open', session };
    const extras = this.state.sessionExtras[session.id] ?? (this.state.sessionExtras[session.id] = { paymentIntentData: {} });

    let outcome: CardOutcome;
    let card;
    let pendingAuth = false;
    if (authentication && extras.pendingAuthentication) {
      // the second half of a 3-D Secure payment: the card was accepted, now the bank's answer
      const pending = extras.pendingAuthentication;
      entry = { number: pending.card, expiry: entry.expiry, cvc: entry.cvc, name: pending.name, email: pending.email };
      const checked = checkCard(pending.card, '12/99', '123', new Date(this.now()));
      if (!checked.ok) return { status: 'invalid_card', session, field: checked.field, message: checked.message };
      card = checked.card;
      outcome = authentication === 'approve' ? { kind: 'success' } : AUTHENTICATION_FAILED;
      delete extras.pendingAuthentication;
    } else {
      const checked = checkCard(entry.number, entry.expiry, entry.cvc, new Date(this.now()));
      if (!checked.ok) return { status: 'invalid_card', session, field: checked.field, message: checked.message };
      card = checked.card;
      outcome = checked.outcome;
      if (outcome.kind === 'authenticate') {
        if (authentication) outcome = authentication === 'approve' ? { kind: 'success' } : AUTHENTICATION_FAILED;
        else pendingAuth = true;
      }
    }

    const email = entry.email.trim() || session.customer_email || '';
    const pi = this.ensurePaymentIntent(session, email);
    const paymentMethod = newId('pm', 24);
    pi.payment_method = paymentMethod;

    if (pendingAuth) {
      extras.pendingAuthentication = { card: entry.number.replace(/[\s-]/g, ''), name: entry.name, email };
      pi.status = 'requires_action';
      pi.next_action = { type: 'use_stripe_sdk', use_stripe_sdk: { type: 'three_d_secure_redirect', stripe_js: `${this.baseUrl()}/c/pay/${session.id}` } };
      this.emit('payment_intent.requires_action', pi);
      this.touch();
      return { status: 'requires_action', session, paymentIntent: pi };
    }
    pi.next_action = null;

    if (outcome.kind !== 'success') {
      const declined = outcome.kind === 'decline' ? outcome : AUTHENTICATION_FAILED;
      if (declined.kind !== 'decline') throw new Error('unreachable');
      // an authentication failure never reaches the card network, so Stripe creates no charge for it
      const charge = declined.code === 'payment_intent_authentication_failure' ? null : buildCharge({
        now: this.now(), paymentIntent: pi, paymentMethod, card, email: email || null, name: entry.name || null, succeeded: false,
        failureCode: declined.code, failureMessage: declined.message, declineCode: declined.declineCode, baseUrl: this.baseUrl(), balanceTransaction: null,
      });
      if (charge) {
        this.state.charges[charge.id] = charge;
        pi.latest_charge = charge.id;
      }
      pi.status = 'requires_payment_method';
      pi.last_payment_error = {
        type: 'card_error',
        code: declined.code as Stripe.PaymentIntent.LastPaymentError.Code,
        decline_code: declined.declineCode,
        message: declined.message,
        charge: charge?.id,
        doc_url: `https://stripe.com/docs/error-codes/${declined.code.replace(/_/g, '-')}`,
      };
      extras.lastError = declined.message;
      if (charge) this.emit('charge.failed', charge);
      this.emit('payment_intent.payment_failed', pi);
      this.touch();
      return { status: 'declined', session, paymentIntent: pi, charge, message: declined.message, declineCode: declined.declineCode, code: declined.code };
    }

    const now = this.now();
    const fee = this.feeFor(pi.amount);
    const chargeId = newId('ch', 24);
    const bt = buildBalanceTransaction({
      now, availableOn: now + this.availableAfterMs, amount: pi.amount, fee, currency: pi.currency, source: chargeId,
      type: 'charge', reportingCategory: 'charge', description: pi.description, status: 'pending',
    });
    const charge = buildCharge({
      now, paymentIntent: pi, paymentMethod, card, email: email || null, name: entry.name || null, succeeded: true, baseUrl: this.baseUrl(), balanceTransaction: bt.id,
    });
    charge.id = chargeId;
    if (charge.receipt_url) charge.receipt_url = `${this.baseUrl()}/receipts/${chargeId}`;
    this.state.balanceTransactions[bt.id] = bt;
    this.state.charges[charge.id] = charge;
    pi.status = 'succeeded';
    pi.amount_received = pi.amount;
    pi.latest_charge = charge.id;
    pi.last_payment_error = null;
    session.status = 'complete';
    session.payment_status = 'paid';
    session.customer_details = {
      address: null, business_name: null, email: email || null, individual_name: null, name: entry.name || null, phone: null, tax_exempt: 'none', tax_ids: [],
    };
    delete extras.lastError;
    const receiptTo = pi.receipt_email ?? (email || null);
    if (receiptTo) {
      this.state.receipts.push({ id: newId('rcpt', 14), kind: 'payment', to: receiptTo, amount: pi.amount, currency: pi.currency, charge: charge.id, payment_intent: pi.id, refund: null, sent_at: now });
    }
    this.emit('charge.succeeded', charge);
    this.emit('payment_intent.succeeded', pi);
    this.emit('checkout.session.completed', session);
    this.touch();
    return { status: 'succeeded', session, paymentIntent: pi, charge };
  }

  expireSession(id: string): Stripe.Checkout.Session {
    const session = this.session(id);
    if (session.status !== 'open') {
      throw invalid(`Only Checkout Sessions with a status in ["open"] can be expired. This Checkout Session has a status of "${session.status}".`, undefined, 'checkout_session_not_open');
    }
    session.status = 'expired';
    session.url = null;
    const extras = this.state.sessionExtras[id];
    if (extras) delete extras.pendingAuthentication;
    if (typeof session.payment_intent === 'string') {
      const pi = this.state.paymentIntents[session.payment_intent];
      if (pi && pi.status !== 'succeeded' && pi.status !== 'canceled') {
        pi.status = 'canceled';
        pi.canceled_at = Math.floor(this.now() / 1000);
        pi.cancellation_reason = 'abandoned';
        this.emit('payment_intent.canceled', pi);
      }
    }
    this.emit('checkout.session.expired', session);
    this.touch();
    return session;
  }

  // ---- refunds

  refund(input: { charge?: string; paymentIntent?: string; amount?: number; reason?: Stripe.Refund.Reason; metadata?: Record<string, string> }, idempotencyKey: string | null): Stripe.Refund {
    let charge: Stripe.Charge;
    if (input.charge) {
      charge = this.charge(input.charge);
    } else if (input.paymentIntent) {
      const pi = this.paymentIntent(input.paymentIntent);
      const latest = typeof pi.latest_charge === 'string' ? this.state.charges[pi.latest_charge] : undefined;
      if (pi.status !== 'succeeded' || !latest) {
        throw new StripeApiError(400, 'invalid_request_error', `This PaymentIntent (${pi.id}) does not have a successful charge to refund.`, 'charge_not_refundable', 'payment_intent');
      }
      charge = latest;
    } else {
      throw invalid('One of the following params should be provided for this request: payment_intent or charge.', 'charge', 'parameter_missing');
    }
    const amount = refundAmount(charge, input.amount);

    const now = this.now();
    const refund = buildRefund({ now, amount, charge, reason: input.reason ?? null, metadata: input.metadata ?? {}, balanceTransaction: null });
    const bt = buildBalanceTransaction({
      now, availableOn: now, amount: -amount, fee: 0, currency: charge.currency, source: refund.id,
      type: 'refund', reportingCategory: 'refund', description: 'REFUND FOR CHARGE', status: 'available',
    });
    refund.balance_transaction = bt.id;
    this.state.balanceTransactions[bt.id] = bt;
    this.state.refunds[refund.id] = refund;
    this.emit('refund.created', refund, undefined, idempotencyKey);

    const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
    charge.amount_refunded += amount;
    charge.refunded = charge.amount_refunded >= charge.amount;
    this.emit('charge.refunded', charge, previous, idempotencyKey);

    // card refunds in test mode settle at once; the pending -> succeeded step is still announced
    refund.status = 'succeeded';
    if (refund.destination_details?.card) {
      refund.destination_details.card.reference = newId('arn', 12).slice(4);
      refund.destination_details.card.reference_status = 'available';
    }
    this.emit('refund.updated', refund, { status: 'pending' }, idempotencyKey);

    if (charge.receipt_email) {
      this.state.receipts.push({ id: newId('rcpt', 14), kind: 'refund', to: charge.receipt_email, amount, currency: charge.currency, charge: charge.id, payment_intent: refund.payment_intent as string | null, refund: refund.id, sent_at: now });
    }
    this.touch();
    return refund;
  }

  // ---- payouts

  /** Pays out everything available (per currency, or one currency) as automatic payouts. */
  payout(currency?: string): Stripe.Payout[] {
    return automaticPayouts(this, currency);
  }

  /** A manual payout, as the merchant's `POST /v1/payouts` makes one (automatic: false). */
  manualPayout(input: Parameters<typeof manualPayout>[1]): Stripe.Payout {
    return manualPayout(this, input);
  }

  // ---- time

  private onClock(now: number): void {
    for (const session of Object.values(this.state.sessions)) {
      if (session.status === 'open' && session.expires_at * 1000 <= now) this.expireSession(session.id);
    }
    for (const bt of Object.values(this.state.balanceTransactions)) {
      if (bt.status === 'pending' && bt.available_on * 1000 <= now) bt.status = 'available';
    }
    this.prune(now);
    this.touch();
  }

  prune(now = this.now()): void {
    for (const [id, event] of Object.entries(this.state.events)) {
      if (event.created * 1000 < now - EVENT_RETENTION_MS) delete this.state.events[id];
    }
    for (const [key, record] of Object.entries(this.state.idempotency)) {
      if (now - record.createdAt > IDEMPOTENCY_TTL_MS) delete this.state.idempotency[key];
    }
  }
}
