// A synchronous PostgreSQL client for core: each call waits for the worker thread (worker.ts) that owns the
// connection, through synckit (Atomics.wait on a shared buffer, then the answer read off a message port).
// Repositories and the one transaction seam then look the same on both engines; a statement on a LAN
// server costs the desk a fraction of a millisecond of its event loop, and lock_timeout / statement_timeout
// bound the worst case (a row lock another desk holds, a server that stopped answering).
//
// One worker per process serves every connection of it: a desk is one process. Two cores in one process
// (tests) must not wait on each other's row locks: the worker answers one request at a time.
//
// The worker entry: `pg-worker.cjs` next to the running bundle (the build emits it), else `worker.dev.mjs`,
// which loads the TypeScript source through tsx (tests, development).
import type * as Synckit from 'synckit';
import { isStalePlan, type PgConnectOptions, type PgFailure, type PgQuery, type PgRequest, type PgResponse } from './protocol';
import { lazyPackage } from '../../lazy-package';
import { workerEntry } from '../../worker-entry';

export class PgError extends Error {
  readonly code: string | null;
  readonly constraint: string | null;
  /** it failed in a statement sent ahead of the one that was asked for (PgSync.later), which then did not run */
  readonly ahead: boolean;
  constructor(f: PgFailure, ahead = false) {
    super(f.message);
    this.name = 'PgError';
    this.code = f.code;
    this.constraint = f.constraint;
    this.ahead = ahead;
  }
}

