// THE place where the reports meet the schema: every table and column name the export reads is here.
//
// The export runs ONE streaming statement (per time slice, one worker each: reports/export-worker.ts): a UNION ALL
// of every money movement, ordered by time, each arm producing the same positional row (MOVEMENT_FIELDS).
// Each arm is built from a field -> SQL expression map, so the arms can never drift out of column alignment.
//
// The columns read (times are INTEGER ms since the epoch, money INTEGER minor units; docs/export-columns.md),
// as in the migrations (test/unit/core/reports/real-schema.test.ts prepares this statement against them):
//   accounts(id, mode 'test'|'live', label)                                                         -- 001
//   payments(id, account_id, gateway, livemode, order_ref, amount_minor, currency, description, customer_name,
//            customer_email, notes, status, session_id, plink_id, order_id, payment_intent_id, charge_id,
//            gateway_payment_id, paid_at, captured_minor, fee_minor, tax_minor, net_minor)          -- 002
//   payments(parent_id, gateway_ref, reusable, method, balance_txn_id, available_on)                 -- 011
//   refunds(id, payment_id, account_id, gateway, livemode, gateway_refund_id, amount_minor, currency,
//           status, reason, speed, created_at)                                                      -- 003
//   settlements, settlement_items                                                                  -- 004
//   stripe_balance_txns(account_id, id, refund_id, available_on)                                    -- 005
// A payment's fee_minor is NULL until the gateway reported it: fee, tax and net are then NULL (an empty
// cell, fee_status 'pending'), never 0. Refund fees are not stored (0).
// Hot-path indexes the export uses: payments_by_paid (paid_at), refunds_by_created (created_at),
// settlements_by_created (livemode, created_at), and the settlement_items unique indexes of 004.

import type { Gateway } from '../../../../shared/gateways';

export const MOVEMENT_FIELDS = [
  'type', // payment | refund | fee | adjustment | dispute | payout
  'type_rank', // tie-break order within one millisecond
  'gateway',
  'account_id',
  'account_label',
  'livemode',
  'paydesk_id', // the row's own local id (payment id, refund id); NULL for external items and payouts
  'paydesk_payment_id', // the local payment this row belongs to (payment rows: itself; refunds: the refunded payment)
  'order_ref',
  'payment_id', // Razorpay pay_..., or what the Stripe adapter stores as the payment id
  'charge_id', // Stripe ch_...
  'payment_intent_id', // Stripe pi_...
  'link_id', // Stripe plink_..., Razorpay plink_...
  'order_id', // Razorpay order_...
  'session_id', // Stripe cs_...
  'refund_id', // Stripe re_..., Razorpay rfnd_...
  'at_ms', // when the money moved: payments paid_at, refunds created_at, items/payouts their created_at
  'currency',
  'gross_minor', // signed: money in > 0, money out < 0
  'fee_minor', // what the gateway kept, tax included (Razorpay's fee includes its GST)
  'tax_minor', // the tax part of fee_minor
  'net_minor', // gross - fee
  'status',
  'refund_reason',
  'refund_speed',
  'settlement_id', // gateway settlement / payout id (setl_..., po_...)
  'settlement_utr',
  'settlement_arrival_ms',
  'settled_at_ms',
  'gateway_txn_id', // Stripe balance transaction txn_..., Razorpay recon entity id (from settlement_items)
  'payment_at_ms', // when the underlying payment was paid (charge_created in the Stripe preset)
  'method', // card, upi, netbanking, wallet, emi ... as the gateway names it
  'fee_status', // known | pending (a payment whose fee the gateway has not reported yet)
  'balance_txn_id', // Stripe txn_... of the charge or refund, from the payment / the ledger
  'available_on_ms', // Stripe: when the funds of that balance transaction become available
  'gateway_ref', // what the gateway and the customer see as the order reference (ORD-2001, ORD-2001/2)
  'customer_email',
  'customer_name',
  'description',
  'notes', // payments.notes (JSON): the merchant's notes, sent to the gateway together with paydesk_id and order_ref
] as const;

export type MovementField = (typeof MOVEMENT_FIELDS)[number];
/** Positional index of each field in a raw row. */
export const F: Readonly<Record<MovementField, number>> = Object.freeze(
  Object.fromEntries(MOVEMENT_FIELDS.map((f, i) => [f, i])) as Record<MovementField, number>,
);
/** One raw row as better-sqlite3 `.raw()` returns it, in MOVEMENT_FIELDS order. */
export type MovementRow = readonly unknown[];

