// Which mode's data the screens show, as plain functions: the page's entry works it out from the account
// list before React has loaded (first-data.ts), and the hooks use the same rule (state/accounts-view.ts,
// payment-labels.tsx).
import type { Account, Mode } from '../../../shared/contract';
import { useUi } from './ui';

/** test data is shown: the selected account is a test one, or none is selected and a test account exists */
export function testDataShown(accounts: readonly Account[], selected: Account | null): boolean {
  if (selected) return selected.mode === 'test';
  return accounts.some((a) => a.mode === 'test');
}

/**
 * The console's current mode: the selected account's, else test while any test account exists (the TEST MODE
 * banner is up), else live. Test and live data never mix on one screen.
 */
export function currentMode(accounts: readonly Account[], selected: Account | null): Mode {
  return selected ? selected.mode : testDataShown(accounts, selected) ? 'test' : 'live';
}

/** the account the sidebar's "Showing" choice names, if it still exists */
export const selectedAccount = (accounts: readonly Account[]): Account | null => accounts.find((a) => a.id === useUi.getState().selectedAccountId) ?? null;
