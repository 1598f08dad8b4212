// The Payments screen's first request, shared by the screen and by boot.ts, which asks for it as soon as the
// account list has answered (before the screen's code has loaded and rendered): the same query key, so the
// screen finds it in the cache, answered or on its way. One request gives the first page and the count
// (core counts with the first page only): a separate count request measured slower filters and searches
// (a second round trip and render) for no gain at first paint (the count costs core a few ms).
import type { QueryClient } from '@tanstack/react-query';
import type { Account, MethodInput, PaymentList } from '../../../../shared/contract';
import { rpcKey } from '../../api/hooks';
import type { Transport } from '../../api/transport';
import { paymentsFirstInput } from '../../first-data';
import { listInput, type PaymentFilters } from './filters';

type ListInput = MethodInput<'payments.list'>;

export const pageInput = (f: PaymentFilters, search: string, mode: Account['mode'], accountId: string | null): ListInput => listInput(f, search, mode, accountId);

/** useInfiniteQuery / prefetchInfiniteQuery options of the rows for one input */
export function listQuery(t: Transport, input: ListInput) {
  return {
    queryKey: ['payments.list', input] as const,
    queryFn: ({ pageParam }: { pageParam: string | undefined }): Promise<PaymentList> => t.call('payments.list', pageParam ? { ...input, cursor: pageParam } : input),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (last: PaymentList) => last.nextCursor ?? undefined,
  };
}

/**
 * Asks for the first page the screen will ask for, once the account list (already requested by the page's
 * entry) says which mode and account are shown: the input the entry's early request used (first-data.ts).
 * Quietly does nothing if that fails: the screen asks again.
 */
export async function prefetchPayments(client: QueryClient, t: Transport): Promise<void> {
  const accounts = await client.ensureQueryData({ queryKey: rpcKey('accounts.list', {}), queryFn: () => t.call('accounts.list', {}) });
  await client.prefetchInfiniteQuery(listQuery(t, paymentsFirstInput(accounts)));
}
