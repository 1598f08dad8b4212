// The part of the gateway seam for refunds (create with an idempotency key, list, look up by our id) and capture
// of an authorised payment (refunds.*, payments.capture).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/refunds.ts.
import { AppError } from '../../../../shared/errors';
import type { RefundStatus } from '../../../../shared/status';

/** A refund as the gateway holds it. */
export interface GatewayRefund {
  id: string;
  amount: number;
  status: RefundStatus;
  /** why it failed, in the merchant's words, prefixed with the gateway's label */
  failureReason: string | null;
  /** our refund id as the gateway echoes it */
  paydeskRefundId: string | null;
  /** the gateway payment it refunds */
  gatewayPaymentId: string | null;
  /** ms */
  at: number;
}

/** One refund to send: our intent row, with the key that makes a retry return the same refund. */
export interface RefundRequest {
  refundId: string;
  /** our payment id, echoed in the gateway's metadata/notes */
  paymentId: string;
  gatewayPaymentId: string;
  amountMinor: number;
  reason: 'duplicate' | 'fraudulent' | 'requested_by_customer' | null;
  speed: 'normal' | 'optimum' | null;
  note: string | null;
  idempotencyKey: string;
}

/** A gateway payment after a capture (or read to learn whether it is captured). */
export interface CapturedPayment {
  id: string;
  amount: number;
  captured: boolean;
  status: string;
  fee: number | null;
  tax: number | null;
  at: number;
}

/** The gateway ids of a payment a refund can go to. */
export interface RefundableIds {
  paymentIntentId: string | null;
  chargeId: string | null;
  paymentId: string | null;
}

/** What core does after a failed call. */
export type RefundOutcome =
  /** no answer / 5xx / 429 / a concurrent request with the key: the refund may or may not exist; retry with the same key */
  | 'retry'
  /** the gateway says there is nothing left to refund (or it is already captured): show the current state */
  | 'already'
  /** a definite refusal: nothing happened at the gateway */
  | 'refused';

/** The AppError a refund or capture call throws, with what core does next. */
export class RefundCallError extends AppError {
  readonly outcome: RefundOutcome;
  constructor(outcome: RefundOutcome, error: AppError) {
    const opts: { field?: string; retryable: boolean; cause?: unknown } = { retryable: error.retryable, cause: error.cause };
    if (error.field !== undefined) opts.field = error.field;
    super(error.code, error.message, opts);
    this.outcome = outcome;
  }
}

/** What the person can ask of this gateway, and the sentence for what it does not take. */
export interface RefundCapabilities {
  /** authorised payments wait for a capture here (payments.capture) */
  readonly canCapture: boolean;
  /** how long an authorised payment waits before the gateway refunds it by itself (ms); null: no such window */
  readonly autoRefundAuthorisedAfterMs: number | null;
  /** the smallest refund the gateway accepts (minor units) */
  readonly minRefundMinor: number;
  /** why this gateway does not take `what`, in the merchant's words; null: it takes it */
  refusal(what: 'capture' | 'reason' | 'speed'): string | null;
}

export interface RefundPort extends RefundCapabilities {
  /** The gateway payment a refund goes to: a capture's id made refundable, else the payment's own ids; null: none yet. */
  refundTarget(captureId: string | null, ids: RefundableIds): string | null;
  /** whether refunds can be listed for this gateway id (a payment of this gateway, not a session or link) */
  listsRefundsOf(gatewayPaymentId: string): boolean;
  /** Sends the refund with its idempotency key. Throws RefundCallError. */
  create(req: RefundRequest): Promise<GatewayRefund>;
  /** Every refund of one gateway payment. Throws RefundCallError. */
  list(gatewayPaymentId: string): Promise<GatewayRefund[]>;
  /** Our refund as the gateway holds it (matched by the id we sent along), or null. Throws RefundCallError. */
  find(gatewayPaymentId: string, refundId: string): Promise<GatewayRefund | null>;
  /** Captures an authorised payment. Throws RefundCallError (`already` when it is captured already). */
  capture(gatewayPaymentId: string, amountMinor: number, currency: string): Promise<CapturedPayment>;
  /** The payment as the gateway holds it now. Throws RefundCallError. */
  fetchPayment(gatewayPaymentId: string): Promise<CapturedPayment>;
}
