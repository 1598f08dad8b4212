// Refunds: every refund with its status, amount, payment, operator and reason; filters and search.
// Pages of 100 are fetched as the list scrolls; only the rows in view are in the DOM (virtualized).
import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { MethodInput, Refund, RefundRowStatus } from '../../../../shared/contract';
import { gatewayLabel, type Gateway } from '../../../../shared/gateways';
import { useRpcQuery, useTransport } from '../../api/hooks';
import type { ApiError } from '../../api/errors';
import { Banner, Button, ButtonLink, EmptyState, Money, Page } from '../../components';
import { formatDateTime, isoString } from '../../format/dates';
import { hrefFor } from '../../router';
import { REFUND_STATUS_LABEL, RefundStatusChip, refundReasonText } from './labels';

const PAGE = 100;
const ROW_H = 60;

type ListInput = MethodInput<'refunds.list'>;

export interface RefundFilters {
  status: '' | RefundRowStatus;
  gateway: '' | Gateway;
  accountId: string;
  operatorId: string;
  /** yyyy-mm-dd from <input type=date>, local days */
  from: string;
  to: string;
  search: string;
}

const EMPTY: RefundFilters = { status: '', gateway: '', accountId: '', operatorId: '', from: '', to: '', search: '' };

/** local midnight of a yyyy-mm-dd, in ms; `end` gives the next midnight (the day is included) */
export function dayStart(s: string, end = false): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (end ? 1 : 0)).getTime();
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function RefundsScreen() {
  const [f, setF] = useState<RefundFilters>(EMPTY);
  const search = useDebounced(f.search.trim(), 250);
  const accounts = useRpcQuery('accounts.list', {});
  const desk = useRpcQuery('desk.status', {});
  const t = useTransport();

  const input = useMemo<ListInput>(() => {
    const i: ListInput = { limit: PAGE };
    if (f.status) i.status = f.status;
    if (f.gateway) i.gateway = f.gateway;
    if (f.accountId) i.accountId = f.accountId;
    if (f.operatorId) i.operatorId = f.operatorId;
    const from = dayStart(f.from);
    const to = dayStart(f.to, true);
    if (from !== undefined) i.from = from;
    if (to !== undefined) i.to = to;
    if (search) i.search = search;
    return i;
  }, [f.status, f.gateway, f.accountId, f.operatorId, f.from, f.to, search]);

  const list = useInfiniteQuery<{ items: Refund[]; total: number }, ApiError>({
    // the first key element names the method, so refund.changed / payment.changed invalidate it by domain
    queryKey: ['refunds.list', input, 'pages'],
    queryFn: ({ pageParam }) => t.call('refunds.list', { ...input, offset: pageParam as number }),
    initialPageParam: 0,
    getNextPageParam: (last, all) => {
      const loaded = all.reduce((n, p) => n + p.items.length, 0);
      return loaded < last.total && last.items.length > 0 ? loaded : undefined;
    },
  });

  const rows = useMemo(() => list.data?.pages.flatMap((p) => p.items) ?? [], [list.data]);
  const total = list.data?.pages[0]?.total ?? 0;
  const filtered = JSON.stringify({ ...f, search: f.search.trim() }) !== JSON.stringify(EMPTY);
  const set = <K extends keyof RefundFilters>(k: K, v: RefundFilters[K]) => setF((s) => ({ ...s, [k]: v }));

  return (
    <Page title="Refunds" description="Money you have sent back to customers, in full or in part." wide>
      <div className="filters refund-filters" role="search" aria-label="Filter refunds">
        <label className="filter filter-search">
          <span className="visually-hidden">Search refunds</span>
          <input
            className="input input-sm"
            type="search"
            placeholder="Search order, customer, email or id"
            value={f.search}
            onChange={(e) => set('search', e.target.value)}
          />
        </label>
        <FilterSelect label="Status" value={f.status} onChange={(v) => set('status', v as RefundFilters['status'])}>
          <option value="">Any status</option>
          {(Object.keys(REFUND_STATUS_LABEL) as RefundRowStatus[]).map((s) => (
            <option key={s} value={s}>
              {REFUND_STATUS_LABEL[s]}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Gateway" value={f.gateway} onChange={(v) => set('gateway', v as RefundFilters['gateway'])}>
          <option value="">Any gateway</option>
          <option value="stripe">Stripe</option>
          <option value="razorpay">Razorpay</option>
        </FilterSelect>
        <FilterSelect label="Account" value={f.accountId} onChange={(v) => set('accountId', v)}>
          <option value="">Any account</option>
          {(accounts.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.label}
            </option>
          ))}
        </FilterSelect>
        {desk.data?.mode === 'operators' && (
          <FilterSelect label="Operator" value={f.operatorId} onChange={(v) => set('operatorId', v)}>
            <option value="">Anyone</option>
            {desk.data.operators.map((o) => (
              <option key={o.id} value={o.id}>
                {o.name}
              </option>
            ))}
          </FilterSelect>
        )}
        <label className="filter">
          <span className="filter-label">From</span>
          <input className="input input-sm" type="date" value={f.from} max={f.to || undefined} onChange={(e) => set('from', e.target.value)} />
        </label>
        <label className="filter">
          <span className="filter-label">To</span>
          <input className="input input-sm" type="date" value={f.to} min={f.from || undefined} onChange={(e) => set('to', e.target.value)} />
        </label>
        {filtered && (
          <Button size="sm" variant="ghost" onClick={() => setF(EMPTY)}>
            Clear filters
          </Button>
        )}
      </div>

      {list.isPending ? (
        <div className="skeleton-list" aria-busy="true" aria-label="Loading refunds">
          <div className="skeleton" />
          <div className="skeleton" />
          <div className="skeleton" />
        </div>
      ) : list.error && !list.data ? (
        <Banner tone="danger" title="Couldn’t load refunds" action={<Button size="sm" onClick={() => void list.refetch()}>Try again</Button>}>
          {list.error.message}
        </Banner>
      ) : rows.length === 0 ? (
        filtered ? (
          <EmptyState icon="refunds" title="No refunds match" action={<Button onClick={() => setF(EMPTY)}>Clear filters</Button>}>
            <p>Try another status, date or search.</p>
          </EmptyState>
        ) : (
          <EmptyState
            icon="refunds"
            title="No refunds"
            action={
              <ButtonLink href={hrefFor('payments')} variant="secondary">
                Go to Payments
              </ButtonLink>
            }
          >
            <p>To refund a customer, open a paid payment and choose <strong>Refund</strong>. Each refund appears here with its status at the gateway.</p>
          </EmptyState>
        )
      ) : (
        <RefundTable
          rows={rows}
          total={total}
          hasMore={!!list.hasNextPage}
          loadingMore={list.isFetchingNextPage}
          onNeedMore={() => {
            if (list.hasNextPage && !list.isFetchingNextPage) void list.fetchNextPage();
          }}
        />
      )}
    </Page>
  );
}

function FilterSelect({ label, value, onChange, children }: { label: string; value: string; onChange(v: string): void; children: ReactNode }) {
  return (
    <label className="filter">
      <span className="filter-label">{label}</span>
      <select className="input select input-sm" value={value} onChange={(e) => onChange(e.target.value)}>
        {children}
      </select>
    </label>
  );
}

function RefundTable({ rows, total, hasMore, loadingMore, onNeedMore }: { rows: Refund[]; total: number; hasMore: boolean; loadingMore: boolean; onNeedMore(): void }) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const v = useVirtualizer({ count: rows.length, getScrollElement: () => scrollRef.current, estimateSize: () => ROW_H, overscan: 12 });
  const items = v.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : 0;
  useEffect(() => {
    if (hasMore && lastIndex >= rows.length - 20) onNeedMore();
  }, [hasMore, lastIndex, rows.length, onNeedMore]);

  return (
    <div className="table-card" role="table" aria-label="Refunds" aria-rowcount={total + 1}>
      <div className="rtable-row rtable-head" role="row" aria-rowindex={1}>
        <span role="columnheader">Date</span>
        <span role="columnheader" className="num">
          Amount
        </span>
        <span role="columnheader">Status</span>
        <span role="columnheader">Payment</span>
        <span role="columnheader">Operator</span>
        <span role="columnheader">Reason</span>
      </div>
      <div className="rtable-scroll" ref={scrollRef}>
        <div style={{ height: v.getTotalSize(), position: 'relative' }} role="rowgroup">
          {items.map((it) => {
            const r = rows[it.index]!;
            return (
              <div
                key={r.id}
                className="rtable-row"
                role="row"
                aria-rowindex={it.index + 2}
                data-refund-id={r.id}
                style={{ position: 'absolute', top: 0, left: 0, right: 0, height: it.size, transform: `translateY(${it.start}px)` }}
              >
                <span role="cell" className="small">
                  <time dateTime={isoString(r.createdAt)}>{formatDateTime(r.createdAt)}</time>
                </span>
                <span role="cell" className="num">
                  <Money minor={r.amountMinor} currency={r.currency} className="strong" />
                </span>
                <span role="cell">
                  <RefundStatusChip status={r.status} />
                </span>
                <span role="cell" className="rtable-payment">
                  <a className="text-link truncate" href={hrefFor('payments', r.paymentId)}>
                    {r.orderRef}
                  </a>
                  <span className="muted small truncate">
                    {gatewayLabel(r.gateway)}
                    {r.customerName || r.customerEmail ? ` · ${r.customerName ?? r.customerEmail}` : ''}
                  </span>
                </span>
                <span role="cell" className="small truncate-2">
                  {r.operatorName}
                  {r.approvedByName && <span className="muted"> · approved by {r.approvedByName}</span>}
                </span>
                <span role="cell" className="small rtable-reason">
                  <span className="truncate">{refundReasonText(r)}</span>
                  {r.status === 'failed' && r.failureReason && <span className="tone-danger-text truncate" title={r.failureReason}>{r.failureReason}</span>}
                </span>
              </div>
            );
          })}
        </div>
      </div>
      <div className="rtable-foot muted small" aria-live="polite">
        {loadingMore ? 'Loading more…' : `${total.toLocaleString()} refund${total === 1 ? '' : 's'}`}
      </div>
    </div>
  );
}