export const MOVEMENT_TYPES = ['payment', 'refund', 'fee', 'adjustment', 'dispute', 'payout'] as const;
export type MovementType = (typeof MOVEMENT_TYPES)[number];

export interface MovementQueryFilters {
  /** UTC bounds, half-open [startMs, endMs) */
  startMs: number;
  endMs: number;
  mode: 'test' | 'live';
  gateway?: Gateway | null;
  accountIds?: readonly string[] | null;
  /** include payout rows (one per settlement / payout); the Razorpay recon preset does not */
  payouts?: boolean;
  /**
   * The fields the preset reads (reports/columns.ts presetFields); the others are selected as NULL, which saves
   * better-sqlite3 making JS values nobody reads. Default: all. at_ms is always selected (ORDER BY).
   */
  fields?: readonly MovementField[] | null;
}

export type SqlParam = string | number | null;
export interface BuiltQuery {
  sql: string;
  params: Record<string, SqlParam>;
}

/** `joins`: joined only when the statement selects one of `when` (look-ups only some presets read). */
type Arm = { select: Record<MovementField, string>; from: string; where: string[]; joins?: { when: readonly MovementField[]; sql: string }[] };

const PENDING_FEE = 'p.fee_minor IS NULL';
// a payment made through a reusable link is named by that link (coalesce evaluates the look-up only then)
const LINK_ID = 'coalesce(p.plink_id, (SELECT lk.plink_id FROM payments lk WHERE lk.id = p.parent_id))';
const NO_VALUES = Object.fromEntries(MOVEMENT_FIELDS.map((f) => [f, 'NULL'])) as Record<MovementField, string>;

// SQLite plans without statistics, so the arms name their index (and turn one off with a unary +); PostgreSQL
// plans from its statistics and knows neither form. Rows of one millisecond: SQLite merges the arms, each in its
// index's order, so they come in the arms' order; PostgreSQL sorts the union and is told an order for them.
export type MovementDialect = 'sqlite' | 'postgres';
const HINTS = {
  sqlite: { paidIndex: ' INDEXED BY payments_by_paid', notIndexed: '+', ties: [] },
  postgres: { paidIndex: '', notIndexed: '', ties: ['type_rank', 'paydesk_id', 'settlement_id', 'gateway_txn_id'] },
} as const satisfies Record<string, { paidIndex: string; notIndexed: string; ties: readonly MovementField[] }>;

function paymentsArm(d: MovementDialect): Arm {
  return {
    select: {
      type: `'payment'`,
      type_rank: '0',
      gateway: 'p.gateway',
      account_id: 'p.account_id',
      account_label: 'a.label',
      livemode: 'p.livemode',
      paydesk_id: 'p.id',
      paydesk_payment_id: 'p.id',
      order_ref: 'p.order_ref',
      payment_id: 'p.gateway_payment_id',
      charge_id: 'p.charge_id',
      payment_intent_id: 'p.payment_intent_id',
      link_id: LINK_ID,
      order_id: 'p.order_id',
      session_id: 'p.session_id',
      refund_id: 'NULL',
      at_ms: 'p.paid_at',
      currency: 'p.currency',
      // captured_minor is 0 until the capture is recorded
      gross_minor: 'coalesce(nullif(p.captured_minor, 0), p.amount_minor)',
      fee_minor: 'p.fee_minor',
      tax_minor: `CASE WHEN ${PENDING_FEE} THEN NULL ELSE coalesce(p.tax_minor, 0) END`,
      net_minor: `CASE WHEN ${PENDING_FEE} THEN NULL ELSE coalesce(p.net_minor, coalesce(nullif(p.captured_minor, 0), p.amount_minor) - p.fee_minor) END`,
      status: 'p.status',
      refund_reason: 'NULL',
      refund_speed: 'NULL',
      settlement_id: 's.gateway_settlement_id',
      settlement_utr: 's.utr',
      settlement_arrival_ms: 's.arrival_at',
      settled_at_ms: 's.created_at',
      gateway_txn_id: 'si.gateway_txn_id',
      payment_at_ms: 'p.paid_at',
      method: 'p.method',
      fee_status: `CASE WHEN ${PENDING_FEE} THEN 'pending' ELSE 'known' END`,
      balance_txn_id: 'p.balance_txn_id',
      // rows stored before the payment carried it: the ledger's entry of its balance transaction, once settled
      available_on_ms: `coalesce(p.available_on, (SELECT bt.available_on FROM stripe_balance_txns bt WHERE bt.account_id = p.account_id AND bt.id = coalesce(p.balance_txn_id, si.gateway_txn_id)))`,
      gateway_ref: 'p.gateway_ref',
      customer_email: 'p.customer_email',
      customer_name: 'p.customer_name',
      description: 'p.description',
      notes: 'p.notes',
    },
    // the time index: with the payments list's (livemode, created_at, ...) index beside it the planner, without
    // statistics, would walk that one by mode and sort every paid payment of the mode
    from: `payments p${HINTS[d].paidIndex}
  JOIN accounts a ON a.id = p.account_id
  LEFT JOIN settlement_items si ON si.payment_id = p.id AND si.kind = 'payment'
  LEFT JOIN settlements s ON s.id = si.settlement_id`,
    // paid_at is set once money was captured; links that were never paid are not money movements. A reusable
    // link's row carries only the link's state: each payment made through it is a row of its own.
    where: ['p.paid_at >= @start', 'p.paid_at < @end', 'p.livemode = @livemode', 'a.mode = @mode', 'p.reusable = 0'],
  };
}

