// How long the checkpoint worker (checkpoint-worker.ts) waits before its next PASSIVE checkpoint. While the
// desk writes, every base interval. Once a checkpoint finds the WAL fully copied and no frame added since the
// last one, the desk is idle: the wait doubles up to maxMs, so an open console with nothing happening wakes once
// a second rather than ten times (laptops on battery). The first writes after that wait at most maxMs for the
// copy; a burst that fills the WAL sooner is what the desk's own checkpoint (db.ts) is still there for.

/** what `PRAGMA wal_checkpoint` answers: frames in the WAL, and how many of them are in the database file */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

export interface Pace {
  baseMs: number;
  maxMs: number;
}

/** the wait after a checkpoint that gave `now`, when the one before gave `prev` (null: none yet) and waited `lastMs` */
export function nextCheckpointDelay(pace: Pace, lastMs: number, prev: CheckpointResult | null, now: CheckpointResult): number {
  const idle = prev !== null && now.log === prev.log && now.checkpointed === now.log;
  return idle ? Math.min(pace.maxMs, Math.max(pace.baseMs, lastMs * 2)) : pace.baseMs;
}

/** A `wal_checkpoint` row (busy, log, checkpointed), or null when it is not one (the database is not in WAL mode). */
export function checkpointResultOf(row: unknown): CheckpointResult | null {
  const r = row as { log?: unknown; checkpointed?: unknown } | undefined;
  return r && typeof r.log === 'number' && typeof r.checkpointed === 'number' ? { log: r.log, checkpointed: r.checkpointed } : null;
}
