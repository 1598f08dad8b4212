// Stripe's request encoding: application/x-www-form-urlencoded with nested brackets
// (line_items[0][price_data][currency]=usd, expand[]=payment_intent, metadata[order]=42), parsed
// into plain objects, then validated with zod schemas whose issues become Stripe's 400 errors
// ("Received unknown parameter: x", "Missing required param: y.", "Invalid integer: z").
import { z } from 'zod';
import { currencyExponent, isKnownCurrency } from '../../shared/money.js';

export type FormValue = string | FormValue[] | { [key: string]: FormValue };
export type FormObject = { [key: string]: FormValue };

/** A Stripe-shaped request error; `validation` marks errors raised before the request ran (never saved for idempotency). */
export class StripeApiError extends Error {
  constructor(
    readonly status: number,
    readonly type: 'invalid_request_error' | 'authentication_error' | 'card_error' | 'api_error' | 'idempotency_error',
    message: string,
    readonly code?: string,
    readonly param?: string,
    readonly declineCode?: string,
    readonly validation = false,
  ) {
    super(message);
  }
}

export const invalid = (message: string, param?: string, code?: string): StripeApiError =>
  new StripeApiError(400, 'invalid_request_error', message, code, param, undefined, true);

export const missingResource = (kind: string, id: string, param = 'id'): StripeApiError =>
  new StripeApiError(404, 'invalid_request_error', `No such ${kind}: '${id}'`, 'resource_missing', param);

function splitKey(key: string): string[] | null {
  const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
  if (!m?.[1]) return null;
  const rest = m[2] ?? '';
  const segments = [m[1]];
  for (const seg of rest.matchAll(/\[([^[\]]*)\]/g)) segments.push(seg[1] ?? '');
  return segments;
}

/** `a[b][0]=x&a[b][1]=y&e[]=1` -> { a: { b: ['x', 'y'] }, e: ['1'] } */
export function parseForm(text: string): FormObject {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(text)) {
    const segments = splitKey(key);
    if (!segments) throw invalid(`Invalid parameter name: ${key}`, key);
    let node: Record<string, unknown> = root;
    for (let i = 0; i < segments.length; i++) {
      let seg = segments[i] ?? '';
      const last = i === segments.length - 1;
      if (seg === '') seg = String(Object.keys(node).length); // `[]` appends
      if (last) {
        node[seg] = value;
      } else {
        const next = node[seg];
        if (typeof next === 'object' && next !== null) {
          node = next as Record<string, unknown>;
        } else {
          const fresh: Record<string, unknown> = {};
          node[seg] = fresh;
          node = fresh;
        }
      }
    }
  }
  return toArrays(root) as FormObject;
}

/** objects whose keys are all indexes become arrays (ordered by index) */
function toArrays(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (const k of keys) obj[k] = toArrays(obj[k]);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.map(Number).sort((a, b) => a - b).map((k) => obj[String(k)]);
  }
  return obj;
}

export function formatParam(path: ReadonlyArray<PropertyKey>): string {
  const [head, ...rest] = path.map(String);
  return `${head ?? ''}${rest.map((p) => `[${p}]`).join('')}`;
}

function lookup(root: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let node = root;
  for (const p of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<string, unknown>)[String(p)];
  }
  return node;
}

/** Validates parsed params against a schema; the first issue becomes Stripe's 400. */
export function validate<S extends z.ZodType>(schema: S, params: FormObject): z.output<S> {
  const result = schema.safeParse(params);
  if (result.success) return result.data;
  // like Stripe, an unknown parameter is reported before anything else
  const issue = result.error.issues.find((i) => i.code === 'unrecognized_keys') ?? result.error.issues[0];
  if (!issue) throw invalid('Invalid request');
  if (issue.code === 'unrecognized_keys') {
    const param = formatParam([...issue.path, issue.keys[0] ?? '']);
    throw invalid(`Received unknown parameter: ${param}`, param);
  }
  const param = formatParam(issue.path);
  if (lookup(params, issue.path) === undefined) throw invalid(`Missing required param: ${param}.`, param, 'parameter_missing');
  // custom messages are written in Stripe's words already; zod's own ones get Stripe's prefix
  const message = issue.code === 'custom' ? issue.message : `Invalid ${param}: ${issue.message}`;
  throw invalid(message, param, issue.code === 'custom' && issue.params?.code ? String(issue.params.code) : 'parameter_invalid');
}

