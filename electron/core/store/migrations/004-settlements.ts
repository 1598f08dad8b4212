// Migration 004: settlements (Razorpay settlements, Stripe payouts) and their items, the link between
// every payment or refund and the bank transfer that paid it out. Money in INTEGER minor units, times in
// ms since the epoch, STRICT tables. Written by the reports refresh (reports/refresh.ts), read by the matcher and the export.
import type { Migration } from './types';

export const migration: Migration = {
  version: 4,
  name: 'settlements',
  sql: /* sql */ `
CREATE TABLE settlements (
  id                    TEXT    NOT NULL PRIMARY KEY,
  account_id            TEXT    NOT NULL REFERENCES accounts (id),
  gateway               TEXT    NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  livemode              INTEGER NOT NULL CHECK (livemode IN (0, 1)),
  -- Razorpay setl_..., Stripe po_...
  gateway_settlement_id TEXT    NOT NULL,
  currency              TEXT    NOT NULL CHECK (length(currency) = 3 AND currency = upper(currency)),
  -- what reached the bank (Razorpay settlement amount, Stripe payout amount): net of fees
  amount_minor          INTEGER NOT NULL,
  -- fees and tax the gateway kept on the settled items (Razorpay: fees includes tax)
  fee_minor             INTEGER NOT NULL DEFAULT 0,
  tax_minor             INTEGER NOT NULL DEFAULT 0,
  -- Razorpay bank UTR; Stripe has none (trace id, if any)
  utr                   TEXT,
  -- Razorpay created|processed|failed; Stripe pending|in_transit|paid|failed|canceled
  status                TEXT    NOT NULL,
  created_at            INTEGER NOT NULL,
  -- Stripe payout arrival_date; Razorpay: when processed
  arrival_at            INTEGER,
  fetched_at            INTEGER NOT NULL DEFAULT 0,
  UNIQUE (account_id, gateway_settlement_id)
) STRICT;

CREATE INDEX settlements_by_created ON settlements (livemode, created_at);

CREATE TABLE settlement_items (
  id                    INTEGER NOT NULL PRIMARY KEY,
  settlement_id         TEXT    NOT NULL REFERENCES settlements (id) ON DELETE CASCADE,
  kind                  TEXT    NOT NULL CHECK (kind IN ('payment', 'refund', 'fee', 'adjustment', 'dispute')),
  -- the local rows this item settles; NULL when the gateway settled something Paydesk never created
  -- (shown in reports as external, never dropped)
  payment_id            TEXT    REFERENCES payments (id),
  refund_id             TEXT    REFERENCES refunds (id),
  -- Stripe balance transaction txn_..., Razorpay recon entity_id (pay_/rfnd_/adj_...)
  gateway_txn_id        TEXT    NOT NULL,
  -- signed, as the gateway reports it: payments positive, refunds negative
  amount_minor          INTEGER NOT NULL,
  fee_minor             INTEGER NOT NULL DEFAULT 0,
  tax_minor             INTEGER NOT NULL DEFAULT 0,
  net_minor             INTEGER NOT NULL,
  created_at            INTEGER,
  CHECK (payment_id IS NULL OR kind IN ('payment', 'dispute', 'adjustment')),
  CHECK (refund_id IS NULL OR kind = 'refund'),
  UNIQUE (settlement_id, gateway_txn_id)
) STRICT;

-- a payment or refund is paid out once: the reports join each to its settlement through these
CREATE UNIQUE INDEX settlement_items_payment ON settlement_items (payment_id) WHERE payment_id IS NOT NULL AND kind = 'payment';
CREATE UNIQUE INDEX settlement_items_refund ON settlement_items (refund_id) WHERE refund_id IS NOT NULL;
CREATE INDEX settlement_items_by_settlement ON settlement_items (settlement_id, kind);
`,
};
