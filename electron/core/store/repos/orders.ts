// Orders, attempts and a reusable link's payments. An order is the shop's order_ref in an account; each
// link made for it is an attempt (parent_id IS NULL, numbered attempt_no). A payment made through a
// reusable link is a child row keyed by its gateway payment (payments_child index).
import type { PaymentStatus } from '../../../../shared/status';
import type { SqlDb } from '../sql';
import { STATE_COLUMNS, type PaymentRow, type PaymentStateRow } from './payments';

/** One attempt at an order, as the attempt rule and the drawer need it. */
export interface AttemptRow {
  id: string;
  attempt_no: number;
  gateway_ref: string;
  status: PaymentStatus;
  reusable: number;
  created_at: number;
}

/** A new payment under a reusable link, copied from the link where the gateway says nothing of its own. */
export interface ChildInsert {
  id: string;
  link: PaymentRow;
  /** the gateway payment (Stripe pi_/ch_): the child's key under its link */
  key: string;
  amountMinor: number;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  createdAt: number;
}

export function ordersRepo(db: SqlDb) {
  const attemptsStmt = db.prepare(`SELECT id, attempt_no, gateway_ref, status, reusable, created_at FROM payments
    WHERE account_id = ? AND order_ref = ? AND parent_id IS NULL ORDER BY attempt_no`);
  const refTakenStmt = db.prepare('SELECT 1 FROM payments WHERE account_id = ? AND gateway_ref = ? AND parent_id IS NULL').pluck();
  const childStmt = db.prepare(`SELECT ${STATE_COLUMNS} FROM payments WHERE parent_id = ? AND gateway_payment_id = ?`);
  const childrenStmt = db.prepare('SELECT * FROM payments WHERE parent_id = ? ORDER BY created_at DESC, id LIMIT 500');
  const insertChildStmt = db.prepare(`INSERT INTO payments
      (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, description, customer_name, customer_email,
       customer_phone, notes, idempotency_key, gateway_payment_id, created_by, created_at, updated_at, parent_id, attempt_no,
       gateway_ref, reusable)
    VALUES (@id, @accountId, @gateway, @livemode, @kind, @orderRef, @amountMinor, @currency, @description, @customerName,
       @customerEmail, @customerPhone, @notes, @idempotencyKey, @key, @createdBy, @createdAt, @createdAt, @parentId, @attemptNo,
       @gatewayRef, 0)`);
  const countChildStmt = db.prepare('UPDATE payments SET payment_count = payment_count + 1 WHERE id = ?');
  // the casts: PostgreSQL cannot infer the type of a bare `? IS NOT NULL`
  const fillCustomerStmt = db.prepare(`UPDATE payments SET customer_name = coalesce(customer_name, ?),
    customer_email = coalesce(customer_email, ?), customer_phone = coalesce(customer_phone, ?)
    WHERE id = ? AND (customer_name IS NULL AND CAST(? AS TEXT) IS NOT NULL OR customer_email IS NULL AND CAST(? AS TEXT) IS NOT NULL
      OR customer_phone IS NULL AND CAST(? AS TEXT) IS NOT NULL)`);

  return {
    /** every attempt at the order, oldest first */
    attempts(accountId: string, orderRef: string): AttemptRow[] {
      return attemptsStmt.all(accountId, orderRef) as AttemptRow[];
    },
    /** whether a link of the account already shows this reference to its customer */
    referenceTaken(accountId: string, gatewayRef: string): boolean {
      return refTakenStmt.get(accountId, gatewayRef) !== undefined;
    },
    /** the payment made through `linkId` by the gateway payment `key` */
    childState(linkId: string, key: string): PaymentStateRow | undefined {
      return childStmt.get(linkId, key) as PaymentStateRow | undefined;
    },
    /** a reusable link's payments, newest first */
    children(linkId: string): PaymentRow[] {
      return childrenStmt.all(linkId) as PaymentRow[];
    },
    insertChild(c: ChildInsert): void {
      const l = c.link;
      insertChildStmt.run({
        id: c.id, accountId: l.account_id, gateway: l.gateway, livemode: l.livemode, kind: l.kind, orderRef: l.order_ref,
        amountMinor: c.amountMinor, currency: l.currency, description: l.description, customerName: c.customerName,
        customerEmail: c.customerEmail, customerPhone: c.customerPhone, notes: l.notes, idempotencyKey: `${l.idempotency_key}:${c.key}`,
        key: c.key, createdBy: l.created_by, createdAt: c.createdAt, parentId: l.id, attemptNo: l.attempt_no, gatewayRef: l.gateway_ref,
      });
      countChildStmt.run(l.id);
    },
    /** the payer as the gateway reported them, where the row has no value of its own yet */
    fillCustomer(id: string, name: string | null, email: string | null, phone: string | null): void {
      fillCustomerStmt.run(name, email, phone, id, name, email, phone);
    },
  };
}

export type OrdersRepo = ReturnType<typeof ordersRepo>;
