// Read side of payments: the list (filters, search, cursor pages), the detail (timeline, raw events, fees)
// and the overview numbers. Plain SQL over the payments tables of migration 002. Search: the merchant's
// text through the trigram FTS table (006) from 3 characters (LIKE below that), and the Paydesk id or any
// gateway id, whole or its beginning, through each id column's index.
import type { Statement } from 'better-sqlite3';
import type { DisplayStatusValue, Mode, Overview, PaymentDetail, PaymentList, PaymentListInput, RawEvent, TimelineEntry } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { PAYMENT_STATUSES, isPaymentStatus } from '../../../shared/status';
import { redactString } from '../log';
import type { Db } from '../store/db';
import type { PaymentRow } from '../store/repos/payments';
import type { Payment } from '../../../shared/contract';

const REFUND_STATES = new Set(['partially_refunded', 'refunded']);
const MAX_BODY_CHARS = 64 * 1024;
const OPEN = "('open', 'failed', 'authorized', 'partially_paid')";
/** prepared list and count statements kept per core (each shape of filters is one) */
const STATEMENT_CACHE_SIZE = 128;

function encodeCursor(row: PaymentRow): string {
  return Buffer.from(`${row.created_at}.${row.id}`, 'utf8').toString('base64url');
}

function decodeCursor(c: string): { createdAt: number; id: string } {
  const text = Buffer.from(c, 'base64url').toString('utf8');
  const dot = text.indexOf('.');
  const createdAt = Number(text.slice(0, dot));
  const id = text.slice(dot + 1);
  if (dot < 1 || !Number.isSafeInteger(createdAt) || !id) throw new AppError('invalid_input', 'This page link is no longer valid; start from the first page.', { field: 'cursor' });
  return { createdAt, id };
}

const escapeLike = (s: string): string => s.replace(/[\\%_]/g, (m) => `\\${m}`);

