// Razorpay's side of ports/refunds.ts: refunds with X-Refund-Idempotency, found again by notes.paydesk_refund_id
// (or the receipt), and capture of authorised payments, which Razorpay refunds by itself after 3 days.
import type Razorpay from 'razorpay';
import type { RefundStatus } from '../../../../shared/status';
import type { AccountTarget } from '../adapter';
import type { CapturedPayment, GatewayRefund, RefundPort } from '../ports/refunds';
import { withRefundIdempotency } from './client';
import { classifyRazorpayRefundError } from './refunds-errors';

/** Razorpay refunds authorised payments that are not captured within 3 days (GATEWAYS.md §2, capture) */
export const RAZORPAY_AUTO_REFUND_MS = 3 * 24 * 3600_000;
/** "The amount must be at least INR 1.00" */
const MIN_REFUND_MINOR = 100;
const PAGE = 100;

const REFUSALS = {
  capture: null,
  reason: 'Razorpay takes a speed and a note instead of a reason.',
  speed: null,
} as const;

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

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

function paymentOf(p: Record<string, unknown>): CapturedPayment {
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

/** Runs one SDK call, its errors as RefundCallError. */
async function call<T>(what: 'refund' | 'capture', fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw classifyRazorpayRefundError(err, what);
  }
}

export function razorpayRefunds(client: Razorpay, _target: AccountTarget): RefundPort {
  async function list(gatewayPaymentId: string): Promise<GatewayRefund[]> {
    const out: GatewayRefund[] = [];
    for (let skip = 0; skip < 10_000; skip += PAGE) {
      const page = await call('refund', async () => (await client.payments.fetchMultipleRefund(gatewayPaymentId, { count: PAGE, skip })) as unknown as { items: RzpRefund[] });
      out.push(...page.items.map(fromRazorpay));
      if (page.items.length < PAGE) break;
    }
    return out;
  }

  return {
    canCapture: true,
    autoRefundAuthorisedAfterMs: RAZORPAY_AUTO_REFUND_MS,
    minRefundMinor: MIN_REFUND_MINOR,
    refusal: (what) => REFUSALS[what],
    refundTarget: (captureId, ids) => captureId ?? ids.paymentId,
    listsRefundsOf: (id) => id.startsWith('pay_'),
    async create(req) {
      const body = {
        amount: req.amountMinor,
        speed: req.speed ?? 'normal',
        receipt: req.refundId,
        notes: { paydesk_id: req.paymentId, paydesk_refund_id: req.refundId, ...(req.note ? { note: req.note } : {}) },
      };
      const r = await call('refund', () => withRefundIdempotency(req.idempotencyKey, () => client.payments.refund(req.gatewayPaymentId, body as never)));
      return fromRazorpay(r as unknown as RzpRefund);
    },
    list,
    async find(gatewayPaymentId, refundId) {
      return (await list(gatewayPaymentId)).find((g) => g.paydeskRefundId === refundId) ?? null;
    },
    async capture(gatewayPaymentId, amountMinor, currency) {
      const p = await call('capture', () => client.payments.capture(gatewayPaymentId, amountMinor, currency));
      return paymentOf(p as unknown as Record<string, unknown>);
    },
    async fetchPayment(gatewayPaymentId) {
      const p = await call('capture', () => client.payments.fetch(gatewayPaymentId));
      return paymentOf(p as unknown as Record<string, unknown>);
    },
  };
}
