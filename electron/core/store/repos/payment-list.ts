// The payments list and overview as the store reads them: filters and search as SQL (the merchant's text
// through the trigram FTS table of 006 from 3 characters, LIKE below that, or on PostgreSQL ILIKE through
// the pg_trgm index payments_search_trgm; the Paydesk id or any gateway id, whole or its beginning, through
// each id column's index), the detail's timeline and raw events, and the overview's counts. What the rows mean (cursors, totals, the daily chart) is payments/overview.ts's.
import type { DisplayStatusValue, PaymentListInput } from '../../../../shared/contract';
import { PAYMENT_STATUSES, isPaymentStatus } from '../../../../shared/status';
import type { Engine, SqlDb, SqlStatement } from '../sql';
import type { PaymentRow } from './payments';

const REFUND_STATES = new Set(['partially_refunded', 'refunded']);
const OPEN = "('open', 'failed', 'authorized', 'partially_paid')";
/** prepared list and count statements kept per core (each shape of filters is one) */
const STATEMENT_CACHE_SIZE = 128;

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** The id columns search matches by prefix (each has an index: the primary key, 002's payments_by_*). */
const ID_SEARCH_COLUMNS = ['id', 'session_id', 'plink_id', 'order_id', 'payment_intent_id', 'charge_id', 'gateway_payment_id'] as const;
/** Appended to a prefix for the upper bound of its range: sorts after every character (BINARY collation). */
const PREFIX_END = '\u{10FFFF}';

/**
 * The text half of a search. FTS5 reads the term as one quoted phrase (quotes doubled), so operators,
 * punctuation and quotes are searched for as typed. A NUL would end FTS5's query string early (a syntax
 * error), so it cannot be searched for and is dropped here: the contract refuses it, this covers in-core
 * callers such as the merchant API's look-up by id. Null when nothing is left to search for.
 */
function textMatch(search: string, engine: Engine): { sql: string; params: string[] } | null {
  const text = search.replace(/\0/g, '');
  if (text.trim() === '') return null;
  if (engine === 'postgres') return ilikeMatch(text);
  if ([...text].length >= 3) return { sql: 'rowid IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH ?)', params: [`"${text.replace(/"/g, '""')}"`] };
  const like = `%${escapeLike(text)}%`;
  return { sql: `order_ref LIKE ? ESCAPE '\\' OR customer_email LIKE ? ESCAPE '\\' OR customer_name LIKE ? ESCAPE '\\'`, params: [like, like, like] };
}

/**
 * PostgreSQL's half of textMatch: ILIKE over the columns payments_fts holds from 3 characters (the GIN
 * trigram index payments_search_trgm covers each), over those LIKE reads on SQLite below that, so both
 * engines find the same rows (ILIKE folds ASCII letters only on these C-collated columns, FTS5 others too).
 * No ESCAPE clause: the backslash is already PostgreSQL's LIKE escape.
 */
function ilikeMatch(text: string): { sql: string; params: string[] } {
  const columns = [...text].length >= 3
    ? ['order_ref', 'customer_name', 'customer_email', 'customer_phone', 'description']
    : ['order_ref', 'customer_email', 'customer_name'];
  const like = `%${escapeLike(text)}%`;
  return { sql: columns.map((col) => `${col} ILIKE ?`).join(' OR '), params: columns.map(() => like) };
}

/**
 * The filters and search of payments.list as SQL: `where` terms (joined with AND) and their parameters, plus
 * `c`, which names a column so that, with a search term, the planner cannot use that column's index (the
 * search must drive the plan; a test checks it does). Exported for that test.
 */
export function listFilters(input: PaymentListInput, engine: Engine = 'sqlite'): { where: string[]; params: unknown[]; c: (column: string) => string } {
  const where: string[] = [];
  const params: unknown[] = [];
  const search = input.search?.trim();
  // With a search term, the search (a few rows through the FTS and id indexes) must drive the plan: the
  // other filters' columns get a unary + so the planner cannot pick their indexes (007's list indexes
  // would otherwise win and every row of the mode would be checked against the search).
  // PostgreSQL has no unary + for text, and its planner weighs the search against the filters by statistics.
  const c = (column: string): string => (search && engine === 'sqlite' ? `+${column}` : column);
  if (input.status && input.status.length > 0) {
    const plain = input.status.filter((s: DisplayStatusValue) => isPaymentStatus(s));
    const refund = input.status.filter((s) => REFUND_STATES.has(s));
    const ors: string[] = [];
    if (plain.length) {
      ors.push(`(${c('refund_state')} = 'none' AND ${c('status')} IN (${plain.map(() => '?').join(', ')}))`);
      params.push(...plain);
    }
    if (refund.length) {
      ors.push(`${c('refund_state')} IN (${refund.map(() => '?').join(', ')})`);
      params.push(...refund);
    }
    where.push(`(${ors.join(' OR ')})`);
  }
  if (input.gateway) {
    where.push(`${c('gateway')} = ?`);
    params.push(input.gateway);
  }
  if (input.linkId) {
    where.push(`${c('parent_id')} = ?`);
    params.push(input.linkId);
  }
  if (input.accountId) {
    where.push(`${c('account_id')} = ?`);
    params.push(input.accountId);
  }
  if (input.mode) {
    where.push(`${c('livemode')} = ?`);
    params.push(input.mode === 'live' ? 1 : 0);
  }
  if (input.from !== undefined) {
    where.push(`${c('created_at')} >= ?`);
    params.push(input.from);
  }
  if (input.to !== undefined) {
    where.push(`${c('created_at')} < ?`);
    params.push(input.to);
  }
  if (search) {
    // text: a substring of the order ref, customer or description (FTS5 trigram from 3 characters, LIKE
    // below that); ids: the Paydesk id or any gateway id, whole or its beginning, each through its index
    // PostgreSQL text cannot hold a NUL (binding one fails) and no id has one, so such a term matches no id
    const idColumns = engine === 'postgres' && search.includes('\0') ? [] : ID_SEARCH_COLUMNS;
    const ids = idColumns.map((col) => `(${col} >= ? AND ${col} < ?)`);
    const idParams = idColumns.flatMap(() => [search, search + PREFIX_END]);
    const text = textMatch(search, engine);
    const terms = [...(text ? [text.sql] : []), ...ids];
    where.push(terms.length ? `(${terms.join(' OR ')})` : 'false');
    params.push(...(text ? text.params : []), ...idParams);
  }
  return { where, params, c };
}

/**
 * The overview's two month-long reads (exported for the query-plan test). The captured payments of the month
 * are read from payments_by_paid alone (paid_at, then the mode, amount and currency: migration 018): `+livemode`
 * keeps the planner off the list indexes, whose livemode prefix would walk every payment of the mode.
 * Refunds go through payments_by_list_status: refunded_minor > 0 exactly when refund_state is not 'none'
 * (shared/status.ts summarizePayment), and every status is listed so the index's third column is reached.
 */
export const OVERVIEW_SQL = {
  /** links a customer can still pay: answered from payments_by_list_status alone (migration 017) */
  openLinks: `SELECT count(*) AS n FROM payments WHERE livemode = ? AND status IN ${OPEN} AND (expires_at IS NULL OR expires_at > ?)`,
  paidSince: 'SELECT paid_at, currency, captured_minor FROM payments WHERE paid_at >= ? AND +livemode = ? AND captured_minor > 0',
  refunds: `SELECT currency, count(*) AS count, sum(refunded_minor) AS "amountMinor" FROM payments
    WHERE livemode = ? AND status IN (${PAYMENT_STATUSES.map((st) => `'${st}'`).join(', ')}) AND refund_state IN ('partially_refunded', 'refunded')
      AND refunded_minor > 0 AND updated_at >= ? GROUP BY currency ORDER BY "amountMinor" DESC, currency`,
} as const;

export interface TimelineRow { at: number; kind: string; source: 'webhook' | 'sync' | 'local'; gateway_type: string | null; changed: number; status_after: string; detail: string }
export interface RawEventRow { id: number; event_id: string; type: string; received_at: number; created_at: number | null; apply_result: string | null; raw: Buffer }
export interface CapturedRow { paid_at: number; currency: string; captured_minor: number }
export interface RefundTotalRow { currency: string; count: number; amountMinor: number }

/** Where a page starts: after this payment in the list's order (newest first). */
export interface ListPosition { createdAt: number; id: string }

export function paymentListRepo(db: SqlDb) {
  const byId = db.prepare('SELECT * FROM payments WHERE id = ?');
  const timeline = db.prepare('SELECT at, kind, source, gateway_type, changed, status_after, detail FROM payment_events WHERE payment_id = ? ORDER BY at, id LIMIT 500');
  const rawEvents = db.prepare('SELECT id, event_id, type, received_at, created_at, apply_result, raw FROM webhook_events WHERE payment_id = ? ORDER BY id LIMIT 200');
  const paidSince = db.prepare(OVERVIEW_SQL.paidSince);
  const openLinks = db.prepare(OVERVIEW_SQL.openLinks);
  const failed = db.prepare("SELECT count(*) AS n FROM payments WHERE livemode = ? AND status = 'failed' AND created_at >= ?");
  const creating = db.prepare("SELECT count(*) AS n FROM payments WHERE livemode = ? AND status = 'creating'");
  const refunds = db.prepare(OVERVIEW_SQL.refunds);

  // The list's SQL depends only on which filters are set (their values are parameters), so it comes in a few
  // dozen shapes: each is prepared once and kept (least recently used first out), not prepared per call.
  const statements = new Map<string, SqlStatement>();
  const prepared = (sql: string): SqlStatement => {
    let s = statements.get(sql);
    if (s) {
      statements.delete(sql);
    } else {
      s = db.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, s);
    return s;
  };
  const live = (livemode: boolean): number => (livemode ? 1 : 0);

  return {
    /** how many payments match the list's filters and search */
    count(input: PaymentListInput): number {
      const { where, params } = listFilters(input, db.engine);
      return (prepared(`SELECT count(*) AS n FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''}`).get(...params) as { n: number }).n;
    },
    /** up to `take` matching payments, newest first, after `after` when given */
    page(input: PaymentListInput, after: ListPosition | null, take: number): PaymentRow[] {
      const { where, params, c } = listFilters(input, db.engine);
      if (after) {
        where.push(`(${c('created_at')} < ? OR (${c('created_at')} = ? AND ${c('id')} < ?))`);
        params.push(after.createdAt, after.createdAt, after.id);
      }
      return prepared(`SELECT * FROM payments ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`)
        .all(...params, take) as PaymentRow[];
    },
    get: (id: string): PaymentRow | undefined => byId.get(id) as PaymentRow | undefined,
    /** the payment's timeline, oldest first (at most 500 entries) */
    timelineOf: (id: string): TimelineRow[] => timeline.all(id) as TimelineRow[],
    /** the gateway events stored for the payment, in arrival order (at most 200) */
    rawEventsOf: (id: string): RawEventRow[] => rawEvents.all(id) as RawEventRow[],
    /** payments captured since `since` (paid_at) in a mode */
    capturedSince: (since: number, livemode: boolean): CapturedRow[] => paidSince.all(since, live(livemode)) as CapturedRow[],
    /** links a customer can still pay at `now` */
    openLinkCount: (livemode: boolean, now: number): number => (openLinks.get(live(livemode), now) as { n: number }).n,
    failedSinceCount: (livemode: boolean, since: number): number => (failed.get(live(livemode), since) as { n: number }).n,
    /** links whose gateway call has not finished */
    creatingCount: (livemode: boolean): number => (creating.get(live(livemode)) as { n: number }).n,
    /** refunded amounts per currency of payments refunded since `since`, largest first */
    refundsSince: (livemode: boolean, since: number): RefundTotalRow[] => refunds.all(live(livemode), since) as RefundTotalRow[],
  };
}

export type PaymentListRepo = ReturnType<typeof paymentListRepo>;