function refundsArm(d: MovementDialect): Arm {
  return {
    select: {
      type: `'refund'`,
      type_rank: '1',
      gateway: 'r.gateway',
      account_id: 'r.account_id',
      account_label: 'a.label',
      livemode: 'r.livemode',
      paydesk_id: 'r.id',
      paydesk_payment_id: 'p.id',
      order_ref: 'p.order_ref',
      payment_id: 'p.gateway_payment_id',
      charge_id: 'p.charge_id',
      payment_intent_id: 'p.payment_intent_id',
      link_id: LINK_ID,
      order_id: 'p.order_id',
      session_id: 'p.session_id',
      refund_id: 'r.gateway_refund_id',
      at_ms: 'r.created_at',
      currency: 'r.currency',
      gross_minor: '-r.amount_minor',
      fee_minor: '0', // refund fees are not stored yet
      tax_minor: '0',
      net_minor: '-r.amount_minor',
      status: 'r.status',
      refund_reason: 'r.reason',
      refund_speed: 'r.speed',
      settlement_id: 's.gateway_settlement_id',
      settlement_utr: 's.utr',
      settlement_arrival_ms: 's.arrival_at',
      settled_at_ms: 's.created_at',
      gateway_txn_id: 'si.gateway_txn_id',
      payment_at_ms: 'p.paid_at',
      method: 'p.method',
      fee_status: `'known'`,
      balance_txn_id: 'rbt.id',
      available_on_ms: 'rbt.available_on',
      gateway_ref: 'p.gateway_ref',
      customer_email: 'p.customer_email',
      customer_name: 'p.customer_name',
      description: 'p.description',
      notes: 'NULL',
    },
    from: `refunds r
  JOIN payments p ON p.id = r.payment_id
  JOIN accounts a ON a.id = r.account_id
  LEFT JOIN settlement_items si ON si.refund_id = r.id
  LEFT JOIN settlements s ON s.id = si.settlement_id`,
    joins: [
      // the refund's own Stripe balance transaction, once the ledger holds it (stripe_bt_by_refund); a failed
      // refund's refund_failure transaction names the same refund
      { when: ['balance_txn_id', 'available_on_ms'], sql: `LEFT JOIN stripe_balance_txns rbt ON rbt.account_id = r.account_id AND rbt.refund_id = r.gateway_refund_id AND rbt.type = 'refund'` },
    ],
    // money moves once the gateway accepted the refund: pending or succeeded. 'requested' has no gateway
    // answer yet (recovery settles it), 'failed' moved nothing. The unary + keeps the planner on the time
    // index (refunds_by_created, in ORDER BY order) instead of refunds_by_status plus a sort of every refund.
    where: ['r.created_at >= @start', 'r.created_at < @end', `${HINTS[d].notIndexed}r.status IN ('pending', 'succeeded')`, 'r.livemode = @livemode', 'a.mode = @mode'],
  };
}

