// UI-only state of the Payments screen: the filters and the search text (kept while the merchant moves
// between screens). The account filter is the sidebar's "Showing" choice (state/ui.ts), not a copy of it.
import { create } from 'zustand';
import type { DisplayStatusValue, Gateway, Mode, PaymentListInput } from '../../../../shared/contract';

export type DateRange = 'any' | 'today' | '7d' | '30d' | 'custom';

export interface PaymentFilters {
  status: DisplayStatusValue | '';
  gateway: Gateway | '';
  range: DateRange;
  /** 'YYYY-MM-DD' (local days) for a custom range */
  fromDay: string;
  toDay: string;
  search: string;
}

interface FilterState extends PaymentFilters {
  set(patch: Partial<PaymentFilters>): void;
  reset(): void;
}

const INITIAL: PaymentFilters = { status: '', gateway: '', range: 'any', fromDay: '', toDay: '', search: '' };

export const usePaymentFilters = create<FilterState>()((set) => ({
  ...INITIAL,
  set: (patch) => set(patch),
  reset: () => set(INITIAL),
}));

export const filtersActive = (f: PaymentFilters): boolean => f.status !== '' || f.gateway !== '' || f.range !== 'any' || f.search.trim() !== '';

const startOfLocalDay = (d: Date): number => new Date(d.getFullYear(), d.getMonth(), d.getDate()).getTime();
const daysAgo = (n: number, now: Date): number => new Date(now.getFullYear(), now.getMonth(), now.getDate() - n).getTime();

function dayToMs(day: string, plusDays = 0): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  return new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays).getTime();
}

/** The payments.list input for the filters (search is passed separately, already debounced). */
export function listInput(f: PaymentFilters, search: string, mode: Mode, accountId: string | null, now = new Date()): PaymentListInput {
  const input: PaymentListInput = { mode, limit: 50 };
  if (f.status) input.status = [f.status];
  if (f.gateway) input.gateway = f.gateway;
  if (accountId) input.accountId = accountId;
  if (f.range === 'today') input.from = startOfLocalDay(now);
  else if (f.range === '7d') input.from = daysAgo(6, now);
  else if (f.range === '30d') input.from = daysAgo(29, now);
  else if (f.range === 'custom') {
    const from = dayToMs(f.fromDay);
    const to = dayToMs(f.toDay, 1); // the whole last day
    if (from !== undefined) input.from = from;
    if (to !== undefined) input.to = to;
  }
  const s = search.trim();
  if (s) input.search = s;
  return input;
}
