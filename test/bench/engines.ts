// Which store engines a bench measures, and the PostgreSQL server it measures on.
//   BENCH_ENGINES=sqlite,postgres   a subset (default: both when PostgreSQL is installed, else SQLite)
// PostgreSQL is a throwaway cluster the bench starts itself (test/fixtures/postgres.ts: initdb in a temp dir,
// a free loopback port, as the postgres user through runuser when root), stopped when the bench exits,
// however it exits. When the postgresql package is missing the bench says how to install it and measures
// SQLite only: it installs nothing itself.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import pg from 'pg';
import type { Engine } from '../../electron/core/store/sql';
import { pgBinDir, startPgCluster, type PgCluster } from '../fixtures/postgres';

const ALL: readonly Engine[] = ['sqlite', 'postgres'];

function pgInstalled(): boolean {
  try {
    pgBinDir();
    return true;
  } catch {
    return false;
  }
}

/** The engines to measure, in order; prints why PostgreSQL is left out when it is asked for but missing. */
export function benchEngines(): Engine[] {
  const raw = process.env.BENCH_ENGINES?.trim();
  const asked = raw ? raw.split(',').map((s) => s.trim()).filter(Boolean) : [...ALL];
  const unknown = asked.filter((e) => !ALL.includes(e as Engine));
  if (unknown.length) throw new Error(`bench: BENCH_ENGINES names no engine "${unknown.join(', ')}": use sqlite, postgres or both (comma-separated)`);
  const engines = ALL.filter((e) => asked.includes(e));
  if (!engines.includes('postgres') || pgInstalled()) return engines;
  if (engines.length === 1) throw new Error('bench: BENCH_ENGINES=postgres, but PostgreSQL is not installed: apt-get install postgresql (the bench installs nothing itself)');
  console.log('PostgreSQL is not installed, so this run measures SQLite only. To measure both engines: apt-get install postgresql (the bench installs nothing itself).');
  return engines.filter((e) => e !== 'postgres');
}

let cluster: PgCluster | null = null;

/** The bench's one PostgreSQL cluster, started on first use and stopped when the process exits. */
export async function benchCluster(): Promise<PgCluster> {
  if (cluster) return cluster;
  const t0 = Date.now();
  const c = await startPgCluster();
  cluster = c;
  process.once('exit', () => c.stop());
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) process.once(signal, () => process.exit(code));
  console.log(`PostgreSQL: a throwaway cluster on 127.0.0.1:${c.port} (started in ${((Date.now() - t0) / 1000).toFixed(1)} s; fsync and synchronous_commit on, the server's defaults)`);
  return c;
}

export function stopBenchCluster(): void {
  cluster?.stop();
  cluster = null;
}

/** the parent pid of `pid` (from /proc) */
function parentOf(pid: number): number {
  const m = /^PPid:\s*(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/**
 * Pins the cluster (the postmaster, its running children, and so every backend it forks later) to `cpus`,
 * the servers' core: SQLite's storage work runs inside the server process, PostgreSQL's in its backends, and
 * both must compete for the same core, away from the load generator. Returns what it did, in words.
 */
export async function pinCluster(url: string, cpus: string): Promise<string> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  let backend: number;
  let postmaster: number;
  try {
    backend = (await c.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]!.pid;
    postmaster = parentOf(backend); // while the backend lives
  } finally {
    await c.end();
  }
  const children = spawnSync('pgrep', ['-P', String(postmaster)], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean).map(Number)
    .filter((pid) => pid !== backend); // the look-up's own backend is on its way out
  const failed = [postmaster, ...children].filter((pid) => spawnSync('taskset', ['-a', '-p', '-c', cpus, String(pid)], { stdio: 'ignore' }).status !== 0);
  return failed.length ? `PostgreSQL NOT pinned (taskset refused pids ${failed.join(', ')})` : `PostgreSQL's processes on core ${cpus} with the servers`;
}
