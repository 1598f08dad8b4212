// Razorpay refund and capture errors in cashier words, with what core does next (ports/refunds.ts RefundOutcome).
import { AppError } from '../../../../shared/errors';
import { isRazorpayError, mapRazorpayError } from '../errors';
import { RefundCallError, type RefundOutcome } from '../ports/refunds';

/** A gateway's message inside one of ours: without its own closing period. */
const sentence = (message: string): string => message.trim().replace(/[.\s]+$/, '');

const outcome = (kind: RefundOutcome, error: AppError): RefundCallError => new RefundCallError(kind, error);
const byRetry = (e: AppError): RefundCallError => outcome(e.retryable ? 'retry' : 'refused', e);

/** Our contract's field for Razorpay's `field` of an invalid request (the amount when it names none). */
const fieldOf = (field: string | undefined): string => (field === 'payment_id' ? 'paymentId' : field || 'amount');

/** Any error of a Razorpay refund or capture call as a RefundCallError. */
export function classifyRazorpayRefundError(err: unknown, what: 'refund' | 'capture'): RefundCallError {
  if (err instanceof RefundCallError) return err;
  if (err instanceof AppError) return byRetry(err);
  const mapped = mapRazorpayError(err);
  if (!isRazorpayError(err)) return byRetry(mapped);
  const status = Number((err as { statusCode?: unknown }).statusCode);
  const desc = String((err as { error?: { description?: unknown } }).error?.description ?? '');
  if (status === 409) return outcome('retry', new AppError('gateway_unreachable', 'Razorpay is still working on this refund.', { retryable: true, cause: err }));
  if (/fully refunded already|already been fully refunded/i.test(desc)) {
    return outcome('already', new AppError('conflict', 'Razorpay says this payment is already refunded in full.', { cause: err }));
  }
  if (what === 'capture' && /already (been )?captured/i.test(desc)) {
    return outcome('already', new AppError('conflict', 'Razorpay says this payment is already captured.', { cause: err }));
  }
  if (status === 402 || mapped.code === 'gateway_declined') {
    return outcome('refused', new AppError('gateway_declined', `Razorpay declined the ${what}${desc ? `: ${sentence(mapped.message)}` : ''}. No money was sent.`, { cause: err }));
  }
  if (mapped.retryable) return outcome('retry', mapped);
  if (mapped.code === 'gateway_invalid') return outcome('refused', new AppError('gateway_invalid', mapped.message, { field: fieldOf(mapped.field), cause: err }));
  return outcome('refused', mapped);
}
