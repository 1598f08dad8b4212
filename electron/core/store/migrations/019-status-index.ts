// Migration 019: payments_by_status_created goes. Its readers (the link statements that ask for a status
// whatever the mode: payment-links.ts LINK_SQL) list the mode too, `livemode IN (0, 1)`, which 002's CHECK
// allows, and so reach the same rows through payments_by_list_status, whose leading columns are the mode and
// the status. Every webhook event that changes a payment's status moved its entry in both indexes: on
// SQLite about 1.6 of the 16 pages an event writes (test/bench/webhooks/pages.ts), on PostgreSQL one of the
// index entries every payment update adds.
import type { Migration } from './types';

export const migration: Migration = {
  version: 19,
  name: 'status-index',
  sql: /* sql */ `
DROP INDEX payments_by_status_created;
`,
};
