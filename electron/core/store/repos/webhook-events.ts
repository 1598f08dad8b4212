// Prepared statements for webhook_events (raw verified events, committed before the 2xx) and
// security_events (refused webhooks, counted per kind/account/minute).
import type { Gateway } from '../../../../shared/gateways';
import { dialect, runLater, type SqlDb } from '../sql';

export type ApplyResult = 'changed' | 'unchanged' | 'unmatched' | 'ignored' | 'error';
export type SecurityKind = 'missing_signature' | 'bad_signature' | 'stale_signature' | 'future_timestamp' | 'replayed' | 'malformed' | 'mode_mismatch' | 'secret_missing';

export interface WebhookEventInsert {
  gateway: Gateway;
  accountId: string;
  eventId: string;
  type: string;
  livemode: boolean;
  raw: Buffer;
  /** SHA-256 of `raw`, unique per account; null for Stripe, whose event id is already inside the signed bytes */
  bodySha256: Buffer | null;
  signature: 'valid' | 'valid_previous_secret';
  createdAt: number | null;
  receivedAt: number;
}

export interface WebhookEventRow {
  id: number;
  gateway: Gateway;
  account_id: string;
  event_id: string;
  type: string;
  livemode: number;
  raw: Buffer;
  signature: string;
  created_at: number | null;
  received_at: number;
  applied_at: number | null;
  apply_result: ApplyResult | null;
  payment_id: string | null;
  error: string | null;
  body_sha256: Buffer | null;
}

export interface SecurityEventRow {
  id: number;
  kind: SecurityKind;
  gateway: Gateway;
  account_id: string;
  bucket: number;
  count: number;
  first_at: number;
  last_at: number;
  detail: string | null;
}

