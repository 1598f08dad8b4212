// Refunds and captures at the gateways, through the official SDKs: create with the idempotency key
// (Stripe Idempotency-Key, Razorpay X-Refund-Idempotency), look refunds up by our id (Stripe
// metadata.paydesk_refund_id, Razorpay notes.paydesk_refund_id / receipt), capture (Razorpay), and
// classify errors into what core does next.
import type Stripe from 'stripe';
import type { RefundStatus } from '../../../shared/status';
import { AppError } from '../../../shared/errors';
import { isRazorpayError, isStripeError, mapRazorpayError, mapStripeError } from '../gateways/errors';
import type { Gateways } from '../gateways/gateway';
import { withRefundIdempotency } from '../gateways/razorpay/client';

/** A gateway's message inside one of ours: without its own closing period ("Your card was declined."). */
const sentence = (message: string): string => message.trim().replace(/[.\s]+$/, '');

export interface GatewayRefund {
  id: string;
  amount: number;
  status: RefundStatus;
  failureReason: string | null;
  /** our refund id as the gateway echoes it */
  paydeskRefundId: string | null;
  /** the gateway payment it refunds */
  gatewayPaymentId: string | null;
  /** ms */
  at: number;
}

export interface RefundCall {
  gateway: 'stripe' | 'razorpay';
  accountId: string;
  refundId: string;
  paymentId: string;
  gatewayPaymentId: string;
  amountMinor: number;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer' | null;
  speed: 'normal' | 'optimum' | null;
  note: string | null;
  idempotencyKey: string;
}

const STRIPE_FAILURES: Record<string, string> = {
  lost_or_stolen_card: "the customer's card was reported lost or stolen",
  expired_or_canceled_card: "the customer's card has expired or was cancelled",
  charge_for_pending_refund_disputed: 'the payment is disputed',
  insufficient_funds: 'the Stripe balance is too low to cover the refund',
  declined: "the customer's bank declined the refund",
  merchant_request: 'the refund was cancelled',
  unknown: 'Stripe did not give a reason',
};

function stripeStatus(s: string | null | undefined): RefundStatus {
  if (s === 'succeeded') return 'succeeded';
  if (s === 'failed' || s === 'canceled') return 'failed';
  return 'pending';
}

function fromStripe(r: Stripe.Refund): GatewayRefund {
  const status = stripeStatus(r.status);
  const code = r.failure_reason ?? null;
  const idOf = (v: unknown): string | null => (typeof v === 'string' ? v : v && typeof v === 'object' && 'id' in v ? String((v as { id: unknown }).id) : null);
  return {
    id: r.id,
    amount: r.amount,
    status,
    failureReason: status === 'failed' ? `Stripe: ${code ? (STRIPE_FAILURES[code] ?? code) : r.status === 'canceled' ? 'the refund was cancelled' : 'the refund failed'}` : null,
    paydeskRefundId: r.metadata?.paydesk_refund_id ?? null,
    gatewayPaymentId: idOf(r.payment_intent) ?? idOf(r.charge),
    at: r.created * 1000,
  };
}

interface RzpRefund { id: string; amount: number; status: string; payment_id: string; notes?: Record<string, unknown> | unknown[]; receipt?: string | null; created_at: number; error_description?: string }

function fromRazorpay(r: RzpRefund): GatewayRefund {
  const status: RefundStatus = r.status === 'processed' ? 'succeeded' : r.status === 'failed' ? 'failed' : 'pending';
  const notes = r.notes && !Array.isArray(r.notes) ? r.notes : {};
  const fromNotes = typeof notes.paydesk_refund_id === 'string' ? notes.paydesk_refund_id : null;
  return {
    id: r.id,
    amount: r.amount,
    status,
    failureReason: status === 'failed' ? `Razorpay: ${r.error_description ?? 'the refund failed'}` : null,
    paydeskRefundId: fromNotes ?? (typeof r.receipt === 'string' && r.receipt.startsWith('rf_') ? r.receipt : null),
    gatewayPaymentId: r.payment_id,
    at: r.created_at * 1000,
  };
}

export async function createGatewayRefund(gw: Gateways, c: RefundCall): Promise<GatewayRefund> {
  if (c.gateway === 'stripe') {
    const client = gw.stripe(c.accountId);
    const params: Stripe.RefundCreateParams = {
      amount: c.amountMinor,
      metadata: { paydesk_id: c.paymentId, paydesk_refund_id: c.refundId, ...(c.note ? { note: c.note } : {}) },
    };
    if (c.gatewayPaymentId.startsWith('ch_') || c.gatewayPaymentId.startsWith('py_')) params.charge = c.gatewayPaymentId;
    else params.payment_intent = c.gatewayPaymentId;
    if (c.reason) params.reason = c.reason;
    return fromStripe(await client.refunds.create(params, { idempotencyKey: c.idempotencyKey }));
  }
  const client = gw.razorpay(c.accountId);
  const body = {
    amount: c.amountMinor,
    speed: c.speed ?? 'normal',
    receipt: c.refundId,
    notes: { paydesk_id: c.paymentId, paydesk_refund_id: c.refundId, ...(c.note ? { note: c.note } : {}) },
  };
  const r = await withRefundIdempotency(c.idempotencyKey, () => client.payments.refund(c.gatewayPaymentId, body as never));
  return fromRazorpay(r as unknown as RzpRefund);
}

