// Derived view of which accounts the screens are showing, and whether that is test data.
// Reads the server's account list from react-query and only the *selection* from UI state.
import type { Account } from '../../../shared/contract';
import { useRpcQuery } from '../api/hooks';
import { testDataShown } from './mode';
import { useUi } from './ui';

export { testDataShown } from './mode';

export interface AccountsView {
  accounts: Account[];
  /** the chosen account, or null for "all accounts" */
  selected: Account | null;
  /** the data on screen may be test data: the TEST MODE banner shows */
  showingTestData: boolean;
  /** the account list has been answered (or failed): until then the mode is not known yet */
  settled: boolean;
}

export function useAccountsView(): AccountsView {
  const { data, isPending } = useRpcQuery('accounts.list', {});
  const selectedId = useUi((s) => s.selectedAccountId);
  const accounts = data ?? [];
  const selected = accounts.find((a) => a.id === selectedId) ?? null;
  return { accounts, selected, showingTestData: testDataShown(accounts, selected), settled: !isPending };
}
