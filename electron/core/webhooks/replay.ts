// Replay guards that the gateways' signatures leave to the receiver (used by ingest.ts).
//
// - The same signed body is one event. Razorpay signs the body only: x-razorpay-event-id is not signed,
//   so a captured body re-sent under a new id would look new. Its SHA-256 is stored with a UNIQUE index
//   per account (migration 009); a second delivery of the same bytes is a duplicate (2xx, nothing
//   changes) whatever its id. Stripe needs no hash: its event id is inside the signed body, so the same
//   bytes always carry the same id and the UNIQUE event id already catches them.
// - Nothing dated from the future. stripe-node's constructEvent refuses a `t` older than its tolerance
//   but accepts any `t` ahead, and a Razorpay event's `created_at` was only checked for age. A time far
//   ahead keeps a captured delivery "fresh" for as long as it is ahead, so a time more than the allowed
//   clock skew ahead of Paydesk's clock is refused (future_timestamp), on both gateways.
import { createHash } from 'node:crypto';
import type { Db } from '../store/db';
import type { WebhookEventsRepo } from '../store/repos/webhook-events';

/** stripe-node's DEFAULT_TOLERANCE into the past, allowed into the future too (clocks disagree a little) */
export const DEFAULT_MAX_SKEW_SEC = 300;

export const bodySha256 = (body: Buffer): Buffer => createHash('sha256').update(body).digest();

/**
 * The `t` of a Stripe-Signature header, read the way stripe-node reads it (the last `t=` wins, parseInt),
 * so it is the timestamp the verified HMAC covered. NaN when there is none.
 */
export function stripeSignedAtSec(header: string): number {
  let t = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') t = Number.parseInt(value ?? '', 10);
  }
  return t;
}

/** Whether a gateway time (unix seconds) is more than `maxSkewSec` ahead of `nowMs`, counted in whole seconds as stripe-node counts age. */
export const isAhead = (atSec: number, nowMs: number, maxSkewSec: number): boolean => atSec - Math.floor(nowMs / 1000) > maxSkewSec;

/**
 * Hashes Razorpay rows stored before body hashes existed whose event time is at or after `sinceMs` (older
 * ones are refused by age anyway), in one transaction. Returns how many rows got a hash; after the first
 * run it finds nothing (one look-up in an empty partial index), as new rows are stored with their hash.
 */
export function hashStoredBodies(db: Db, events: WebhookEventsRepo, sinceMs: number): number {
  const ids = events.unhashedRazorpay(sinceMs);
  if (ids.length === 0) return 0;
  return db.transaction(() => {
    let n = 0;
    for (const id of ids) {
      const raw = events.rawOf(id);
      if (raw && events.setBodyHash(id, bodySha256(raw))) n++;
    }
    return n;
  }).immediate();
}
