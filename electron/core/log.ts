// Logging with redaction: every message and detail passes through `redact` before reaching the sink.
// Patterns catch key-shaped strings (sk_/rk_/whsec_/Basic and Bearer credentials); `extraSecrets` adds
// every secret the vault holds (Razorpay key secrets have no prefix to match on).
import type { CoreOptions } from './types';

export type LogLevel = 'info' | 'warn' | 'error';
export type Log = (level: LogLevel, message: string, detail?: Record<string, unknown>) => void;
export type LogSink = NonNullable<CoreOptions['log']>;

const PATTERNS: RegExp[] = [
  /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9_*]+/g,
  /\bwhsec_[A-Za-z0-9+/=_*]+/g,
  /\b(?:Basic|Bearer)\s+[A-Za-z0-9+/=._~-]+/gi,
];
/** "password": "..." and friends inside serialized JSON */
const KEY_VALUE = /("(?:password|key_secret|secret|secretKey|webhookSecret|authtoken|authorization)"\s*:\s*")[^"]*(")/gi;

export const REDACTED = '[redacted]';

export function redactString(text: string, extraSecrets: Iterable<string> = []): string {
  let out = text;
  for (const s of extraSecrets) {
    if (s.length >= 6) out = out.split(s).join(REDACTED);
  }
  out = out.replace(KEY_VALUE, `$1${REDACTED}$2`);
  for (const p of PATTERNS) out = out.replace(p, REDACTED);
  return out;
}

/** Turns anything (errors included) into plain JSON-able data, dropping request configs that carry credentials. */
export function toLoggable(value: unknown, depth = 0): unknown {
  if (depth > 6) return '[deep]';
  if (value instanceof Error) {
    const e = value as Error & { code?: unknown; statusCode?: unknown; type?: unknown; cause?: unknown };
    const out: Record<string, unknown> = { name: e.name, message: e.message };
    if (e.code !== undefined) out.code = e.code;
    if (e.statusCode !== undefined) out.statusCode = e.statusCode;
    if (e.type !== undefined) out.type = e.type;
    if (e.stack) out.stack = e.stack;
    if (e.cause !== undefined) out.cause = toLoggable(e.cause, depth + 1);
    return out;
  }
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => toLoggable(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (/^(config|request|headers|auth|_?key_secret|password)$/i.test(k)) continue;
      out[k] = toLoggable(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'bigint') return value.toString();
  return value;
}

export function redactDeep(value: unknown, secrets: Iterable<string>): unknown {
  const list = [...secrets];
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return redactString(v, list);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value);
}

export const consoleSink: LogSink = (level, message, detail) => {
  const line = `[paydesk] ${level}: ${message}${detail && Object.keys(detail).length ? ' ' + JSON.stringify(detail) : ''}`;
  if (level === 'info') console.log(line);
  else console.error(line);
};

export function createLog(sink: LogSink, secrets: () => Iterable<string>): Log {
  return (level, message, detail) => {
    try {
      const list = [...secrets()];
      const safeDetail = detail === undefined ? undefined : (redactDeep(toLoggable(detail), list) as Record<string, unknown>);
      sink(level, redactString(message, list), safeDetail);
    } catch {
      // logging must never break a request
    }
  };
}
