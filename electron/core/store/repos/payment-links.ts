// Statements of the link lifecycle (intents, their `created` timeline entry, gateway fields) and of the
// catch-up sync (open links, the event stream's start). The payment state itself goes through
// paymentsRepo.saveState (payments/apply.ts).
import { dialect, type SqlDb } from '../sql';
import type { PaymentInsert, PaymentRow, PaymentsRepo } from './payments';

/** statuses a link can still move from (paid ones are re-read only to learn a missing fee) */
const OPEN_STATUSES = "('creating', 'open', 'failed', 'authorized', 'partially_paid')";

/**
 * The link statements that ask for a status in either mode. Each lists the mode whole (`livemode IN (0, 1)`:
 * 002's CHECK allows no other), so both engines reach the rows through payments_by_list_status, whose leading
 * columns are the mode and the status; there is no index on the status alone (migration 019), and without
 * the mode SQLite would scan the table or an index in date order, unless ANALYZE had taught it a skip-scan.
 * The oldest open link of an account lists the columns up to the account as well (as accountsWithOpen does),
 * so its answer is read from the index alone, not from every row of the account.
 */
export const LINK_SQL = {
  creating: "SELECT * FROM payments WHERE livemode IN (0, 1) AND status = 'creating' ORDER BY created_at LIMIT 100",
  anyOpen: `SELECT 1 FROM payments WHERE livemode IN (0, 1) AND status IN ${OPEN_STATUSES} LIMIT 1`,
  oldestOpenOfAccount: `SELECT min(created_at) FROM payments WHERE livemode IN (0, 1) AND status IN ${OPEN_STATUSES}
    AND refund_state IN ('none', 'partially_refunded', 'refunded') AND gateway IN ('stripe', 'razorpay') AND account_id = ?`,
} as const;

/** A unique rule of payments refused an insert: which one. */
export class DuplicateIntentError extends Error {
  constructor(readonly on: 'idempotency_key' | 'order_ref' | 'other', opts: { cause: unknown }) {
    super(`duplicate payment ${on}`, opts);
    this.name = 'DuplicateIntentError';
  }
}

/**
 * SQLite names the columns of the unique rule in its message (SQLITE_CONSTRAINT_UNIQUE: "payments.order_ref,
 * …"); PostgreSQL names the rule (integrity constraint class 23: payments_attempt over order_ref,
 * payments_gateway_ref, payments_idempotency_key_key), so each engine's text is read for the same answer.
 */
function duplicateOf(err: unknown): DuplicateIntentError | null {
  const { code, constraint } = err as { code?: unknown; constraint?: unknown };
  const sqlite = typeof code === 'string' && code.startsWith('SQLITE_CONSTRAINT');
  const pg = typeof code === 'string' && /^23\d{3}$/.test(code);
  if (!sqlite && !pg) return null;
  const msg = sqlite ? (err instanceof Error ? err.message : '') : typeof constraint === 'string' && code === '23505' ? constraint : '';
  const on = /order_ref|gateway_ref|attempt/.test(msg) ? 'order_ref' : /idempotency_key/.test(msg) ? 'idempotency_key' : 'other';
  return new DuplicateIntentError(on, { cause: err });
}

