// Prepared statements for a payment's timeline (payment_events) and the failed-attempt count derived from
// it; paymentsRepo exposes them.
//
// A failed try is often reported more than once: Stripe sends charge.failed and payment_intent.payment_failed
// for one declined card, and every status check of an open link reports its latest failure again, at times
// that can be a second apart. A try is known by the gateway's id for it (attemptId: Stripe's charge,
// Razorpay's payment) where the fact has one, else by its time, and is recorded and counted once. A row
// stored before facts carried the id is taken for the same try as a report with an id at the same time.
import type { PaymentEvent, PaymentStatus } from '../../../../shared/status';
import { dialect, runLater, type SqlDb } from '../sql';

export interface TimelineInsert {
  paymentId: string;
  at: number;
  recordedAt: number;
  event: PaymentEvent;
  source: 'webhook' | 'sync' | 'local';
  webhookEventId: number | null;
  gatewayType: string | null;
  changed: boolean;
  statusAfter: PaymentStatus;
}

export interface TimelineRow {
  kind: string;
  at: number;
  changed: number;
  status_after: string;
  detail: string;
  gateway_type: string | null;
  webhook_event_id: number | null;
}

export function paymentTimeline(db: SqlDb) {
  const attemptId = dialect(db, { sqlite: "json_extract(detail, '$.attemptId')", postgres: "(detail::json ->> 'attemptId')" });
  const insertStmt = db.prepare(`INSERT INTO payment_events
      (payment_id, at, recorded_at, kind, source, webhook_event_id, gateway_type, detail, changed, status_after)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
  // the same try: its id, or its time where either report has no id
  const sameTryStmt = db.prepare(`SELECT 1 FROM payment_events WHERE payment_id = ? AND kind = 'attempt_failed'
    AND (${attemptId} = ? OR (at = ? AND (CAST(? AS text) IS NULL OR ${attemptId} IS NULL))) LIMIT 1`).pluck();
  // one per try: its id, or its time where it has none (add() records each try once)
  const recountStmt = db.prepare(`UPDATE payments SET failed_attempts = (
      SELECT count(DISTINCT coalesce(${attemptId}, ${dialect(db, { sqlite: 'at', postgres: 'at::text' })})) FROM payment_events e
      WHERE e.payment_id = ? AND e.kind = 'attempt_failed')
    WHERE id = ?`);
  const ofStmt = db.prepare('SELECT * FROM payment_events WHERE payment_id = ? ORDER BY at, id');

  return {
    /** Adds an entry; a failed try already recorded adds none. A new failed try recounts the payment's failed attempts. */
    add(t: TimelineInsert): void {
      const { type, at: _at, ...detail } = t.event;
      if (type === 'attempt_failed') {
        const id = t.event.attemptId ?? null;
        if (sameTryStmt.get(t.paymentId, id, t.at, id) !== undefined) return;
      }
      runLater(insertStmt, t.paymentId, t.at, t.recordedAt, type, t.source, t.webhookEventId, t.gatewayType, JSON.stringify(detail), t.changed ? 1 : 0, t.statusAfter);
      if (type === 'attempt_failed') runLater(recountStmt, t.paymentId, t.paymentId);
    },
    of: (paymentId: string): TimelineRow[] => ofStmt.all(paymentId) as TimelineRow[],
  };
}
