// The WAL checkpointer's thread (checkpointer.ts starts it): a connection of its own to the database file,
// which copies the WAL's committed pages into the database every intervalMs (a PASSIVE checkpoint: it never
// waits for, nor blocks, the desk's writer or readers). Its syncs are the checkpoint's own: the WAL before
// the copy, the database file after it, both with F_FULLFSYNC on macOS.
import { parentPort, workerData } from 'node:worker_threads';
import Database from 'better-sqlite3';

export interface CheckpointWorkerInput {
  file: string;
  intervalMs: number;
}

export type CheckpointWorkerMessage = { type: 'error'; message: string };

const port = parentPort;
if (!port) throw new Error('checkpoint-worker.ts runs in a worker thread (checkpointer.ts)');
const { file, intervalMs } = workerData as CheckpointWorkerInput;

const db = new Database(file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('fullfsync = ON');
db.pragma('checkpoint_fullfsync = ON');

let failed = false;
const timer = setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    failed = false;
  } catch (err) {
    // reported once per run of failures; the next tick tries again, and the desk still checkpoints itself
    if (!failed) port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies CheckpointWorkerMessage);
    failed = true;
  }
}, intervalMs);

port.on('message', (m: { type?: string }) => {
  if (m?.type !== 'close') return;
  clearInterval(timer);
  db.close();
  port.close();
});
