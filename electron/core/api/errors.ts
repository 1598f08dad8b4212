// The merchant API's one error shape, `{ error: { code, message, field? } }`, and its statuses (the integration
// document's troubleshooting table):
//   400 bad input, with `field` (the API's own field name; `account_id` when no account can take the call)
//   401 missing or bad token                 402 card declined
//   403 the gateway refused the account's key, wrong mode, or a scope the token lacks (insufficient_scope)
//   404 unknown payment or endpoint          405 wrong method
//   409 already paid / refunded, an idempotency conflict or a request with the same key still running
//   413 body too large                       429 too many failed authentications
//   503 the gateway cannot be reached (Retry-After), or Paydesk cannot serve now
import type { ServerResponse } from 'node:http';
import { AppError } from '../../../shared/errors';
import { isConnectionLoss } from '../store/pg/sync-client';

export class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string, readonly headers: Record<string, string> = {}) {
    super(message);
  }
}

/** core's input fields -> the API's field names */
export const API_FIELD: Readonly<Record<string, string>> = {
  orderRef: 'order_id', amount: 'amount', currency: 'currency', accountId: 'account_id', customerEmail: 'customer_email',
  customerName: 'customer_name', customerPhone: 'customer_phone', description: 'description', expiresInMinutes: 'expires_in_minutes',
  kind: 'kind', notes: 'notes', successUrl: 'success_url', cancelUrl: 'cancel_url', paymentId: 'id', reason: 'reason', speed: 'speed', note: 'note', approval: 'amount',
};

/** AppError codes -> HTTP statuses */
const STATUS_OF: Readonly<Record<string, number>> = {
  invalid_input: 400, gateway_invalid: 400, unauthorized: 401, gateway_declined: 402, forbidden: 403, gateway_auth: 403,
  not_found: 404, conflict: 409, locked: 423, gateway_unreachable: 503, unavailable: 503, db_from_future: 503, store_unreachable: 503, internal: 500,
};

export interface ErrorAnswer {
  status: number;
  body: { error: { code: string; message: string; field?: string } };
  headers: Record<string, string>;
}

const answer = (status: number, code: string, message: string, field?: string, headers: Record<string, string> = {}): ErrorAnswer =>
  ({ status, body: { error: { code, message, ...(field ? { field } : {}) } }, headers });

/** The answer to a thrown error; null for one that is not ours (the caller logs it and answers 500). */
export function errorAnswer(err: unknown): ErrorAnswer | null {
  if (err instanceof HttpError) return answer(err.status, err.code, err.message, err.field, err.headers);
  // the team database went away under the call: the shop's server may try again shortly
  if (isConnectionLoss(err)) return answer(503, 'store_unreachable', 'Paydesk cannot reach its database right now. Try again in a minute.', undefined, { 'retry-after': '30' });
  if (!(err instanceof AppError)) return null;
  const field = err.field ? (API_FIELD[err.field] ?? err.field) : undefined;
  if (err.code === 'gateway_auth') {
    // the gateway refused the account's key: the field is the account's, which the shop names as account_id
    return answer(403, 'gateway_auth', err.message, 'account_id');
  }
  const headers: Record<string, string> = err.code === 'gateway_unreachable' ? { 'retry-after': '60' } : {};
  return answer(STATUS_OF[err.code] ?? 500, err.code, err.message, field, headers);
}

export const internalAnswer = (): ErrorAnswer => answer(500, 'internal', 'Something went wrong inside Paydesk. The details are in its log.');

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}
