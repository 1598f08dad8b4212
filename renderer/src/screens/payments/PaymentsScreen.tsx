// Payments: every payment of the current mode in a virtualized table, with filters and a search served by
// core, cursor pages loaded as the merchant scrolls, and a detail drawer (also at #/payments/<id>).
// Pushed payment.changed events invalidate the 'payments' domain (api/hooks.ts), so rows update live.
// The first page may already be on its way when the screen renders: boot.ts asks for it (queries.ts) as soon
// as the account list says which mode is shown.
import { useCallback, useDeferredValue, useEffect, useMemo, useState } from 'react';
import { keepPreviousData, useInfiniteQuery } from '@tanstack/react-query';
import type { DisplayStatusValue, Gateway, MethodInput, PaymentList } from '../../../../shared/contract';
import { GATEWAYS, gatewayLabel } from '../../../../shared/gateways';
import { useTransport } from '../../api/hooks';
import type { ApiError } from '../../api/errors';
import { Banner, Button, ButtonLink, EmptyState, Page } from '../../components';
import { hrefFor, navigate } from '../../router';
import { useUi } from '../../state/ui';
import { PaymentDrawer } from './PaymentDrawer';
import { PaymentsTable } from './PaymentsTable';
import { filtersActive, usePaymentFilters, type DateRange } from './filters';
import { PdIcon } from './icons';
import { NotifyMeButton, PaidNotifier } from './notifications';
import { STATUS_LABEL, useCurrentMode } from './payment-labels';
import { listQuery, pageInput } from './queries';
import './payments.css';

const STATUS_OPTIONS: DisplayStatusValue[] = ['open', 'paid', 'failed', 'expired', 'cancelled', 'partially_refunded', 'refunded', 'authorized', 'partially_paid', 'creating'];
/** a link whose last attempt failed is still open: the filter says so */
const FILTER_LABEL: Partial<Record<DisplayStatusValue, string>> = { failed: 'Open, last attempt failed' };
const RANGES: { value: DateRange; label: string }[] = [
  { value: 'any', label: 'Any time' },
  { value: 'today', label: 'Today' },
  { value: '7d', label: 'Last 7 days' },
  { value: '30d', label: 'Last 30 days' },
  { value: 'custom', label: 'Custom range…' },
];

/** built once: Number.prototype.toLocaleString builds a formatter on every call */
const countFormat = new Intl.NumberFormat();

/** Debounce typing; Enter applies at once. */
function useSearchText(value: string, delay = 180): [string, (v: string) => void] {
  const [applied, setApplied] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setApplied(value), delay);
    return () => clearTimeout(id);
  }, [value, delay]);
  return [applied, setApplied];
}

