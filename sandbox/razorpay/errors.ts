import type { SandboxResponse } from '../core/types';
import type { RzpError } from './types';

/** Thrown inside handlers; turned into Razorpay's `{ error: {...} }` body by `toResponse`. Never carries a stack to the client. */
export class RazorpayApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: RzpError,
  ) {
    super(error.description);
  }
}

/** A request-validation error (400, source business, step payment_initiation, reason input_validation_failed) as Razorpay sends them. */
export function badRequest(description: string, field: string | null = null, metadata: Record<string, string> = {}): RazorpayApiError {
  return new RazorpayApiError(400, {
    code: 'BAD_REQUEST_ERROR',
    description,
    field,
    source: 'business',
    step: 'payment_initiation',
    reason: 'input_validation_failed',
    metadata,
  });
}

/** An error that is not a validation failure (auth, idempotency, unknown URL): source/step/reason are "NA" in Razorpay's replies. */
export function naError(status: number, description: string, field: string | null = null): RazorpayApiError {
  return new RazorpayApiError(status, { code: 'BAD_REQUEST_ERROR', description, field, source: 'NA', step: 'NA', reason: 'NA', metadata: {} });
}

export const authFailed = (): RazorpayApiError => naError(401, 'Authentication failed');
export const idNotFound = (): RazorpayApiError => badRequest('The id provided does not exist');

export function toResponse(err: unknown): SandboxResponse {
  if (err instanceof RazorpayApiError) return { status: err.status, body: { error: err.error } };
  // never leak a stack trace or internal message
  return {
    status: 500,
    body: {
      error: {
        code: 'SERVER_ERROR',
        description: 'The server encountered an error. The incident has been reported to admins.',
        field: null,
        source: 'NA',
        step: 'NA',
        reason: 'server_error',
        metadata: {},
      } satisfies RzpError,
    },
  };
}
