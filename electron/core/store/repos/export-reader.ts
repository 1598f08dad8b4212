// The export worker's own read-only connection (a worker thread cannot share the main one): one snapshot
// per export, the bounds of its time slices, and the one streaming statement of store/repos/movements.ts.
// On SQLite it reads the database file; on the team database, export-reader-pg.ts.
import Database from 'better-sqlite3';
import { openPgExportReader, type PgExportSource } from './export-reader-pg';
import { buildMovementQuery, buildSliceQueries, type MovementQueryFilters, type MovementRow } from './movements';

export type { PgExportSource } from './export-reader-pg';
/** where an export reads: the SQLite database file (an absolute path), or the team database */
export type ExportSource = string | PgExportSource;

export interface ExportReader {
  /** ends the current read transaction, if any, and takes a new snapshot (read transactions start at their first read) */
  takeSnapshot(): void;
  /** payments paid in [startMs, endMs) */
  countPaid(startMs: number, endMs: number): number;
  /** the paid_at of the n-th (0-based) payment paid in [startMs, endMs) */
  nthPaidAt(startMs: number, endMs: number, n: number): number | undefined;
  /** every money movement of the query, in time order, as positional rows */
  movements(q: MovementQueryFilters): Iterable<MovementRow>;
  close(): void;
}

export function openExportReader(source: ExportSource): ExportReader {
  return typeof source === 'string' ? openSqliteExportReader(source) : openPgExportReader(source);
}

function openSqliteExportReader(dbPath: string): ExportReader {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  let inTx = false;
  try {
    db.pragma('query_only = ON');
  } catch (err) {
    db.close();
    throw err;
  }
  const slice = buildSliceQueries();
  let firstRead: Database.Statement | null = null;
  let count: Database.Statement | null = null;
  let nth: Database.Statement | null = null;
  return {
    takeSnapshot() {
      if (inTx) db.exec('COMMIT');
      db.exec('BEGIN');
      inTx = true;
      (firstRead ??= db.prepare('SELECT count(*) FROM sqlite_schema').pluck()).get();
    },
    countPaid: (startMs, endMs) => (count ??= db.prepare(slice.count).pluck()).get(startMs, endMs) as number,
    nthPaidAt: (startMs, endMs, n) => (nth ??= db.prepare(slice.nth).pluck()).get(startMs, endMs, n) as number | undefined,
    movements(q) {
      const built = buildMovementQuery(q);
      const stmt = db.prepare(built.sql).raw(true);
      // an empty slice skips the statement (its arms would still probe their indexes)
      return q.startMs < q.endMs ? (stmt.iterate(built.params) as IterableIterator<MovementRow>) : [];
    },
    close() {
      try {
        if (inTx && db.inTransaction) db.exec('ROLLBACK'); // a read transaction: nothing to keep
      } finally {
        db.close();
      }
    },
  };
}

/** A connection that tells whether anything was committed since it last looked (PRAGMA data_version). */
export function openVersionProbe(dbPath: string): { version(): number; close(): void } {
  const db = new Database(dbPath, { readonly: true, fileMustExist: true });
  return {
    version: () => db.pragma('data_version', { simple: true }) as number,
    close: () => db.close(),
  };
}
