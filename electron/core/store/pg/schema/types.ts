/**
 * One PostgreSQL schema migration. Versions continue SQLite's: the first one (15) is the whole SQLite schema
 * up to its migration 15, so from there on a version number means the same schema on both engines.
 * Never edit one once released: its checksum is recorded when applied and a changed one is refused.
 */
export interface PgMigration {
  /** 15, 16, 17 ... gap-free, in the order of the list */
  readonly version: number;
  /** short slug */
  readonly name: string;
  /** the SQL (several statements), run in one transaction with its schema_migrations row */
  readonly sql: string;
}
