// Migration 013: what the Reports screen says about how a settlement's items were found.
// `manual`: a Stripe manual payout. Stripe lists the balance transactions of automatic payouts only, so a
// manual payout's items are the transactions matched by date (gateways/stripe/reports-manual.ts), shown as
// "Manual payout: matched by date". `warning`: why its items could not be read on the last refresh (the
// other settlements of that refresh are stored all the same); NULL once they were read.
import type { Migration } from './types';

export const migration: Migration = {
  version: 13,
  name: 'manual-payouts',
  sql: /* sql */ `
ALTER TABLE settlements ADD COLUMN manual INTEGER NOT NULL DEFAULT 0 CHECK (manual IN (0, 1));
ALTER TABLE settlements ADD COLUMN warning TEXT;
`,
};