const LOST_CODES = new Set(['57P01', '57P02', '57P03', 'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/** Whether `err` says the server cannot be reached or the connection broke (SQLSTATE class 08, a shutdown, a socket error). */
export function isConnectionLoss(err: unknown): err is PgError {
  if (!(err instanceof PgError) || err.code === null) return false;
  return err.code.startsWith('08') || LOST_CODES.has(err.code);
}

export interface PgResult<R> {
  rows: R[];
  rowCount: number;
}

export interface PgSync {
  /** one statement with $1… parameters */
  query<R = Record<string, unknown>>(sql: string, params?: readonly unknown[]): PgResult<R>;
  /**
   * A statement whose result nobody reads (a write). Inside a transaction it goes to the server with the
   * connection's next request: the next statement, or the end of the innermost transaction or savepoint, which
   * then throws its failure, so it stays in the scope it was made in. Each request is a wait on the worker
   * thread, which costs more than the statement itself on a busy desk (bench:webhooks). Outside a transaction
   * it runs at once. A transaction's BEGIN or SAVEPOINT travels the same way, with its first statement.
   */
  later(sql: string, params?: readonly unknown[]): void;
  /** runs `fn` in one transaction; nested calls are savepoints. `fn` must be synchronous. */
  transaction<T>(fn: () => T): T;
  readonly inTransaction: boolean;
  /**
   * While a reason is held (whoever watches the server found it unreachable), a statement on a broken
   * connection fails at once with that reason instead of trying to connect (which freezes the desk up to
   * connectTimeoutMs); null lets the next statement connect again.
   */
  hold(reason: string | null): void;
  /** called with every failure that lost the connection; returns the unsubscribe */
  onLoss(listener: (err: PgError) => void): () => void;
  close(): void;
}

export const PG_DEFAULTS: Omit<PgConnectOptions, 'url'> = {
  // a desk's statements are small; one running this long is stuck, and the desk must say so
  statementTimeoutMs: 15_000,
  // a refund waiting on another desk's refund of the same payment: that one takes a gateway call at most
  lockTimeoutMs: 10_000,
  connectTimeoutMs: 5_000,
  applicationName: 'paydesk',
};

const synckit = lazyPackage<typeof Synckit>('synckit');

let call: ((req: PgRequest) => PgResponse) | null = null;
let nextConn = 1;

function send(req: PgRequest): PgResponse {
  // the wait is bounded by the statement timeout plus a margin for connecting
  call ??= synckit().createSyncFn<(r: PgRequest) => Promise<PgResponse>>(workerEntry(import.meta.url, 'pg-worker.cjs', 'worker.dev.mjs'), { execArgv: [], timeout: 60_000 });
  return call(req);
}

/** bytea crosses the thread boundary as a plain Uint8Array: give repositories the Buffers SQLite gives them */
function withBuffers(row: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(row)) if (v instanceof Uint8Array && !Buffer.isBuffer(v)) row[k] = Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  return row;
}

function unwrap(r: PgResponse): PgResult<Record<string, unknown>> {
  if (!r.ok) throw new PgError(r.error, r.ahead === true);
  return { rows: r.rows.map(withBuffers), rowCount: r.rowCount };
}

const gone = (message: string): PgError => new PgError({ code: '08003', message, constraint: null });

export function openPgSync(options: Pick<PgConnectOptions, 'url'> & Partial<PgConnectOptions>): PgSync {
  const conn = nextConn++;
  const connectOptions = { ...PG_DEFAULTS, ...options };
  unwrap(send({ op: 'connect', conn, options: connectOptions }));
  let depth = 0;
  let closed = false;
  // the connection broke; and whether that happened inside the open transaction, which the server has then
  // rolled back: its later statements must fail too, never run on a new connection and commit in part
  let broken = false;
  let lostInTransaction = false;
  let held: string | null = null;
  const lossListeners = new Set<(err: PgError) => void>();
  const lost = (err: PgError): PgError => {
    broken = true;
    if (depth > 0) lostInTransaction = true;
    for (const l of [...lossListeners]) l(err);
    return err;
  };
  const reconnect = (): void => {
    if (lostInTransaction) throw gone('The connection to PostgreSQL broke during this transaction; the server rolled it back, so nothing of it was saved.');
    if (held !== null) throw gone(held);
    const r = send({ op: 'connect', conn, options: connectOptions });
    if (!r.ok) throw lost(new PgError(r.error));
    broken = false;
  };
  // statements waiting to go with the next request (later), and how many requests have carried some: a
  // transaction scope whose opening statement is still waiting has sent nothing to the server
  let ahead: PgQuery[] = [];
  let carried = 0;
  const takeAhead = (): PgQuery[] | undefined => {
    if (ahead.length === 0) return undefined;
    const out = ahead;
    ahead = [];
    carried++;
    return out;
  };
  const query = <R>(sql: string, params: readonly unknown[] = [], retried = false): PgResult<R> => {
    if (closed) throw gone('The connection to PostgreSQL is closed.');
    if (broken) reconnect();
    const before = takeAhead();
    try {
      return unwrap(send({ op: 'query', conn, sql, params, ...(before ? { ahead: before } : {}) })) as PgResult<R>;
    } catch (err) {
      // outside a transaction a statement whose prepared plan went stale is simply run again (worker.ts
      // prepares it afresh); inside one the server has aborted the transaction, which fails as a whole
      if (!retried && depth === 0 && !before && err instanceof PgError && isStalePlan(err)) return query<R>(sql, params, true);
      throw isConnectionLoss(err) ? lost(err) : err;
    }
  };
  /**
   * A scope that failed: what it queued is dropped; the server rolls it back, unless nothing of it reached the
   * server (its opening statement is still queued: dropped with the rest) or the connection broke in it.
   */
  const abandon = (mark: number, carriedAtOpen: number, savepoint: string | null): void => {
    if (carried === carriedAtOpen) {
      ahead.length = mark;
      if (depth === 0) lostInTransaction = false;
      return;
    }
    ahead = [];
    if (depth === 0 && lostInTransaction) {
      lostInTransaction = false;
      return;
    }
    try {
      query(savepoint ? `ROLLBACK TO SAVEPOINT ${savepoint}` : 'ROLLBACK');
    } catch {
      // the connection is gone: the server has rolled back already
    }
  };
  return {
    query,
    later(sql, params = []) {
      if (depth === 0) return void query(sql, params);
      if (closed) throw gone('The connection to PostgreSQL is closed.');
      ahead.push({ sql, params });
    },
    hold(reason) {
      held = reason;
    },
    onLoss(listener) {
      lossListeners.add(listener);
      return () => {
        lossListeners.delete(listener);
      };
    },
    transaction<T>(fn: () => T): T {
      if (closed) throw gone('The connection to PostgreSQL is closed.');
      const savepoint = depth > 0 ? `sp_${depth}` : null;
      const mark = ahead.length;
      const carriedAtOpen = carried;
      ahead.push({ sql: savepoint ? `SAVEPOINT ${savepoint}` : 'BEGIN', params: [] });
      depth++;
      let out: T;
      try {
        out = fn();
        if ((out as { then?: unknown } | null)?.then) throw new TypeError('A transaction function must be synchronous.');
      } catch (err) {
        depth--;
        abandon(mark, carriedAtOpen, savepoint);
        throw err;
      }
      depth--;
      // a COMMIT that fails (the connection dropped, a deferred constraint) has ended the transaction anyway;
      // a statement sent ahead of it that fails has not: the scope is rolled back as if `fn` had thrown
      try {
        query(savepoint ? `RELEASE SAVEPOINT ${savepoint}` : 'COMMIT');
      } catch (err) {
        if (err instanceof PgError && err.ahead) abandon(mark, carriedAtOpen, savepoint);
        throw err;
      } finally {
        if (depth === 0) lostInTransaction = false;
      }
      return out;
    },
    get inTransaction() {
      return depth > 0;
    },
    close() {
      if (closed) return;
      closed = true;
      ahead = [];
      send({ op: 'close', conn });
    },
  };
}
