// When the checkpoint worker (checkpoint-worker.ts) runs its next PASSIVE checkpoint. While the desk writes,
// every base interval. Once a checkpoint finds the WAL fully copied and no frame added since the one before,
// the desk is idle: the worker stops its timer and waits for the WAL file to change (fs.watch), so an open
// console with nothing happening does not wake ten times a second (laptops on battery), and the first write
// after a pause is copied as promptly as any other. A slow timer (idleMaxMs) stays as a backstop where file
// events are not delivered (some network file systems).

/** what `PRAGMA wal_checkpoint` answers: frames in the WAL, and how many of them are in the database file */
export interface CheckpointResult {
  log: number;
  checkpointed: number;
}

/** whether nothing was written between the checkpoint that gave `prev` (null: none yet) and the one that gave `now`, and all of it is copied */
export function isIdle(prev: CheckpointResult | null, now: CheckpointResult | null): boolean {
  return prev !== null && now !== null && now.log === prev.log && now.checkpointed === now.log;
}

/** A `wal_checkpoint` row (busy, log, checkpointed), or null when it is not one (the database is not in WAL mode). */
export function checkpointResultOf(row: unknown): CheckpointResult | null {
  const r = row as { log?: unknown; checkpointed?: unknown } | undefined;
  return r && typeof r.log === 'number' && typeof r.checkpointed === 'number' ? { log: r.log, checkpointed: r.checkpointed } : null;
}