export function webhookEventsRepo(db: SqlDb) {
  // a duplicate by either key: the same event id, or the same signed body under another id (a replay);
  // RETURNING gives the new id on both engines (PostgreSQL has no lastInsertRowid), none for a duplicate
  const insertStmt = db.prepare(`INSERT INTO webhook_events
      (gateway, account_id, event_id, type, livemode, raw, body_sha256, signature, created_at, received_at, applied_at, apply_result, payment_id, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT DO NOTHING RETURNING id`).pluck();
  // PostgreSQL: a batch's events in one statement, each new row's id returned with its key
  const insertManyStmt = db.engine === 'postgres'
    ? db.prepare<{ id: number; gateway: Gateway; account_id: string; event_id: string }>(`INSERT INTO webhook_events
        (gateway, account_id, event_id, type, livemode, raw, body_sha256, signature, created_at, received_at)
      SELECT * FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::bigint[], ?::bytea[], ?::bytea[], ?::text[], ?::bigint[], ?::bigint[])
      ON CONFLICT DO NOTHING RETURNING id, gateway, account_id, event_id`)
    : null;
  const markAppliedStmt = db.prepare('UPDATE webhook_events SET applied_at = ?, apply_result = ?, payment_id = ?, error = ? WHERE id = ?');
  const unappliedStmt = db.prepare('SELECT * FROM webhook_events WHERE applied_at IS NULL ORDER BY id LIMIT ?');
  const unmatchedStmt = db.prepare("SELECT * FROM webhook_events WHERE account_id = ? AND apply_result = 'unmatched' ORDER BY id LIMIT ?");
  const anyUnmatchedStmt = db.prepare("SELECT 1 FROM webhook_events WHERE account_id = ? AND apply_result = 'unmatched' LIMIT 1").pluck();
  const byIdStmt = db.prepare('SELECT * FROM webhook_events WHERE id = ?');
  const byEventIdStmt = db.prepare('SELECT * FROM webhook_events WHERE gateway = ? AND account_id = ? AND event_id = ?');
  const unhashedStmt = db.prepare("SELECT id FROM webhook_events WHERE gateway = 'razorpay' AND body_sha256 IS NULL AND created_at >= ? ORDER BY created_at");
  const rawStmt = db.prepare('SELECT raw FROM webhook_events WHERE id = ?').pluck();
  // Two old rows with the same body (a replay stored before the hash existed) keep the first hash only:
  // SQLite skips the row with OR IGNORE; PostgreSQL has no such UPDATE, so it checks for the holder first.
  const setHashStmt = db.prepare(dialect(db, {
    sqlite: 'UPDATE OR IGNORE webhook_events SET body_sha256 = @hash WHERE id = @id',
    postgres: `UPDATE webhook_events w SET body_sha256 = @hash WHERE id = @id
      AND NOT EXISTS (SELECT 1 FROM webhook_events o WHERE o.account_id = w.account_id AND o.body_sha256 = @hash AND o.id <> w.id)`,
  }));
  const securityStmt = db.prepare(`INSERT INTO security_events (kind, gateway, account_id, bucket, count, first_at, last_at, detail)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (kind, gateway, account_id, bucket) DO UPDATE SET
      count = security_events.count + excluded.count, last_at = ${dialect(db, { sqlite: 'max', postgres: 'greatest' })}(security_events.last_at, excluded.last_at),
      detail = excluded.detail`);
  const recentSecurityStmt = db.prepare('SELECT * FROM security_events ORDER BY last_at DESC, id DESC LIMIT ?');
  const securityTotalStmt = db.prepare('SELECT coalesce(sum(count), 0) AS n FROM security_events');

  /**
   * Stores a verified event; null for a duplicate. `applied`: for a caller that applies the event in the
   * same transaction (ingest's group commit) and so knows the result when it stores the row.
   */
  function insert(e: WebhookEventInsert, applied: { at: number; result: ApplyResult; paymentId: string | null; error?: string | null } | null = null): number | null {
    const id = insertStmt.get(
      e.gateway, e.accountId, e.eventId, e.type, e.livemode ? 1 : 0, e.raw, e.bodySha256, e.signature, e.createdAt, e.receivedAt,
      applied?.at ?? null, applied?.result ?? null, applied?.paymentId ?? null, applied?.error ?? null,
    );
    return id === undefined ? null : Number(id);
  }

  return {
    insert,
    /**
     * Whether insertMany stores a batch in one statement (PostgreSQL, where each statement is a round trip);
     * on SQLite an insert is an in-process call, and storing the result with the row spares the UPDATE.
     */
    storesInBulk: insertManyStmt !== null,
    /**
     * Stores verified events not applied yet, in order, in one statement where the engine has it; for each,
     * its new id or null for a duplicate (of a stored event, or of one before it in `rows`).
     */
    insertMany(rows: readonly WebhookEventInsert[]): (number | null)[] {
      if (!insertManyStmt) return rows.map((r) => insert(r));
      const col = <T>(f: (r: WebhookEventInsert) => T): T[] => rows.map(f);
      const stored = insertManyStmt.all(
        col((r) => r.gateway), col((r) => r.accountId), col((r) => r.eventId), col((r) => r.type), col((r) => (r.livemode ? 1 : 0)),
        col((r) => r.raw), col((r) => r.bodySha256), col((r) => r.signature), col((r) => r.createdAt), col((r) => r.receivedAt),
      );
      const ids = new Map(stored.map((r) => [`${r.gateway} ${r.account_id} ${r.event_id}`, Number(r.id)]));
      return rows.map((r) => {
        const key = `${r.gateway} ${r.accountId} ${r.eventId}`;
        const id = ids.get(key);
        ids.delete(key); // a second row with the same key in the batch was the duplicate
        return id ?? null;
      });
    },
    markApplied(id: number, at: number, result: ApplyResult, paymentId: string | null, error: string | null = null): void {
      runLater(markAppliedStmt, at, result, paymentId, error, id);
    },
    /** rows not yet applied, in order of receipt */
    unapplied(limit = 500): WebhookEventRow[] {
      return unappliedStmt.all(limit) as WebhookEventRow[];
    },
    unmatched(accountId: string, limit = 500): WebhookEventRow[] {
      return unmatchedStmt.all(accountId, limit) as WebhookEventRow[];
    },
    hasUnmatched(accountId: string): boolean {
      return anyUnmatchedStmt.get(accountId) !== undefined;
    },
    byId(id: number): WebhookEventRow | undefined {
      return byIdStmt.get(id) as WebhookEventRow | undefined;
    },
    byEventId(gateway: Gateway, accountId: string, eventId: string): WebhookEventRow | undefined {
      return byEventIdStmt.get(gateway, accountId, eventId) as WebhookEventRow | undefined;
    },
    /** ids of Razorpay rows stored without a body hash (before migration 009) whose event time is at or after `sinceMs` */
    unhashedRazorpay(sinceMs: number): number[] {
      return (unhashedStmt.all(sinceMs) as { id: number }[]).map((r) => r.id);
    },
    rawOf(id: number): Buffer | undefined {
      return rawStmt.get(id) as Buffer | undefined;
    },
    /** false when another row already holds this hash (the row keeps NULL) */
    setBodyHash(id: number, hash: Buffer): boolean {
      return setHashStmt.run({ hash, id }).changes > 0;
    },
    addSecurity(kind: SecurityKind, gateway: Gateway, accountId: string, bucket: number, count: number, firstAt: number, lastAt: number, detail: string | null): void {
      securityStmt.run(kind, gateway, accountId, bucket, count, firstAt, lastAt, detail);
    },
    recentSecurity(limit = 100): SecurityEventRow[] {
      return recentSecurityStmt.all(limit) as SecurityEventRow[];
    },
    securityTotal(): number {
      return (securityTotalStmt.get() as { n: number }).n;
    },
  };
}

export type WebhookEventsRepo = ReturnType<typeof webhookEventsRepo>;