// ---- field schemas (all form values arrive as strings)

export const zString = z.string();

export const zInt = z.string().transform((s, ctx) => {
  if (!/^-?\d+$/.test(s) || !Number.isSafeInteger(Number(s))) {
    ctx.addIssue({ code: 'custom', message: `Invalid integer: ${s}`, params: { code: 'parameter_invalid_integer' } });
    return z.NEVER;
  }
  return Number(s);
});

export const zNonNegInt = zInt.refine((n) => n >= 0, { message: 'This value must be greater than or equal to 0.' });
export const zPositiveInt = zInt.refine((n) => n >= 1, { message: 'This value must be greater than or equal to 1.' });

export const zBool = z.string().transform((s, ctx) => {
  if (s === 'true') return true;
  if (s === 'false') return false;
  ctx.addIssue({ code: 'custom', message: `Invalid boolean: ${s}` });
  return z.NEVER;
});

export const zCurrency = z.string().transform((s, ctx) => {
  const code = s.toLowerCase();
  if (!/^[a-z]{3}$/.test(code) || !isKnownCurrency(code)) {
    ctx.addIssue({ code: 'custom', message: `Invalid currency: ${s}. Stripe currently supports these currencies: usd, eur, gbp, inr, jpy, ... (see shared/money.ts for the sandbox's list).` });
    return z.NEVER;
  }
  return code;
});

/** metadata[k]=v; an empty string unsets all (on update) */
export const zMetadata = z.union([z.literal('').transform(() => ({}) as Record<string, string>), z.record(z.string(), z.string())]).superRefine((m, ctx) => {
  const entries = Object.entries(m);
  if (entries.length > 50) ctx.addIssue({ code: 'custom', message: 'Invalid metadata: metadata can have at most 50 keys.' });
  for (const [k, v] of entries) {
    if (k.length > 40) ctx.addIssue({ code: 'custom', message: `Invalid metadata: keys can be at most 40 characters (${k}).` });
    if (v.length > 500) ctx.addIssue({ code: 'custom', message: `Invalid metadata: values can be at most 500 characters (${k}).` });
  }
});

export const zExpand = z.array(z.string()).optional();

export const zTimestampRange = z.union([
  zInt,
  z.strictObject({ gt: zInt.optional(), gte: zInt.optional(), lt: zInt.optional(), lte: zInt.optional() }),
]);

export type TimestampRange = z.output<typeof zTimestampRange>;

export function inRange(value: number, range: TimestampRange | undefined): boolean {
  if (range === undefined) return true;
  if (typeof range === 'number') return value === range;
  return (range.gt === undefined || value > range.gt) && (range.gte === undefined || value >= range.gte)
    && (range.lt === undefined || value < range.lt) && (range.lte === undefined || value <= range.lte);
}

export const listParams = {
  limit: zInt.refine((n) => n >= 1 && n <= 100, { message: 'This value must be between 1 and 100.' }).optional(),
  starting_after: zString.optional(),
  ending_before: zString.optional(),
  expand: zExpand,
};

/** Stripe's amount rules: integer minor units, at most 8 digits; three-decimal currencies must end in 0. */
export function checkAmount(amount: number, currency: string, param: string): void {
  if (amount > 99_999_999) throw invalid('Amount must be no more than 99999999 (8 digits).', param, 'amount_too_large');
  if (currencyExponent(currency) === 3 && amount % 10 !== 0) {
    throw invalid(`Invalid ${param}: ${currency.toUpperCase()} amounts must be a multiple of 10 minor units (Stripe rounds three-decimal currencies to two decimals).`, param, 'invalid_amount');
  }
}

/** Checkout's minimum charge: about $0.50 in the currency's minor units (50 for 2-decimal and 0-decimal currencies, 500 for 3-decimal). */
export function minimumCharge(currency: string): number {
  const exp = currencyExponent(currency);
  return exp === 3 ? 500 : 50;
}

/** Stripe's metadata update: metadata="" clears everything; metadata[k]="" removes one key. */
export function mergeMetadata(current: Record<string, string> | null, update: Record<string, string>): Record<string, string> {
  if (Object.keys(update).length === 0) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}
