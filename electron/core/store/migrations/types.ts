/** One schema migration: a TS module `NNN-slug.ts` listed in migrations/index.ts. Never edit one once released. */
export interface Migration {
  /** 1, 2, 3 ... gap-free, in the order of the list */
  readonly version: number;
  /** short slug, e.g. 'foundation' */
  readonly name: string;
  /** the SQL, run in one transaction with the schema_migrations row */
  readonly sql: string;
}
