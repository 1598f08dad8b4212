// Migration 012: the merchant API's Idempotency-Keys (electron/core/api/idempotency.ts), kept in the store
// so a retried request is recognised after a restart and, later, by another desk sharing the store.
//
// One row per token and key. While the first request runs, `status` is NULL (a second request with the
// key is refused as in flight, as Stripe does); once answered, the row holds the answer to replay. The
// request is identified by its method, path and the SHA-256 of its body: the same key with another of
// these is a conflict. Rows are kept 24 hours (`created_at`), swept by age through their own index.
import type { Migration } from './types';

export const migration: Migration = {
  version: 12,
  name: 'api-idempotency',
  sql: /* sql */ `
CREATE TABLE api_idempotency (
  token_id     TEXT    NOT NULL,
  key          TEXT    NOT NULL CHECK (length(key) BETWEEN 1 AND 255),
  method       TEXT    NOT NULL,
  path         TEXT    NOT NULL,
  body_sha256  BLOB    NOT NULL CHECK (length(body_sha256) = 32),
  -- NULL while the first request is in flight
  status       INTEGER CHECK (status IS NULL OR status BETWEEN 100 AND 599),
  -- the answer's JSON body, replayed as sent
  response     TEXT,
  created_at   INTEGER NOT NULL,
  PRIMARY KEY (token_id, key),
  CHECK ((status IS NULL) = (response IS NULL))
) STRICT;
CREATE INDEX api_idempotency_by_age ON api_idempotency (created_at);
`,
};
