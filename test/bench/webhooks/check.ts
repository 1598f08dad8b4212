// bench:webhooks — the Paydesk database side: seeding the payment pool, the check that every acknowledged
// event was applied (not only stored), resetting the pool between runs, and WAL checkpoints so every run of
// every storage server starts from an empty WAL. All of it runs between runs, never while one is measured.
import Database from 'better-sqlite3';
import { PAYMENT_STATUS_RANK, type PaymentStatus } from '../../../shared/status';
import { RAZORPAY_ACCOUNT, STRIPE_ACCOUNT, openFixtureDb } from '../../fixtures/webhook-helpers';
import { AMOUNT, eventRef } from './payloads';

/** pd_s<i> (Stripe) and pd_r<i> (Razorpay), open, as links.ts leaves them; seeded in SQL (the pool is large) */
export function seedPool(dbFile: string, perGateway: number): void {
  const db = openFixtureDb(dbFile);
  db.pragma('synchronous = OFF');
  const seed = db.prepare(`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < @count)
    INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, gateway_ref, amount_minor, currency, idempotency_key, status, created_at, updated_at)
    SELECT @prefix || i, @account, @gateway, 0, @kind, 'ORD-' || @prefix || i, 'ORD-' || @prefix || i, @amount, @currency, 'idem_' || @prefix || i, 'open', 1 + i, 1 + i FROM n`);
  db.transaction(() => {
    seed.run({ count: perGateway, prefix: 'pd_s', account: STRIPE_ACCOUNT, gateway: 'stripe', kind: 'stripe_checkout', amount: AMOUNT, currency: 'USD' });
    seed.run({ count: perGateway, prefix: 'pd_r', account: RAZORPAY_ACCOUNT, gateway: 'razorpay', kind: 'razorpay_order', amount: AMOUNT, currency: 'INR' });
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Empties the WAL (the next run's commits then start from the same place on every server). */
export function checkpoint(dbFile: string): void {
  const db = new Database(dbFile);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

/** Puts every pool payment a run touched back to open, with no gateway ids learnt, so the next run does the same work. */
export function resetPool(dbFile: string): void {
  const db = new Database(dbFile);
  db.prepare(`UPDATE payments SET status = 'open', status_reason = NULL, refund_state = 'none', machine = NULL, captured_minor = 0,
      refunded_minor = 0, fee_minor = NULL, tax_minor = NULL, net_minor = NULL, paid_at = NULL, session_id = NULL, plink_id = NULL,
      order_id = NULL, payment_intent_id = NULL, charge_id = NULL, gateway_payment_id = NULL
    WHERE machine IS NOT NULL OR status <> 'open'`).run();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

export interface AppliedCheck {
  acked: number;
  /** acknowledged, but no row */
  lost: number;
  /** a row, but not applied (applied_at NULL or an error result) */
  unapplied: number;
  /** applied to another payment than the event names */
  wrongPayment: number;
  /** payments whose status is below what their acknowledged events say */
  stateBehind: number;
  results: Record<string, number>;
  /** applied_at - ack time, ms, per acknowledged event (negative: applied before the 2xx went out) */
  lags: number[];
}

const expectedStatus = (gateway: 'stripe' | 'razorpay', step: number): PaymentStatus => (gateway === 'razorpay' && step === 0 ? 'authorized' : 'paid');

export interface EventRow {
  applied_at: number | null;
  apply_result: string | null;
  payment_id: string | null;
}

/**
 * Every 2xx the Paydesk server sent in one run (seq + time, from the server itself: a superset of what the
 * load generator counted) must have its row, applied to its payment with a result, and each payment must be
 * at least in the status its acknowledged events put it in. `rowOf` and `statusOf` read the engine's database.
 */
export function foldApplied(
  runTag: string, pool: number, ackSeq: number[], ackAt: number[],
  rowOf: (gateway: 'stripe' | 'razorpay', accountId: string, eventId: string) => EventRow | undefined,
  statusOf: (paymentId: string) => PaymentStatus | undefined,
): AppliedCheck {
  const out: AppliedCheck = { acked: ackSeq.length, lost: 0, unapplied: 0, wrongPayment: 0, stateBehind: 0, results: {}, lags: [] };
  const want = new Map<string, PaymentStatus>();
  for (let i = 0; i < ackSeq.length; i++) {
    const e = eventRef(runTag, ackSeq[i] as number, pool);
    const r = rowOf(e.gateway, e.gateway === 'stripe' ? STRIPE_ACCOUNT : RAZORPAY_ACCOUNT, e.eventId);
    if (!r) {
      out.lost++;
      continue;
    }
    const result = r.apply_result ?? 'none';
    out.results[result] = (out.results[result] ?? 0) + 1;
    if (r.applied_at === null || (r.apply_result !== 'changed' && r.apply_result !== 'unchanged')) {
      out.unapplied++;
      continue;
    }
    if (r.payment_id !== e.paymentId) out.wrongPayment++;
    out.lags.push(r.applied_at - (ackAt[i] as number));
    const s = expectedStatus(e.gateway, e.step);
    const cur = want.get(e.paymentId);
    if (!cur || PAYMENT_STATUS_RANK[s] > PAYMENT_STATUS_RANK[cur]) want.set(e.paymentId, s);
  }
  for (const [id, s] of want) {
    const status = statusOf(id);
    if (!status || PAYMENT_STATUS_RANK[status] < PAYMENT_STATUS_RANK[s]) out.stateBehind++;
  }
  return out;
}

/** foldApplied over the SQLite database of the Paydesk server. */
export function checkApplied(dbFile: string, runTag: string, pool: number, ackSeq: number[], ackAt: number[]): AppliedCheck {
  const db = new Database(dbFile, { readonly: true });
  const row = db.prepare('SELECT applied_at, apply_result, payment_id FROM webhook_events WHERE gateway = ? AND account_id = ? AND event_id = ?');
  const payment = db.prepare('SELECT status FROM payments WHERE id = ?').pluck();
  try {
    return foldApplied(runTag, pool, ackSeq, ackAt, (g, a, e) => row.get(g, a, e) as EventRow | undefined, (id) => payment.get(id) as PaymentStatus | undefined);
  } finally {
    db.close();
  }
}
