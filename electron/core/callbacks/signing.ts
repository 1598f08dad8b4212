// The callbacks' signature, in Stripe's shape so a shop that verified Stripe webhooks knows it:
//   Paydesk-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">[,v1=<...>]
// While a rotated-out secret still signs (its overlap window), each secret adds its own v1, and the shop
// accepts the request when any v1 matches one of the secrets it knows.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'Paydesk-Signature';
export const SECRET_PREFIX = 'pdcb_';
/** how far a signature's time may be from the receiver's clock */
export const DEFAULT_TOLERANCE_S = 300;

/** a new signing secret: 32 random bytes, base64url, behind its prefix */
export const newSecret = (): string => `${SECRET_PREFIX}${randomBytes(32).toString('base64url')}`;

export const hmacHex = (secret: string, t: number, body: string): string =>
  createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');

/** the header value for `body` at `t` (unix seconds), one v1 per secret, current first */
export function signatureHeader(secrets: readonly string[], t: number, body: string): string {
  return [`t=${t}`, ...secrets.map((s) => `v1=${hmacHex(s, t, body)}`)].join(',');
}

export interface ParsedSignature {
  t: number;
  v1: string[];
}

/** null when the header has no time or no v1 */
export function parseSignature(header: string | null | undefined): ParsedSignature | null {
  if (!header) return null;
  let t: number | null = null;
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const [k, v] = part.trim().split('=', 2) as [string, string | undefined];
    if (k === 't' && v && /^\d{1,12}$/.test(v)) t = Number(v);
    if (k === 'v1' && v && /^[0-9a-f]{64}$/.test(v)) v1.push(v);
  }
  return t === null || v1.length === 0 ? null : { t, v1 };
}

/**
 * What the shop does (docs/callbacks.md): true when the time is within the tolerance and any v1 equals the
 * HMAC of "t.body" under `secret`, compared in constant time.
 */
export function verifySignature(header: string | null | undefined, body: string, secret: string, nowS: number, toleranceS = DEFAULT_TOLERANCE_S): boolean {
  const sig = parseSignature(header);
  if (!sig || Math.abs(nowS - sig.t) > toleranceS) return false;
  const expected = Buffer.from(hmacHex(secret, sig.t, body), 'hex');
  return sig.v1.some((v) => timingSafeEqual(Buffer.from(v, 'hex'), expected));
}
