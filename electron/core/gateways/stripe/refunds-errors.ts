// Stripe refund and capture errors in cashier words, with what core does next (ports/refunds.ts RefundOutcome).
import { AppError } from '../../../../shared/errors';
import { isStripeError, mapStripeError } from '../errors';
import { RefundCallError, type RefundOutcome } from '../ports/refunds';

/** A gateway's message inside one of ours: without its own closing period ("Your card was declined."). */
export const sentence = (message: string): string => message.trim().replace(/[.\s]+$/, '');

const outcome = (kind: RefundOutcome, error: AppError): RefundCallError => new RefundCallError(kind, error);
const byRetry = (e: AppError): RefundCallError => outcome(e.retryable ? 'retry' : 'refused', e);

/** Any error of a Stripe refund (or capture) call as a RefundCallError. */
export function classifyStripeRefundError(err: unknown, what: 'refund' | 'capture'): RefundCallError {
  if (err instanceof RefundCallError) return err;
  if (err instanceof AppError) return byRetry(err);
  const mapped = mapStripeError(err);
  if (!isStripeError(err)) return byRetry(mapped);
  const e = err as { code?: string; statusCode?: number; message?: string };
  if (e.statusCode === 409 || e.code === 'idempotency_key_in_use' || e.code === 'lock_timeout') {
    return outcome('retry', new AppError('gateway_unreachable', 'Stripe is still working on this refund.', { retryable: true, cause: err }));
  }
  if (e.code === 'charge_already_refunded') return outcome('already', new AppError('conflict', 'Stripe says this payment is already refunded in full.', { cause: err }));
  if (e.code === 'amount_too_large') {
    return outcome('refused', new AppError('gateway_invalid', 'Stripe says the amount is more than what is left to refund on this payment.', { field: 'amount', cause: err }));
  }
  if (mapped.code === 'gateway_declined') {
    return outcome('refused', new AppError('gateway_declined', `Stripe declined the ${what}${e.message ? `: ${sentence(mapped.message)}` : ''}. No money was sent.`, { cause: err }));
  }
  if (mapped.retryable) return outcome('retry', mapped);
  if (mapped.code === 'gateway_invalid' && !mapped.field) return outcome('refused', new AppError('gateway_invalid', mapped.message, { field: 'amount', cause: err }));
  return outcome('refused', mapped);
}
