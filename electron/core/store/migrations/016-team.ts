// Migration 016: the team of desks that share one store. On SQLite a store has one desk and these tables stay
// empty; on PostgreSQL they are how desks find each other (electron/core/team/).
//
// - team_meta: one row once a team exists. `key_check` is an HMAC made with the team key, so a desk can tell
//   that the key it holds is the team's before it opens any secret; the key itself is never stored here.
// - team_desks: every desk that received the team key, and whether an owner removed it. Removing a desk
//   rotates nothing: the owner sees which desks still hold the key.
// - team_join_codes: an owner's one-time code. `id` is the SHA-256 of the code; the team key is sealed
//   (AES-256-GCM) under a key derived from the code, so the row alone opens nothing. Single use
//   (`used_at`), short-lived (`expires_at`).
// - team_lease: who runs the singleton jobs (tunnel, listener, API, callbacks, sync, report refresh). One row
//   per lease name; a holder renews before `expires_at` (the database's clock on PostgreSQL), another desk
//   takes it once it has passed. `public_url` is the address the holder registered with the gateways, so the
//   next holder knows whether the endpoint must move.
import type { Migration } from './types';

export const migration: Migration = {
  version: 16,
  name: 'team',
  sql: /* sql */ `
CREATE TABLE team_meta (
  id         INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  team_id    TEXT    NOT NULL CHECK (length(team_id) BETWEEN 1 AND 100),
  key_check  BLOB    NOT NULL,
  created_at INTEGER NOT NULL
) STRICT;

CREATE TABLE team_desks (
  id           TEXT    NOT NULL PRIMARY KEY CHECK (length(id) BETWEEN 1 AND 100),
  name         TEXT    NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
  joined_at    INTEGER NOT NULL,
  -- who let it in: an owner's name, or how the team began ('first desk', 'migration')
  joined_by    TEXT    NOT NULL,
  last_seen_at INTEGER NOT NULL,
  removed_at   INTEGER,
  removed_by   TEXT
) STRICT;

CREATE TABLE team_join_codes (
  id          TEXT    NOT NULL PRIMARY KEY CHECK (length(id) = 64),
  nonce       BLOB    NOT NULL,
  wrapped_key BLOB    NOT NULL,
  tag         BLOB    NOT NULL,
  created_by  TEXT    NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER,
  used_by     TEXT
) STRICT;
CREATE INDEX team_join_codes_by_expiry ON team_join_codes (expires_at);

CREATE TABLE team_lease (
  name        TEXT    NOT NULL PRIMARY KEY CHECK (length(name) BETWEEN 1 AND 100),
  holder_id   TEXT    NOT NULL,
  holder_name TEXT    NOT NULL,
  acquired_at INTEGER NOT NULL,
  renewed_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  public_url  TEXT
) STRICT;
`,
};
