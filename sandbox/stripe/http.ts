// The request pipeline every /v1 endpoint shares: API-key check, form/query parsing, Idempotency-Key
// replay, error shaping, `expand[]` and list pagination.
import { timingSafeEqual } from 'node:crypto';
import { stripeError } from '../core/errors.js';
import type { SandboxHandler, SandboxRequest, SandboxResponse } from '../core/types.js';
import { invalid, parseForm, StripeApiError, type FormObject } from './form.js';
import type { StripeState } from './state.js';

const IDEMPOTENCY_TTL_MS = 24 * 60 * 60 * 1000;

export interface ApiCall {
  req: SandboxRequest;
  params: FormObject;
  idempotencyKey: string | null;
}

/** What a handler returns: an API object (status 200) that the pipeline expands and serialises. */
export type ApiResult = object;

export interface PipelineDeps {
  state: () => StripeState;
  secretKey: string;
  publishableKey: string;
  now: () => number;
  touch: () => void;
  expand: (body: object, paths: string[]) => object;
}

function keysEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function apiKeyFrom(req: SandboxRequest): string | null {
  const auth = req.headers.authorization;
  if (!auth) return null;
  const bearer = /^Bearer\s+(\S+)$/i.exec(auth);
  if (bearer?.[1]) return bearer[1];
  const basic = /^Basic\s+(\S+)$/i.exec(auth);
  if (basic?.[1]) return Buffer.from(basic[1], 'base64').toString('utf8').split(':')[0] ?? '';
  return '';
}

function redact(key: string): string {
  return key.length > 12 ? `${key.slice(0, 8)}${'*'.repeat(12)}${key.slice(-4)}` : '****';
}

export function errorResponse(err: StripeApiError): SandboxResponse {
  return stripeError(err.status, { type: err.type, message: err.message, code: err.code, param: err.param, decline_code: err.declineCode });
}

/** Sorted, so the same parameters in another order count as the same request. */
function fingerprint(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(fingerprint).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${fingerprint((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function createPipeline(deps: PipelineDeps) {
  const inFlight = new Set<string>();

  const authenticate = (req: SandboxRequest): SandboxResponse | null => {
    const key = apiKeyFrom(req);
    if (key === null) {
      return stripeError(401, { type: 'invalid_request_error', message: 'You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').' });
    }
    if (keysEqual(key, deps.publishableKey)) {
      return stripeError(403, { type: 'invalid_request_error', code: 'secret_key_required', message: 'This API call cannot be made with a publishable API key. Please use a secret API key.' });
    }
    if (!keysEqual(key, deps.secretKey)) {
      return stripeError(401, { type: 'invalid_request_error', message: `Invalid API Key provided: ${redact(key)}` });
    }
    return null;
  };

  /** Wraps an endpoint. `mutates` endpoints honour Idempotency-Key (POST and DELETE, like Stripe). */
  return function endpoint(run: (call: ApiCall) => ApiResult): SandboxHandler {
    return (req) => {
      const authError = authenticate(req);
      if (authError) return authError;

      let params: FormObject;
      try {
        params = req.method === 'GET' ? parseForm(req.query.toString()) : parseForm(req.rawBody.toString('utf8'));
        if (req.method !== 'GET' && req.query.size > 0) params = { ...parseForm(req.query.toString()), ...params };
      } catch (err) {
        if (err instanceof StripeApiError) return errorResponse(err);
        throw err;
      }

      const mutates = req.method === 'POST' || req.method === 'DELETE';
      const rawKey = req.headers['idempotency-key'];
      const key = mutates && typeof rawKey === 'string' && rawKey !== '' ? rawKey : null;
      const state = deps.state();
      const print = fingerprint(params);

      if (key) {
        if (key.length > 255) return errorResponse(invalid('Idempotency keys can be at most 255 characters long.', undefined, 'idempotency_key_too_long'));
        const saved = state.idempotency[key];
        if (saved && deps.now() - saved.createdAt > IDEMPOTENCY_TTL_MS) delete state.idempotency[key];
        const record = state.idempotency[key];
        if (record) {
          if (record.method !== req.method || record.path !== req.path) {
            return stripeError(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${record.method} ${record.path}'). Try using a key other than '${key}' if you meant to execute a different request.` });
          }
          if (record.fingerprint !== print) {
            return stripeError(400, { type: 'idempotency_error', message: `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.` });
          }
          return { status: record.status, headers: { 'Idempotent-Replayed': 'true', 'Idempotency-Key': key }, body: record.body };
        }
        if (inFlight.has(key)) {
          return stripeError(409, { type: 'idempotency_error', code: 'idempotency_key_in_use', message: 'There is currently another in-progress request using this Stripe API key and idempotency key. Please try again later.' }, { 'Stripe-Should-Retry': 'true' });
        }
        inFlight.add(key);
      }

      let response: SandboxResponse;
      let save = true;
      try {
        const result = run({ req, params, idempotencyKey: key });
        const expand = Array.isArray(params.expand) ? params.expand.filter((e): e is string => typeof e === 'string') : [];
        response = { status: 200, body: expand.length > 0 ? deps.expand(result, expand) : result };
      } catch (err) {
        if (!(err instanceof StripeApiError)) {
          console.error(`[sandbox] stripe ${req.method} ${req.path} failed:`, err instanceof Error ? (err.stack ?? err.message) : err);
          response = stripeError(500, { type: 'api_error', message: 'An unknown error occurred while processing your request (Paydesk Sandbox).' });
        } else {
          response = errorResponse(err);
          // like Stripe: a request rejected by parameter validation never started, so nothing is saved
          save = !err.validation;
        }
      } finally {
        if (key) inFlight.delete(key);
      }
      if (key) {
        response.headers = { ...response.headers, 'Idempotency-Key': key };
        if (save) {
          state.idempotency[key] = { method: req.method, path: req.path, fingerprint: print, status: response.status, body: response.body, createdAt: deps.now() };
        }
      }
      deps.touch();
      return response;
    };
  };
}

/** Stripe list semantics over items ordered newest first. */
export function paginate<T extends { id: string }>(
  items: T[],
  params: { limit?: number; starting_after?: string; ending_before?: string },
  url: string,
): { object: 'list'; data: T[]; has_more: boolean; url: string } {
  const limit = params.limit ?? 10;
  let start = 0;
  let end = items.length;
  if (params.starting_after) {
    const i = items.findIndex((x) => x.id === params.starting_after);
    if (i < 0) throw invalid(`No such object: '${params.starting_after}'`, 'starting_after', 'resource_missing');
    start = i + 1;
  } else if (params.ending_before) {
    const i = items.findIndex((x) => x.id === params.ending_before);
    if (i < 0) throw invalid(`No such object: '${params.ending_before}'`, 'ending_before', 'resource_missing');
    end = i;
    start = Math.max(0, end - limit);
    return { object: 'list', data: items.slice(start, end), has_more: start > 0, url };
  }
  const data = items.slice(start, start + limit);
  return { object: 'list', data, has_more: start + limit < end, url };
}

export const newestFirst = <T>(record: Record<string, T>): T[] => Object.values(record).reverse();
