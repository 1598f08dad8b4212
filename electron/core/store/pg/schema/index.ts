// Every PostgreSQL migration, in order. The first, version 15, is the SQLite schema up to its migration 15 in
// one step: a team database starts there, and from then on each new schema change is one migration per engine
// under the same number (SQLite's in ../../migrations/, PostgreSQL's here), checked the same way
// (test/migrations/pg-parity.test.ts). Never edit a migration once released: add one.
import { BASELINE_CORE } from './015-baseline-core';
import { BASELINE_MONEY } from './015-baseline-money';
import { OPEN_COUNT_INDEX } from './017-open-count-index';
import { PAID_COVER_INDEX } from './018-paid-cover-index';
import { STATUS_INDEX } from './019-status-index';
import { TEAM } from './016-team';
import type { PgMigration } from './types';

export type { PgMigration } from './types';

/** the first version PostgreSQL has: the SQLite schema up to this version, in one migration */
export const PG_BASELINE_VERSION = 15;

export const pgMigrations: readonly PgMigration[] = [
  { version: PG_BASELINE_VERSION, name: 'baseline', sql: BASELINE_CORE + BASELINE_MONEY },
  { version: 16, name: 'team', sql: TEAM },
  { version: 17, name: 'open-count-index', sql: OPEN_COUNT_INDEX },
  { version: 18, name: 'paid-cover-index', sql: PAID_COVER_INDEX },
  { version: 19, name: 'status-index', sql: STATUS_INDEX },
];
