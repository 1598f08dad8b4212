// What the main thread and the PostgreSQL worker (worker.ts) say to each other. Errors travel as values, not
// throws, so their SQLSTATE code and constraint survive the thread boundary.

export interface PgConnectOptions {
  /** postgres://user@host:port/db; the password comes from PGPASSWORD / ~/.pgpass or `password` */
  url: string;
  password?: string;
  /** a statement running longer is cancelled (ms) */
  statementTimeoutMs: number;
  /** waiting longer for a row lock held by another desk fails the statement (ms) */
  lockTimeoutMs: number;
  /** giving up on connecting (ms) */
  connectTimeoutMs: number;
  /** shown in pg_stat_activity: which desk holds a connection */
  applicationName: string;
}

export type PgRequest =
  | { op: 'connect'; conn: number; options: PgConnectOptions }
  /** `ahead`: statements to run first, in order, whose results nobody reads (PgSync.later); the first failure stops the request */
  | { op: 'query'; conn: number; sql: string; params: readonly unknown[]; ahead?: readonly PgQuery[] }
  | { op: 'close'; conn: number };

export interface PgQuery {
  sql: string;
  params: readonly unknown[];
}

export interface PgFailure {
  /** SQLSTATE ('23505' unique violation, '55P03' lock not available, …) or a Node code ('ECONNREFUSED') */
  code: string | null;
  message: string;
  constraint: string | null;
}

/** A prepared statement whose tables changed shape since it was prepared (another desk migrated them). */
export const isStalePlan = (f: { code: string | null; message: string }): boolean => f.code === '0A000' && /cached plan/i.test(f.message);

export type PgResponse =
  | { ok: true; rows: Record<string, unknown>[]; rowCount: number }
  /** `ahead`: the failure was in one of the statements sent ahead, so the request's own statement did not run */
  | { ok: false; error: PgFailure; ahead?: boolean };
