// Migration 014: the outbox of callbacks to the shop (electron/core/callbacks/), kept in the store so an
// event survives a restart and, later, several desks sharing one store deliver each event once.
//
// One row per event. UNIQUE (type, subject) makes enqueuing the same fact twice a no-op: the subject is the
// payment id, or the gateway's refund id for payment.refunded (one event per refund). The payload is frozen
// at enqueue, so every attempt (and a resend) sends the same body. A worker claims a due row by moving its
// next_attempt_at past now in one UPDATE (a lease): a second worker no longer sees it as due.
// callback_attempts logs each try (HTTP status or the error in words, never a secret).
import type { Migration } from './types';

export const migration: Migration = {
  version: 14,
  name: 'callback-outbox',
  sql: /* sql */ `
CREATE TABLE callback_events (
  id              TEXT    PRIMARY KEY CHECK (id LIKE 'evt_%'),
  type            TEXT    NOT NULL CHECK (type IN ('payment.paid', 'payment.failed', 'payment.refunded', 'link.expired')),
  subject         TEXT    NOT NULL,
  payment_id      TEXT    NOT NULL,
  account_id      TEXT    NOT NULL,
  livemode        INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  payload         TEXT    NOT NULL,
  created_at      INTEGER NOT NULL,
  status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
  next_attempt_at INTEGER,
  last_status     INTEGER CHECK (last_status IS NULL OR last_status BETWEEN 100 AND 599),
  last_error      TEXT,
  delivered_at    INTEGER,
  UNIQUE (type, subject),
  CHECK ((status = 'pending') = (next_attempt_at IS NOT NULL)),
  CHECK ((status = 'delivered') = (delivered_at IS NOT NULL))
) STRICT;
CREATE INDEX callback_events_due ON callback_events (next_attempt_at) WHERE status = 'pending';
CREATE INDEX callback_events_recent ON callback_events (created_at DESC);

CREATE TABLE callback_attempts (
  id           INTEGER PRIMARY KEY,
  event_id     TEXT    NOT NULL REFERENCES callback_events (id) ON DELETE CASCADE,
  at           INTEGER NOT NULL,
  http_status  INTEGER CHECK (http_status IS NULL OR http_status BETWEEN 100 AND 599),
  error        TEXT,
  duration_ms  INTEGER NOT NULL CHECK (duration_ms >= 0),
  -- an answer's status, or why there was none (an error with a status: a 2xx whose body could not be read)
  CHECK (http_status IS NOT NULL OR error IS NOT NULL)
) STRICT;
CREATE INDEX callback_attempts_of_event ON callback_attempts (event_id, at);
`,
};
