// bench:payments on PostgreSQL: the team database of a throwaway cluster (engines.ts) holding the same
// BENCH_ROWS payments as the SQLite bench store (payments-store.ts `benchRows`), and the built browser host on
// it with `--store <url>`. The host makes the schema (and its team) on its first start on a fresh database
// and data dir; the rows are then bulk-loaded with the async pg client: one INSERT … SELECT FROM unnest(…)
// per batch of column arrays, in one transaction, then VACUUM ANALYZE so the planner knows the table, as it
// would after any bulk load.
import pg from 'pg';
import { startHost } from '../e2e/fixtures';
import { BENCH_HOST, spawnHost, stopHost } from './bench-host';
import { benchCluster } from './engines';
import { ACCOUNTS, ROWS, ROW_COLUMNS, benchRows, coreReady, type BenchRow } from './payments-store';

const BATCH = 5000;
const NUMERIC = new Set(['amount_minor', 'expires_at', 'paid_at', 'captured_minor', 'created_at', 'updated_at']);

export interface BenchHost {
  url: string;
  stop(): Promise<void>;
}

/**
 * The built host (BENCH_HOST's when set) on `dataDir` and the team database `storeUrl`, without the embedded
 * sandbox. When it does not start, the error carries the host's own reason (its "could not start" line).
 */
export async function startHostOn(dataDir: string, storeUrl: string | null): Promise<BenchHost> {
  const store = storeUrl ? ['--store', storeUrl] : [];
  try {
    if (BENCH_HOST) {
      const h = await spawnHost(dataDir, ['--sandbox', 'off', ...store]);
      return { url: h.url, stop: () => stopHost(h.proc) };
    }
    const h = await startHost({ dataDir, sandbox: false, args: store });
    return { url: h.url, stop: () => h.stop() };
  } catch (err) {
    const text = err instanceof Error ? err.message : String(err);
    const why = /could not start: (.*)/.exec(text)?.[1] ?? text.split('\n').slice(0, 6).join(' | ');
    throw new Error(`the host did not start${storeUrl ? ' on PostgreSQL' : ''}: ${why}`, { cause: err });
  }
}

async function insertBatch(c: pg.Client, batch: BenchRow[]): Promise<void> {
  const arrays = ROW_COLUMNS.map(([, field]) => batch.map((r) => (field ? r[field] : null)));
  const casts = ROW_COLUMNS.map(([col], i) => `$${i + 1}::${NUMERIC.has(col) ? 'bigint' : 'text'}[]`);
  const cols = ROW_COLUMNS.map(([col]) => col);
  await c.query(
    `INSERT INTO payments (${cols.join(', ')}, livemode, notes, refund_state, created_by)
     SELECT *, 0, '{}', 'none', 'console' FROM unnest(${casts.join(', ')})`,
    arrays,
  );
}

/** Loads the bench accounts and `rows` payments into the (migrated, empty) team database at `url`. */
export async function fillPg(url: string, rows = ROWS): Promise<void> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    const now = Date.now();
    await c.query('BEGIN');
    for (const a of ACCOUNTS) {
      await c.query(
        `INSERT INTO accounts (id, gateway, mode, livemode, label, sandbox, verification_status, created_at, updated_at)
         VALUES ($1, $2, 'test', 0, $3, 0, 'unverified', $4, $4)`,
        [a.id, a.gateway, a.label, now],
      );
    }
    let batch: BenchRow[] = [];
    for (const row of benchRows(rows, now)) {
      batch.push(row);
      if (batch.length === BATCH) {
        await insertBatch(c, batch);
        batch = [];
      }
    }
    if (batch.length) await insertBatch(c, batch);
    await c.query('COMMIT');
    await c.query('VACUUM ANALYZE payments');
  } finally {
    await c.end();
  }
}

/** A fresh team database on the bench's cluster, schema made by the host's first start, then filled. */
export async function preparePgStore(dataDir: string, rows = ROWS): Promise<string> {
  const cluster = await benchCluster();
  const url = await cluster.createDatabase(`paydesk_bench_${Date.now().toString(36)}`);
  const host = await startHostOn(dataDir, url);
  try {
    await coreReady(host);
  } finally {
    await host.stop();
  }
  const t0 = Date.now();
  await fillPg(url, rows);
  console.log(`filled ${rows.toLocaleString()} payments into PostgreSQL in ${((Date.now() - t0) / 1000).toFixed(1)} s (${url})`);
  return url;
}
