// Applies the numbered migrations: explicit order, one transaction each, a sha256 per applied
// migration (an edited one is refused), and a typed error when the database is newer than the app.
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { Db } from './db';
import { migrations as allMigrations, type Migration } from './migrations/index';

export const checksum = (sql: string): string => createHash('sha256').update(sql, 'utf8').digest('hex');

/** Throws unless the versions are exactly 1, 2, 3 ... in list order. */
export function assertOrdered(list: readonly Migration[]): void {
  list.forEach((m, i) => {
    if (m.version !== i + 1) {
      throw new Error(`Migration list out of order: position ${i + 1} holds version ${m.version} (${m.name}); versions must be 1, 2, 3 ... without gaps`);
    }
  });
}

interface AppliedRow { version: number; name: string; checksum: string; applied_at: number }

function ensureTable(db: Db): void {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    version    INTEGER NOT NULL PRIMARY KEY,
    name       TEXT    NOT NULL,
    checksum   TEXT    NOT NULL,
    applied_at INTEGER NOT NULL
  ) STRICT`);
}

export function appliedMigrations(db: Db): AppliedRow[] {
  ensureTable(db);
  return db.prepare('SELECT version, name, checksum, applied_at FROM schema_migrations ORDER BY version').all() as AppliedRow[];
}

/** The highest applied version, 0 for an empty database. */
export function schemaVersion(db: Db): number {
  ensureTable(db);
  const row = db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null };
  return row.v ?? 0;
}

export interface MigrateOptions {
  /** the list to apply (tests pass their own); default: migrations/index.ts */
  migrations?: readonly Migration[];
  /** stop after this version (tests build a database to N-1) */
  to?: number;
  now?: () => number;
}

/** A rebuild ran with foreign keys off: refuse to commit one that left a reference dangling. */
function assertReferencesHold(db: Db, m: Migration): void {
  const broken = db.prepare('PRAGMA foreign_key_check').all() as { table: string; parent: string }[];
  if (broken.length > 0) {
    const first = broken[0]!;
    throw new AppError('internal', `Migration ${m.version} (${m.name}) would leave ${broken.length} broken reference(s), e.g. ${first.table} → ${first.parent}. Nothing was changed.`);
  }
}

export interface MigrateResult { from: number; to: number; applied: number[] }

export function migrate(db: Db, opts: MigrateOptions = {}): MigrateResult {
  const list = opts.migrations ?? allMigrations;
  const now = opts.now ?? Date.now;
  assertOrdered(list);
  const known = list.length;
  const applied = appliedMigrations(db);
  const from = applied.at(-1)?.version ?? 0;

  if (from > known) {
    throw new AppError(
      'db_from_future',
      `This data was written by a newer version of Paydesk (database version ${from}; this version knows up to ${known}). ` +
        'Update Paydesk to open it, or start with a different data directory. Nothing was changed.',
    );
  }
  for (const row of applied) {
    const m = list[row.version - 1];
    if (!m || m.version !== row.version) {
      throw new AppError('internal', `Migration ${row.version} (${row.name}) is recorded in the database but missing from this version of Paydesk.`);
    }
    if (checksum(m.sql) !== row.checksum) {
      throw new AppError(
        'internal',
        `Migration ${row.version} (${row.name}) was changed after it was applied to this database. ` +
          'Released migrations must never be edited: add a new migration instead.',
      );
    }
  }

  const target = Math.min(opts.to ?? known, known);
  const done: number[] = [];
  const record = db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)');
  for (const m of list.slice(from, target)) {
    const fkOn = m.rebuildsTables === true && db.pragma('foreign_keys', { simple: true }) === 1;
    if (fkOn) db.pragma('foreign_keys = OFF');
    try {
      db.transaction(() => {
        db.exec(m.sql);
        m.data?.(db);
        if (m.rebuildsTables) assertReferencesHold(db, m);
        record.run(m.version, m.name, checksum(m.sql), now());
        db.pragma(`user_version = ${m.version}`);
      }).immediate();
    } finally {
      if (fkOn) db.pragma('foreign_keys = ON');
    }
    done.push(m.version);
  }
  return { from, to: Math.max(from, target), applied: done };
}
