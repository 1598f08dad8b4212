// Replay guards that the gateways' signatures leave to the receiver (checked by each adapter's
// WebhookPort.verify, with the shared helpers of gateways/replay.ts).
//
// - The same signed body is one event. Where a gateway signs the body only (Razorpay: its event id header
//   is not signed), a captured body re-sent under a new id would look new, so its SHA-256 is stored with a
//   UNIQUE index per account (migration 009) and a second delivery of the same bytes is a duplicate (2xx,
//   nothing changes) whatever its id. Where the event id is inside the signed body (Stripe), the same bytes
//   always carry the same id and the UNIQUE event id already catches them.
// - Nothing dated from the future. A signature check that bounds only the age of a timestamp accepts any
//   time ahead, and a time far ahead keeps a captured delivery "fresh" for as long as it is ahead, so a time
//   more than the allowed clock skew ahead of Paydesk's clock is refused (future_timestamp).
import { bodySha256 } from '../gateways/replay';
import type { WebhookEventsRepo } from '../store/repos/webhook-events';
import type { Transact } from '../store/transaction';

/**
 * Hashes rows stored before body hashes existed whose event time is at or after `sinceMs` (older ones are
 * refused by age anyway), in one transaction. Returns how many rows got a hash; after the first run it
 * finds nothing (one look-up in an empty partial index), as new rows are stored with their hash.
 */
export function hashStoredBodies(transaction: Transact, events: WebhookEventsRepo, sinceMs: number): number {
  const ids = events.unhashedRazorpay(sinceMs);
  if (ids.length === 0) return 0;
  return transaction(() => {
    let n = 0;
    for (const id of ids) {
      const raw = events.rawOf(id);
      if (raw && events.setBodyHash(id, bodySha256(raw))) n++;
    }
    return n;
  });
}
