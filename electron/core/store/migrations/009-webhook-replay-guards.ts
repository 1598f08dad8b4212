// Migration 009: two guards against replayed or forward-dated webhooks (electron/core/webhooks/replay.ts).
//
// webhook_events.body_sha256: Razorpay signs the body only; its x-razorpay-event-id header is not signed,
// so a captured body re-sent under a new event id would pass the UNIQUE event id as new. The SHA-256
// of the raw body, unique per account, makes the same signed bytes a duplicate whatever the id. Stripe
// rows leave it NULL: Stripe's event id is inside the signed body, so the event id already is the body's
// key, and NULLs keep Stripe events out of the index (one index write fewer per event in the group
// commit). Rows stored before this migration have no hash; the ingest hashes the Razorpay ones still
// inside its replay window when it starts, found through webhook_events_unhashed (new rows never enter it).
//
// security_events.kind gains 'future_timestamp' (a signature or event time too far ahead of Paydesk's
// clock). SQLite cannot change a CHECK, so the table is rebuilt with its rows, ids and index.
import type { Migration } from './types';

export const migration: Migration = {
  version: 9,
  name: 'webhook-replay-guards',
  sql: /* sql */ `
ALTER TABLE webhook_events ADD COLUMN body_sha256 BLOB CHECK (body_sha256 IS NULL OR length(body_sha256) = 32);
CREATE UNIQUE INDEX webhook_events_by_body ON webhook_events (account_id, body_sha256) WHERE body_sha256 IS NOT NULL;
-- gateway leads the key although the WHERE fixes it: without statistics the planner would otherwise prefer
-- the UNIQUE (gateway, account_id, event_id) index and read every Razorpay row at each start
CREATE INDEX webhook_events_unhashed ON webhook_events (gateway, created_at) WHERE gateway = 'razorpay' AND body_sha256 IS NULL;

CREATE TABLE security_events_new (
  id          INTEGER NOT NULL PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('missing_signature', 'bad_signature', 'stale_signature', 'future_timestamp', 'replayed', 'malformed', 'mode_mismatch', 'secret_missing')),
  gateway     TEXT    NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  -- as it appeared in the URL: may name no account ('*' when too many distinct ones were seen)
  account_id  TEXT    NOT NULL,
  -- start of the minute (ms)
  bucket      INTEGER NOT NULL,
  count       INTEGER NOT NULL CHECK (count > 0),
  first_at    INTEGER NOT NULL,
  last_at     INTEGER NOT NULL,
  -- the last reason in words; never a body, a header value or a secret
  detail      TEXT,
  UNIQUE (kind, gateway, account_id, bucket)
) STRICT;
INSERT INTO security_events_new (id, kind, gateway, account_id, bucket, count, first_at, last_at, detail)
  SELECT id, kind, gateway, account_id, bucket, count, first_at, last_at, detail FROM security_events;
DROP TABLE security_events;
ALTER TABLE security_events_new RENAME TO security_events;
CREATE INDEX security_events_by_last ON security_events (last_at DESC);
`,
};
