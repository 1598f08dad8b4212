// Prepared statements for payments and their timeline (payment_events, through payment-timeline.ts). The
// state machine lives in shared/status.ts; this file only stores its state and the columns derived from it.
import type { GatewayIds, PaymentRef } from '../../gateways/facts';
import {
  initialPaymentState,
  isPaymentStatus,
  parsePaymentState,
  serializePaymentState,
  summarizePayment,
  type PaymentState,
  type PaymentStatus,
  type PaymentSummary,
} from '../../../../shared/status';
import type { Gateway } from '../../../../shared/gateways';
import { dialect, runLater, type SqlDb, type SqlStatement } from '../sql';
import { paymentTimeline } from './payment-timeline';

export type { TimelineInsert } from './payment-timeline';

export type PaymentKind = 'stripe_checkout' | 'stripe_payment_link' | 'razorpay_link' | 'razorpay_order';

export interface PaymentRow {
  id: string;
  account_id: string;
  gateway: Gateway;
  livemode: number;
  kind: PaymentKind;
  order_ref: string;
  amount_minor: number;
  currency: string;
  description: string | null;
  customer_name: string | null;
  customer_email: string | null;
  customer_phone: string | null;
  notes: string;
  status: PaymentStatus;
  status_reason: string | null;
  refund_state: 'none' | 'partially_refunded' | 'refunded';
  machine: string | null;
  idempotency_key: string;
  session_id: string | null;
  plink_id: string | null;
  order_id: string | null;
  payment_intent_id: string | null;
  charge_id: string | null;
  gateway_payment_id: string | null;
  url: string | null;
  expires_at: number | null;
  paid_at: number | null;
  captured_minor: number;
  refunded_minor: number;
  fee_minor: number | null;
  tax_minor: number | null;
  net_minor: number | null;
  created_by: string | null;
  created_at: number;
  updated_at: number;
  /** a payment made through a reusable link: the link's id; null for a link */
  parent_id: string | null;
  /** which try at (account, order_ref) this link is; children copy their link's */
  attempt_no: number;
  /** what the gateway and the customer see: order_ref, "/N" from the second attempt on */
  gateway_ref: string;
  /** 1 for a reusable link (its payments are child rows) */
  reusable: number;
  /** how the customer paid, as the gateway names it (card, upi, netbanking, wallet, ...); null until known */
  method: string | null;
  /** Stripe's balance transaction of the charge (txn_...) */
  balance_txn_id: string | null;
  /** when the funds become available (Stripe balance transaction available_on), ms */
  available_on: number | null;
  failed_attempts: number;
  /** a reusable link: how many payments were made through it */
  payment_count: number;
}

export interface PaymentInsert {
  id: string;
  accountId: string;
  gateway: Gateway;
  livemode: boolean;
  kind: PaymentKind;
  orderRef: string;
  amountMinor: number;
  currency: string;
  description?: string | null;
  customerName?: string | null;
  customerEmail?: string | null;
  customerPhone?: string | null;
  notes?: Record<string, string>;
  idempotencyKey: string;
  expiresAt?: number | null;
  createdBy?: string | null;
  createdAt: number;
  /** which try at the order (default 1) and what the gateway shows for it (default the order ref) */
  attemptNo?: number;
  gatewayRef?: string;
  /** a reusable link: its payments become child rows */
  reusable?: boolean;
}

/** payments column for each GatewayIds key */
export const ID_COLUMNS: Readonly<Record<keyof GatewayIds, string>> = {
  sessionId: 'session_id',
  plinkId: 'plink_id',
  orderId: 'order_id',
  paymentIntentId: 'payment_intent_id',
  chargeId: 'charge_id',
  paymentId: 'gateway_payment_id',
};
const LOOKUP_ORDER: readonly (keyof GatewayIds)[] = ['sessionId', 'plinkId', 'orderId', 'paymentIntentId', 'chargeId', 'paymentId'];

