// Migration 007: two covering indexes for the Payments screen's list. Every filter change runs a count(*)
// of the matching payments (the "N payments" line) next to its first page; with only 002's indexes that
// count visited each matching row in the table (bench:payments: 40-55 ms of a ~100 ms budget at 100,000
// payments). These hold every column a filter can name, so a count reads only the index:
//   payments_by_list_status  mode + status (+ refund state, gateway, account), any date range
//   payments_by_list_time    mode + date range (or nothing else), with the other filters checked in the index
// A paid event updates them (status, refund state), a repeat webhook never does.
import type { Migration } from './types';

export const migration: Migration = {
  version: 7,
  name: 'list-indexes',
  sql: /* sql */ `
CREATE INDEX payments_by_list_status ON payments (livemode, status, refund_state, gateway, account_id, created_at);
CREATE INDEX payments_by_list_time   ON payments (livemode, created_at, status, refund_state, gateway, account_id);
`,
};
