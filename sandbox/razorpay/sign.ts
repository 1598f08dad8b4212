import { createHmac, randomBytes } from 'node:crypto';
import type { Signer } from '../core/types';

/** hex HMAC-SHA256(secret, message): Razorpay's webhook, checkout and payment-link signatures */
export function hmacHex(secret: string, message: string): string {
  return createHmac('sha256', secret).update(message, 'utf8').digest('hex');
}

/** Signs a Razorpay webhook delivery for one target: `X-Razorpay-Signature` over the raw body with the webhook secret. */
export const razorpaySigner: Signer = (body, secret) => ({ 'X-Razorpay-Signature': hmacHex(secret, body) });

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Razorpay-style id: prefix + 14 base62 characters, e.g. pay_L0nSsccovt6zyp */
export function rzpId(prefix: string, length = 14): string {
  const bytes = randomBytes(length);
  let s = '';
  for (const b of bytes) s += BASE62[b % 62];
  return prefix ? `${prefix}_${s}` : s;
}
