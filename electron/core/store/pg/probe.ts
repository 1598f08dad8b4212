// One look at a PostgreSQL database before a desk is pointed at it (Settings → Team): does it answer, does it
// let this user in, is the server new enough, which Paydesk schema it holds and whether a team uses it. An
// async node-postgres client on the main thread, closed at once: the synchronous worker (sync-client.ts)
// would freeze the desk while a far server times out. Failures come back in words naming the field to fix.
import type pg from 'pg';
import { pgClient } from './client';

/** PostgreSQL 15: the oldest server Paydesk's migrations are written for */
export const MIN_PG_SERVER = 150000;

export interface PgProbe {
  ok: boolean;
  message: string;
  field: 'url' | 'password' | null;
  schema: number | null;
  hasTeam: boolean;
}

interface Facts { serverVersion: number; schema: number; hasTeam: boolean }

/** host:port/db of `url`, for messages (never the user's password) */
export function whereOfUrl(url: string): { host: string; db: string; user: string } {
  const u = new URL(url);
  return { host: `${u.hostname}${u.port ? `:${u.port}` : ''}`, db: decodeURIComponent(u.pathname.replace(/^\//, '')), user: decodeURIComponent(u.username) || 'your user' };
}

/** What went wrong connecting to `url`, in words, and which field it is about. */
export function explainPgFailure(err: unknown, url: string): { message: string; field: 'url' | 'password' } {
  const e = err as { code?: unknown; message?: unknown };
  const code = typeof e?.code === 'string' ? e.code : '';
  const text = typeof e?.message === 'string' ? e.message : String(err);
  const w = whereOfUrl(url);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { field: 'url', message: `No computer called ${w.host.replace(/:\d+$/, '')} was found: check the host name in the URL.` };
  if (code === 'ECONNREFUSED') return { field: 'url', message: `Nothing answers at ${w.host}: check the host and port, and that the PostgreSQL server is running and listens there.` };
  if (code === 'EHOSTUNREACH' || code === 'ENETUNREACH' || code === 'ETIMEDOUT' || /timeout/i.test(text)) {
    return { field: 'url', message: `${w.host} did not answer in time: check the host and port, and that a firewall lets this computer reach it.` };
  }
  if (code === '28P01' || /password must be a string|SASL|password authentication/i.test(text)) {
    return { field: 'password', message: `The server refused ${w.user}'s password: type the right one, or leave it empty to use PGPASSWORD or ~/.pgpass.` };
  }
  if (code === '28000') return { field: 'password', message: `The server does not let ${w.user} in from this computer (pg_hba.conf): ask whoever runs it to allow this desk.` };
  if (code === '3D000') return { field: 'url', message: `There is no database called ${w.db} on ${w.host}: create it first (createdb -h ${w.host.replace(/:\d+$/, '')} -O ${w.user} ${w.db}), owned by the user in the URL.` };
  if (code === '42501') return { field: 'url', message: `${w.user} may not use everything in ${w.db}: the user in the URL must own the database (ALTER DATABASE ${w.db} OWNER TO ${w.user}, and its tables).` };
  return { field: 'url', message: `Could not use the database at ${w.host}/${w.db}: ${text}` };
}

async function factsOf(c: pg.Client): Promise<Facts> {
  const v = await c.query<{ v: string }>("SELECT current_setting('server_version_num') AS v");
  const serverVersion = Number(v.rows[0]?.v ?? 0);
  const table = await c.query<{ t: string | null }>("SELECT to_regclass('schema_migrations')::text AS t");
  const max = table.rows[0]?.t == null ? null : await c.query<{ v: number | null }>('SELECT max(version)::int AS v FROM schema_migrations');
  const schema = max?.rows[0]?.v ?? 0;
  const meta = await c.query<{ t: string | null }>("SELECT to_regclass('team_meta')::text AS t");
  const hasTeam = meta.rows[0]?.t != null && ((await c.query('SELECT 1 FROM team_meta WHERE id = 1')).rowCount ?? 0) > 0;
  return { serverVersion, schema, hasTeam };
}

/** Connects once (at most `timeoutMs`), reads what this desk needs to know, and closes. */
export async function probePgStore(url: string, password: string | undefined, knownSchema: number, timeoutMs = 5000): Promise<PgProbe> {
  const c = pgClient({ connectionString: url, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, application_name: 'paydesk-test' }, password);
  c.on('error', () => undefined);
  let facts: Facts;
  try {
    await c.connect();
    facts = await factsOf(c);
  } catch (err) {
    return { ok: false, ...explainPgFailure(err, url), schema: null, hasTeam: false };
  } finally {
    await c.end().catch(() => undefined);
  }
  const w = whereOfUrl(url);
  if (facts.serverVersion < MIN_PG_SERVER) {
    return { ok: false, field: 'url', schema: facts.schema, hasTeam: facts.hasTeam, message: `The server at ${w.host} runs PostgreSQL ${Math.floor(facts.serverVersion / 10000)}; Paydesk needs 15 or newer.` };
  }
  if (facts.schema > knownSchema) {
    return { ok: false, field: 'url', schema: facts.schema, hasTeam: facts.hasTeam, message: `A newer Paydesk upgraded ${w.db} (schema ${facts.schema}; this desk knows ${knownSchema}): update this Paydesk first.` };
  }
  const message = facts.hasTeam
    ? `Connected to ${w.db} on ${w.host}. A team already uses it: this desk needs a join code from an owner's desk (Settings → Team → Invite a desk).`
    : `Connected to ${w.db} on ${w.host}. No team uses it yet: this desk will start the team.${facts.schema === 0 ? ' It is empty; Paydesk sets it up at the next start.' : ''}`;
  return { ok: true, field: null, schema: facts.schema, hasTeam: facts.hasTeam, message };
}