/** start of the local day containing `ms` */
function dayStart(ms: number): number {
  const d = new Date(ms);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
function addDays(ms: number, n: number): number {
  const d = new Date(ms);
  d.setDate(d.getDate() + n);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
function dayLabel(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

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
function textMatch(search: string): { sql: string; params: string[] } | null {
  const text = search.replace(/\0/g, '');
  if (text.trim() === '') return null;
  if ([...text].length >= 3) return { sql: 'rowid IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH ?)', params: [`"${text.replace(/"/g, '""')}"`] };
  const like = `%${escapeLike(text)}%`;
  return { sql: `order_ref LIKE ? ESCAPE '\\' OR customer_email LIKE ? ESCAPE '\\' OR customer_name LIKE ? ESCAPE '\\'`, params: [like, like, like] };
}

/**
 * The filters and search of payments.list as SQL: `where` terms (joined with AND) and their parameters, plus
 * `c`, which names a column so that, with a search term, the planner cannot use that column's index (the
 * search must drive the plan; a test checks it does). Exported for that test.
 */
export function listFilters(input: PaymentListInput): { where: string[]; params: unknown[]; c: (column: string) => string } {
  const where: string[] = [];
  const params: unknown[] = [];
  const search = input.search?.trim();
  // With a search term, the search (a few rows through the FTS and id indexes) must drive the plan: the
  // other filters' columns get a unary + so the planner cannot pick their indexes (007's list indexes
  // would otherwise win and every row of the mode would be checked against the search).
  const c = (column: string): string => (search ? `+${column}` : column);
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
    const ids = ID_SEARCH_COLUMNS.map((col) => `(${col} >= ? AND ${col} < ?)`);
    const idParams = ID_SEARCH_COLUMNS.flatMap(() => [search, search + PREFIX_END]);
    const text = textMatch(search);
    where.push(`(${[...(text ? [text.sql] : []), ...ids].join(' OR ')})`);
    params.push(...(text ? text.params : []), ...idParams);
  }
  return { where, params, c };
}

/**
 * The overview's two month-long reads (exported for the query-plan test). The captured payments of the month
 * are found through payments_by_paid (paid_at): `+livemode` keeps the planner off the list indexes, whose
 * livemode prefix would walk every payment of the mode (100,000 table look-ups instead of a month's).
 * Refunds go through payments_by_list_status: refunded_minor > 0 exactly when refund_state is not 'none'
 * (shared/status.ts summarizePayment), and every status is listed so the index's third column is reached.
 */
export const OVERVIEW_SQL = {
  paidSince: 'SELECT paid_at, currency, captured_minor FROM payments WHERE paid_at >= ? AND +livemode = ? AND captured_minor > 0',
  refunds: `SELECT currency, count(*) AS count, sum(refunded_minor) AS amountMinor FROM payments
    WHERE livemode = ? AND status IN (${PAYMENT_STATUSES.map((st) => `'${st}'`).join(', ')}) AND refund_state IN ('partially_refunded', 'refunded')
      AND refunded_minor > 0 AND updated_at >= ? GROUP BY currency ORDER BY amountMinor DESC, currency`,
} as const;

export function createPaymentQueries(db: Db, toPayment: (row: PaymentRow) => Payment, notifyOf: (id: string) => boolean | null) {
  const byId = db.prepare('SELECT * FROM payments WHERE id = ?');
  const timelineStmt = db.prepare('SELECT at, kind, source, gateway_type, changed, status_after, detail FROM payment_events WHERE payment_id = ? ORDER BY at, id LIMIT 500');
  const rawStmt = db.prepare('SELECT id, event_id, type, received_at, created_at, apply_result, raw FROM webhook_events WHERE payment_id = ? ORDER BY id LIMIT 200');

  // The list's SQL depends only on which filters are set (their values are parameters), so it comes in a few
  // dozen shapes: each is prepared once and kept (least recently used first out), not prepared per call.
  const statements = new Map<string, Statement>();
  const prepared = (sql: string): Statement => {
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

  function list(input: PaymentListInput): PaymentList {
    const { where, params, c } = listFilters(input);
    const filter = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // the count is for the "N payments" line, which shows the first page's: a scrolled-to page skips it, and
    // so does a caller that shows no count (withTotal: false, the Overview's latest payments)
    const total = input.cursor || input.withTotal === false ? null : (prepared(`SELECT count(*) AS n FROM payments ${filter}`).get(...params) as { n: number }).n;

    const pageWhere = [...where];
    const pageParams = [...params];
    if (input.cursor) {
      const at = decodeCursor(input.cursor);
      pageWhere.push(`(${c('created_at')} < ? OR (${c('created_at')} = ? AND ${c('id')} < ?))`);
      pageParams.push(at.createdAt, at.createdAt, at.id);
    }
    const limit = input.limit ?? 100;
    const rows = prepared(`SELECT * FROM payments ${pageWhere.length ? `WHERE ${pageWhere.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT ?`)
      .all(...pageParams, limit + 1) as PaymentRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return { rows: page.map(toPayment), total, nextCursor: more && last ? encodeCursor(last) : null };
  }

  function get(id: string): PaymentDetail {
    const row = byId.get(id) as PaymentRow | undefined;
    if (!row) throw new AppError('not_found', 'No such payment. It may have been removed.');
    const timeline: TimelineEntry[] = (timelineStmt.all(id) as { at: number; kind: string; source: 'webhook' | 'sync' | 'local'; gateway_type: string | null; changed: number; status_after: string; detail: string }[])
      .map((t) => {
        let detail: Record<string, unknown>;
        try {
          detail = JSON.parse(t.detail) as Record<string, unknown>;
        } catch {
          detail = {};
        }
        return {
          at: t.at, kind: t.kind, source: t.source, gatewayType: t.gateway_type, changed: t.changed === 1,
          statusAfter: isPaymentStatus(t.status_after) ? t.status_after : 'creating', detail,
        };
      });
    const events: RawEvent[] = (rawStmt.all(id) as { id: number; event_id: string; type: string; received_at: number; created_at: number | null; apply_result: string | null; raw: Buffer }[])
      .map((e) => {
        const text = e.raw.toString('utf8');
        return {
          id: e.id, eventId: e.event_id, type: e.type, receivedAt: e.received_at, createdAt: e.created_at, applyResult: e.apply_result,
          // gateway events carry no keys; redact anything key-shaped all the same
          body: redactString(text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text),
        };
      });
    return {
      payment: toPayment(row),
      timeline,
      events,
      fees: { feeMinor: row.fee_minor, taxMinor: row.tax_minor, netMinor: row.net_minor, currency: row.currency },
      notify: notifyOf(id),
    };
  }

  const paidSince = db.prepare(OVERVIEW_SQL.paidSince);
  const openLinksStmt = db.prepare(`SELECT count(*) AS n FROM payments WHERE livemode = ? AND status IN ${OPEN} AND (expires_at IS NULL OR expires_at > ?)`);
  const failedStmt = db.prepare("SELECT count(*) AS n FROM payments WHERE livemode = ? AND status = 'failed' AND created_at >= ?");
  const creatingStmt = db.prepare("SELECT count(*) AS n FROM payments WHERE livemode = ? AND status = 'creating'");
  const refundsStmt = db.prepare(OVERVIEW_SQL.refunds);

  function overview(mode: Mode, now: number): Overview {
    const live = mode === 'live' ? 1 : 0;
    const today = dayStart(now);
    const start7 = addDays(today, -6);
    const start30 = addDays(today, -29);
    const openLinks = (openLinksStmt.get(live, now) as { n: number }).n;
    const failedPayments = (failedStmt.get(live, start30) as { n: number }).n;
    const creating = (creatingStmt.get(live) as { n: number }).n;
    const refunds = refundsStmt.all(live, start30) as Overview['refunds'];

    // one pass over the month's captured payments: the per-currency totals and the daily chart
    const bounds: number[] = [];
    for (let i = 0; i <= 30; i++) bounds.push(addDays(start30, i));
    const totals = new Map<string, Overview['collected'][number]>();
    const buckets = new Map<string, { day: string; dayStart: number; currency: string; amountMinor: number; count: number }>();
    const paid = paidSince.all(start30, live) as { paid_at: number; currency: string; captured_minor: number }[];
    for (const p of paid) {
      let t = totals.get(p.currency);
      if (!t) totals.set(p.currency, (t = { currency: p.currency, todayMinor: 0, last7Minor: 0, last30Minor: 0, todayCount: 0, last7Count: 0, last30Count: 0 }));
      t.last30Minor += p.captured_minor;
      t.last30Count++;
      if (p.paid_at >= start7) {
        t.last7Minor += p.captured_minor;
        t.last7Count++;
      }
      if (p.paid_at >= today) {
        t.todayMinor += p.captured_minor;
        t.todayCount++;
      }
      let i = 0;
      while (i + 1 < bounds.length && (bounds[i + 1] as number) <= p.paid_at) i++;
      const ds = bounds[Math.min(i, 29)] as number;
      const key = `${ds}|${p.currency}`;
      const b = buckets.get(key) ?? { day: dayLabel(ds), dayStart: ds, currency: p.currency, amountMinor: 0, count: 0 };
      b.amountMinor += p.captured_minor;
      b.count++;
      buckets.set(key, b);
    }
    const byCode = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const collected = [...totals.values()].sort((a, b) => b.last30Minor - a.last30Minor || byCode(a.currency, b.currency));
    const daily = [...buckets.values()].sort((a, b) => a.dayStart - b.dayStart || byCode(a.currency, b.currency));
    return { mode, todayStart: today, collected, openLinks, failedPayments, creating, refunds, daily };
  }

  return { list, get, overview };
}

export type PaymentQueries = ReturnType<typeof createPaymentQueries>;
