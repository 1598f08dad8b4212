// The PostgreSQL worker: owns the connections (node-postgres) and answers one request at a time for the main
// thread, which waits for each answer (sync-client.ts), so core's repositories stay synchronous on both
// engines. A request never throws here: failures go back as values (protocol.ts).
import pg from 'pg';
import { runAsWorker } from 'synckit';
import { pgClient } from './client';
import { isStalePlan, type PgConnectOptions, type PgFailure, type PgRequest, type PgResponse } from './protocol';

// Money and counts are integers; node-postgres gives int8 and numeric as strings so as not to lose precision.
// Every value Paydesk stores fits a double exactly (minor units far below 2^53): refuse anything that does not.
const toSafeInteger = (text: string): number | string => {
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : text;
};
pg.types.setTypeParser(pg.types.builtins.INT8, toSafeInteger);
pg.types.setTypeParser(pg.types.builtins.NUMERIC, (text: string) => (/^-?\d+$/.test(text) ? toSafeInteger(text) : text));

const clients = new Map<number, pg.Client>();

// A statement with parameters is prepared under a name, once per connection (node-postgres remembers which
// it has): the server then parses it once and may keep its plan, where an unnamed statement is parsed and
// planned at every run, about a third of a webhook's statements' time on the server (bench:webhooks). The
// repositories' statements are a fixed set, so the map stays small; past the cap a text goes unnamed.
const MAX_NAMED = 2000;
const names = new Map<string, string>();
let nextName = 0;

function queryConfig(text: string, values: readonly unknown[]): pg.QueryConfig {
  if (values.length === 0) return { text };
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) {
    name = `paydesk_${nextName++}`;
    names.set(text, name);
  }
  return name === undefined ? { text, values: values as unknown[] } : { name, text, values: values as unknown[] };
}

/**
 * Runs one statement. A prepared statement whose tables another desk changed since (an upgrade's migration)
 * can fail with "cached plan must not change result type": the text gets a new name, so its next run
 * prepares it afresh on every connection.
 */
async function run(client: pg.Client, text: string, values: readonly unknown[]): Promise<pg.QueryResult | pg.QueryResult[]> {
  try {
    return await client.query(queryConfig(text, values));
  } catch (err) {
    if (isStalePlan(failure(err))) names.delete(text);
    throw err;
  }
}

// node-postgres reports a connection it lost without a code: these are the words it uses
const LOST = /Connection terminated|not queryable|timeout expired|Connection ended|connection is closed/i;

function failure(err: unknown): PgFailure {
  const e = err as { code?: unknown; message?: unknown; constraint?: unknown };
  const message = typeof e?.message === 'string' ? e.message : String(err);
  let code = typeof e?.code === 'string' ? e.code : null;
  // connection_failure, so the main thread knows the connection (and any transaction on it) is gone
  if (code === null && LOST.test(message)) code = '08006';
  return { code, message, constraint: typeof e?.constraint === 'string' ? e.constraint : null };
}

/** A failure after which the connection cannot be used again (the server went away, the socket broke). */
const isLost = (f: PgFailure): boolean =>
  f.code !== null && (/^08/.test(f.code) || /^57P0[123]$/.test(f.code) || /^E[A-Z]+$/.test(f.code));

function drop(conn: number): void {
  const client = clients.get(conn);
  clients.delete(conn);
  client?.end().catch(() => undefined);
}

async function connect(conn: number, o: PgConnectOptions): Promise<void> {
  // connecting again replaces a connection the main thread found broken
  drop(conn);
  const client = pgClient({
    connectionString: o.url,
    statement_timeout: o.statementTimeoutMs,
    lock_timeout: o.lockTimeoutMs,
    connectionTimeoutMillis: o.connectTimeoutMs,
    application_name: o.applicationName,
  }, o.password);
  // a connection lost between requests is reported by the next query; an unhandled 'error' would end the worker
  client.on('error', () => {
    if (clients.get(conn) === client) clients.delete(conn);
  });
  await client.connect();
  clients.set(conn, client);
}

async function handle(req: PgRequest): Promise<PgResponse> {
  try {
    if (req.op === 'connect') {
      await connect(req.conn, req.options);
      return { ok: true, rows: [], rowCount: 0 };
    }
    const client = clients.get(req.conn);
    if (req.op === 'close') {
      clients.delete(req.conn);
      await client?.end();
      return { ok: true, rows: [], rowCount: 0 };
    }
    if (!client) return { ok: false, error: { code: '08003', message: 'The connection to PostgreSQL is closed.', constraint: null } };
    for (const q of req.ahead ?? []) {
      try {
        await run(client, q.sql, q.params);
      } catch (err) {
        return { ...lostOrFailed(req.conn, err), ahead: true };
      }
    }
    const out: pg.QueryResult | pg.QueryResult[] = await run(client, req.sql, req.params);
    // several statements in one text (a migration) answer with one result each: the last one is the answer
    const r = Array.isArray(out) ? out[out.length - 1] : out;
    return { ok: true, rows: (r?.rows ?? []) as Record<string, unknown>[], rowCount: r?.rowCount ?? 0 };
  } catch (err) {
    return req.op === 'query' ? lostOrFailed(req.conn, err) : { ok: false, error: failure(err) };
  }
}

function lostOrFailed(conn: number, err: unknown): PgResponse & { ok: false } {
  const f = failure(err);
  if (isLost(f)) drop(conn);
  return { ok: false, error: f };
}

runAsWorker(handle);