/** Settlement items that are money movements of their own: fees, adjustments, disputes, and payments or
 * refunds settled at the gateway that Paydesk never created (external: shown, never dropped). */
function itemsArm(): Arm {
  return {
    select: {
      type: 'si.kind',
      type_rank: `CASE si.kind WHEN 'payment' THEN 0 WHEN 'refund' THEN 1 WHEN 'dispute' THEN 2 WHEN 'adjustment' THEN 3 ELSE 4 END`,
      gateway: 's.gateway',
      account_id: 's.account_id',
      account_label: 'a.label',
      livemode: 's.livemode',
      paydesk_id: 'NULL',
      paydesk_payment_id: 'si.payment_id',
      order_ref: 'NULL',
      // an item without a ledger entry is named by the gateway's own payment / refund id (a recon row);
      // one with a ledger entry by a transaction id, which names no payment
      payment_id: `CASE WHEN si.kind = 'payment' AND bt.id IS NULL THEN si.gateway_txn_id END`,
      charge_id: 'NULL',
      payment_intent_id: 'NULL',
      link_id: 'NULL',
      order_id: 'NULL',
      session_id: 'NULL',
      refund_id: `CASE WHEN si.kind = 'refund' AND bt.id IS NULL THEN si.gateway_txn_id END`,
      at_ms: 'coalesce(si.created_at, s.created_at)',
      currency: 's.currency',
      gross_minor: 'si.amount_minor',
      fee_minor: 'si.fee_minor',
      tax_minor: 'si.tax_minor',
      net_minor: 'si.net_minor',
      status: `CASE WHEN si.kind IN ('payment', 'refund') THEN 'external' ELSE s.status END`,
      refund_reason: 'NULL',
      refund_speed: 'NULL',
      settlement_id: 's.gateway_settlement_id',
      settlement_utr: 's.utr',
      settlement_arrival_ms: 's.arrival_at',
      settled_at_ms: 's.created_at',
      gateway_txn_id: 'si.gateway_txn_id',
      payment_at_ms: 'NULL',
      method: 'NULL',
      fee_status: `'known'`,
      balance_txn_id: 'bt.id',
      available_on_ms: 'bt.available_on',
      gateway_ref: 'NULL',
      customer_email: 'NULL',
      customer_name: 'NULL',
      description: 'NULL',
      notes: 'NULL',
    },
    from: `settlement_items si
  JOIN settlements s ON s.id = si.settlement_id
  JOIN accounts a ON a.id = s.account_id
  LEFT JOIN stripe_balance_txns bt ON bt.account_id = s.account_id AND bt.id = si.gateway_txn_id`,
    where: [
      'coalesce(si.created_at, s.created_at) >= @start',
      'coalesce(si.created_at, s.created_at) < @end',
      `NOT ((si.kind = 'payment' AND si.payment_id IS NOT NULL) OR (si.kind = 'refund' AND si.refund_id IS NOT NULL))`,
      's.livemode = @livemode',
      'a.mode = @mode',
    ],
  };
}

/** One row per settlement / payout: the money leaving the gateway balance for the bank. */
function payoutsArm(): Arm {
  return {
    select: {
      ...NO_VALUES, // a payout names no payment, refund or customer
      type: `'payout'`,
      type_rank: '5',
      gateway: 's.gateway',
      account_id: 's.account_id',
      account_label: 'a.label',
      livemode: 's.livemode',
      at_ms: 's.created_at',
      currency: 's.currency',
      gross_minor: '-s.amount_minor',
      fee_minor: '0',
      tax_minor: '0',
      net_minor: '-s.amount_minor',
      status: 's.status',
      settlement_id: 's.gateway_settlement_id',
      settlement_utr: 's.utr',
      settlement_arrival_ms: 's.arrival_at',
      settled_at_ms: 's.created_at',
      fee_status: `'known'`,
    },
    from: `settlements s
  JOIN accounts a ON a.id = s.account_id`,
    where: ['s.created_at >= @start', 's.created_at < @end', `s.status NOT IN ('failed', 'canceled', 'cancelled')`, 's.livemode = @livemode', 'a.mode = @mode'],
  };
}