/**
 * What applying a gateway event reads of a payment and saveState compares: the row without its customer,
 * notes, links and times (the webhook ingest reads one per event).
 */
export type PaymentStateRow = Pick<
  PaymentRow,
  | 'id' | 'account_id' | 'gateway' | 'amount_minor' | 'status' | 'status_reason' | 'refund_state' | 'machine' | 'captured_minor' | 'refunded_minor'
  | 'fee_minor' | 'tax_minor' | 'net_minor' | 'paid_at' | 'session_id' | 'plink_id' | 'order_id' | 'payment_intent_id' | 'charge_id' | 'gateway_payment_id'
  | 'parent_id' | 'reusable' | 'method' | 'balance_txn_id' | 'available_on'
>;
export const STATE_COLUMNS = `id, account_id, gateway, amount_minor, status, status_reason, refund_state, machine, captured_minor, refunded_minor,
  fee_minor, tax_minor, net_minor, paid_at, session_id, plink_id, order_id, payment_intent_id, charge_id, gateway_payment_id,
  parent_id, reusable, method, balance_txn_id, available_on`;

/**
 * A STATE_COLUMNS row read as an array (better-sqlite3's raw mode: no per-row lookup of 20 column names on
 * the webhook ingest's hot path), or as the object PostgreSQL's statements return (already that shape).
 */
function stateRowOf(r: unknown[] | PaymentStateRow | undefined): PaymentStateRow | undefined {
  if (!r || !Array.isArray(r)) return r;
  return {
    id: r[0] as string,
    account_id: r[1] as string,
    gateway: r[2] as PaymentRow['gateway'],
    amount_minor: r[3] as number,
    status: r[4] as PaymentStatus,
    status_reason: r[5] as string | null,
    refund_state: r[6] as PaymentRow['refund_state'],
    machine: r[7] as string | null,
    captured_minor: r[8] as number,
    refunded_minor: r[9] as number,
    fee_minor: r[10] as number | null,
    tax_minor: r[11] as number | null,
    net_minor: r[12] as number | null,
    paid_at: r[13] as number | null,
    session_id: r[14] as string | null,
    plink_id: r[15] as string | null,
    order_id: r[16] as string | null,
    payment_intent_id: r[17] as string | null,
    charge_id: r[18] as string | null,
    gateway_payment_id: r[19] as string | null,
    parent_id: r[20] as string | null,
    reusable: r[21] as number,
    method: r[22] as string | null,
    balance_txn_id: r[23] as string | null,
    available_on: r[24] as number | null,
  };
}

/** The machine state of a row: the stored one, or one seeded from the row's status when none is stored yet. */
export function stateOfRow(row: Pick<PaymentRow, 'machine' | 'amount_minor' | 'status' | 'status_reason'>): PaymentState {
  if (row.machine) return parsePaymentState(row.machine, row.amount_minor);
  const s = initialPaymentState(row.amount_minor);
  if (row.status === 'open' || row.status === 'failed' || row.status === 'expired' || row.status === 'cancelled') {
    return { ...s, base: row.status, lastFailure: row.status === 'failed' && row.status_reason ? { at: 0, reason: row.status_reason } : null };
  }
  return s;
}

/** saveState with a previous row: a column is written when its value changes */
function changed(prev: PaymentStateRow, cols: string[], vals: unknown[], col: keyof PaymentStateRow, v: unknown): void {
  if (prev[col] !== v) {
    cols.push(col);
    vals.push(v);
  }
}

/** ... and a gateway id when the row has none yet (coalesce, as the full UPDATE does) */
function learnt(prev: PaymentStateRow, cols: string[], vals: unknown[], col: keyof PaymentStateRow, v: string | null | undefined): void {
  if (prev[col] == null && v) {
    cols.push(col);
    vals.push(v);
  }
}

