// Migration 002: payments (one row per link/session/order), their timeline, the raw webhook events
// (committed before the 2xx) and the security counter of refused webhooks. Money in INTEGER minor
// units, times in ms since the epoch, STRICT tables, every row tagged with livemode.
import type { Migration } from './types';

export const migration: Migration = {
  version: 2,
  name: 'payments',
  sql: /* sql */ `
CREATE TABLE payments (
  -- Paydesk id, e.g. pd_<random>; the gateway echoes it (client_reference_id, metadata/notes.paydesk_id, reference_id)
  id                  TEXT    NOT NULL PRIMARY KEY,
  account_id          TEXT    NOT NULL REFERENCES accounts (id),
  gateway             TEXT    NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  livemode            INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  kind                TEXT    NOT NULL CHECK (kind IN ('stripe_checkout', 'stripe_payment_link', 'razorpay_link', 'razorpay_order')),
  order_ref           TEXT    NOT NULL CHECK (length(order_ref) BETWEEN 1 AND 100),
  amount_minor        INTEGER NOT NULL CHECK (amount_minor > 0),
  currency            TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
  description         TEXT,
  customer_name       TEXT,
  customer_email      TEXT,
  customer_phone      TEXT,
  notes               TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(notes)),
  -- shared/status.ts PAYMENT_STATUSES; refund_state derived from the amounts
  status              TEXT    NOT NULL DEFAULT 'creating'
                      CHECK (status IN ('creating', 'open', 'failed', 'expired', 'cancelled', 'authorized', 'partially_paid', 'paid')),
  status_reason       TEXT,
  refund_state        TEXT    NOT NULL DEFAULT 'none' CHECK (refund_state IN ('none', 'partially_refunded', 'refunded')),
  -- the state machine's full state (shared/status.ts PaymentState) as canonical JSON; NULL before the first fact
  machine             TEXT    CHECK (machine IS NULL OR json_valid(machine)),
  -- committed before the gateway call; sent as Stripe Idempotency-Key / used as Razorpay reference_id
  idempotency_key     TEXT    NOT NULL UNIQUE,
  -- gateway ids: Stripe cs_ / plink_ / pi_ / ch_; Razorpay plink_ / order_ / pay_
  session_id          TEXT,
  plink_id            TEXT,
  order_id            TEXT,
  payment_intent_id   TEXT,
  charge_id           TEXT,
  -- the gateway payment that paid it: Razorpay pay_..., Stripe pi_...
  gateway_payment_id  TEXT,
  url                 TEXT,
  expires_at          INTEGER,
  paid_at             INTEGER,
  captured_minor      INTEGER NOT NULL DEFAULT 0 CHECK (captured_minor >= 0),
  refunded_minor      INTEGER NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  fee_minor           INTEGER,
  tax_minor           INTEGER,
  net_minor           INTEGER,
  created_by          TEXT,
  created_at          INTEGER NOT NULL,
  updated_at          INTEGER NOT NULL,
  UNIQUE (account_id, order_ref)
) STRICT;

CREATE INDEX payments_by_status_created  ON payments (status, created_at DESC);
CREATE INDEX payments_by_account_created ON payments (account_id, created_at DESC);
CREATE INDEX payments_by_created         ON payments (created_at DESC);
CREATE INDEX payments_by_paid            ON payments (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX payments_by_email           ON payments (customer_email COLLATE NOCASE) WHERE customer_email IS NOT NULL;
CREATE INDEX payments_by_session         ON payments (session_id)         WHERE session_id IS NOT NULL;
CREATE INDEX payments_by_plink           ON payments (plink_id)           WHERE plink_id IS NOT NULL;
CREATE INDEX payments_by_order           ON payments (order_id)           WHERE order_id IS NOT NULL;
CREATE INDEX payments_by_payment_intent  ON payments (payment_intent_id)  WHERE payment_intent_id IS NOT NULL;
CREATE INDEX payments_by_charge          ON payments (charge_id)          WHERE charge_id IS NOT NULL;
CREATE INDEX payments_by_gateway_payment ON payments (gateway_payment_id) WHERE gateway_payment_id IS NOT NULL;

-- Search by order ref, customer, description or any gateway id: substring match (trigram), rowid = payments.rowid.
CREATE VIRTUAL TABLE payments_fts USING fts5 (
  order_ref, customer_name, customer_email, customer_phone, description, gateway_ids,
  tokenize = 'trigram'
);

CREATE TRIGGER payments_fts_insert AFTER INSERT ON payments BEGIN
  INSERT INTO payments_fts (rowid, order_ref, customer_name, customer_email, customer_phone, description, gateway_ids)
  VALUES (new.rowid, new.order_ref, new.customer_name, new.customer_email, new.customer_phone, new.description,
          concat_ws(' ', new.id, new.session_id, new.plink_id, new.order_id, new.payment_intent_id, new.charge_id, new.gateway_payment_id));
END;

CREATE TRIGGER payments_fts_update AFTER UPDATE ON payments
WHEN old.order_ref IS NOT new.order_ref OR old.customer_name IS NOT new.customer_name OR old.customer_email IS NOT new.customer_email
  OR old.customer_phone IS NOT new.customer_phone OR old.description IS NOT new.description
  OR old.session_id IS NOT new.session_id OR old.plink_id IS NOT new.plink_id OR old.order_id IS NOT new.order_id
  OR old.payment_intent_id IS NOT new.payment_intent_id OR old.charge_id IS NOT new.charge_id OR old.gateway_payment_id IS NOT new.gateway_payment_id
BEGIN
  DELETE FROM payments_fts WHERE rowid = old.rowid;
  INSERT INTO payments_fts (rowid, order_ref, customer_name, customer_email, customer_phone, description, gateway_ids)
  VALUES (new.rowid, new.order_ref, new.customer_name, new.customer_email, new.customer_phone, new.description,
          concat_ws(' ', new.id, new.session_id, new.plink_id, new.order_id, new.payment_intent_id, new.charge_id, new.gateway_payment_id));
END;

CREATE TRIGGER payments_fts_delete AFTER DELETE ON payments BEGIN
  DELETE FROM payments_fts WHERE rowid = old.rowid;
END;

-- Every verified webhook, raw, committed before its 2xx. id = order of receipt (apply order).
CREATE TABLE webhook_events (
  id              INTEGER NOT NULL PRIMARY KEY,
  gateway         TEXT    NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  account_id      TEXT    NOT NULL REFERENCES accounts (id),
  -- Stripe evt_...; Razorpay x-razorpay-event-id (or sha256:<body hash> when the header is missing)
  event_id        TEXT    NOT NULL,
  type            TEXT    NOT NULL,
  livemode        INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  -- the exact bytes the signature covered
  raw             BLOB    NOT NULL,
  -- which secret verified it: the current one, or an older one kept during a rotation
  signature       TEXT    NOT NULL CHECK (signature IN ('valid', 'valid_previous_secret')),
  -- the gateway's event time (ms), NULL when the payload has none
  created_at      INTEGER,
  received_at     INTEGER NOT NULL,
  applied_at      INTEGER,
  apply_result    TEXT    CHECK (apply_result IS NULL OR apply_result IN ('changed', 'unchanged', 'unmatched', 'ignored', 'error')),
  payment_id      TEXT    REFERENCES payments (id),
  error           TEXT,
  UNIQUE (gateway, account_id, event_id)
) STRICT;

CREATE INDEX webhook_events_unapplied  ON webhook_events (id) WHERE applied_at IS NULL;
CREATE INDEX webhook_events_unmatched  ON webhook_events (account_id, id) WHERE apply_result = 'unmatched';
CREATE INDEX webhook_events_by_payment ON webhook_events (payment_id, id) WHERE payment_id IS NOT NULL;

-- The timeline of one payment: every fact, whether or not it changed what the merchant sees.
CREATE TABLE payment_events (
  id               INTEGER NOT NULL PRIMARY KEY,
  payment_id       TEXT    NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  -- the gateway's time of the fact (ms); local facts: when they happened
  at               INTEGER NOT NULL,
  recorded_at      INTEGER NOT NULL,
  -- shared/status.ts PaymentEvent type: created, opened, attempt_failed, authorized, captured, ...
  kind             TEXT    NOT NULL,
  source           TEXT    NOT NULL CHECK (source IN ('webhook', 'sync', 'local')),
  webhook_event_id INTEGER REFERENCES webhook_events (id),
  -- e.g. checkout.session.completed, payment.captured
  gateway_type     TEXT,
  -- the normalized fact as JSON (amounts, reason, refund id ...); never a secret
  detail           TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  -- 1 when it changed what the merchant sees (status, amounts, fees)
  changed          INTEGER NOT NULL CHECK (changed IN (0, 1)),
  status_after     TEXT    NOT NULL
) STRICT;

CREATE INDEX payment_events_by_payment ON payment_events (payment_id, at, id);

-- Refused webhooks, counted per kind, account and minute (a flood adds to a count, not rows).
CREATE TABLE security_events (
  id          INTEGER NOT NULL PRIMARY KEY,
  kind        TEXT    NOT NULL CHECK (kind IN ('missing_signature', 'bad_signature', 'stale_signature', 'replayed', 'malformed', 'mode_mismatch', 'secret_missing')),
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

CREATE INDEX security_events_by_last ON security_events (last_at DESC);
`,
};
