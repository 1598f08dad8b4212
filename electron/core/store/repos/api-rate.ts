// The merchant API's rate counters (migration 015; the rules live in electron/core/api/throttle.ts).
import type { Db } from '../db';

export interface RateHit {
  /** requests (or failures) counted in the current window, this one included */
  count: number;
  windowStart: number;
  /** ms; 0 when not blocked */
  blockedUntil: number;
}

export function apiRateRepo(db: Db) {
  // one statement, so two desks counting the same bucket at once cannot both start a fresh window
  const hitStmt = db.prepare(`INSERT INTO api_rate (bucket, window_start, count, blocked_until, expires_at)
    VALUES (@bucket, @at, 1, 0, @at + @windowMs)
    ON CONFLICT (bucket) DO UPDATE SET
      count        = CASE WHEN @at - window_start >= @windowMs THEN 1 ELSE count + 1 END,
      window_start = CASE WHEN @at - window_start >= @windowMs THEN @at ELSE window_start END,
      expires_at   = max(blocked_until, CASE WHEN @at - window_start >= @windowMs THEN @at ELSE window_start END + @windowMs)
    RETURNING count, window_start AS windowStart, blocked_until AS blockedUntil`);
  const blockStmt = db.prepare('UPDATE api_rate SET blocked_until = @until, expires_at = max(expires_at, @until) WHERE bucket = @bucket');
  const blockedStmt = db.prepare('SELECT blocked_until FROM api_rate WHERE bucket = ?').pluck();
  const sweepStmt = db.prepare('DELETE FROM api_rate WHERE expires_at <= ?');
  const countStmt = db.prepare('SELECT count(*) FROM api_rate').pluck();

  return {
    /** counts one more for `bucket` at `at`; a window older than `windowMs` starts again at 1 */
    hit(bucket: string, at: number, windowMs: number): RateHit {
      return hitStmt.get({ bucket, at, windowMs }) as RateHit;
    },
    /** ms until which `bucket` is blocked; 0 when it is not, or unknown */
    blockedUntil(bucket: string): number {
      return (blockedStmt.get(bucket) as number | undefined) ?? 0;
    },
    block(bucket: string, until: number): void {
      blockStmt.run({ bucket, until });
    },
    /** forgets buckets whose window and block have both passed by `at`; returns how many */
    sweep(at: number): number {
      return sweepStmt.run(at).changes;
    },
    size(): number {
      return countStmt.get() as number;
    },
  };
}

export type ApiRateRepo = ReturnType<typeof apiRateRepo>;
