// Error bodies in each gateway's own shape, so the official SDKs raise their usual error classes.
// No stack trace or internal message ever reaches a client: unexpected throws become a generic 500.
import type { Gateway } from '../../shared/gateways.js';
import type { SandboxResponse } from './types.js';

export type SurfaceName = Gateway | 'core';

export interface StripeErrorFields {
  type: 'invalid_request_error' | 'authentication_error' | 'card_error' | 'api_error' | 'idempotency_error' | 'rate_limit_error';
  message: string;
  code?: string;
  param?: string;
  decline_code?: string;
}

export function stripeError(status: number, fields: StripeErrorFields, headers?: Record<string, string>): SandboxResponse {
  const error: Record<string, string> = { type: fields.type, message: fields.message };
  if (fields.code) {
    error.code = fields.code;
    error.doc_url = `https://stripe.com/docs/error-codes/${fields.code.replace(/_/g, '-')}`;
  }
  if (fields.param) error.param = fields.param;
  if (fields.decline_code) error.decline_code = fields.decline_code;
  return { status, headers, body: { error } };
}

export function razorpayError(status: number, code: string, description: string, field?: string, cause?: { source: string; reason: string }): SandboxResponse {
  const error: Record<string, unknown> = { code, description, source: cause?.source ?? 'NA', step: 'NA', reason: cause?.reason ?? 'NA', metadata: {} };
  if (field) error.field = field;
  return { status, body: { error } };
}

export function coreError(status: number, message: string): SandboxResponse {
  return { status, body: { error: { message } } };
}

/** The 500 every surface answers when a handler throws (or a 500 fault is injected). */
export function internalError(surface: SurfaceName): SandboxResponse {
  if (surface === 'stripe') {
    return stripeError(500, { type: 'api_error', message: 'An unknown error occurred while processing your request (Paydesk Sandbox).' });
  }
  if (surface === 'razorpay') {
    return razorpayError(500, 'SERVER_ERROR', 'The server encountered an error. The incident has been reported to admins.');
  }
  return coreError(500, 'Internal sandbox error');
}

export function rateLimited(surface: SurfaceName): SandboxResponse {
  if (surface === 'stripe') {
    // Stripe answers 429 with code rate_limit. stripe-node retries only when told to, so say so:
    // real Stripe sends Stripe-Should-Retry on retryable 429s (lock timeouts) too.
    return stripeError(429, { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.' }, { 'Stripe-Should-Retry': 'true' });
  }
  if (surface === 'razorpay') return razorpayError(429, 'BAD_REQUEST_ERROR', 'Too many requests');
  return coreError(429, 'Too many requests');
}

/** A 402 fault: the bank or issuer refused (a declined card; a refund the bank would not take). */
export function declined(surface: SurfaceName): SandboxResponse {
  if (surface === 'stripe') {
    return stripeError(402, { type: 'card_error', code: 'card_declined', decline_code: 'generic_decline', message: 'The card issuer declined this request (Paydesk Sandbox fault).' });
  }
  if (surface === 'razorpay') {
    return razorpayError(400, 'BAD_REQUEST_ERROR', 'The bank declined this request (Paydesk Sandbox fault).', undefined, { source: 'bank', reason: 'bank_declined' });
  }
  return coreError(402, 'Declined');
}

export function notFound(surface: SurfaceName, method: string, path: string): SandboxResponse {
  if (surface === 'stripe') {
    return stripeError(404, { type: 'invalid_request_error', message: `Unrecognized request URL (${method}: ${path}). Paydesk Sandbox emulates only the endpoints Paydesk uses; see sandbox/README.md.` });
  }
  if (surface === 'razorpay') return razorpayError(404, 'BAD_REQUEST_ERROR', 'The requested URL was not found on the server.');
  return coreError(404, `No sandbox control route ${method} ${path}`);
}

export function tooLarge(surface: SurfaceName): SandboxResponse {
  if (surface === 'stripe') return stripeError(413, { type: 'invalid_request_error', message: 'Request body too large.' });
  if (surface === 'razorpay') return razorpayError(413, 'BAD_REQUEST_ERROR', 'Request body too large');
  return coreError(413, 'Request body too large');
}
