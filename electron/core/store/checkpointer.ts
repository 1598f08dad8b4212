// SQLite's WAL checkpoints, copied ahead off the thread that commits. A connection checkpoints inside the
// commit that crosses wal_autocheckpoint pages (db.ts): that commit copies every page the WAL holds into the
// database and syncs the file twice, on the event loop, and the webhook it acknowledges waits for all of it.
// With checkpoints only there, the ingest's p99 at concurrency 1 grew with the database, from 4 to 12 ms over
// a bench run; without any it stayed at 2-3 ms (bench:webhooks).
// Here a worker thread with its own connection (checkpoint-worker.ts) runs a PASSIVE checkpoint every
// intervalMs while the desk writes (and waits for the WAL to change while it does not: checkpoint-pace.ts),
// which neither waits for nor blocks the desk's connection, so the desk's own checkpoint finds
// little left to copy. That one stays: under a steady stream of commits a checkpoint from another connection
// never catches the WAL's end (new frames land while it copies), and only a checkpoint that does lets the next
// commit start the WAL over; without it the WAL grows without bound.
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { workerEntry } from '../worker-entry';
import type { Db } from './db';
import type { CheckpointWorkerInput, CheckpointWorkerMessage } from './checkpoint-worker';

const DEFAULT_INTERVAL_MS = 100;
/** while the desk writes nothing, the longest wait for the WAL file to change (checkpoint-pace.ts) */
const DEFAULT_IDLE_MAX_MS = 10_000;

export interface Checkpointer {
  /** Stops the worker; resolves once its connection is closed, so the desk's close, then the last, removes the WAL. */
  close(): Promise<void>;
}

export interface CheckpointerOptions {
  intervalMs?: number;
  idleMaxMs?: number;
  log?: (level: 'warn', message: string, detail?: Record<string, unknown>) => void;
}

/** a worker that has not stopped this long after being asked is terminated (a checkpoint is crash-safe) */
const STOP_WAIT_MS = 2_000;

const NONE: Checkpointer = { close: () => Promise.resolve() };

/** Starts checkpointing `db`'s WAL on a worker thread; a database in memory or not in WAL mode has none. */
export function startCheckpointer(db: Db, opts: CheckpointerOptions = {}): Checkpointer {
  if (db.memory || String(db.pragma('journal_mode', { simple: true })).toLowerCase() !== 'wal') return NONE;
  const input: CheckpointWorkerInput = { file: path.resolve(db.name), intervalMs: opts.intervalMs ?? DEFAULT_INTERVAL_MS, idleMaxMs: opts.idleMaxMs ?? DEFAULT_IDLE_MAX_MS };
  // execArgv []: a parent started through tsx does not pass its loader flags to the worker a second time
  const worker = new Worker(workerEntry(import.meta.url, 'checkpoint-worker.cjs', 'checkpoint-worker.dev.mjs'), { workerData: input, execArgv: [] });
  worker.unref();
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  let running = true;

  worker.on('message', (m: CheckpointWorkerMessage) => {
    if (m.type === 'error') opts.log?.('warn', 'the WAL checkpoint on its own thread failed; it is retried, and the desk still checkpoints itself', { error: m.message });
  });
  worker.on('error', (err) => {
    opts.log?.('warn', 'the WAL checkpointer stopped; the desk checkpoints itself', { error: err.message });
    running = false;
  });

  return {
    close() {
      if (!running) return exited;
      running = false;
      worker.postMessage({ type: 'close' });
      const stop = setTimeout(() => void worker.terminate(), STOP_WAIT_MS);
      stop.unref();
      return exited.finally(() => clearTimeout(stop));
    },
  };
}
