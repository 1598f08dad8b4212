// The refunds table: intent rows (written before the gateway call, with their idempotency key), the
// gateway's answers, the lists the screens read, and what recovery picks up after a crash or a timeout.
import type { Gateway } from '../../../../shared/gateways';
import { dialect, type SqlDb } from '../sql';

export type RefundRowStatus = 'requested' | 'pending' | 'succeeded' | 'failed';
export type RefundReason = 'duplicate' | 'fraudulent' | 'requested_by_customer';
export type RefundSpeed = 'normal' | 'optimum';

export interface RefundRow {
  id: string;
  payment_id: string;
  account_id: string;
  gateway: Gateway;
  livemode: number;
  gateway_payment_id: string;
  amount_minor: number;
  currency: string;
  reason: RefundReason | null;
  speed: RefundSpeed | null;
  note: string | null;
  status: RefundRowStatus;
  failure_reason: string | null;
  last_error: string | null;
  attempts: number;
  gateway_refund_id: string | null;
  idempotency_key: string;
  request_id: string;
  operator_id: string | null;
  operator_name: string;
  approved_by: string | null;
  created_at: number;
  updated_at: number;
}

/** A row with what the screens show beside it: its payment's order and customer, the approver's name. */
export interface RefundView extends RefundRow {
  order_ref: string;
  customer_name: string | null;
  customer_email: string | null;
  approved_by_name: string | null;
}

export interface RefundIntentInsert {
  id: string;
  paymentId: string;
  accountId: string;
  gateway: Gateway;
  livemode: number;
  gatewayPaymentId: string;
  amountMinor: number;
  currency: string;
  reason: RefundReason | null;
  speed: RefundSpeed | null;
  note: string | null;
  idempotencyKey: string;
  requestId: string;
  operatorId: string | null;
  operatorName: string;
  approvedBy: string | null;
  createdAt: number;
}

export interface RefundStateUpdate {
  id: string;
  status: RefundRowStatus;
  failureReason: string | null;
  /** kept when the row has one already */
  gatewayRefundId: string | null;
  now: number;
}

export interface RefundFilter {
  status?: RefundRowStatus | undefined;
  gateway?: Gateway | undefined;
  accountId?: string | undefined;
  operatorId?: string | undefined;
  paymentId?: string | undefined;
  /** created_at, inclusive (ms) */
  from?: number | undefined;
  /** created_at, exclusive (ms) */
  to?: number | undefined;
  /** a piece of an id, the order reference, the customer or the operator */
  search?: string | undefined;
  limit: number;
  offset: number;
}

const SELECT_VIEW = `SELECT r.*, p.order_ref, p.customer_name, p.customer_email, a.name AS approved_by_name
  FROM refunds r JOIN payments p ON p.id = r.payment_id LEFT JOIN operators a ON a.id = r.approved_by`;
const SEARCHED = ['r.id', 'r.gateway_refund_id', 'r.payment_id', 'r.gateway_payment_id', 'p.order_ref', 'p.customer_name', 'p.customer_email', 'r.operator_name'];

