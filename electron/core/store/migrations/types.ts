/** One schema migration: a TS module `NNN-slug.ts` listed in migrations/index.ts. Never edit one once released. */
export interface Migration {
  /** 1, 2, 3 ... gap-free, in the order of the list */
  readonly version: number;
  /** short slug, e.g. 'foundation' */
  readonly name: string;
  /** the SQL, run in one transaction with the schema_migrations row */
  readonly sql: string;
  /**
   * The SQL rebuilds a table others refer to (SQLite cannot drop a UNIQUE or change a CHECK in place):
   * foreign keys are switched off around the transaction, so dropping the old table neither cascades nor
   * fails, and every reference is checked (PRAGMA foreign_key_check) before the transaction commits.
   */
  readonly rebuildsTables?: boolean;
  /** Row changes SQL cannot express, run after `sql` in the same transaction (not part of the checksum). */
  readonly data?: (db: MigrationDb) => void;
}

/** What a data step may use of the connection (better-sqlite3's surface). */
export interface MigrationDb {
  prepare(sql: string): { run(...params: unknown[]): unknown; all(...params: unknown[]): unknown[]; get(...params: unknown[]): unknown };
}
