// Stripe's side of ports/refunds.ts: refunds with Idempotency-Key, found again by metadata.paydesk_refund_id.
// Payment links capture at checkout, so there is nothing to capture later.
import type Stripe from 'stripe';
import { AppError } from '../../../../shared/errors';
import type { RefundStatus } from '../../../../shared/status';
import type { AccountTarget } from '../adapter';
import type { GatewayRefund, RefundPort } from '../ports/refunds';
import { classifyStripeRefundError } from './refunds-errors';

const STRIPE_FAILURES: Record<string, string> = {
  lost_or_stolen_card: "the customer's card was reported lost or stolen",
  expired_or_canceled_card: "the customer's card has expired or was cancelled",
  charge_for_pending_refund_disputed: 'the payment is disputed',
  insufficient_funds: 'the Stripe balance is too low to cover the refund',
  declined: "the customer's bank declined the refund",
  merchant_request: 'the refund was cancelled',
  unknown: 'Stripe did not give a reason',
};

const NO_CAPTURE = 'Stripe payment links capture at checkout: there is nothing to capture.';
const REFUSALS = {
  capture: NO_CAPTURE,
  reason: null,
  speed: 'Refund speed is a Razorpay option; Stripe asks for a reason instead.',
} as const;

/** pi_ (PaymentIntent), ch_ / py_ (charges): the ids Stripe refunds */
const refundable = (id: string): boolean => /^(pi|ch|py)_/.test(id);
const isCharge = (id: string): boolean => id.startsWith('ch_') || id.startsWith('py_');

function stripeStatus(s: string | null | undefined): RefundStatus {
  if (s === 'succeeded') return 'succeeded';
  if (s === 'failed' || s === 'canceled') return 'failed';
  return 'pending';
}

const idOf = (v: unknown): string | null =>
  typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null;

function failureOf(r: Stripe.Refund): string {
  const code = r.failure_reason ?? null;
  if (code) return `Stripe: ${STRIPE_FAILURES[code] ?? code}`;
  return `Stripe: ${r.status === 'canceled' ? 'the refund was cancelled' : 'the refund failed'}`;
}

function fromStripe(r: Stripe.Refund): GatewayRefund {
  const status = stripeStatus(r.status);
  return {
    id: r.id,
    amount: r.amount,
    status,
    failureReason: status === 'failed' ? failureOf(r) : null,
    paydeskRefundId: r.metadata?.paydesk_refund_id ?? null,
    gatewayPaymentId: idOf(r.payment_intent) ?? idOf(r.charge),
    at: r.created * 1000,
  };
}

export function stripeRefunds(client: Stripe, _target: AccountTarget): RefundPort {
  const noCapture = (): never => {
    throw classifyStripeRefundError(new AppError('invalid_input', NO_CAPTURE, { field: 'paymentId' }), 'capture');
  };

  async function list(gatewayPaymentId: string): Promise<GatewayRefund[]> {
    const params: Stripe.RefundListParams = { limit: 100 };
    if (isCharge(gatewayPaymentId)) params.charge = gatewayPaymentId;
    else params.payment_intent = gatewayPaymentId;
    try {
      const all = await client.refunds.list(params).autoPagingToArray({ limit: 10_000 });
      return all.map(fromStripe);
    } catch (err) {
      throw classifyStripeRefundError(err, 'refund');
    }
  }

  return {
    canCapture: false,
    autoRefundAuthorisedAfterMs: null,
    minRefundMinor: 0,
    refusal: (what) => REFUSALS[what],
    refundTarget(captureId, ids) {
      const fallback = ids.paymentIntentId ?? ids.chargeId;
      const id = captureId === null ? fallback : refundable(captureId) ? captureId : (fallback ?? captureId);
      return id && refundable(id) ? id : null;
    },
    listsRefundsOf: refundable,
    async create(req) {
      const params: Stripe.RefundCreateParams = {
        amount: req.amountMinor,
        metadata: { paydesk_id: req.paymentId, paydesk_refund_id: req.refundId, ...(req.note ? { note: req.note } : {}) },
      };
      if (isCharge(req.gatewayPaymentId)) params.charge = req.gatewayPaymentId;
      else params.payment_intent = req.gatewayPaymentId;
      if (req.reason) params.reason = req.reason;
      try {
        return fromStripe(await client.refunds.create(params, { idempotencyKey: req.idempotencyKey }));
      } catch (err) {
        throw classifyStripeRefundError(err, 'refund');
      }
    },
    list,
    async find(gatewayPaymentId, refundId) {
      return (await list(gatewayPaymentId)).find((g) => g.paydeskRefundId === refundId) ?? null;
    },
    capture: async () => noCapture(),
    fetchPayment: async () => noCapture(),
  };
}