function armSql(arm: Arm, gatewayCol: string, accountCol: string, extra: string[], fields: ReadonlySet<MovementField> | null): string {
  const cols = MOVEMENT_FIELDS.map((f) => `${!fields || fields.has(f) ? arm.select[f] : 'NULL'} AS ${f}`).join(',\n  ');
  const joins = (arm.joins ?? []).filter((j) => !fields || j.when.some((f) => fields.has(f))).map((j) => `\n  ${j.sql}`).join('');
  const where = [...arm.where];
  for (const e of extra) where.push(e.replace('$gateway', gatewayCol).replace('$account', accountCol));
  return `SELECT\n  ${cols}\nFROM ${arm.from}${joins}\nWHERE ${where.join('\n  AND ')}`;
}

/** The one streaming statement of the export, with its named parameters. */
export function buildMovementQuery(f: MovementQueryFilters, dialect: MovementDialect = 'sqlite'): BuiltQuery {
  if (!Number.isSafeInteger(f.startMs) || !Number.isSafeInteger(f.endMs)) throw new RangeError('The date range bounds must be integer ms');
  if (f.mode !== 'test' && f.mode !== 'live') throw new RangeError('mode must be test or live: test and live never mix');
  const params: Record<string, SqlParam> = { start: f.startMs, end: f.endMs, mode: f.mode, livemode: f.mode === 'live' ? 1 : 0 };
  const extra: string[] = [];
  if (f.gateway) {
    params.gateway = f.gateway;
    extra.push('$gateway = @gateway');
  }
  if (f.accountIds && f.accountIds.length > 0) {
    const names = f.accountIds.map((id, i) => {
      params[`account${i}`] = id;
      return `@account${i}`;
    });
    extra.push(`$account IN (${names.join(', ')})`);
  }
  const order: readonly MovementField[] = ['at_ms', ...HINTS[dialect].ties];
  const fields = f.fields ? new Set<MovementField>([...f.fields, ...order]) : null;
  const arms = [
    armSql(paymentsArm(dialect), 'p.gateway', 'p.account_id', extra, fields),
    armSql(refundsArm(dialect), 'r.gateway', 'r.account_id', extra, fields),
    armSql(itemsArm(), 's.gateway', 's.account_id', extra, fields),
  ];
  if (f.payouts !== false) arms.push(armSql(payoutsArm(), 's.gateway', 's.account_id', extra, fields));
  const sql = `${arms.join('\nUNION ALL\n')}\nORDER BY ${order.join(', ')}`;
  return { sql, params };
}

/**
 * The two statements a parallel export splits its range with (export-reader.ts): how many
 * payments were paid in [start, end), and the paid_at of the n-th of them (0-based). Payments are the bulk of the rows
 * (refunds, items and payouts follow them in time), and both read only the partial index payments_by_paid.
 * Parameters are positional: start, end (, n).
 */
export function buildSliceQueries(): { count: string; nth: string } {
  return {
    count: 'SELECT count(*) FROM payments WHERE paid_at >= ? AND paid_at < ?',
    nth: 'SELECT paid_at FROM payments WHERE paid_at >= ? AND paid_at < ? ORDER BY paid_at LIMIT 1 OFFSET ?',
  };
}

/** Totals per currency straight from the tables, for the summary and to check an export against. */
export function buildTotalsQuery(f: MovementQueryFilters): BuiltQuery {
  const q = buildMovementQuery({ ...f, fields: ['currency', 'gross_minor', 'fee_minor', 'tax_minor', 'net_minor'] });
  return {
    sql: `SELECT currency, count(*) AS rows, sum(gross_minor) AS gross_minor, sum(fee_minor) AS fee_minor, sum(tax_minor) AS tax_minor, sum(net_minor) AS net_minor
FROM (${q.sql.replace(/\nORDER BY [^\n]*$/, '')}) GROUP BY currency ORDER BY currency`,
    params: q.params,
  };
}

/** The same statement with its parameters inlined as SQL literals (for the sqlite3 CLI baseline). */
export function inlineParams(q: BuiltQuery): string {
  return q.sql.replace(/@([A-Za-z0-9_]+)/g, (_, name: string) => {
    if (!(name in q.params)) throw new Error(`No value for @${name}`);
    const v = q.params[name];
    if (v === null || v === undefined) return 'NULL';
    if (typeof v === 'number') return String(v);
    return `'${v.replace(/'/g, "''")}'`;
  });
}