/**
 * A STATE_COLUMNS statement: in raw mode where the engine has it (SqlStatement does not promise it: SQLite
 * passes better-sqlite3's own statements through, PostgreSQL's rows are objects, which stateRowOf takes too).
 */
function stateStatement(db: SqlDb, source: string): SqlStatement<unknown[] | PaymentStateRow> {
  // the fold reads, then writes: on PostgreSQL the read takes the row lock refunds take (lockForChange), so a desk's webhook and another desk's refund answer cannot both fold the same old row
  const stmt = db.prepare<unknown[] | PaymentStateRow>(db.engine === 'postgres' ? `${source} FOR UPDATE` : source) as SqlStatement<unknown[] | PaymentStateRow> & { raw?: (on: boolean) => SqlStatement<unknown[]> };
  return db.engine === 'sqlite' && stmt.raw ? stmt.raw(true) : stmt;
}

export function paymentsRepo(db: SqlDb) {
  const byIdStmt = db.prepare('SELECT * FROM payments WHERE id = ?');
  const byIdAccountStmt = db.prepare('SELECT * FROM payments WHERE id = ? AND account_id = ?');
  const byColumn = Object.fromEntries(
    LOOKUP_ORDER.map((k) => [k, db.prepare(`SELECT * FROM payments WHERE ${ID_COLUMNS[k]} = ? AND account_id = ? ORDER BY created_at LIMIT 1`)]),
  ) as Record<keyof GatewayIds, SqlStatement>;
  const stateByIdAccountStmt = stateStatement(db, `SELECT ${STATE_COLUMNS} FROM payments WHERE id = ? AND account_id = ?`);
  // Several payments by id in one statement, where a statement is a round trip to the server; SQLite reads
  // each one in-process as cheaply, so it has none and the ingest looks each payment up as it goes.
  const statesByIdsStmt = db.engine === 'postgres'
    ? stateStatement(db, `SELECT ${STATE_COLUMNS} FROM payments WHERE id = ANY(?::text[]) ORDER BY id`)
    : null;
  const stateByColumn = Object.fromEntries(
    LOOKUP_ORDER.map((k) => [k, stateStatement(db, `SELECT ${STATE_COLUMNS} FROM payments WHERE ${ID_COLUMNS[k]} = ? AND account_id = ? ORDER BY created_at LIMIT 1`)]),
  ) as Record<keyof GatewayIds, SqlStatement<unknown[] | PaymentStateRow>>;
  const insertStmt = db.prepare(`INSERT INTO payments
      (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, description, customer_name, customer_email,
       customer_phone, notes, idempotency_key, expires_at, created_by, created_at, updated_at, attempt_no, gateway_ref, reusable)
    VALUES (@id, @accountId, @gateway, @livemode, @kind, @orderRef, @amountMinor, @currency, @description, @customerName, @customerEmail,
       @customerPhone, @notes, @idempotencyKey, @expiresAt, @createdBy, @createdAt, @createdAt, @attemptNo, @gatewayRef, @reusable)`);
  const applyStmt = db.prepare(`UPDATE payments SET
      status = @status, status_reason = @statusReason, refund_state = @refundState, machine = @machine,
      captured_minor = @capturedMinor, refunded_minor = @refundedMinor,
      fee_minor = @feeMinor, tax_minor = @taxMinor, net_minor = @netMinor, paid_at = @paidAt,
      session_id = coalesce(session_id, @sessionId), plink_id = coalesce(plink_id, @plinkId), order_id = coalesce(order_id, @orderId),
      payment_intent_id = coalesce(payment_intent_id, @paymentIntentId), charge_id = coalesce(charge_id, @chargeId),
      gateway_payment_id = coalesce(gateway_payment_id, @paymentId),
      method = coalesce(@method, method), balance_txn_id = coalesce(@balanceTxnId, balance_txn_id), available_on = coalesce(@availableOn, available_on),
      updated_at = @now
    WHERE id = @id`);
  const timeline = paymentTimeline(db);
  // saveState with the previous row: one statement per set of changed columns (a handful occur)
  const partialStmts = new Map<string, SqlStatement>();
  const byUrlStmt = db.prepare('SELECT 1 FROM payments WHERE url = ? LIMIT 1').pluck();
  // SQLite's write transaction already serialises every writer; PostgreSQL needs the row lock
  const lockSql = dialect(db, { sqlite: null, postgres: 'SELECT id FROM payments WHERE id = ? FOR UPDATE' });
  const lockStmt = lockSql ? db.prepare(lockSql) : null;

  return {
    byId(id: string): PaymentRow | undefined {
      return byIdStmt.get(id) as PaymentRow | undefined;
    },
    /**
     * Inside a transaction: waits for, then holds until commit, the payment's row lock, so a refund or capture
     * on another desk of the team cannot check the same amounts at once (READ COMMITTED: what is read after it
     * includes that desk's committed rows). PostgreSQL's lock_timeout bounds the wait (error 55P03).
     */
    lockForChange(id: string): void {
      lockStmt?.get(id);
    },
    /** Whether some payment's link is exactly this URL (010's index on url). */
    hasLinkUrl(url: string): boolean {
      return byUrlStmt.get(url) !== undefined;
    },
    insert(p: PaymentInsert): void {
      insertStmt.run({
        id: p.id,
        accountId: p.accountId,
        gateway: p.gateway,
        livemode: p.livemode ? 1 : 0,
        kind: p.kind,
        orderRef: p.orderRef,
        amountMinor: p.amountMinor,
        currency: p.currency.toUpperCase(),
        description: p.description ?? null,
        customerName: p.customerName ?? null,
        customerEmail: p.customerEmail ?? null,
        customerPhone: p.customerPhone ?? null,
        notes: JSON.stringify(p.notes ?? {}),
        idempotencyKey: p.idempotencyKey,
        expiresAt: p.expiresAt ?? null,
        createdBy: p.createdBy ?? null,
        createdAt: p.createdAt,
        attemptNo: p.attemptNo ?? 1,
        gatewayRef: p.gatewayRef ?? p.orderRef,
        reusable: p.reusable ? 1 : 0,
      });
    },
    /** The payment an event concerns, within one account: by our id first, then by each gateway id. */
    findForRef(accountId: string, ref: PaymentRef): PaymentRow | undefined {
      if (ref.paydeskId) {
        const row = byIdAccountStmt.get(ref.paydeskId, accountId) as PaymentRow | undefined;
        if (row) return row;
      }
      for (const k of LOOKUP_ORDER) {
        const v = ref.ids[k];
        if (!v) continue;
        const row = byColumn[k].get(v, accountId) as PaymentRow | undefined;
        if (row) return row;
      }
      return undefined;
    },
    /** findForRef, reading only what applying an event needs (PaymentStateRow). */
    findStateForRef(accountId: string, ref: PaymentRef): PaymentStateRow | undefined {
      if (ref.paydeskId) {
        const row = stateRowOf(stateByIdAccountStmt.get(ref.paydeskId, accountId));
        if (row) return row;
      }
      for (const k of LOOKUP_ORDER) {
        const v = ref.ids[k];
        if (!v) continue;
        const row = stateRowOf(stateByColumn[k].get(v, accountId));
        if (row) return row;
      }
      return undefined;
    },
    /**
     * The rows of these payments (any account; the caller checks), read in one statement on an engine where
     * that saves round trips, locked as findStateForRef locks them (in id order, so two readers cannot
     * deadlock); empty where looking each up is as cheap (SQLite).
     */
    statesByIds(ids: readonly string[]): PaymentStateRow[] {
      if (!statesByIdsStmt || ids.length === 0) return [];
      return statesByIdsStmt.all([...ids]).map((r) => stateRowOf(r)!);
    },
    /**
     * Stores a new machine state and its derived columns; learns gateway ids the row does not have yet.
     * With `prev` (the row as read in the same transaction) only the columns whose value changes are
     * written, plus updated_at: SQLite rewrites the entry of every index on an assigned column even when
     * its value stays, and payments has many (status, list, paid, every gateway id), so a full UPDATE
     * cost several times what the change needs (bench:webhooks). `summary`: summarizePayment(state), when
     * the caller has it.
     */
    saveState(id: string, state: PaymentState, ids: GatewayIds, now: number, prev?: PaymentStateRow, summary?: PaymentSummary): PaymentSummary {
      const s = summary ?? summarizePayment(state);
      const machine = serializePaymentState(state);
      if (prev) {
        const cols: string[] = [];
        const vals: unknown[] = [];
        changed(prev, cols, vals, 'status', s.status);
        changed(prev, cols, vals, 'status_reason', s.statusReason);
        changed(prev, cols, vals, 'refund_state', s.refundState);
        changed(prev, cols, vals, 'machine', machine);
        changed(prev, cols, vals, 'captured_minor', s.capturedMinor);
        changed(prev, cols, vals, 'refunded_minor', s.refundedMinor);
        changed(prev, cols, vals, 'fee_minor', s.feeMinor);
        changed(prev, cols, vals, 'tax_minor', s.taxMinor);
        changed(prev, cols, vals, 'net_minor', s.netMinor);
        changed(prev, cols, vals, 'paid_at', s.paidAt);
        learnt(prev, cols, vals, 'session_id', ids.sessionId);
        learnt(prev, cols, vals, 'plink_id', ids.plinkId);
        learnt(prev, cols, vals, 'order_id', ids.orderId);
        learnt(prev, cols, vals, 'payment_intent_id', ids.paymentIntentId);
        learnt(prev, cols, vals, 'charge_id', ids.chargeId);
        learnt(prev, cols, vals, 'gateway_payment_id', ids.paymentId ?? s.paymentId);
        // what the export reads of the charge: written once known, never erased
        if (s.method !== null) changed(prev, cols, vals, 'method', s.method);
        if (s.balanceTxnId !== null) changed(prev, cols, vals, 'balance_txn_id', s.balanceTxnId);
        if (s.availableOn !== null) changed(prev, cols, vals, 'available_on', s.availableOn);
        const key = cols.join(',');
        let stmt = partialStmts.get(key);
        if (!stmt) {
          stmt = db.prepare(`UPDATE payments SET ${cols.map((c) => `${c} = ?, `).join('')}updated_at = ? WHERE id = ?`);
          partialStmts.set(key, stmt);
        }
        vals.push(now, id);
        runLater(stmt, ...vals);
        return s;
      }
      runLater(applyStmt, {
        id,
        status: s.status,
        statusReason: s.statusReason,
        refundState: s.refundState,
        machine,
        capturedMinor: s.capturedMinor,
        refundedMinor: s.refundedMinor,
        feeMinor: s.feeMinor,
        taxMinor: s.taxMinor,
        netMinor: s.netMinor,
        paidAt: s.paidAt,
        sessionId: ids.sessionId ?? null,
        plinkId: ids.plinkId ?? null,
        orderId: ids.orderId ?? null,
        paymentIntentId: ids.paymentIntentId ?? null,
        chargeId: ids.chargeId ?? null,
        paymentId: ids.paymentId ?? s.paymentId ?? null,
        method: s.method,
        balanceTxnId: s.balanceTxnId,
        availableOn: s.availableOn,
        now,
      });
      return s;
    },
    /** payment-timeline.ts: a failed try already recorded adds nothing; a new one recounts the failed attempts */
    addTimeline: timeline.add,
    timeline: timeline.of,
  };
}

export type PaymentsRepo = ReturnType<typeof paymentsRepo>;
export { isPaymentStatus };
