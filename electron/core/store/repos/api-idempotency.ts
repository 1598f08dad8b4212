// The merchant API's Idempotency-Keys (migration 012; the rules live in electron/core/api/idempotency.ts).
// Keys are per token: two shops' tokens may use the same key without meeting.
import type { SqlDb } from '../sql';

export interface IdempotencyRow {
  token_id: string;
  key: string;
  method: string;
  path: string;
  body_sha256: Buffer;
  /** null while the first request is in flight */
  status: number | null;
  response: string | null;
  created_at: number;
}

export interface IdempotencyClaim {
  tokenId: string;
  key: string;
  method: string;
  path: string;
  bodySha256: Buffer;
  at: number;
}

export function apiIdempotencyRepo(db: SqlDb) {
  const getStmt = db.prepare('SELECT * FROM api_idempotency WHERE token_id = ? AND key = ?');
  const claimStmt = db.prepare(`INSERT INTO api_idempotency (token_id, key, method, path, body_sha256, status, response, created_at)
    VALUES (?, ?, ?, ?, ?, NULL, NULL, ?) ON CONFLICT (token_id, key) DO NOTHING`);
  const finishStmt = db.prepare('UPDATE api_idempotency SET status = ?, response = ? WHERE token_id = ? AND key = ? AND status IS NULL');
  const releaseStmt = db.prepare('DELETE FROM api_idempotency WHERE token_id = ? AND key = ? AND status IS NULL');
  const sweepStmt = db.prepare('DELETE FROM api_idempotency WHERE created_at < ?');

  return {
    get(tokenId: string, key: string): IdempotencyRow | undefined {
      return getStmt.get(tokenId, key) as IdempotencyRow | undefined;
    },
    /** takes the key for a new request; false when the key is already there (in flight or answered) */
    claim(c: IdempotencyClaim): boolean {
      return claimStmt.run(c.tokenId, c.key, c.method, c.path, c.bodySha256, c.at).changes === 1;
    },
    /** stores the answer of the request holding the key */
    finish(tokenId: string, key: string, status: number, response: string): void {
      finishStmt.run(status, response, tokenId, key);
    },
    /** lets the key go without an answer to keep (a retry may then run the request again) */
    release(tokenId: string, key: string): void {
      releaseStmt.run(tokenId, key);
    },
    /** forgets keys made before `before` (ms); returns how many */
    sweep(before: number): number {
      return sweepStmt.run(before).changes;
    },
  };
}

export type ApiIdempotencyRepo = ReturnType<typeof apiIdempotencyRepo>;
