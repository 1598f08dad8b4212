// PostgreSQL baseline, part 1: helper functions, accounts, the vault, settings, operators, payments (with
// their trigram search) and the webhook and payment timelines. The same tables, columns (in the same order),
// constraints and index names as SQLite's migrations 001-015 leave them, so repository SQL can be shared.
// Translation rules (the parity test, test/migrations/pg-parity.test.ts, checks the result against SQLite):
//   INTEGER → bigint (money in minor units, ms timestamps, counts; the worker reads int8 as a number);
//   a 0/1 flag → smallint, so shared SQL binds the same 1/0; BLOB → bytea (length → octet_length);
//   TEXT → text COLLATE "C": SQLite's BINARY whatever the server's locale, so ORDER BY, keyset cursors and
//   the id-prefix ranges (payment-list.ts) compare bytes as on SQLite, and lower() / ILIKE fold ASCII only,
//   as NOCASE and SQLite's LIKE do;
//   INTEGER PRIMARY KEY (SQLite's rowid) → bigint identity, BY DEFAULT so a move from SQLite keeps its ids;
//   json_valid(x) → paydesk_json_valid(x); COLLATE NOCASE in an index → lower(x); STRICT / WITHOUT ROWID dropped.
export const BASELINE_CORE = /* sql */ `
-- SQLite's json_valid: true for valid JSON text, NULL for NULL (so a CHECK on a nullable column passes).
-- Text, not jsonb, is what the columns keep: jsonb would reorder keys and the worker would hand back objects.
CREATE FUNCTION paydesk_json_valid(value text) RETURNS boolean
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  PERFORM value::json;
  RETURN true;
EXCEPTION WHEN data_exception THEN
  RETURN false;
END
$fn$;

CREATE TABLE accounts (
  id                   text COLLATE "C"     NOT NULL PRIMARY KEY,
  gateway              text COLLATE "C"     NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  mode                 text COLLATE "C"     NOT NULL CHECK (mode IN ('test', 'live')),
  livemode             smallint NOT NULL CHECK (livemode = (mode = 'live')::int),
  label                text COLLATE "C"     NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
  public_key           text COLLATE "C",
  secret_key_ref       text COLLATE "C",
  webhook_secret_ref   text COLLATE "C",
  sandbox              smallint NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1)),
  builtin              text COLLATE "C"     UNIQUE,
  verification_status  text COLLATE "C"     NOT NULL DEFAULT 'unverified' CHECK (verification_status IN ('unverified', 'verified', 'failed')),
  verified_at          bigint,
  verification_message text COLLATE "C",
  created_at           bigint   NOT NULL,
  updated_at           bigint   NOT NULL,
  CHECK (sandbox = 0 OR mode = 'test'),
  CHECK (builtin IS NULL OR sandbox = 1)
);
CREATE INDEX accounts_by_created ON accounts (created_at, id);

CREATE TABLE vault_secrets (
  ref         text COLLATE "C"   NOT NULL PRIMARY KEY,
  nonce       bytea  NOT NULL CHECK (octet_length(nonce) = 12),
  ciphertext  bytea  NOT NULL,
  tag         bytea  NOT NULL CHECK (octet_length(tag) = 16),
  last4       text COLLATE "C",
  mode        text COLLATE "C"   CHECK (mode IS NULL OR mode IN ('test', 'live')),
  created_at  bigint NOT NULL,
  updated_at  bigint NOT NULL
);

CREATE TABLE vault_meta (
  id          bigint NOT NULL PRIMARY KEY CHECK (id = 1),
  protector   text COLLATE "C"   NOT NULL CHECK (protector IN ('safeStorage', 'keyring', 'keyfile')),
  sealed_key  bytea  NOT NULL,
  created_at  bigint NOT NULL
);

CREATE TABLE settings (
  key         text COLLATE "C"   NOT NULL PRIMARY KEY,
  value       text COLLATE "C"   NOT NULL CHECK (paydesk_json_valid(value)),
  updated_at  bigint NOT NULL
);

CREATE TABLE operators (
  id           text COLLATE "C"   NOT NULL PRIMARY KEY,
  name         text COLLATE "C"   NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
  role         text COLLATE "C"   NOT NULL CHECK (role IN ('owner', 'staff')),
  -- SQLite's LIKE ignores ASCII case
  pin_hash     text COLLATE "C"   NOT NULL CHECK (pin_hash ILIKE 'scrypt$%'),
  created_at   bigint NOT NULL,
  updated_at   bigint NOT NULL,
  disabled_at  bigint
);
CREATE UNIQUE INDEX operators_active_name ON operators (lower(name)) WHERE disabled_at IS NULL;

CREATE TABLE payments (
  id                  text COLLATE "C"     NOT NULL PRIMARY KEY,
  account_id          text COLLATE "C"     NOT NULL REFERENCES accounts (id),
  gateway             text COLLATE "C"     NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  livemode            smallint NOT NULL CHECK (livemode IN (0, 1)),
  kind                text COLLATE "C"     NOT NULL CHECK (kind IN ('stripe_checkout', 'stripe_payment_link', 'razorpay_link', 'razorpay_order')),
  order_ref           text COLLATE "C"     NOT NULL CHECK (length(order_ref) BETWEEN 1 AND 100),
  amount_minor        bigint   NOT NULL CHECK (amount_minor > 0),
  currency            text COLLATE "C"     NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
  description         text COLLATE "C",
  customer_name       text COLLATE "C",
  customer_email      text COLLATE "C",
  customer_phone      text COLLATE "C",
  notes               text COLLATE "C"     NOT NULL DEFAULT '{}' CHECK (paydesk_json_valid(notes)),
  status              text COLLATE "C"     NOT NULL DEFAULT 'creating'
                      CHECK (status IN ('creating', 'open', 'failed', 'expired', 'cancelled', 'authorized', 'partially_paid', 'paid')),
  status_reason       text COLLATE "C",
  refund_state        text COLLATE "C"     NOT NULL DEFAULT 'none' CHECK (refund_state IN ('none', 'partially_refunded', 'refunded')),
  machine             text COLLATE "C"     CHECK (machine IS NULL OR paydesk_json_valid(machine)),
  idempotency_key     text COLLATE "C"     NOT NULL UNIQUE,
  session_id          text COLLATE "C",
  plink_id            text COLLATE "C",
  order_id            text COLLATE "C",
  payment_intent_id   text COLLATE "C",
  charge_id           text COLLATE "C",
  gateway_payment_id  text COLLATE "C",
  url                 text COLLATE "C",
  expires_at          bigint,
  paid_at             bigint,
  captured_minor      bigint   NOT NULL DEFAULT 0 CHECK (captured_minor >= 0),
  refunded_minor      bigint   NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0),
  fee_minor           bigint,
  tax_minor           bigint,
  net_minor           bigint,
  created_by          text COLLATE "C",
  created_at          bigint   NOT NULL,
  updated_at          bigint   NOT NULL,
  parent_id           text COLLATE "C"     REFERENCES payments (id),
  attempt_no          bigint   NOT NULL DEFAULT 1 CHECK (attempt_no >= 1),
  gateway_ref         text COLLATE "C"     NOT NULL CHECK (length(gateway_ref) BETWEEN 1 AND 100),
  reusable            smallint NOT NULL DEFAULT 0 CHECK (reusable IN (0, 1)),
  method              text COLLATE "C",
  balance_txn_id      text COLLATE "C",
  available_on        bigint,
  failed_attempts     bigint   NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  payment_count       bigint   NOT NULL DEFAULT 0 CHECK (payment_count >= 0),
  CHECK (parent_id IS NULL OR reusable = 0)
);
CREATE UNIQUE INDEX payments_attempt       ON payments (account_id, order_ref, attempt_no) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX payments_gateway_ref   ON payments (account_id, gateway_ref) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX payments_child         ON payments (parent_id, gateway_payment_id) WHERE parent_id IS NOT NULL;
CREATE INDEX payments_by_parent            ON payments (parent_id, created_at DESC) WHERE parent_id IS NOT NULL;
CREATE INDEX payments_by_status_created  ON payments (status, created_at DESC);
CREATE INDEX payments_by_account_created ON payments (account_id, created_at DESC);
CREATE INDEX payments_by_created         ON payments (created_at DESC);
CREATE INDEX payments_by_paid            ON payments (paid_at) WHERE paid_at IS NOT NULL;
CREATE INDEX payments_by_email           ON payments (lower(customer_email)) WHERE customer_email IS NOT NULL;
CREATE INDEX payments_by_session         ON payments (session_id)         WHERE session_id IS NOT NULL;
CREATE INDEX payments_by_plink           ON payments (plink_id)           WHERE plink_id IS NOT NULL;
CREATE INDEX payments_by_order           ON payments (order_id)           WHERE order_id IS NOT NULL;
CREATE INDEX payments_by_payment_intent  ON payments (payment_intent_id)  WHERE payment_intent_id IS NOT NULL;
CREATE INDEX payments_by_charge          ON payments (charge_id)          WHERE charge_id IS NOT NULL;
CREATE INDEX payments_by_gateway_payment ON payments (gateway_payment_id) WHERE gateway_payment_id IS NOT NULL;
CREATE INDEX payments_by_list_status ON payments (livemode, status, refund_state, gateway, account_id, created_at);
CREATE INDEX payments_by_list_time   ON payments (livemode, created_at, status, refund_state, gateway, account_id);
CREATE INDEX payments_by_url ON payments (url) WHERE url IS NOT NULL;

-- Search: SQLite keeps the merchant's text in the FTS5 trigram table payments_fts, filled by triggers. Here
-- one GIN trigram index over the same five columns serves "column ILIKE '%term%'" on any of them (a
-- bitmap OR of its per-column scans), kept current by PostgreSQL itself: no shadow table, no triggers.
-- ILIKE on these C-collated columns folds ASCII letters only, where FTS5 also folds others (É matches é).
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX payments_search_trgm ON payments USING gin (
  order_ref gin_trgm_ops, customer_name gin_trgm_ops, customer_email gin_trgm_ops,
  customer_phone gin_trgm_ops, description gin_trgm_ops
);

CREATE TABLE webhook_events (
  id              bigint   GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  gateway         text COLLATE "C"     NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  account_id      text COLLATE "C"     NOT NULL REFERENCES accounts (id),
  event_id        text COLLATE "C"     NOT NULL,
  type            text COLLATE "C"     NOT NULL,
  livemode        smallint NOT NULL CHECK (livemode IN (0, 1)),
  raw             bytea    NOT NULL,
  signature       text COLLATE "C"     NOT NULL CHECK (signature IN ('valid', 'valid_previous_secret')),
  created_at      bigint,
  received_at     bigint   NOT NULL,
  applied_at      bigint,
  apply_result    text COLLATE "C"     CHECK (apply_result IS NULL OR apply_result IN ('changed', 'unchanged', 'unmatched', 'ignored', 'error')),
  payment_id      text COLLATE "C"     REFERENCES payments (id),
  error           text COLLATE "C",
  body_sha256     bytea    CHECK (body_sha256 IS NULL OR octet_length(body_sha256) = 32),
  UNIQUE (gateway, account_id, event_id)
);
CREATE INDEX webhook_events_unapplied  ON webhook_events (id) WHERE applied_at IS NULL;
CREATE INDEX webhook_events_unmatched  ON webhook_events (account_id, id) WHERE apply_result = 'unmatched';
CREATE INDEX webhook_events_by_payment ON webhook_events (payment_id, id) WHERE payment_id IS NOT NULL;
CREATE UNIQUE INDEX webhook_events_by_body ON webhook_events (account_id, body_sha256) WHERE body_sha256 IS NOT NULL;
CREATE INDEX webhook_events_unhashed ON webhook_events (gateway, created_at) WHERE gateway = 'razorpay' AND body_sha256 IS NULL;

CREATE TABLE payment_events (
  id               bigint   GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  payment_id       text COLLATE "C"     NOT NULL REFERENCES payments (id) ON DELETE CASCADE,
  at               bigint   NOT NULL,
  recorded_at      bigint   NOT NULL,
  kind             text COLLATE "C"     NOT NULL,
  source           text COLLATE "C"     NOT NULL CHECK (source IN ('webhook', 'sync', 'local')),
  webhook_event_id bigint   REFERENCES webhook_events (id),
  gateway_type     text COLLATE "C",
  detail           text COLLATE "C"     NOT NULL DEFAULT '{}' CHECK (paydesk_json_valid(detail)),
  changed          smallint NOT NULL CHECK (changed IN (0, 1)),
  status_after     text COLLATE "C"     NOT NULL
);
CREATE INDEX payment_events_by_payment ON payment_events (payment_id, at, id);

CREATE TABLE security_events (
  id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  kind        text COLLATE "C"   NOT NULL CHECK (kind IN ('missing_signature', 'bad_signature', 'stale_signature', 'future_timestamp', 'replayed', 'malformed', 'mode_mismatch', 'secret_missing')),
  gateway     text COLLATE "C"   NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  account_id  text COLLATE "C"   NOT NULL,
  bucket      bigint NOT NULL,
  count       bigint NOT NULL CHECK (count > 0),
  first_at    bigint NOT NULL,
  last_at     bigint NOT NULL,
  detail      text COLLATE "C",
  UNIQUE (kind, gateway, account_id, bucket)
);
CREATE INDEX security_events_by_last ON security_events (last_at DESC);
`;
