// Random identifiers in the gateways' styles: a prefix plus base62 characters (pi_3Q..., evt_1P...).
import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** `length` random base62 characters. Rejection sampling keeps the distribution uniform. */
export function randomBase62(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 * 62: bytes above it would bias the first characters of the alphabet
      if (byte < 248 && out.length < length) out += ALPHABET[byte % 62];
    }
  }
  return out;
}

/** e.g. newId('pi') -> "pi_3kX9..." (24 random characters, like Stripe's) */
export function newId(prefix: string, length = 24): string {
  return `${prefix}_${randomBase62(length)}`;
}

/** Lowercase hex, for secrets that are not ids. */
export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}
