// The RPC error codes, and the wire error checked without zod: the renderer's first chunk unwraps every
// answer, and keeping zod out of it keeps the page quick to start. shared/errors.ts builds its zod schemas
// (the ones core uses) from the same list.

/** Stable error codes that travel in the RPC envelope. The UI branches on these, never on messages. */
export const APP_ERROR_CODES = [
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
  'store_unreachable', // the team database (PostgreSQL) cannot be reached: nothing changes until it is back
  'unavailable', // a feature that cannot work in this environment
  'internal',
] as const;

const CODES: ReadonlySet<string> = new Set(APP_ERROR_CODES);

/**
 * What WireErrorSchema.safeParse accepts, as a plain check: { code, message, field?, retryable } with a known
 * code; unknown keys are dropped. Null for anything else.
 */
export function parseWireError(v: unknown): { code: (typeof APP_ERROR_CODES)[number]; message: string; field?: string; retryable: boolean } | null {
  if (typeof v !== 'object' || v === null) return null;
  const e = v as Record<string, unknown>;
  if (typeof e.code !== 'string' || !CODES.has(e.code) || typeof e.message !== 'string' || typeof e.retryable !== 'boolean') return null;
  if (e.field !== undefined && typeof e.field !== 'string') return null;
  const out: { code: (typeof APP_ERROR_CODES)[number]; message: string; field?: string; retryable: boolean } = {
    code: e.code as (typeof APP_ERROR_CODES)[number],
    message: e.message,
    retryable: e.retryable,
  };
  if (e.field !== undefined) out.field = e.field;
  return out;
}
