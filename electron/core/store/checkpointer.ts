// SQLite's WAL checkpoints, moved off the thread that commits. By default a connection checkpoints inside the
// commit that crosses wal_autocheckpoint pages (db.ts): that commit then copies every page the WAL holds into
// the database and syncs the file twice, on the event loop, and the webhook it acknowledges waits for all
// of it. With checkpoints there, the ingest's p99 at concurrency 1 grew with the database, from 4 to 12 ms
// over a bench run; without any it stayed at 2-3 ms (bench:webhooks). Here a worker thread with its own connection (checkpoint-worker.ts) runs a PASSIVE checkpoint every
// intervalMs, which neither waits for nor blocks the desk's connection, and the desk's own threshold is
// raised to FALLBACK_PAGES: it checkpoints again only if the worker falls far behind, or stops (an error,
// or close()), when the default comes back.
import { Worker } from 'node:worker_threads';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { WAL_AUTOCHECKPOINT_PAGES, type Db } from './db';
import type { CheckpointWorkerInput, CheckpointWorkerMessage } from './checkpoint-worker';

/** what the desk's connection still checkpoints at while the worker runs: about 200 MB of WAL */
export const FALLBACK_PAGES = 50_000;
const DEFAULT_INTERVAL_MS = 500;

export interface Checkpointer {
  /**
   * Gives the desk's connection its own checkpoints back and stops the worker; resolves once the worker's
   * connection is closed, so the desk's close, then the last, checkpoints the WAL and removes it.
   */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  log?: (level: 'warn', message: string, detail?: Record<string, unknown>) => void;
}

function workerEntry(): { file: string; execArgv?: string[] } {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const bundled = path.join(here, 'checkpoint-worker.cjs');
  // tests and development: execArgv [] so a parent started through tsx does not pass its loader flags twice
  return existsSync(bundled) ? { file: bundled } : { file: path.join(here, 'checkpoint-worker.dev.mjs'), execArgv: [] };
}

/** a worker that has not stopped this long after being asked is terminated (a checkpoint is crash-safe) */
const STOP_WAIT_MS = 2_000;

const NONE: Checkpointer = { close: () => Promise.resolve() };

/** Starts checkpointing `db`'s WAL on a worker thread; a database in memory or not in WAL mode has none. */
export function startCheckpointer(db: Db, opts: CheckpointerOptions = {}): Checkpointer {
  if (db.memory || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return NONE;
  const input: CheckpointWorkerInput = { file: path.resolve(db.name), intervalMs: opts.intervalMs ?? DEFAULT_INTERVAL_MS };
  const entry = workerEntry();
  const worker = new Worker(entry.file, { workerData: input, ...(entry.execArgv ? { execArgv: entry.execArgv } : {}) });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let running = true;
  const ownCheckpoints = (): void => {
    if (db.open) db.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
  };
  db.pragma(`wal_autocheckpoint = ${FALLBACK_PAGES}`);

  worker.on('message', (m: CheckpointWorkerMessage) => {
    if (m.type === 'error') opts.log?.('warn', `the WAL checkpoint failed; it is retried, and past ${FALLBACK_PAGES} pages the desk checkpoints itself`, { error: m.message });
  });
  worker.on('error', (err) => {
    opts.log?.('warn', 'the WAL checkpointer stopped; the desk checkpoints itself', { error: err.message });
    running = false;
    ownCheckpoints();
  });

  return {
    close() {
      if (!running) return exited;
      running = false;
      ownCheckpoints();
      worker.postMessage({ type: 'close' });
      const stop = setTimeout(() => void worker.terminate(), STOP_WAIT_MS);
      stop.unref();
      return exited.finally(() => clearTimeout(stop));
    },
  };
}
