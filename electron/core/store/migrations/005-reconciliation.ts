// Migration 005: reconciliation data beside 004's settlements. Stripe balance transactions as fetched
// (fees arrive later than payments, and a transaction may be fetched before Paydesk knows which payment
// it belongs to, so the raw facts are kept and matched again on every refresh), and the reconciliation
// flags the matcher stores for the Reports screen and the export. Money in INTEGER minor units, times
// in ms since the epoch, STRICT tables, every row tagged with livemode.
import type { Migration } from './types';

export const migration: Migration = {
  version: 5,
  name: 'reconciliation',
  sql: /* sql */ `
CREATE TABLE stripe_balance_txns (
  account_id          TEXT    NOT NULL REFERENCES accounts (id),
  -- txn_...
  id                  TEXT    NOT NULL,
  livemode            INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  type                TEXT    NOT NULL,
  reporting_category  TEXT    NOT NULL,
  -- the source object id (ch_, py_, re_, po_, du_ ...) and what it resolves to
  source_id           TEXT,
  charge_id           TEXT,
  payment_intent_id   TEXT,
  refund_id           TEXT,
  -- metadata.paydesk_id of the charge when Stripe echoes it
  paydesk_id          TEXT,
  -- the Checkout Session that made the payment intent, looked up once for a charge Paydesk cannot place
  -- otherwise ('' = looked up, none); its client_reference_id is the Paydesk id
  session_id          TEXT,
  session_ref         TEXT,
  currency            TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
  amount_minor        INTEGER NOT NULL,
  fee_minor           INTEGER NOT NULL,
  -- the 'tax' entries of fee_details (part of fee_minor)
  tax_minor           INTEGER NOT NULL DEFAULT 0,
  net_minor           INTEGER NOT NULL,
  fee_details         TEXT    NOT NULL DEFAULT '[]' CHECK (json_valid(fee_details)),
  exchange_rate       TEXT,
  status              TEXT    NOT NULL,
  -- po_... once the transaction is known to be part of a payout
  payout_id           TEXT,
  created_at          INTEGER NOT NULL,
  available_on        INTEGER,
  PRIMARY KEY (account_id, id)
) STRICT;

CREATE INDEX stripe_bt_by_charge  ON stripe_balance_txns (account_id, charge_id) WHERE charge_id IS NOT NULL;
CREATE INDEX stripe_bt_by_pi      ON stripe_balance_txns (account_id, payment_intent_id) WHERE payment_intent_id IS NOT NULL;
CREATE INDEX stripe_bt_by_refund  ON stripe_balance_txns (account_id, refund_id) WHERE refund_id IS NOT NULL;
CREATE INDEX stripe_bt_by_created ON stripe_balance_txns (account_id, created_at);

-- What the matcher found wrong, one row per (flag, subject). Recomputed on every refresh: a row that
-- no longer applies is deleted, one that still applies is left untouched (first_seen_at is kept).
CREATE TABLE recon_flags (
  id                  INTEGER NOT NULL PRIMARY KEY,
  account_id          TEXT    NOT NULL REFERENCES accounts (id),
  gateway             TEXT    NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  livemode            INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  -- unknown_at_gateway: paid in Paydesk, the gateway does not know the payment
  -- amount_mismatch / currency_mismatch: the settled item disagrees with the local payment or refund
  -- external: settled at the gateway, never created in Paydesk (the item is kept and shown)
  -- not_settled: paid (or refunded) longer ago than the unsettled-after setting and in no settlement
  flag                TEXT    NOT NULL CHECK (flag IN ('unknown_at_gateway', 'amount_mismatch', 'currency_mismatch', 'external', 'not_settled')),
  -- 'payment:<id>', 'refund:<id>' or 'item:<settlement_items.id>': one flag of a kind per subject
  subject             TEXT    NOT NULL,
  payment_id          TEXT    REFERENCES payments (id) ON DELETE CASCADE,
  refund_id           TEXT    REFERENCES refunds (id) ON DELETE CASCADE,
  settlement_item_id  INTEGER REFERENCES settlement_items (id) ON DELETE CASCADE,
  settlement_id       TEXT    REFERENCES settlements (id) ON DELETE CASCADE,
  -- what the gateway calls it (pay_, ch_, pi_, txn_, rfnd_, re_)
  gateway_ref         TEXT,
  -- expected / actual amounts and currencies, in words-free JSON (never a secret)
  detail              TEXT    NOT NULL DEFAULT '{}' CHECK (json_valid(detail)),
  first_seen_at       INTEGER NOT NULL,
  UNIQUE (flag, subject)
) STRICT;

CREATE INDEX recon_flags_by_account    ON recon_flags (account_id, flag);
CREATE INDEX recon_flags_by_payment    ON recon_flags (payment_id) WHERE payment_id IS NOT NULL;
CREATE INDEX recon_flags_by_refund     ON recon_flags (refund_id) WHERE refund_id IS NOT NULL;
CREATE INDEX recon_flags_by_item       ON recon_flags (settlement_item_id) WHERE settlement_item_id IS NOT NULL;
CREATE INDEX recon_flags_by_settlement ON recon_flags (settlement_id) WHERE settlement_id IS NOT NULL;

-- the matcher looks items up by their local links and the reports by account
CREATE INDEX settlements_by_account ON settlements (account_id, created_at);
`,
};
