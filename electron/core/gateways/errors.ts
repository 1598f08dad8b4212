// Maps SDK errors (stripe-node, razorpay-node) to AppError codes. Messages are in words the merchant
// can act on and never contain a key: gateway text passes through redactString first.
import { AppError } from '../../../shared/errors';
import { redactString } from '../log';

const clean = (s: unknown, max = 300): string => redactString(typeof s === 'string' ? s : '').replace(/\s+/g, ' ').trim().slice(0, max);

interface StripeLikeError { type?: string; message?: string; param?: string; code?: string; statusCode?: number; decline_code?: string }

/** stripe-node errors carry `type` = 'StripeAuthenticationError' etc. */
export function isStripeError(err: unknown): err is StripeLikeError {
  return !!err && typeof err === 'object' && typeof (err as StripeLikeError).type === 'string' && String((err as StripeLikeError).type).startsWith('Stripe');
}

export function mapStripeError(err: unknown): AppError {
  if (!isStripeError(err)) return mapUnknown(err, 'Stripe');
  const msg = clean(err.message);
  switch (err.type) {
    case 'StripeAuthenticationError':
      return new AppError('gateway_auth', `Stripe refused the secret key: ${msg || 'invalid API key'}`, { cause: err });
    case 'StripePermissionError':
      return new AppError('gateway_auth', `Stripe refused this request for the key (a restricted key without this permission?): ${msg}`, { cause: err });
    case 'StripeConnectionError':
      return new AppError('gateway_unreachable', `Could not reach Stripe: ${msg || 'network error'}`, { retryable: true, cause: err });
    case 'StripeAPIError':
      return new AppError('gateway_unreachable', `Stripe had a problem answering (${err.statusCode ?? 'error'}). Try again shortly.`, { retryable: true, cause: err });
    case 'StripeRateLimitError':
      return new AppError('gateway_unreachable', 'Stripe is limiting the request rate. Try again shortly.', { retryable: true, cause: err });
    case 'StripeCardError':
      return new AppError('gateway_declined', msg || 'The card was declined', { cause: err });
    case 'StripeIdempotencyError':
      return new AppError('conflict', `Stripe saw this request before with different parameters: ${msg}`, { cause: err });
    case 'StripeInvalidRequestError': {
      const opts: { field?: string; cause: unknown } = { cause: err };
      if (err.param) opts.field = err.param;
      if (err.statusCode === 404) return new AppError('not_found', `Stripe: ${msg}`, { cause: err });
      return new AppError('gateway_invalid', `Stripe refused the request: ${msg}`, opts);
    }
    default:
      return new AppError('gateway_invalid', `Stripe refused the request: ${msg}`, { cause: err });
  }
}

/** razorpay-node rejects with `{ statusCode, error: { code, description, field, reason, source } }`. */
interface RazorpayLikeError { statusCode?: number | string; error?: { code?: string; description?: string; field?: string | null; reason?: string; source?: string } }

export function isRazorpayError(err: unknown): err is RazorpayLikeError {
  return !!err && typeof err === 'object' && 'statusCode' in err && !(err instanceof Error);
}

export function mapRazorpayError(err: unknown): AppError {
  if (!isRazorpayError(err)) return mapUnknown(err, 'Razorpay');
  const status = Number(err.statusCode);
  const desc = clean(err.error?.description);
  if (status === 401) return new AppError('gateway_auth', `Razorpay refused the key id and secret: ${desc || 'authentication failed'}`, { cause: err });
  if (status === 403) return new AppError('gateway_auth', `Razorpay refused this request for the key: ${desc || 'forbidden'}`, { cause: err });
  if (!status || status === 0) return new AppError('gateway_unreachable', `Could not reach Razorpay: ${desc || 'network error'}`, { retryable: true, cause: err });
  if (status === 429 || status >= 500) return new AppError('gateway_unreachable', `Razorpay had a problem answering (${status}). Try again shortly.`, { retryable: true, cause: err });
  if (status === 404) return new AppError('not_found', `Razorpay: ${desc || 'not found'}`, { cause: err });
  const reason = err.error?.reason ?? '';
  if (err.error?.source && ['customer', 'bank', 'issuer', 'gateway'].includes(err.error.source) && reason) {
    return new AppError('gateway_declined', desc || 'The payment was declined', { cause: err });
  }
  const opts: { field?: string; cause: unknown } = { cause: err };
  if (err.error?.field) opts.field = err.error.field;
  return new AppError('gateway_invalid', `Razorpay refused the request: ${desc || `status ${status}`}`, opts);
}

function mapUnknown(err: unknown, gateway: string): AppError {
  if (err instanceof AppError) return err;
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^(ECONNREFUSED|ECONNRESET|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNABORTED|EHOSTUNREACH|ENETUNREACH|UND_ERR)/.test(code)) {
    return new AppError('gateway_unreachable', `Could not reach ${gateway}: ${code}`, { retryable: true, cause: err });
  }
  return new AppError('internal', `Unexpected error talking to ${gateway}`, { cause: err });
}
