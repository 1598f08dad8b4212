// The renderer's error type. Both transports rebuild it from an error envelope, so screens branch on
// `code` and mark `field`, never parse messages (STYLE.md §1.3).
import { parseWireError } from '../../../shared/error-codes';
import type { AppErrorCode, WireError } from '../../../shared/errors';

/**
 * AppErrorCode from core, plus two the renderer makes itself: the engine cannot be reached at all, or
 * (browser mode) the host refused this page's token with HTTP 401, i.e. it restarted with a new one.
 * 'unauthorized' stays what core means by it (a missing or wrong operator PIN).
 */
export type ApiErrorCode = AppErrorCode | 'host_unreachable' | 'session_ended';

export class ApiError extends Error {
  readonly code: ApiErrorCode;
  readonly field: string | undefined;
  readonly retryable: boolean;

  constructor(code: ApiErrorCode, message: string, opts: { field?: string | undefined; retryable?: boolean } = {}) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.field = opts.field;
    this.retryable = opts.retryable ?? (code === 'host_unreachable' || code === 'gateway_unreachable');
  }

  static fromWire(error: WireError): ApiError {
    return new ApiError(error.code, error.message, { field: error.field, retryable: error.retryable });
  }

  /** Anything that came back as an error envelope, checked; a malformed one becomes `internal`. */
  static fromUnknownWire(error: unknown): ApiError {
    const parsed = parseWireError(error);
    if (parsed) return ApiError.fromWire(parsed);
    return new ApiError('internal', 'Paydesk answered with an error it could not describe.');
  }

  static sessionEnded(): ApiError {
    return new ApiError('session_ended', 'This page has no valid access to Paydesk: Paydesk was restarted, or the page was opened without its link. Open it from the link Paydesk printed.');
  }

  static unreachable(): ApiError {
    return new ApiError('host_unreachable', 'Paydesk’s engine is not answering. It may have stopped or restarted.', { retryable: true });
  }
}

/** Shared by both transports: the value of an ok envelope, or a thrown ApiError. */
export function unwrap(envelope: unknown): unknown {
  if (typeof envelope === 'object' && envelope !== null && 'ok' in envelope) {
    const e = envelope as { ok: unknown; value?: unknown; error?: unknown };
    if (e.ok === true) return e.value;
    if (e.ok === false) throw ApiError.fromUnknownWire(e.error);
  }
  throw new ApiError('internal', 'Paydesk answered in a shape it does not understand.');
}
