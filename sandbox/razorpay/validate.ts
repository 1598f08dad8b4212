// Request parsing and validation in the style of Razorpay's API: every failure is a 400 BAD_REQUEST_ERROR
// naming the offending `field`. Messages follow the wording of Razorpay's docs where the docs give one.

import { currencyExponent, isKnownCurrency, toMajorString } from '../../shared/money';
import { badRequest } from './errors';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
export type JsonObject = { [k: string]: Json };

/** Parses a JSON object body. An empty body is `{}` (the SDK posts no body for cancel). */
export function parseJsonBody(raw: Buffer): JsonObject {
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('The request body is not valid JSON.');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badRequest('The request body must be a JSON object.');
  return parsed as JsonObject;
}

/** Razorpay rejects unknown keys: "<field> is/are not required and should not be sent". */
export function rejectExtraFields(body: JsonObject, allowed: readonly string[], prefix = ''): void {
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length > 0) {
    const names = extra.map((k) => prefix + k);
    throw badRequest(`${names.join(', ')} is/are not required and should not be sent`, names[0] ?? null);
  }
}

export function optString(body: JsonObject, field: string, maxLen: number, label = field): string | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw badRequest(`The ${label} must be a string.`, label);
  if (v.length > maxLen) throw badRequest(`The ${label} may not be greater than ${maxLen} characters.`, label);
  return v;
}

export function optBool(body: JsonObject, field: string, label = field): boolean | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'boolean') return v;
  if (v === 1 || v === 0 || v === '1' || v === '0') return v === 1 || v === '1';
  if (v === 'true' || v === 'false') return v === 'true';
  throw badRequest(`The ${label} field must be true or false.`, label);
}

/** An integer that may arrive as a number or a digit string (the SDK types allow `number | string`). */
export function optInteger(body: JsonObject, field: string, label = field): number | undefined {
  const v = body[field];
  if (v === undefined || v === null) return undefined;
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) n = Number(v.trim());
  else throw badRequest(`The ${label} must be an integer.`, label);
  if (!Number.isSafeInteger(n)) throw badRequest(`The ${label} must be an integer.`, label);
  return n;
}

export function currencyOf(body: JsonObject, fallback = 'INR'): string {
  const v = body.currency;
  if (v === undefined || v === null) return fallback;
  if (typeof v !== 'string' || !/^[A-Za-z]{3}$/.test(v)) throw badRequest('The currency must be a 3-letter ISO code.', 'currency');
  const cur = v.toUpperCase();
  if (!isKnownCurrency(cur)) throw badRequest(`Currency ${v} is not supported`, 'currency');
  return cur;
}

/** Orders take no default currency (payment links default to INR). */
export function requiredCurrency(body: JsonObject): string {
  if (body.currency === undefined || body.currency === null || body.currency === '') throw badRequest('The currency field is required.', 'currency');
  return currencyOf(body);
}

/** Minimum charge: 100 subunits, as Razorpay's "The amount must be atleast INR 1.00". */
export const MIN_AMOUNT = 100;

export function minAmountMessage(currency: string): string {
  return `The amount must be atleast ${currency} ${toMajorString(MIN_AMOUNT, currency)}.`;
}

export function requiredAmount(body: JsonObject, currency: string): number {
  if (body.amount === undefined || body.amount === null) throw badRequest('The amount field is required.', 'amount');
  return checkAmount(optInteger(body, 'amount') as number, currency);
}

export function checkAmount(n: number, currency: string): number {
  if (n < 0) throw badRequest('The amount must be a positive integer.', 'amount');
  if (n < MIN_AMOUNT) throw badRequest(minAmountMessage(currency), 'amount');
  if (n > 99_999_999_999) throw badRequest('The amount exceeds the maximum amount allowed.', 'amount');
  // three-decimal currencies: the last digit must be 0 (Razorpay's "pass the last decimal number as 0")
  if (currencyExponent(currency) === 3 && n % 10 !== 0) throw badRequest('The amount for three-decimal currencies must end in 0.', 'amount');
  return n;
}

/** notes: at most 15 keys, string/number values of at most 256 characters. Empty notes are `[]`, as Razorpay returns them. */
export function notesOf(body: JsonObject, field = 'notes'): Record<string, string | number> | [] {
  const v = body[field];
  if (v === undefined || v === null) return [];
  if (Array.isArray(v)) {
    if (v.length === 0) return [];
    throw badRequest(`The ${field} must be an object of key-value pairs.`, field);
  }
  if (typeof v !== 'object') throw badRequest(`The ${field} must be an object of key-value pairs.`, field);
  const keys = Object.keys(v);
  if (keys.length > 15) throw badRequest(`The ${field} may not have more than 15 items.`, field);
  const out: Record<string, string | number> = {};
  for (const k of keys) {
    const val = v[k];
    if (typeof val !== 'string' && typeof val !== 'number') throw badRequest(`The ${field}.${k} must be a string or a number.`, field);
    if (String(val).length > 256) throw badRequest('value: the length must not be greater than 256.', field);
    out[k] = val;
  }
  return keys.length === 0 ? [] : out;
}

export interface ListParams {
  from: number | undefined;
  to: number | undefined;
  count: number;
  skip: number;
}

function queryInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^\d+$/.test(v)) throw badRequest(`The ${name} must be an integer.`, name);
  return Number(v);
}

export function listParams(q: URLSearchParams, maxCount = 100): ListParams {
  const count = queryInt(q, 'count') ?? 10;
  if (count < 1) throw badRequest('The count must be at least 1.', 'count');
  if (count > maxCount) throw badRequest(`The count may not be greater than ${maxCount}.`, 'count');
  return { from: queryInt(q, 'from'), to: queryInt(q, 'to'), count, skip: queryInt(q, 'skip') ?? 0 };
}

export function applyList<T extends { created_at: number }>(items: T[], p: ListParams): T[] {
  return [...items]
    .reverse() // newest first, and among equal timestamps the later-created first (the sort is stable)
    .filter((i) => (p.from === undefined || i.created_at >= p.from) && (p.to === undefined || i.created_at <= p.to))
    .sort((a, b) => b.created_at - a.created_at)
    .slice(p.skip, p.skip + p.count);
}
