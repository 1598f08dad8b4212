// Read side of payments: the list (filters, search, cursor pages), the detail (timeline, raw events, fees)
// and the overview numbers, over the payment-list repository (which holds the SQL and its statement cache).
import type { OrdersRepo } from '../store/repos/orders';
import { linkStateOf } from './link-rows';
import type { Mode, Overview, Payment, PaymentDetail, PaymentList, PaymentListInput, RawEvent, TimelineEntry } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { isPaymentStatus } from '../../../shared/status';
import { redactString } from '../log';
import type { PaymentListRepo } from '../store/repos/payment-list';
import type { PaymentRow } from '../store/repos/payments';

/** The query-plan tests read the list's and the overview's SQL where the store keeps it. */
export { listFilters, OVERVIEW_SQL } from '../store/repos/payment-list';

const MAX_BODY_CHARS = 64 * 1024;

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

/** `source` is the payment-list repository (a raw connection is still accepted while the caller moves to it). */
export function createPaymentQueries(repo: PaymentListRepo, orders: OrdersRepo, toPayment: (row: PaymentRow) => Payment, notifyOf: (id: string) => boolean | null) {

  function list(input: PaymentListInput): PaymentList {
    // the count is for the "N payments" line, which shows the first page's: a scrolled-to page skips it, and
    // so does a caller that shows no count (withTotal: false, the Overview's latest payments)
    const total = input.cursor || input.withTotal === false ? null : repo.count(input);
    const limit = input.limit ?? 100;
    const rows = repo.page(input, input.cursor ? decodeCursor(input.cursor) : null, limit + 1);
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const last = page[page.length - 1];
    return { rows: page.map(toPayment), total, nextCursor: more && last ? encodeCursor(last) : null };
  }

  function get(id: string): PaymentDetail {
    const row = repo.get(id);
    if (!row) throw new AppError('not_found', 'No such payment. It may have been removed.');
    const timeline: TimelineEntry[] = repo.timelineOf(id)
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
    const events: RawEvent[] = repo.rawEventsOf(id)
      .map((e) => {
        const text = e.raw.toString('utf8');
        return {
          id: e.id, eventId: e.event_id, type: e.type, receivedAt: e.received_at, createdAt: e.created_at, applyResult: e.apply_result,
          // gateway events carry no keys; redact anything key-shaped all the same
          body: redactString(text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}…` : text),
        };
      });
    const attempts = orders.attempts(row.account_id, row.order_ref).map((a) => ({
      id: a.id, attemptNo: a.attempt_no, reference: a.gateway_ref, status: a.status, linkState: linkStateOf({ ...a, parent_id: null }), createdAt: a.created_at,
    }));
    return {
      payment: toPayment(row),
      payments: row.reusable === 1 ? orders.children(row.id).map(toPayment) : [],
      attempts,
      timeline,
      events,
      fees: { feeMinor: row.fee_minor, taxMinor: row.tax_minor, netMinor: row.net_minor, currency: row.currency },
      notify: notifyOf(id),
    };
  }

  function overview(mode: Mode, now: number): Overview {
    const live = mode === 'live';
    const today = dayStart(now);
    const start7 = addDays(today, -6);
    const start30 = addDays(today, -29);
    const openLinks = repo.openLinkCount(live, now);
    const failedPayments = repo.failedSinceCount(live, start30);
    const creating = repo.creatingCount(live);
    const refunds: Overview['refunds'] = repo.refundsSince(live, start30);

    // one pass over the month's captured payments: the per-currency totals and the daily chart
    const bounds: number[] = [];
    for (let i = 0; i <= 30; i++) bounds.push(addDays(start30, i));
    const totals = new Map<string, Overview['collected'][number]>();
    const buckets = new Map<string, { day: string; dayStart: number; currency: string; amountMinor: number; count: number }>();
    const paid = repo.capturedSince(start30, live);
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
