// Prepared statements for webhook_events (raw verified events, committed before the 2xx) and
// security_events (refused webhooks, counted per kind/account/minute).
import type { Db } from '../db';

export type WebhookGatewayName = 'stripe' | 'razorpay';
export type ApplyResult = 'changed' | 'unchanged' | 'unmatched' | 'ignored' | 'error';
export type SecurityKind = 'missing_signature' | 'bad_signature' | 'stale_signature' | 'replayed' | 'malformed' | 'mode_mismatch' | 'secret_missing';

export interface WebhookEventInsert {
  gateway: WebhookGatewayName;
  accountId: string;
  eventId: string;
  type: string;
  livemode: boolean;
  raw: Buffer;
  signature: 'valid' | 'valid_previous_secret';
  createdAt: number | null;
  receivedAt: number;
}

export interface WebhookEventRow {
  id: number;
  gateway: WebhookGatewayName;
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
}

export interface SecurityEventRow {
  id: number;
  kind: SecurityKind;
  gateway: WebhookGatewayName;
  account_id: string;
  bucket: number;
  count: number;
  first_at: number;
  last_at: number;
  detail: string | null;
}

export function webhookEventsRepo(db: Db) {
  const insertStmt = db.prepare(`INSERT INTO webhook_events
      (gateway, account_id, event_id, type, livemode, raw, signature, created_at, received_at, applied_at, apply_result, payment_id, error)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (gateway, account_id, event_id) DO NOTHING`);
  const markAppliedStmt = db.prepare('UPDATE webhook_events SET applied_at = ?, apply_result = ?, payment_id = ?, error = ? WHERE id = ?');
  const unappliedStmt = db.prepare('SELECT * FROM webhook_events WHERE applied_at IS NULL ORDER BY id LIMIT ?');
  const unmatchedStmt = db.prepare("SELECT * FROM webhook_events WHERE account_id = ? AND apply_result = 'unmatched' ORDER BY id LIMIT ?");
  const byIdStmt = db.prepare('SELECT * FROM webhook_events WHERE id = ?');
  const byEventIdStmt = db.prepare('SELECT * FROM webhook_events WHERE gateway = ? AND account_id = ? AND event_id = ?');
  const securityStmt = db.prepare(`INSERT INTO security_events (kind, gateway, account_id, bucket, count, first_at, last_at, detail)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
    ON CONFLICT (kind, gateway, account_id, bucket) DO UPDATE SET
      count = count + excluded.count, last_at = max(last_at, excluded.last_at), detail = excluded.detail`);
  const recentSecurityStmt = db.prepare('SELECT * FROM security_events ORDER BY last_at DESC, id DESC LIMIT ?');
  const securityTotalStmt = db.prepare('SELECT coalesce(sum(count), 0) AS n FROM security_events');

  return {
    /** the new row's id, or null when this (gateway, account, event id) is already stored */
    /**
     * Stores a verified event; null for a duplicate. `applied`: for a caller that applies the event in the
     * same transaction (ingest's group commit) and so knows the result when it stores the row.
     */
    insert(e: WebhookEventInsert, applied: { at: number; result: ApplyResult; paymentId: string | null; error?: string | null } | null = null): number | null {
      const r = insertStmt.run(
        e.gateway, e.accountId, e.eventId, e.type, e.livemode ? 1 : 0, e.raw, e.signature, e.createdAt, e.receivedAt,
        applied?.at ?? null, applied?.result ?? null, applied?.paymentId ?? null, applied?.error ?? null,
      );
      return r.changes > 0 ? Number(r.lastInsertRowid) : null;
    },
    markApplied(id: number, at: number, result: ApplyResult, paymentId: string | null, error: string | null = null): void {
      markAppliedStmt.run(at, result, paymentId, error, id);
    },
    /** rows not yet applied, in order of receipt */
    unapplied(limit = 500): WebhookEventRow[] {
      return unappliedStmt.all(limit) as WebhookEventRow[];
    },
    unmatched(accountId: string, limit = 500): WebhookEventRow[] {
      return unmatchedStmt.all(accountId, limit) as WebhookEventRow[];
    },
    byId(id: number): WebhookEventRow | undefined {
      return byIdStmt.get(id) as WebhookEventRow | undefined;
    },
    byEventId(gateway: WebhookGatewayName, accountId: string, eventId: string): WebhookEventRow | undefined {
      return byEventIdStmt.get(gateway, accountId, eventId) as WebhookEventRow | undefined;
    },
    addSecurity(kind: SecurityKind, gateway: WebhookGatewayName, accountId: string, bucket: number, count: number, firstAt: number, lastAt: number, detail: string | null): void {
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
