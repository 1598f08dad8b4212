// Applies the PostgreSQL migrations (./schema/) as ../migrate.ts applies SQLite's: explicit order, one
// transaction each, a sha256 per applied migration (an edited one is refused), and an error in words when the
// database is newer than this desk. Several desks may start against one database at the same moment, so the
// whole run holds a session-level advisory lock: the second desk waits for the first to finish, then finds
// nothing left to do. The wait is bounded (lockWaitMs) because the desk's main thread waits with it.
import { createHash } from 'node:crypto';
import { AppError } from '../../../../shared/errors';
import { pgMigrations, type PgMigration } from './schema/index';
import type { PgSync } from './sync-client';

/** the advisory lock every Paydesk desk takes to migrate ("paydsk" in ASCII): one key per database */
export const MIGRATION_LOCK_KEY = 0x70617964736b;

/** sync-client's synckit call gives up after 60 s: a statement must finish well inside that */
const MAX_STATEMENT_MS = 50_000;

const checksum = (sql: string): string => createHash('sha256').update(sql, 'utf8').digest('hex');

interface AppliedRow { version: number; name: string; checksum: string; applied_at: number }

export interface PgMigrateOptions {
  now: () => number;
  /** stop after this version */
  to?: number;
  /** the list to apply (tests pass their own); default: schema/index.ts */
  migrations?: readonly PgMigration[];
  /** how long to wait for another desk's migration before giving up (ms); default 30 s */
  lockWaitMs?: number;
}

export interface PgMigrateResult { from: number; to: number; applied: number[] }

/** Throws unless the versions are consecutive, in list order. */
export function assertPgOrdered(list: readonly PgMigration[]): void {
  list.forEach((m, i) => {
    const want = (list[0]?.version ?? 0) + i;
    if (m.version !== want) {
      throw new Error(`PostgreSQL migration list out of order: position ${i + 1} holds version ${m.version} (${m.name}); expected ${want}`);
    }
  });
}

/** The highest version a list (by default this desk's) knows. */
export const knownPgVersion = (list: readonly PgMigration[] = pgMigrations): number => list.at(-1)?.version ?? 0;

function ensureTable(db: PgSync): void {
  db.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    bigint NOT NULL PRIMARY KEY,
    name       text COLLATE "C" NOT NULL,
    checksum   text COLLATE "C" NOT NULL,
    applied_at bigint NOT NULL
  )`);
}

function appliedPg(db: PgSync): AppliedRow[] {
  if (db.query("SELECT to_regclass('schema_migrations') AS t").rows[0]?.t == null) return [];
  return db.query<AppliedRow>('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version').rows;
}

/** The highest applied version, 0 for an empty database. */
export function pgSchemaVersion(db: PgSync): number {
  return appliedPg(db).at(-1)?.version ?? 0;
}

/** Refuses a database whose schema is newer than this desk knows: the desk would misread or damage it. */
export function assertDeskCanOpen(db: PgSync, deskVersion: number = knownPgVersion()): void {
  const version = pgSchemaVersion(db);
  if (version > deskVersion) {
    throw new AppError(
      'db_from_future',
      `This database was upgraded by a newer Paydesk (schema ${version}); update this desk (it knows up to ${deskVersion}).`,
    );
  }
}

function assertUnchanged(applied: readonly AppliedRow[], list: readonly PgMigration[]): void {
  for (const row of applied) {
    const m = list.find((x) => x.version === row.version);
    if (!m) {
      throw new AppError('internal', `PostgreSQL migration ${row.version} (${row.name}) is recorded in the database but missing from this version of Paydesk.`);
    }
    if (checksum(m.sql) !== row.checksum) {
      throw new AppError(
        'internal',
        `PostgreSQL migration ${row.version} (${row.name}) was changed after it was applied to this database. ` +
          'Released migrations must never be edited: add a new migration instead.',
      );
    }
  }
}

/** Takes the migration lock, waiting at most `waitMs` (at most 50 s); restores the connection's own timeouts afterwards. */
function lock(db: PgSync, waitMs: number): void {
  const before = db.query<{ l: string; s: string }>("SELECT current_setting('lock_timeout') AS l, current_setting('statement_timeout') AS s").rows[0]!;
  const wait = Math.max(1, Math.min(waitMs, MAX_STATEMENT_MS));
  db.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [`${wait}ms`, `${MAX_STATEMENT_MS}ms`]);
  try {
    db.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (code !== '55P03' && code !== '57014') throw err;
    throw new AppError(
      'internal',
      `Another desk is upgrading this database and did not finish within ${wait >= 1000 ? `${Math.round(wait / 1000)} s` : `${wait} ms`}. Start this desk again in a moment.`,
      { retryable: true, cause: err },
    );
  } finally {
    db.query("SELECT set_config('lock_timeout', $1, false), set_config('statement_timeout', $2, false)", [before.l, before.s]);
  }
}

function applyOne(db: PgSync, m: PgMigration, now: () => number): void {
  try {
    db.transaction(() => {
      // DDL on a large table may run long; the synckit call bounds it anyway
      db.query(`SET LOCAL statement_timeout = ${MAX_STATEMENT_MS}`);
      db.query(m.sql);
      db.query('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES ($1, $2, $3, $4)', [m.version, m.name, checksum(m.sql), now()]);
    });
  } catch (err) {
    // e.g. a role without the right to CREATE EXTENSION pg_trgm (a trusted extension: the database's owner may)
    const why = err instanceof Error ? err.message : String(err);
    throw new AppError('internal', `PostgreSQL migration ${m.version} (${m.name}) failed: ${why}. Nothing of this migration was applied.`, { cause: err });
  }
}

export function migratePg(db: PgSync, opts: PgMigrateOptions): PgMigrateResult {
  const list = opts.migrations ?? pgMigrations;
  assertPgOrdered(list);
  if (db.inTransaction) throw new Error('migratePg must run outside a transaction: each migration commits on its own.');
  lock(db, opts.lockWaitMs ?? 30_000);
  try {
    ensureTable(db);
    const applied = appliedPg(db);
    const from = applied.at(-1)?.version ?? 0;
    const known = knownPgVersion(list);
    assertDeskCanOpen(db, known);
    assertUnchanged(applied, list);
    const target = Math.min(opts.to ?? known, known);
    const done: number[] = [];
    for (const m of list) {
      if (m.version <= from || m.version > target) continue;
      applyOne(db, m, opts.now);
      done.push(m.version);
    }
    return { from, to: Math.max(from, done.at(-1) ?? from), applied: done };
  } finally {
    try {
      db.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    } catch {
      // the connection is gone, and the server released the session's lock with it
    }
  }
}