export function PaymentsScreen({ rest }: { rest: string[] }) {
  const openId = rest[0] ?? null;
  const t = useTransport();
  const f = usePaymentFilters();
  const { mode, modeAccounts, selected, settled } = useCurrentMode();
  const selectAccount = useUi((s) => s.selectAccount);
  const [search, applySearch] = useSearchText(f.search);
  const list = useMemo(() => listQuery(t, pageInput(f, search, mode, selected?.id ?? null)), [t, f, search, mode, selected?.id]);

  // nothing is asked before the account list says which mode the console is in (boot.ts may have asked
  // for the same first page already: same key)
  const q = useInfiniteQuery<PaymentList, ApiError, { pages: PaymentList[] }, readonly ['payments.list', MethodInput<'payments.list'>], string | undefined>({
    ...list,
    placeholderData: keepPreviousData,
    enabled: settled,
  });
  const rows = useMemo(() => q.data?.pages.flatMap((p) => p.rows) ?? [], [q.data]);
  const total = q.data?.pages[0]?.total ?? 0;
  const none = q.data !== undefined && rows.length === 0;
  // on a change of filters the table renders a frame after the rest: keeps typing smooth on a slow machine;
  // the first rows (nothing shown yet) render at once
  const deferredRows = useDeferredValue(rows);
  const shownRows = deferredRows.length === 0 ? rows : deferredRows;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = q;
  const loadMore = useCallback(() => {
    if (hasNextPage && !isFetchingNextPage) void fetchNextPage();
  }, [hasNextPage, isFetchingNextPage, fetchNextPage]);

  const openPayment = useCallback((id: string) => navigate('payments', id), []);
  const active = filtersActive(f) || selected !== null;
  const nothingAtAll = q.isSuccess && !q.isPlaceholderData && none && !active;

  return (
    <Page
      title="Payments"
      description="Every payment link you create, and whether it has been paid. Updates arrive on their own."
      wide
      actions={
        <>
          <NotifyMeButton />
          <ButtonLink href={hrefFor('new-link')} icon="plus">
            New payment link
          </ButtonLink>
        </>
      }
    >
      <PaidNotifier />
      {nothingAtAll ? (
        <EmptyState
          icon="payments"
          title="No payments yet"
          action={
            <ButtonLink href={hrefFor('new-link')} icon="plus">
              Create a payment link
            </ButtonLink>
          }
        >
          <p>
            Payment links you create appear here{mode === 'test' ? ' (test mode)' : ''}, and turn <strong>Paid</strong> the moment the customer pays.
          </p>
        </EmptyState>
      ) : (
        <div className="pay-screen">
          <form className="pay-filters" role="search" aria-label="Filter payments" onSubmit={(e) => { e.preventDefault(); applySearch(f.search); }}>
            <div className="pay-search">
              <PdIcon name="search" size={16} />
              <input
                className="input"
                type="search"
                aria-label="Search payments"
                placeholder="Order ref, email, name or gateway id"
                value={f.search}
                onChange={(e) => f.set({ search: e.target.value })}
              />
            </div>
            <select className="input select input-sm" aria-label="Status" value={f.status} onChange={(e) => f.set({ status: e.target.value as DisplayStatusValue | '' })}>
              <option value="">All statuses</option>
              {STATUS_OPTIONS.map((s) => (
                <option key={s} value={s}>
                  {FILTER_LABEL[s] ?? STATUS_LABEL[s]}
                </option>
              ))}
            </select>
            <select className="input select input-sm" aria-label="Gateway" value={f.gateway} onChange={(e) => f.set({ gateway: e.target.value as Gateway | '' })}>
              <option value="">All gateways</option>
              {GATEWAYS.map((g) => (
                <option key={g} value={g}>
                  {gatewayLabel(g)}
                </option>
              ))}
            </select>
            <select className="input select input-sm" aria-label="Account" value={selected?.id ?? ''} onChange={(e) => selectAccount(e.target.value || null)}>
              <option value="">All {mode} accounts</option>
              {modeAccounts.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.label}
                </option>
              ))}
            </select>
            <select className="input select input-sm" aria-label="Date" value={f.range} onChange={(e) => f.set({ range: e.target.value as DateRange })}>
              {RANGES.map((r) => (
                <option key={r.value} value={r.value}>
                  {r.label}
                </option>
              ))}
            </select>
            {f.range === 'custom' && (
              <span className="pay-range">
                <input className="input input-sm" type="date" aria-label="From" value={f.fromDay} max={f.toDay || undefined} onChange={(e) => f.set({ fromDay: e.target.value })} />
                <span className="muted">to</span>
                <input className="input input-sm" type="date" aria-label="To" value={f.toDay} min={f.fromDay || undefined} onChange={(e) => f.set({ toDay: e.target.value })} />
              </span>
            )}
            {filtersActive(f) && (
              <Button size="sm" variant="ghost" onClick={() => f.reset()}>
                Clear
              </Button>
            )}
          </form>

          <div className="pay-summary">
            <span data-testid="payments-count" aria-live="polite">
              {q.isPending ? 'Loading payments…' : `${countFormat.format(total)} ${total === 1 ? 'payment' : 'payments'}`}
            </span>
            {q.isFetching && !q.isPending && !q.isFetchingNextPage && <span className="spinner" aria-hidden="true" />}
          </div>

          {q.error && !q.data ? (
            <Banner tone="danger" title="Couldn’t load payments" action={<Button size="sm" onClick={() => void q.refetch()}>Try again</Button>}>
              {q.error.message}
            </Banner>
          ) : q.isPending ? (
            <div className="skeleton-list" aria-busy="true" aria-label="Loading payments">
              <div className="skeleton" />
              <div className="skeleton" />
              <div className="skeleton" />
            </div>
          ) : none ? (
            <div className="pay-none">
              <p className="strong">No payments match.</p>
              <p className="muted">Try another status or date, or clear the search.</p>
              <Button size="sm" onClick={() => { f.reset(); selectAccount(null); }}>
                Clear filters
              </Button>
            </div>
          ) : (
            <div className="pay-table-frame" aria-busy={(q.isFetching && !isFetchingNextPage) || undefined}>
              <PaymentsTable rows={shownRows} total={total} hasMore={hasNextPage} loadingMore={isFetchingNextPage} onLoadMore={loadMore} onOpen={openPayment} selectedId={openId} />
            </div>
          )}
        </div>
      )}
      <PaymentDrawer id={openId} onClose={() => navigate('payments')} />
    </Page>
  );
}
