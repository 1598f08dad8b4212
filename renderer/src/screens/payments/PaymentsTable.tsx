// The payments table: @tanstack/react-table for the columns, @tanstack/react-virtual for the rows, so only the
// rows in view (plus a few) are in the DOM however many payments are loaded. Pages load as the end nears.
import { memo, useEffect, useRef, useState } from 'react';
import { createColumnHelper, tableFeatures, useTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { Payment } from '../../../../shared/contract';
import { gatewayLabel } from '../../../../shared/gateways';
import { isoString } from '../../format/dates';
import { displayMoney, merchantLocale } from '../../format/money';
import { PaymentStatusChip } from './payment-labels';
import { GatewayMark } from '../settings/account-labels';
import { observeRectAfterLayout, scrollAfterMount } from '../../components/virtual-mount';

const ROW_H = 52;
/**
 * The scroll box's height before it is measured, as payments.css sets it (.pay-table-wrap, lower under the
 * TEST MODE strip), so the first render already holds the rows in view; the box's real size follows from
 * the browser's own layout (virtual-mount.ts).
 */
function estimatedRect(): { width: number; height: number } {
  if (typeof window === 'undefined') return { width: 0, height: 0 };
  const above = document.querySelector('.is-test-mode') ? 262 : 232;
  return { width: 0, height: Math.max(320, window.innerHeight - above) };
}

const features = tableFeatures({});
const helper = createColumnHelper<typeof features, Payment>();

// Formatters are built once: constructing an Intl formatter per cell costs more than rendering the row.
const short = new Intl.DateTimeFormat(merchantLocale(), { month: 'short', day: 'numeric', hour: 'numeric', minute: '2-digit' });
const withYear = new Intl.DateTimeFormat(merchantLocale(), { dateStyle: 'medium' });
const full = new Intl.DateTimeFormat(merchantLocale(), { dateStyle: 'medium', timeStyle: 'short' });
const thisYear = new Date().getFullYear();

/** "Nov 26, 1:49 PM" this year, "Nov 26, 2025" before; the full time in the title */
function When({ ms }: { ms: number | null }) {
  if (ms === null) return <span className="muted">—</span>;
  const d = new Date(ms);
  return (
    <time dateTime={isoString(ms)} title={full.format(d)}>
      {d.getFullYear() === thisYear ? short.format(d) : withYear.format(d)}
    </time>
  );
}

/** <Money> for table cells: the same formatting (shared/money.ts through displayMoney), remembered per amount */
const moneyText = new Map<string, string>();
function MoneyCell({ minor, currency }: { minor: number; currency: string }) {
  const key = `${currency}:${minor}`;
  let text = moneyText.get(key);
  if (text === undefined) {
    text = displayMoney(minor, currency);
    if (moneyText.size > 5000) moneyText.clear();
    moneyText.set(key, text);
  }
  return (
    <span className="money" data-minor={minor} data-currency={currency.toUpperCase()}>
      {text}
    </span>
  );
}

const columns = helper.columns([
  helper.accessor('displayStatus', {
    id: 'status',
    header: 'Status',
    cell: (c) => <PaymentStatusChip payment={c.row.original} />,
  }),
  helper.accessor('gateway', {
    id: 'gateway',
    header: 'Gateway',
    cell: (c) => (
      <span className="pay-gateway">
        <GatewayMark gateway={c.row.original.gateway} />
        <span className="pay-gateway-name">{gatewayLabel(c.row.original.gateway)}</span>
      </span>
    ),
  }),
  helper.accessor('amountMinor', {
    id: 'amount',
    header: 'Amount',
    cell: (c) => <MoneyCell minor={c.row.original.amountMinor} currency={c.row.original.currency} />,
  }),
  helper.accessor('customerName', {
    id: 'customer',
    header: 'Customer',
    cell: (c) => {
      const p = c.row.original;
      const main = p.customerName ?? p.customerEmail ?? p.customerPhone;
      const sub = p.customerName ? (p.customerEmail ?? p.customerPhone) : p.customerEmail ? p.customerPhone : null;
      if (!main) return <span className="muted">—</span>;
      return (
        <span className="pay-customer">
          <span className="truncate">{main}</span>
          {sub && <span className="truncate muted small">{sub}</span>}
        </span>
      );
    },
  }),
  helper.accessor('orderRef', {
    id: 'orderRef',
    header: 'Order ref',
    cell: (c) => <span className="mono truncate">{c.row.original.orderRef}</span>,
  }),
  helper.accessor('createdAt', { id: 'created', header: 'Created', cell: (c) => <When ms={c.row.original.createdAt} /> }),
  helper.accessor('paidAt', {
    id: 'paid',
    header: 'Paid',
    cell: (c) => {
      const p = c.row.original;
      if (p.paidAt !== null) return <When ms={p.paidAt} />;
      // a narrow table has no Created column (payments.css): an unpaid link says when it was made here instead
      return (
        <>
          <span className="muted pay-paid-none">—</span>
          <span className="muted pay-paid-created">
            created <When ms={p.createdAt} />
          </span>
        </>
      );
    },
  }),
]);

const NUMERIC = new Set(['amount']);

export const PaymentsTable = memo(function PaymentsTable({
  rows,
  total,
  hasMore,
  loadingMore,
  onLoadMore,
  onOpen,
  selectedId,
}: {
  rows: Payment[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore(): void;
  onOpen(id: string): void;
  selectedId: string | null;
}) {
  const table = useTable({ features, columns, data: rows, getRowId: (p) => p.id });
  const modelRows = table.getRowModel().rows;
  const scrollRef = useRef<HTMLDivElement>(null);
  const [initialRect] = useState(estimatedRect);
  const virtualizer = useVirtualizer({
    count: modelRows.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_H,
    getItemKey: (i) => modelRows[i]?.id ?? i,
    overscan: 4,
    initialRect,
    observeElementRect: observeRectAfterLayout,
    scrollToFn: scrollAfterMount,
  });
  const items = virtualizer.getVirtualItems();
  const lastIndex = items.length ? items[items.length - 1]!.index : -1;

  // near the end of what is loaded: fetch the next page (not before the first rows are in view)
  useEffect(() => {
    if (hasMore && !loadingMore && lastIndex >= 0 && lastIndex >= modelRows.length - 20) onLoadMore();
  }, [hasMore, loadingMore, lastIndex, modelRows.length, onLoadMore]);

  // a new filter starts at the top (not on mount: the box starts there, and scrolling forces a layout)
  const firstId = rows[0]?.id;
  const shownFirst = useRef(firstId);
  useEffect(() => {
    if (shownFirst.current === firstId) return;
    shownFirst.current = firstId;
    scrollRef.current?.scrollTo({ top: 0 });
  }, [firstId]);

  return (
    <div className="pay-table-wrap" ref={scrollRef} data-testid="payments-table">
      <table className="pay-table" aria-rowcount={total + 1}>
        <thead>
          {table.getHeaderGroups().map((g) => (
            <tr key={g.id} className="pay-tr pay-head" aria-rowindex={1}>
              {g.headers.map((h) => (
                <th key={h.id} scope="col" className={`pay-col-${h.column.id}${NUMERIC.has(h.column.id) ? ' num' : ''}`}>
                  {h.isPlaceholder ? null : <table.FlexRender header={h} />}
                </th>
              ))}
            </tr>
          ))}
        </thead>
        <tbody style={{ height: virtualizer.getTotalSize() }}>
          {items.map((item) => {
            const row = modelRows[item.index]!;
            const p = row.original;
            return (
              <tr
                key={row.id}
                className={p.id === selectedId ? 'pay-tr pay-row is-selected' : 'pay-tr pay-row'}
                data-payment-id={p.id}
                data-status={p.displayStatus}
                aria-rowindex={item.index + 2}
                style={{ transform: `translateY(${item.start}px)` }}
                onClick={() => onOpen(p.id)}
              >
                {row.getAllCells().map((cell) => (
                  <td key={cell.id} className={`pay-col-${cell.column.id}${NUMERIC.has(cell.column.id) ? ' num' : ''}`}>
                    {cell.column.id === 'status' ? (
                      // the row's keyboard and screen-reader handle: a real button in the first cell
                      <button type="button" className="pay-open" onClick={(e) => { e.stopPropagation(); onOpen(p.id); }} aria-label={`Open payment ${p.orderRef}`}>
                        <table.FlexRender cell={cell} />
                      </button>
                    ) : (
                      <table.FlexRender cell={cell} />
                    )}
                  </td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      {loadingMore && <p className="pay-more muted small">Loading more…</p>}
    </div>
  );
});
