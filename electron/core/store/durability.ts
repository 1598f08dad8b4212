// Group-commit durability for the webhook ingest: a commit made with synchronous=NORMAL, then made
// durable by an fdatasync of the WAL run in libuv's thread pool.
//
// A batch is committed with synchronous=NORMAL (SQLite writes its WAL frames, no fsync) and answered
// once an fsync of the WAL file that began after its commit has completed: what synchronous=FULL
// guarantees, but the fsync runs in libuv's thread pool while the event loop reads, verifies, applies and
// commits the next batch, and one fsync covers every commit made before it began. It is an fdatasync
// (the data, and the file size when the WAL grew; not the modification time), as SQLite's own syncs are
// when it is built with fdatasync: on Linux that spares a journal commit for the inode each time
// (bench:webhooks, c1); libuv makes it F_FULLFSYNC on macOS and FlushFileBuffers on Windows. The WAL
// file is the same while the connection is open (SQLite truncates or rewinds it, never replaces it); its
// inode is checked at each batch anyway, and a database without a WAL file (in memory) commits with FULL.
// A commit with nothing to overlap (inline) is cheaper with FULL: on one core, handing the fsync to the thread
// pool and back costs two context switches, more than the sync itself (bench:webhooks, c1).
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { Db } from './db';

export interface Durability {
  /**
   * Runs `commit` (one transaction). Returns true when it committed with synchronous=NORMAL and is durable
   * only once `whenDurable` calls back; false when it committed with FULL (already on disk), which `inline`
   * asks for: SQLite syncs the WAL inside the commit, on the calling thread. Throws what
   * `commit` throws. The connection is back at FULL afterwards either way: it is shared, and every other
   * writer commits with FULL.
   */
  commit(commit: () => void, opts?: { inline?: boolean }): boolean;
  /** Calls `done` once an fdatasync of the WAL begun after the last deferred commit has finished (err: it failed). */
  whenDurable(done: (err: unknown) => void): void;
  /** Runs idempotent writes with synchronous=NORMAL: one a power cut loses is redone on the next start. */
  relaxed<T>(fn: () => T): T;
  close(): void;
}

export interface DurabilityOptions {
  log?: (level: 'error', message: string, detail?: Record<string, unknown>) => void;
}

export function createDurability(db: Db, opts: DurabilityOptions = {}): Durability {
  // PRAGMA synchronous takes effect when the statement is prepared, not when it runs: a prepared statement
  // kept and re-run changes nothing (it would leave the shared connection at NORMAL from its creation on,
  // so no commit of any writer waited for an fsync). exec() prepares it each time.
  const syncFull = (): void => void db.exec('PRAGMA synchronous = FULL');
  const syncNormal = (): void => void db.exec('PRAGMA synchronous = NORMAL');
  // the file to fsync after a group commit; null: commit with FULL instead
  const walPath = !db.memory && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal' ? `${resolvePath(db.name)}-wal` : null;

  let walFd: number | null = null;
  let walIno = -1;
  let walFailed = false;
  let syncing = false;
  /** commits made since the running fsync began: the next fsync covers them */
  let afterSync: ((err: unknown) => void)[] = [];

  function walReady(): boolean {
    if (walPath === null || walFailed) return false;
    try {
      const ino = statSync(walPath).ino;
      if (walFd !== null && ino === walIno) return true;
      if (syncing) return false; // replaced under the running fsync: FULL until it is done
      if (walFd !== null) closeSync(walFd);
      walFd = null;
      const fd = openSync(walPath, 'r+');
      walFd = fd;
      walIno = fstatSync(fd).ino;
      return walIno === ino;
    } catch {
      return false;
    }
  }

  function startSync(): void {
    const waiting = afterSync;
    afterSync = [];
    syncing = true;
    fdatasync(walFd as number, (err) => {
      syncing = false;
      if (err) {
        // the batches are committed but may not be on disk: their requests fail (the gateway retries) and
        // every commit from now on waits for its own fsync
        walFailed = true;
        opts.log?.('error', 'fdatasync of the webhook WAL failed; committing with synchronous=FULL from now on', { error: err.message });
      }
      for (const f of waiting) f(err ?? null);
      if (afterSync.length === 0) return;
      if (!walFailed) return startSync();
      const rest = afterSync;
      afterSync = [];
      for (const f of rest) f(err);
    });
  }

  return {
    commit(commit, opts) {
      const defer = opts?.inline !== true && walReady();
      try {
        if (defer) syncNormal();
        commit();
      } finally {
        if (defer) syncFull();
      }
      return defer;
    },
    whenDurable(done) {
      afterSync.push(done);
      if (!syncing) startSync();
    },
    relaxed(fn) {
      try {
        syncNormal();
        return fn();
      } finally {
        syncFull();
      }
    },
    close() {
      if (walFd !== null) closeSync(walFd);
      walFd = null;
    },
  };
}
