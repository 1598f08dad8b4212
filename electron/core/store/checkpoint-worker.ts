// The WAL checkpointer's thread (checkpointer.ts starts it): a connection of its own to the database file,
// which copies the WAL's committed pages into the database every intervalMs while the desk writes, less often
// while it is idle (checkpoint-pace.ts); a PASSIVE checkpoint never waits for, nor blocks, the desk's writer
// or readers. Its syncs are the checkpoint's own: the WAL before
// the copy, the database file after it, both with F_FULLFSYNC on macOS.
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkpointResultOf, nextCheckpointDelay, type CheckpointResult } from './checkpoint-pace';

export interface CheckpointWorkerInput {
  file: string;
  intervalMs: number;
  /** the longest wait while the desk writes nothing */
  idleMaxMs: number;
}

export type CheckpointWorkerMessage = { type: 'error'; message: string };

function mainPort(): MessagePort {
  if (!parentPort) throw new Error('checkpoint-worker.ts runs in a worker thread (checkpointer.ts)');
  return parentPort;
}
const port = mainPort();
const { file, intervalMs, idleMaxMs } = workerData as CheckpointWorkerInput;
const pace = { baseMs: intervalMs, maxMs: Math.max(intervalMs, idleMaxMs) };

const db = new Database(file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('fullfsync = ON');
db.pragma('checkpoint_fullfsync = ON');

let failed = false;
let last: CheckpointResult | null = null;
let delay = intervalMs;
let timer: NodeJS.Timeout | null = null;

function tick(): void {
  try {
    const now = checkpointResultOf((db.pragma('wal_checkpoint(PASSIVE)') as unknown[])[0]);
    delay = now ? nextCheckpointDelay(pace, delay, last, now) : intervalMs;
    last = now;
    failed = false;
  } catch (err) {
    // reported once per run of failures; the next tick tries again, and the desk still checkpoints itself
    if (!failed) port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies CheckpointWorkerMessage);
    failed = true;
    delay = intervalMs;
  }
  timer = setTimeout(tick, delay);
}
timer = setTimeout(tick, intervalMs);

port.on('message', (m: { type?: string }) => {
  if (m?.type !== 'close') return;
  if (timer) clearTimeout(timer);
  db.close();
  port.close();
});
