import { z } from 'zod';

/** Stable error codes that travel in the RPC envelope. The UI branches on these, never on messages. */
export const AppErrorCodeSchema = z.enum([
  'invalid_input', // a field is wrong: `field` names it
  'not_found',
  'conflict', // already done / state changed underneath
  'unauthorized', // missing or wrong operator PIN, wrong token
  'forbidden', // the operator's role may not do this
  'locked', // the console is locked: choose who is at the desk
  'gateway_auth', // the gateway refused the keys
  'gateway_declined', // the card or payment was declined
  'gateway_invalid', // the gateway refused the request's parameters
  'gateway_unreachable', // network error, timeout, 5xx or 429 after retries
  'db_from_future', // the database was written by a newer Paydesk
  'unavailable', // a feature that cannot work in this environment
  'internal',
]);
export type AppErrorCode = z.infer<typeof AppErrorCodeSchema>;

export const WireErrorSchema = z.object({
  code: AppErrorCodeSchema,
  message: z.string(),
  field: z.string().optional(),
  retryable: z.boolean(),
});
export type WireError = z.infer<typeof WireErrorSchema>;

/** Thrown inside core; converted to a WireError at the RPC boundary. Messages must never contain secrets. */
export class AppError extends Error {
  readonly code: AppErrorCode;
  readonly field: string | undefined;
  readonly retryable: boolean;
  constructor(code: AppErrorCode, message: string, opts: { field?: string; retryable?: boolean; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'AppError';
    this.code = code;
    this.field = opts.field;
    this.retryable = opts.retryable ?? (code === 'gateway_unreachable');
  }
  toWire(): WireError {
    const w: WireError = { code: this.code, message: this.message, retryable: this.retryable };
    if (this.field !== undefined) w.field = this.field;
    return w;
  }
}

export const invalid = (field: string, message: string): AppError => new AppError('invalid_input', message, { field });

export type Envelope<T> = { ok: true; value: T } | { ok: false; error: WireError };
