// Migration 015: the merchant API's rate counters (electron/core/api/throttle.ts), kept in the store so
// every desk sharing it counts the same requests, and a restart does not lift a block.
//
// One row per bucket: a client's failed authentications (`auth:<client>`) or a token's requests
// (`token:<id>`). `count` is the number seen in the window starting at `window_start`; `blocked_until`
// (ms, 0 = not blocked) outlives the window that caused it. Rows whose window and block have both passed are
// swept through the index on their expiry.
import type { Migration } from './types';

export const migration: Migration = {
  version: 15,
  name: 'api-rate',
  sql: /* sql */ `
CREATE TABLE api_rate (
  bucket        TEXT    NOT NULL PRIMARY KEY CHECK (length(bucket) BETWEEN 1 AND 200),
  window_start  INTEGER NOT NULL,
  count         INTEGER NOT NULL CHECK (count >= 0),
  blocked_until INTEGER NOT NULL DEFAULT 0,
  -- when the row can go: the later of the window's end and the block's end
  expires_at    INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE INDEX api_rate_by_expiry ON api_rate (expires_at);
`,
};
