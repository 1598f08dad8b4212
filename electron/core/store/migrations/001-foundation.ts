// Migration 001: the foundation. Accounts, the vault, settings. Money tables come in 002+.
import type { Migration } from './types';

export const migration: Migration = {
  version: 1,
  name: 'foundation',
  sql: /* sql */ `
CREATE TABLE accounts (
  id                   TEXT    NOT NULL PRIMARY KEY,
  gateway              TEXT    NOT NULL CHECK (gateway IN ('stripe', 'razorpay')),
  mode                 TEXT    NOT NULL CHECK (mode IN ('test', 'live')),
  livemode             INTEGER NOT NULL CHECK (livemode = (mode = 'live')),
  label                TEXT    NOT NULL CHECK (length(label) BETWEEN 1 AND 60),
  -- Stripe publishable key or Razorpay key id: public identifiers
  public_key           TEXT,
  -- vault refs (vault_secrets.ref); the secrets themselves never live in this table
  secret_key_ref       TEXT,
  webhook_secret_ref   TEXT,
  -- 1 = talks to the embedded Paydesk Sandbox (base URL supplied at run time), never to the real gateway
  sandbox              INTEGER NOT NULL DEFAULT 0 CHECK (sandbox IN (0, 1)),
  -- 'sandbox-stripe' / 'sandbox-razorpay' for the accounts Paydesk creates itself on first run
  builtin              TEXT    UNIQUE,
  verification_status  TEXT    NOT NULL DEFAULT 'unverified' CHECK (verification_status IN ('unverified', 'verified', 'failed')),
  verified_at          INTEGER,
  verification_message TEXT,
  created_at           INTEGER NOT NULL,
  updated_at           INTEGER NOT NULL,
  CHECK (sandbox = 0 OR mode = 'test'),
  CHECK (builtin IS NULL OR sandbox = 1)
) STRICT;

CREATE INDEX accounts_by_created ON accounts (created_at, id);

-- Secrets sealed with AES-256-GCM under the data key; the AAD binds each ciphertext to its ref.
CREATE TABLE vault_secrets (
  ref         TEXT    NOT NULL PRIMARY KEY,
  nonce       BLOB    NOT NULL CHECK (length(nonce) = 12),
  ciphertext  BLOB    NOT NULL,
  tag         BLOB    NOT NULL CHECK (length(tag) = 16),
  -- what the renderer may see: the last four characters and the key's mode
  last4       TEXT,
  mode        TEXT    CHECK (mode IS NULL OR mode IN ('test', 'live')),
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
) STRICT;

-- The data key, sealed by a KeyProtector (safeStorage, OS keyring or key file). One row.
CREATE TABLE vault_meta (
  id          INTEGER NOT NULL PRIMARY KEY CHECK (id = 1),
  protector   TEXT    NOT NULL CHECK (protector IN ('safeStorage', 'keyring', 'keyfile')),
  sealed_key  BLOB    NOT NULL,
  created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE settings (
  key         TEXT    NOT NULL PRIMARY KEY,
  value       TEXT    NOT NULL CHECK (json_valid(value)),
  updated_at  INTEGER NOT NULL
) STRICT;
`,
};
