// The merchant API's rate counters (migration 015; the rules live in electron/core/api/throttle.ts).
import { dialect, type SqlDb } from '../sql';

export interface RateHit {
  /** requests (or failures) counted in the current window, this one included */
  count: number;
  windowStart: number;
  /** ms; 0 when not blocked */
  blockedUntil: number;
}

export function apiRateRepo(db: SqlDb) {
  // scalar max() is greatest() on PostgreSQL
  const greatest = dialect(db, { sqlite: 'max', postgres: 'greatest' });
  // one statement, so two desks counting the same bucket at once cannot both start a fresh window. The casts
  // give PostgreSQL the parameters' type where nothing else does (`@at + @windowMs`); the quoted aliases keep
  // their case there.
  const hitStmt = db.prepare(`INSERT INTO api_rate (bucket, window_start, count, blocked_until, expires_at)
    VALUES (@bucket, CAST(@at AS BIGINT), 1, 0, CAST(@at AS BIGINT) + CAST(@windowMs AS BIGINT))
    ON CONFLICT (bucket) DO UPDATE SET
      count        = CASE WHEN CAST(@at AS BIGINT) - api_rate.window_start >= CAST(@windowMs AS BIGINT) THEN 1 ELSE api_rate.count + 1 END,
      window_start = CASE WHEN CAST(@at AS BIGINT) - api_rate.window_start >= CAST(@windowMs AS BIGINT) THEN CAST(@at AS BIGINT) ELSE api_rate.window_start END,
      expires_at   = ${greatest}(api_rate.blocked_until, CASE WHEN CAST(@at AS BIGINT) - api_rate.window_start >= CAST(@windowMs AS BIGINT)
        THEN CAST(@at AS BIGINT) ELSE api_rate.window_start END + CAST(@windowMs AS BIGINT))
    RETURNING count, window_start AS "windowStart", blocked_until AS "blockedUntil"`);
  const blockStmt = db.prepare(`UPDATE api_rate SET blocked_until = @until, expires_at = ${greatest}(expires_at, CAST(@until AS BIGINT)) WHERE bucket = @bucket`);
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