/** The WHERE clause of a list and its arguments; `like` is the engine's ASCII-case-blind LIKE. */
function whereOf(f: RefundFilter, like: string): { sql: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, v: string | number | undefined) => {
    if (v === undefined) return;
    where.push(sql);
    args.push(v);
  };
  add('r.status = ?', f.status);
  add('r.gateway = ?', f.gateway);
  add('r.account_id = ?', f.accountId);
  add('r.operator_id = ?', f.operatorId);
  add('r.payment_id = ?', f.paymentId);
  add('r.created_at >= ?', f.from);
  add('r.created_at < ?', f.to);
  if (f.search) {
    const pattern = `%${f.search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push(`(${SEARCHED.map((c) => `${c} ${like} ? ESCAPE '\\'`).join(' OR ')})`);
    for (let i = 0; i < SEARCHED.length; i++) args.push(pattern);
  }
  return { sql: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

export function refundsRepo(db: SqlDb) {
  const byIdStmt = db.prepare('SELECT * FROM refunds WHERE id = ?');
  const byRequestStmt = db.prepare('SELECT * FROM refunds WHERE request_id = ?');
  const byGatewayIdStmt = db.prepare('SELECT * FROM refunds WHERE gateway_refund_id = ?');
  const ofPaymentStmt = db.prepare('SELECT * FROM refunds WHERE payment_id = ? ORDER BY created_at, id');
  const viewByIdStmt = db.prepare(`${SELECT_VIEW} WHERE r.id = ?`);
  const viewsOfPaymentStmt = db.prepare(`${SELECT_VIEW} WHERE r.payment_id = ? ORDER BY r.created_at DESC, r.id DESC`);
  const insertStmt = db.prepare(`INSERT INTO refunds (id, payment_id, account_id, gateway, livemode, gateway_payment_id, amount_minor, currency, reason, speed,
      note, status, idempotency_key, request_id, operator_id, operator_name, approved_by, created_at, updated_at)
    VALUES (@id, @paymentId, @accountId, @gateway, @livemode, @gatewayPaymentId, @amountMinor, @currency, @reason, @speed,
      @note, 'requested', @idempotencyKey, @requestId, @operatorId, @operatorName, @approvedBy, @createdAt, @createdAt)`);
  const attemptStmt = db.prepare('UPDATE refunds SET attempts = attempts + 1, updated_at = ? WHERE id = ?');
  const lastErrorStmt = db.prepare("UPDATE refunds SET last_error = ?, updated_at = ? WHERE id = ? AND status = 'requested'");
  const setStateStmt = db.prepare(`UPDATE refunds SET status = @status, failure_reason = @failureReason,
      gateway_refund_id = coalesce(gateway_refund_id, @gatewayRefundId), last_error = NULL, updated_at = @now WHERE id = @id`);
  const unsettledStmt = db.prepare(`SELECT * FROM refunds WHERE status = 'requested' OR (status = 'pending' AND updated_at <= ?) ORDER BY created_at`);
  // SQLite's LIKE ignores ASCII case; PostgreSQL's ILIKE over COLLATE "C" text folds ASCII alone too
  const like = dialect(db, { sqlite: 'LIKE', postgres: 'ILIKE' });
  const authorizedAtStmt = db.prepare("SELECT min(at) AS at FROM payment_events WHERE payment_id = ? AND kind = 'authorized'").pluck();

  return {
    byId: (id: string) => byIdStmt.get(id) as RefundRow | undefined,
    /** the refund a confirmation (the client's request id) made, if any */
    byRequest: (requestId: string) => byRequestStmt.get(requestId) as RefundRow | undefined,
    byGatewayId: (gatewayRefundId: string) => byGatewayIdStmt.get(gatewayRefundId) as RefundRow | undefined,
    /** oldest first */
    ofPayment: (paymentId: string) => ofPaymentStmt.all(paymentId) as RefundRow[],
    view: (id: string) => viewByIdStmt.get(id) as RefundView | undefined,
    /** newest first */
    viewsOfPayment: (paymentId: string) => viewsOfPaymentStmt.all(paymentId) as RefundView[],
    /** a page of refunds, newest first, and how many match */
    list(f: RefundFilter): { items: RefundView[]; total: number } {
      const w = whereOf(f, like);
      const total = (db.prepare(`SELECT count(*) AS n FROM refunds r JOIN payments p ON p.id = r.payment_id ${w.sql}`).get(...w.args) as { n: number }).n;
      const items = db.prepare(`${SELECT_VIEW} ${w.sql} ORDER BY r.created_at DESC, r.id DESC LIMIT ? OFFSET ?`).all(...w.args, f.limit, f.offset) as RefundView[];
      return { items, total };
    },
    /** a new intent, status `requested` */
    insertIntent(r: RefundIntentInsert): void {
      insertStmt.run(r);
    },
    countAttempt(id: string, now: number): void {
      attemptStmt.run(now, id);
    },
    /** why the last call got no answer; only while the row still waits for one */
    noteError(id: string, message: string, now: number): void {
      lastErrorStmt.run(message, now, id);
    },
    /** the gateway's answer: status, failure reason, its id (kept once known); clears the last error */
    setState(u: RefundStateUpdate): void {
      setStateStmt.run(u);
    },
    /** rows waiting for an answer, and pending ones not heard of since `staleBefore` (ms), oldest first */
    unsettled: (staleBefore: number) => unsettledStmt.all(staleBefore) as RefundRow[],
    /** when the payment was first authorised (its timeline), or null */
    firstAuthorizationAt: (paymentId: string) => (authorizedAtStmt.get(paymentId) as number | null | undefined) ?? null,
  };
}

export type RefundsRepo = ReturnType<typeof refundsRepo>;
