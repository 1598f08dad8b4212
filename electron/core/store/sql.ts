// What a repository needs of a database, the same on both engines: prepared statements in better-sqlite3's
// shape (`?` and `@name` placeholders; get / all / run / pluck). SQLite passes its own statements through;
// PostgreSQL's come from pg/statement.ts over the synchronous client. Where the dialects differ, a repository
// picks its statement with `dialect()`; everything SQLite-only (the file snapshot of a backup, the export's
// read-only worker connections) keeps using better-sqlite3's Database (db.ts) directly.
import type { Db } from './db';
import { pgStatement } from './pg/statement';
import type { PgSync } from './pg/sync-client';

export type Engine = 'sqlite' | 'postgres';

export interface SqlRunResult {
  changes: number;
}

/** `R`: the row type `get` and `all` return (untyped by default, as better-sqlite3's) */
export interface SqlStatement<R = unknown> {
  get(...params: unknown[]): R | undefined;
  all(...params: unknown[]): R[];
  run(...params: unknown[]): SqlRunResult;
  /** PostgreSQL's statements only: see runLater */
  later?(...params: unknown[]): void;
  /** the first column of each row instead of the row */
  pluck(): SqlStatement<unknown>;
}

export interface SqlDb {
  readonly engine: Engine;
  prepare<R = unknown>(source: string): SqlStatement<R>;
}

/**
 * Runs a write whose result nobody reads. On PostgreSQL, inside a transaction, it goes to the server with the
 * connection's next statement, or at the end of the innermost transaction or savepoint, which throws its
 * failure (PgSync.later): one wait for the server fewer. SQLite runs it at once: it is in-process.
 */
export function runLater(stmt: SqlStatement, ...params: unknown[]): void {
  if (stmt.later) stmt.later(...params);
  else stmt.run(...params);
}

/** The statement text for `db`'s engine. */
export const dialect = <T>(db: SqlDb, choices: { sqlite: T; postgres: T }): T => choices[db.engine];

/** better-sqlite3's connection as a SqlDb: its statements already have this shape. */
export function sqliteSql(db: Db): SqlDb {
  return { engine: 'sqlite', prepare: <R>(source: string) => db.prepare(source) as unknown as SqlStatement<R> };
}

/** The synchronous PostgreSQL client as a SqlDb. */
export function pgSql(pg: PgSync): SqlDb {
  return { engine: 'postgres', prepare: <R>(source: string) => pgStatement<R>(pg, source) as SqlStatement<R> };
}
