// Migration 011: orders, attempts and payments. An order (the shop's order_ref in an account) may have
// several attempts, each a link row numbered attempt_no; what the gateway and the customer see is
// gateway_ref (the order ref, "/2", "/3" ... from the second attempt: Razorpay refuses a reused
// reference_id). A reusable link (reusable = 1) keeps only its own state; every charge made through it is
// its own payments row with parent_id = the link. The UNIQUE (account_id, order_ref) of migration 002
// cannot be dropped in place, so the table is rebuilt with its rowids (payments_fts is keyed by them),
// indexes and triggers. Also the facts the accountant's export needs per payment: how it was paid (method),
// Stripe's balance transaction and when its funds become available.
//
// Rows stored before this version: each is attempt 1 of its order; a reusable link's captures become one
// child row each (./011-split-reusable.ts), with the refunds Paydesk made against that capture.
import { splitReusableLinks } from './011-split-reusable';
import type { Migration } from './types';

const OLD_COLUMNS = `id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, description,
  customer_name, customer_email, customer_phone, notes, status, status_reason, refund_state, machine,
  idempotency_key, session_id, plink_id, order_id, payment_intent_id, charge_id, gateway_payment_id, url,
  expires_at, paid_at, captured_minor, refunded_minor, fee_minor, tax_minor, net_minor, created_by,
  created_at, updated_at`;

const TEXT_COLUMNS = 'order_ref, customer_name, customer_email, customer_phone, description';
const NEW_VALUES = 'new.order_ref, new.customer_name, new.customer_email, new.customer_phone, new.description';

export const migration: Migration = {
  version: 11,
  name: 'orders-attempts',
  rebuildsTables: true,
  data: splitReusableLinks,
  sql: /* sql */ `
CREATE TABLE payments_new (
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
  status              TEXT    NOT NULL DEFAULT 'creating'
                      CHECK (status IN ('creating', 'open', 'failed', 'expired', 'cancelled', 'authorized', 'partially_paid', 'paid')),
  status_reason       TEXT,
  refund_state        TEXT    NOT NULL DEFAULT 'none' CHECK (refund_state IN ('none', 'partially_refunded', 'refunded')),
  machine             TEXT    CHECK (machine IS NULL OR json_valid(machine)),
  idempotency_key     TEXT    NOT NULL UNIQUE,
  session_id          TEXT,
  plink_id            TEXT,
  order_id            TEXT,
  payment_intent_id   TEXT,
  charge_id           TEXT,
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
  -- a payment made through a reusable link: the link; NULL for a link (a single-use link is its own payment)
  parent_id           TEXT    REFERENCES payments (id),
  attempt_no          INTEGER NOT NULL DEFAULT 1 CHECK (attempt_no >= 1),
  gateway_ref         TEXT    NOT NULL CHECK (length(gateway_ref) BETWEEN 1 AND 100),
  reusable            INTEGER NOT NULL DEFAULT 0 CHECK (reusable IN (0, 1)),
  -- card, upi, netbanking, wallet ... as the gateway names it
  method              TEXT,
  -- Stripe txn_... of the charge, and when its funds become available (ms)
  balance_txn_id      TEXT,
  available_on        INTEGER,
  -- declined or abandoned tries at paying (distinct times of attempt_failed facts): the link stays open
  failed_attempts     INTEGER NOT NULL DEFAULT 0 CHECK (failed_attempts >= 0),
  -- a reusable link: how many payments were made through it (its child rows)
  payment_count       INTEGER NOT NULL DEFAULT 0 CHECK (payment_count >= 0),
  CHECK (parent_id IS NULL OR reusable = 0)
) STRICT;

INSERT INTO payments_new (rowid, ${OLD_COLUMNS}, attempt_no, gateway_ref, reusable)
  SELECT rowid, ${OLD_COLUMNS}, 1, order_ref, kind = 'stripe_payment_link' FROM payments;

DROP TABLE payments;
ALTER TABLE payments_new RENAME TO payments;

UPDATE payments SET failed_attempts = (SELECT count(DISTINCT at) FROM payment_events e WHERE e.payment_id = payments.id AND e.kind = 'attempt_failed')
  WHERE EXISTS (SELECT 1 FROM payment_events e WHERE e.payment_id = payments.id AND e.kind = 'attempt_failed');

-- one attempt number and one gateway reference per order and account, among links
CREATE UNIQUE INDEX payments_attempt       ON payments (account_id, order_ref, attempt_no) WHERE parent_id IS NULL;
CREATE UNIQUE INDEX payments_gateway_ref   ON payments (account_id, gateway_ref) WHERE parent_id IS NULL;
-- a reusable link's payments, one per gateway payment
CREATE UNIQUE INDEX payments_child         ON payments (parent_id, gateway_payment_id) WHERE parent_id IS NOT NULL;
CREATE INDEX payments_by_parent            ON payments (parent_id, created_at DESC) WHERE parent_id IS NOT NULL;

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
CREATE INDEX payments_by_list_status ON payments (livemode, status, refund_state, gateway, account_id, created_at);
CREATE INDEX payments_by_list_time   ON payments (livemode, created_at, status, refund_state, gateway, account_id);
CREATE INDEX payments_by_url ON payments (url) WHERE url IS NOT NULL;

CREATE TRIGGER payments_fts_insert AFTER INSERT ON payments BEGIN
  INSERT INTO payments_fts (rowid, ${TEXT_COLUMNS}) VALUES (new.rowid, ${NEW_VALUES});
END;

CREATE TRIGGER payments_fts_update AFTER UPDATE OF ${TEXT_COLUMNS} ON payments
WHEN old.order_ref IS NOT new.order_ref OR old.customer_name IS NOT new.customer_name OR old.customer_email IS NOT new.customer_email
  OR old.customer_phone IS NOT new.customer_phone OR old.description IS NOT new.description
BEGIN
  DELETE FROM payments_fts WHERE rowid = old.rowid;
  INSERT INTO payments_fts (rowid, ${TEXT_COLUMNS}) VALUES (new.rowid, ${NEW_VALUES});
END;

CREATE TRIGGER payments_fts_delete AFTER DELETE ON payments BEGIN
  DELETE FROM payments_fts WHERE rowid = old.rowid;
END;
`,
};
