import { z } from 'zod';
import { APP_ERROR_CODES } from './error-codes';

/** Stable error codes that travel in the RPC envelope (listed, with what each means, in error-codes.ts). */
export const AppErrorCodeSchema = z.enum(APP_ERROR_CODES);
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
