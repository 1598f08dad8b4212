// The callback outbox (migration 014; the rules live in electron/core/callbacks/). Enqueuing is idempotent
// by (type, subject); claiming a due row is one UPDATE that moves its next_attempt_at (a lease), so two
// workers sharing the store never send the same attempt twice.
import type { SqlDb } from '../sql';

export type CallbackType = 'payment.paid' | 'payment.failed' | 'payment.refunded' | 'link.expired';
export type CallbackStatus = 'pending' | 'delivered' | 'failed';

export interface CallbackEventRow {
  id: string;
  type: CallbackType;
  subject: string;
  payment_id: string;
  account_id: string;
  livemode: number;
  payload: string;
  created_at: number;
  status: CallbackStatus;
  attempts: number;
  next_attempt_at: number | null;
  last_status: number | null;
  last_error: string | null;
  delivered_at: number | null;
}

export interface CallbackEnqueue {
  id: string;
  type: CallbackType;
  subject: string;
  paymentId: string;
  accountId: string;
  livemode: boolean;
  payload: string;
  at: number;
}

export interface CallbackAttempt {
  eventId: string;
  at: number;
  httpStatus: number | null;
  error: string | null;
  durationMs: number;
}

export function callbacksRepo(db: SqlDb) {
  const insertStmt = db.prepare(`INSERT INTO callback_events (id, type, subject, payment_id, account_id, livemode, payload, created_at, status, next_attempt_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'pending', ?) ON CONFLICT (type, subject) DO NOTHING`);
  const existsStmt = db.prepare('SELECT 1 FROM callback_events WHERE type = ? AND subject = ?').pluck();
  const byIdStmt = db.prepare('SELECT * FROM callback_events WHERE id = ?');
  const dueStmt = db.prepare(`SELECT id FROM callback_events WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?`).pluck();
  const claimStmt = db.prepare(`UPDATE callback_events SET next_attempt_at = ?, attempts = attempts + 1
    WHERE id = ? AND status = 'pending' AND next_attempt_at <= ? RETURNING *`);
  const deliveredStmt = db.prepare(`UPDATE callback_events SET status = 'delivered', next_attempt_at = NULL, delivered_at = ?, last_status = ?, last_error = NULL WHERE id = ?`);
  const retryStmt = db.prepare(`UPDATE callback_events SET status = 'pending', next_attempt_at = ?, delivered_at = NULL, last_status = ?, last_error = ? WHERE id = ?`);
  const failedStmt = db.prepare(`UPDATE callback_events SET status = 'failed', next_attempt_at = NULL, delivered_at = NULL, last_status = ?, last_error = ? WHERE id = ?`);
  const resendStmt = db.prepare(`UPDATE callback_events SET status = 'pending', next_attempt_at = ?, delivered_at = NULL WHERE id = ?`);
  const attemptStmt = db.prepare('INSERT INTO callback_attempts (event_id, at, http_status, error, duration_ms) VALUES (?, ?, ?, ?, ?)');
  const attemptsOfStmt = db.prepare('SELECT at, http_status, error, duration_ms FROM callback_attempts WHERE event_id = ? ORDER BY at, id');
  const recentStmt = db.prepare('SELECT * FROM callback_events ORDER BY created_at DESC, id DESC LIMIT ?');
  const countsStmt = db.prepare('SELECT status, count(*) AS n FROM callback_events GROUP BY status');
  const changedSinceStmt = db.prepare(`SELECT id FROM payments
    WHERE updated_at >= ? AND (status IN ('paid', 'failed', 'expired') OR refunded_minor > 0) ORDER BY updated_at LIMIT ?`).pluck();

  return {
    /** adds the event unless one of this type and subject exists; true when added */
    enqueue(e: CallbackEnqueue): boolean {
      return insertStmt.run(e.id, e.type, e.subject, e.paymentId, e.accountId, e.livemode ? 1 : 0, e.payload, e.at, e.at).changes === 1;
    },
    exists: (type: CallbackType, subject: string): boolean => existsStmt.get(type, subject) === 1,
    byId: (id: string) => byIdStmt.get(id) as CallbackEventRow | undefined,
    /** ids of pending events due at `now`, soonest first */
    due: (now: number, limit: number): string[] => dueStmt.all(now, limit) as string[],
    /**
     * Takes a due event for one attempt: counts the attempt and leases the row until `leaseUntil`.
     * Undefined when another worker took it first (or it is no longer due).
     */
    claim(id: string, now: number, leaseUntil: number): CallbackEventRow | undefined {
      return claimStmt.get(leaseUntil, id, now) as CallbackEventRow | undefined;
    },
    delivered(id: string, at: number, httpStatus: number): void {
      deliveredStmt.run(at, httpStatus, id);
    },
    retryAt(id: string, nextAt: number, httpStatus: number | null, error: string | null): void {
      retryStmt.run(nextAt, httpStatus, error, id);
    },
    failed(id: string, httpStatus: number | null, error: string | null): void {
      failedStmt.run(httpStatus, error, id);
    },
    /** due again at `at`, whatever its status (a resend asked for by the owner); false when unknown */
    resend: (id: string, at: number): boolean => resendStmt.run(at, id).changes === 1,
    logAttempt(a: CallbackAttempt): void {
      attemptStmt.run(a.eventId, a.at, a.httpStatus, a.error, a.durationMs);
    },
    attemptsOf: (eventId: string) => attemptsOfStmt.all(eventId) as { at: number; http_status: number | null; error: string | null; duration_ms: number }[],
    /** newest first */
    recent: (limit: number) => recentStmt.all(limit) as CallbackEventRow[],
    counts(): Record<CallbackStatus, number> {
      const out: Record<CallbackStatus, number> = { pending: 0, delivered: 0, failed: 0 };
      for (const r of countsStmt.all() as { status: CallbackStatus; n: number }[]) out[r.status] = r.n;
      return out;
    },
    /** payments changed since `since` (ms) that may carry a fact to announce: for the start-up sweep */
    paymentsChangedSince: (since: number, limit: number): string[] => changedSinceStmt.all(since, limit) as string[],
  };
}

export type CallbacksRepo = ReturnType<typeof callbacksRepo>;
