// The requests each screen makes first, worked out from the account list alone. The page's entry (main.tsx)
// sends them the moment the list answers, before React and the screen's code have loaded; the screens'
// own queries (overview/queries.ts, payments/queries.ts) are built from the same functions, so they ask for
// exactly these and find them on their way (first-requests.ts). Screens not listed ask when they render.
import type { Account, MethodInput, MethodName, Mode } from '../../shared/contract';
import type { Screen } from './router';
import { listInput, usePaymentFilters } from './screens/payments/filters';
import { currentMode, selectedAccount } from './state/mode';

/** one request: a method and its input */
export type FirstAsk = { [M in MethodName]: readonly [M, MethodInput<M>] }[MethodName];

/** the mode the screens show for this account list and the sidebar's choice */
export const shownMode = (accounts: readonly Account[]): Mode => currentMode(accounts, selectedAccount(accounts));

/** the Overview's latest few payments: no need to count every payment for them */
export const recentInput = (mode: Mode): MethodInput<'payments.list'> => ({ mode, limit: 8, withTotal: false });

/** the first page of the Payments screen for the current filters and search */
export function paymentsFirstInput(accounts: readonly Account[]): MethodInput<'payments.list'> {
  const f = usePaymentFilters.getState();
  return listInput(f, f.search, shownMode(accounts), selectedAccount(accounts)?.id ?? null);
}

export const FIRST_ASKS: Partial<Record<Screen, (accounts: readonly Account[]) => FirstAsk[]>> = {
  overview: (accounts) => {
    const mode = shownMode(accounts);
    return [
      ['payments.list', recentInput(mode)],
      ['overview.get', { mode }],
    ];
  },
  payments: (accounts) => [['payments.list', paymentsFirstInput(accounts)]],
};
