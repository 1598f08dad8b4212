// The WAL checkpointer's thread (checkpointer.ts starts it): a connection of its own to the database file,
// which copies the WAL's committed pages into the database every intervalMs while the desk writes, and waits
// for the WAL to change while it is idle (checkpoint-pace.ts); a PASSIVE checkpoint never waits for, nor
// blocks, the desk's writer or readers. Its syncs are the checkpoint's own: the WAL before
// the copy, the database file after it, both with F_FULLFSYNC on macOS.
import { watch, type FSWatcher } from 'node:fs';
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import Database from 'better-sqlite3';
import { checkpointResultOf, isIdle, type CheckpointResult } from './checkpoint-pace';

export interface CheckpointWorkerInput {
  file: string;
  intervalMs: number;
  /** while the desk writes nothing: the longest wait for a change of the WAL file (checkpoint-pace.ts) */
  idleMaxMs: number;
}

export type CheckpointWorkerMessage = { type: 'error'; message: string };

function mainPort(): MessagePort {
  if (!parentPort) throw new Error('checkpoint-worker.ts runs in a worker thread (checkpointer.ts)');
  return parentPort;
}
const port = mainPort();
const { file, intervalMs, idleMaxMs } = workerData as CheckpointWorkerInput;

const db = new Database(file, { fileMustExist: true });
db.pragma('synchronous = FULL');
db.pragma('fullfsync = ON');
db.pragma('checkpoint_fullfsync = ON');

let failed = false;
let last: CheckpointResult | null = null;
let timer: NodeJS.Timeout | null = null;
let watcher: FSWatcher | null = null;

function schedule(ms: number): void {
  if (timer) clearTimeout(timer);
  timer = setTimeout(tick, ms);
}

function stopWatching(): void {
  watcher?.close();
  watcher = null;
}

/** Idle: the next checkpoint runs once the WAL file changes, or after idleMaxMs if no file event comes. */
function waitForWrites(): void {
  schedule(idleMaxMs);
  try {
    watcher = watch(`${file}-wal`, () => {
      stopWatching();
      schedule(intervalMs);
    });
    watcher.on('error', stopWatching);
  } catch {
    // no file events here (or no WAL file yet): the backstop timer paces the checkpoints
    watcher = null;
    return;
  }
  // a commit that landed between the idle checkpoint and the watch sent no event: look once more
  let still = false;
  try {
    still = isIdle(last, checkpoint());
  } catch {
    // the next tick, at once, runs it again and reports it
  }
  if (!still) {
    stopWatching();
    schedule(intervalMs);
  }
}

/** a PASSIVE checkpoint: copies what it can, never waits; throws what SQLite throws */
function checkpoint(): CheckpointResult | null {
  return checkpointResultOf((db.pragma('wal_checkpoint(PASSIVE)') as unknown[])[0]);
}

function tick(): void {
  stopWatching();
  let idle = false;
  try {
    const now = checkpoint();
    idle = isIdle(last, now);
    last = now;
    failed = false;
  } catch (err) {
    // reported once per run of failures; the next tick tries again, and the desk still checkpoints itself
    if (!failed) port.postMessage({ type: 'error', message: err instanceof Error ? err.message : String(err) } satisfies CheckpointWorkerMessage);
    failed = true;
  }
  if (idle) waitForWrites();
  else schedule(intervalMs);
}
schedule(intervalMs);

port.on('message', (m: { type?: string }) => {
  if (m?.type !== 'close') return;
  if (timer) clearTimeout(timer);
  stopWatching();
  db.close();
  port.close();
});