/** Every refund of one gateway payment. */
export async function listGatewayRefunds(gw: Gateways, gateway: 'stripe' | 'razorpay', accountId: string, gatewayPaymentId: string): Promise<GatewayRefund[]> {
  if (gateway === 'stripe') {
    const client = gw.stripe(accountId);
    const params: Stripe.RefundListParams = { limit: 100 };
    if (gatewayPaymentId.startsWith('ch_') || gatewayPaymentId.startsWith('py_')) params.charge = gatewayPaymentId;
    else params.payment_intent = gatewayPaymentId;
    const all = await client.refunds.list(params).autoPagingToArray({ limit: 10_000 });
    return all.map(fromStripe);
  }
  const client = gw.razorpay(accountId);
  const out: GatewayRefund[] = [];
  for (let skip = 0; skip < 10_000; skip += 100) {
    const page = (await client.payments.fetchMultipleRefund(gatewayPaymentId, { count: 100, skip })) as unknown as { items: RzpRefund[] };
    out.push(...page.items.map(fromRazorpay));
    if (page.items.length < 100) break;
  }
  return out;
}

export interface CapturedPayment { id: string; amount: number; captured: boolean; status: string; fee: number | null; tax: number | null; at: number }

export async function captureRazorpay(gw: Gateways, accountId: string, gatewayPaymentId: string, amount: number, currency: string): Promise<CapturedPayment> {
  const p = (await gw.razorpay(accountId).payments.capture(gatewayPaymentId, amount, currency)) as unknown as Record<string, unknown>;
  return razorpayPayment(p);
}

export async function fetchRazorpayPayment(gw: Gateways, accountId: string, gatewayPaymentId: string): Promise<CapturedPayment> {
  return razorpayPayment((await gw.razorpay(accountId).payments.fetch(gatewayPaymentId)) as unknown as Record<string, unknown>);
}

function razorpayPayment(p: Record<string, unknown>): CapturedPayment {
  const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);
  return {
    id: String(p.id),
    amount: int(p.amount) ?? 0,
    captured: p.captured === true,
    status: String(p.status),
    fee: int(p.fee),
    tax: int(p.tax),
    at: (int(p.created_at) ?? 0) * 1000,
  };
}

/** What to do after a failed gateway call. */
export type Outcome =
  /** no answer / 5xx / 429 / a concurrent request with the key: the refund may or may not exist; retry with the same key */
  | { kind: 'retry'; error: AppError }
  /** the gateway says there is nothing left to refund (or it is already captured): show the current state */
  | { kind: 'already'; error: AppError }
  /** a definite refusal: nothing happened at the gateway */
  | { kind: 'refused'; error: AppError };

export function classifyGatewayError(gateway: 'stripe' | 'razorpay', err: unknown, what: 'refund' | 'capture'): Outcome {
  if (err instanceof AppError) return err.retryable ? { kind: 'retry', error: err } : { kind: 'refused', error: err };
  if (gateway === 'stripe') {
    const mapped = mapStripeError(err);
    if (!isStripeError(err)) return mapped.retryable ? { kind: 'retry', error: mapped } : { kind: 'refused', error: mapped };
    const e = err as { code?: string; statusCode?: number; type?: string; message?: string };
    if (e.statusCode === 409 || e.code === 'idempotency_key_in_use' || e.code === 'lock_timeout') return { kind: 'retry', error: new AppError('gateway_unreachable', 'Stripe is still working on this refund.', { retryable: true, cause: err }) };
    if (e.code === 'charge_already_refunded') return { kind: 'already', error: new AppError('conflict', 'Stripe says this payment is already refunded in full.', { cause: err }) };
    if (e.code === 'amount_too_large') {
      return { kind: 'refused', error: new AppError('gateway_invalid', 'Stripe says the amount is more than what is left to refund on this payment.', { field: 'amount', cause: err }) };
    }
    if (mapped.code === 'gateway_declined') {
      return { kind: 'refused', error: new AppError('gateway_declined', `Stripe declined the ${what}${e.message ? `: ${sentence(mapped.message)}` : ''}. No money was sent.`, { cause: err }) };
    }
    if (mapped.retryable) return { kind: 'retry', error: mapped };
    if (mapped.code === 'gateway_invalid' && !mapped.field) return { kind: 'refused', error: new AppError('gateway_invalid', mapped.message, { field: 'amount', cause: err }) };
    return { kind: 'refused', error: mapped };
  }
  const mapped = mapRazorpayError(err);
  if (!isRazorpayError(err)) return mapped.retryable ? { kind: 'retry', error: mapped } : { kind: 'refused', error: mapped };
  const status = Number((err as { statusCode?: unknown }).statusCode);
  const desc = String((err as { error?: { description?: unknown } }).error?.description ?? '');
  if (status === 409) return { kind: 'retry', error: new AppError('gateway_unreachable', 'Razorpay is still working on this refund.', { retryable: true, cause: err }) };
  if (/fully refunded already|already been fully refunded/i.test(desc)) {
    return { kind: 'already', error: new AppError('conflict', 'Razorpay says this payment is already refunded in full.', { cause: err }) };
  }
  if (what === 'capture' && /already (been )?captured/i.test(desc)) {
    return { kind: 'already', error: new AppError('conflict', 'Razorpay says this payment is already captured.', { cause: err }) };
  }
  if (status === 402 || mapped.code === 'gateway_declined') {
    return { kind: 'refused', error: new AppError('gateway_declined', `Razorpay declined the ${what}${desc ? `: ${sentence(mapped.message)}` : ''}. No money was sent.`, { cause: err }) };
  }
  if (mapped.retryable) return { kind: 'retry', error: mapped };
  if (mapped.code === 'gateway_invalid') {
    const field = mapped.field && mapped.field !== 'payment_id' ? mapped.field : mapped.field === 'payment_id' ? 'paymentId' : 'amount';
    return { kind: 'refused', error: new AppError('gateway_invalid', mapped.message, { field, cause: err }) };
  }
  return { kind: 'refused', error: mapped };
}
