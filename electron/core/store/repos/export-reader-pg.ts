// The export's reader on the team database: its own connection (the worker thread's, never the desk's),
// one REPEATABLE READ READ ONLY transaction per export, so every row comes from one snapshot however long
// the file takes to write; the movement statement of movements.ts runs as a cursor, fetched a page at a
// time, so a year of rows is never held in memory at once. Rows come back in MOVEMENT_FIELDS order, as
// the SQLite reader gives them.
import { openPgSync, type PgSync } from '../pg/sync-client';
import { toPgPlaceholders } from '../pg/statement';
import type { ExportReader } from './export-reader';
import { buildMovementQuery, buildSliceQueries, MOVEMENT_FIELDS, type MovementQueryFilters, type MovementRow } from './movements';

export interface PgExportSource {
  /** postgres://user@host:port/db; the password comes from PGPASSWORD / ~/.pgpass or `password` */
  url: string;
  password?: string;
}

/** rows per FETCH: large enough that the round trips do not count, small enough to stay a few MB */
const PAGE_ROWS = 5_000;
// The first FETCH waits for the sort of the whole range; the sync client's own ceiling is 60 s a call.
const STATEMENT_TIMEOUT_MS = 55_000;
const CURSOR = 'paydesk_export';

export function openPgExportReader(source: PgExportSource): ExportReader {
  const pg = openPgSync({
    url: source.url,
    applicationName: 'paydesk-export',
    statementTimeoutMs: STATEMENT_TIMEOUT_MS,
    ...(source.password !== undefined ? { password: source.password } : {}),
  });
  let inTx = false;
  const slice = buildSliceQueries();
  const begin = (): void => {
    if (inTx) return;
    pg.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    inTx = true;
  };
  const one = <T>(sql: string, params: unknown[]): T | undefined => {
    begin();
    const row = pg.query<Record<string, unknown>>(toPgPlaceholders(sql).text, params).rows[0];
    return row === undefined ? undefined : (Object.values(row)[0] as T);
  };
  return {
    takeSnapshot() {
      if (inTx) pg.query('COMMIT');
      inTx = false;
      begin();
      // the snapshot of a REPEATABLE READ transaction is taken at its first statement
      pg.query('SELECT 1');
    },
    countPaid: (startMs, endMs) => Number(one<number>(slice.count, [startMs, endMs]) ?? 0),
    nthPaidAt: (startMs, endMs, n) => one<number>(slice.nth, [startMs, endMs, n]),
    movements: (q) => (q.startMs < q.endMs ? pages(pg, q, begin) : []),
    close() {
      try {
        if (inTx) pg.query('ROLLBACK'); // read only: nothing to keep
      } finally {
        pg.close();
      }
    },
  };
}

/** The movement statement through a cursor, one page per FETCH; leaving the loop early closes the cursor. */
function* pages(pg: PgSync, q: MovementQueryFilters, begin: () => void): Generator<MovementRow> {
  const built = buildMovementQuery(q, 'postgres');
  const { text, sources } = toPgPlaceholders(built.sql);
  const params = sources.map((s) => (typeof s === 'string' ? built.params[s] : null));
  begin();
  pg.query(`DECLARE ${CURSOR} NO SCROLL CURSOR FOR ${text}`, params);
  try {
    for (;;) {
      const { rows } = pg.query<Record<string, unknown>>(`FETCH ${PAGE_ROWS} FROM ${CURSOR}`);
      for (const r of rows) yield MOVEMENT_FIELDS.map((f) => r[f] ?? null);
      if (rows.length < PAGE_ROWS) break;
    }
  } finally {
    try {
      pg.query(`CLOSE ${CURSOR}`);
    } catch {
      // a failed FETCH has aborted the transaction, whose end (close()) drops the cursor anyway
    }
  }
}