export function paymentLinksRepo(db: SqlDb, payments: Pick<PaymentsRepo, 'insert'>) {
  const byIdempotencyKey = db.prepare('SELECT * FROM payments WHERE idempotency_key = ?');
  const byOrderRef = db.prepare('SELECT id FROM payments WHERE account_id = ? AND order_ref = ?').pluck();
  const setGatewayFields = db.prepare('UPDATE payments SET url = coalesce(@url, url), expires_at = coalesce(@expiresAt, expires_at), updated_at = @now WHERE id = @id');
  const createdDetail = db.prepare("SELECT detail FROM payment_events WHERE payment_id = ? AND kind = 'created' ORDER BY id LIMIT 1").pluck();
  const insertCreated = db.prepare(`INSERT INTO payment_events (payment_id, at, recorded_at, kind, source, webhook_event_id, gateway_type, detail, changed, status_after)
    VALUES (?, ?, ?, 'created', 'local', NULL, NULL, ?, 1, 'creating')`);
  const creatingRows = db.prepare(LINK_SQL.creating);
  const deleteIntent = db.prepare('DELETE FROM payments WHERE id = ?');
  const openOfAccount = db.prepare(`SELECT * FROM payments WHERE account_id = ? AND (status IN ${OPEN_STATUSES} OR (status IN ('paid', 'partially_paid') AND fee_minor IS NULL AND paid_at >= ?)) ORDER BY created_at LIMIT 500`);
  // Asked per account, so each answer is a few index seeks: the open half through payments_by_list_status
  // (its leading columns listed whole, as 002's CHECKs allow them), the fee half through the few days of
  // payments_by_paid. A DISTINCT over payments read every open and paid row (~0.2 s at 100,000 payments,
  // holding the host's start). Payments of an account no longer listed are not synced anyway.
  // SQLite's unary + (keeps the planner off an index) is numeric-only on PostgreSQL, whose planner weighs
  // the two halves by its statistics instead.
  const noIndex = (column: string): string => dialect(db, { sqlite: `+${column}`, postgres: column });
  const accountsWithOpen = db.prepare(`SELECT id FROM accounts a WHERE
      EXISTS (SELECT 1 FROM payments p WHERE p.livemode IN (0, 1) AND p.status IN ${OPEN_STATUSES}
        AND p.refund_state IN ('none', 'partially_refunded', 'refunded') AND p.gateway IN ('stripe', 'razorpay') AND p.account_id = a.id)
      OR EXISTS (SELECT 1 FROM payments p WHERE p.paid_at >= ? AND ${noIndex('p.status')} = 'paid' AND p.fee_minor IS NULL AND ${noIndex('p.account_id')} = a.id)`).pluck();
  const anyOpen = db.prepare(LINK_SQL.anyOpen).pluck();
  const oldestOpenOfAccount = db.prepare(LINK_SQL.oldestOpenOfAccount).pluck();
  const knownEvent = db.prepare('SELECT 1 FROM webhook_events WHERE gateway = ? AND account_id = ? AND event_id = ?').pluck();

  return {
    byIdempotencyKey(key: string): PaymentRow | undefined {
      return byIdempotencyKey.get(key) as PaymentRow | undefined;
    },
    /** the payment of this account already using the order reference */
    orderRefUsedBy(accountId: string, orderRef: string): string | undefined {
      return byOrderRef.get(accountId, orderRef) as string | undefined;
    },
    /**
     * Inserts a link intent (status `creating`) with its `created` timeline entry (`detail`: JSON text).
     * Throws DuplicateIntentError when the idempotency key or the order reference is taken.
     */
    insertIntent(p: PaymentInsert, detail: string): void {
      try {
        payments.insert(p);
      } catch (err) {
        throw duplicateOf(err) ?? err;
      }
      insertCreated.run(p.id, p.createdAt, p.createdAt, detail);
    },
    /** the `created` entry's detail (JSON text), or undefined for a payment Paydesk did not create */
    createdDetail(id: string): string | undefined {
      return createdDetail.get(id) as string | undefined;
    },
    /** the gateway's URL and expiry of a link, each kept when null */
    setGatewayFields(id: string, url: string | null, expiresAt: number | null, now: number): void {
      setGatewayFields.run({ id, url, expiresAt, now });
    },
    /** intents still waiting for their gateway, oldest first */
    creating(): PaymentRow[] {
      return creatingRows.all() as PaymentRow[];
    },
    /** removes an intent the gateway never made (throws when something refers to it) */
    dropIntent(id: string): void {
      deleteIntent.run(id);
    },
    /** links of an account that can still change, and paid ones since `feeSince` still missing their fee */
    openOf(accountId: string, feeSince: number): PaymentRow[] {
      return openOfAccount.all(accountId, feeSince) as PaymentRow[];
    },
    accountsWithOpen(feeSince: number): string[] {
      return accountsWithOpen.all(feeSince) as string[];
    },
    anyOpen(): boolean {
      return anyOpen.get() !== undefined;
    },
    /** created_at of the account's oldest open link, or null */
    oldestOpenAt(accountId: string): number | null {
      return (oldestOpenOfAccount.get(accountId) as number | null | undefined) ?? null;
    },
    /** whether a webhook delivered this gateway event */
    knownEvent(gateway: string, accountId: string, eventId: string): boolean {
      return knownEvent.get(gateway, accountId, eventId) !== undefined;
    },
  };
}

export type PaymentLinksRepo = ReturnType<typeof paymentLinksRepo>;
