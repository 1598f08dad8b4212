// An account's "return to shop" pages (Settings → Accounts): where Stripe Checkout sends its customers after
// paying or leaving when the caller gave none (payments/return-urls.ts). Kept in the settings table, keyed
// by account, like the account's other options: no secret, and shared by every desk on the same store.
import { z } from 'zod';
import { invalid } from '../../../shared/errors';
import { checkShopReturnUrl, type ShopReturn } from '../payments/return-urls';
import type { SettingsRepo } from '../store/repos/settings';

const keyOf = (accountId: string): string => `accounts.returnUrls.${accountId}`;
const StoredSchema = z.object({ success: z.string().min(1), cancel: z.string().min(1).nullable() });

/** The saved pages, or null when the account has none. */
export function shopReturnOf(settings: Pick<SettingsRepo, 'get'>, accountId: string): ShopReturn | null {
  return settings.get(keyOf(accountId), StoredSchema.nullable(), null);
}

export interface ReturnPagesChange {
  /** a new page, or null / '' to clear; undefined leaves it */
  returnSuccessUrl?: string | null | undefined;
  returnCancelUrl?: string | null | undefined;
}

export const changesReturnPages = (c: ReturnPagesChange): boolean => c.returnSuccessUrl !== undefined || c.returnCancelUrl !== undefined;

/** The pages after `change`, checked (errors at the field that is wrong); null: none. */
export function nextShopReturn(current: ShopReturn | null, change: ReturnPagesChange, sandbox: boolean): ShopReturn | null {
  const pick = (v: string | null | undefined, was: string | null): string | null => (v === undefined ? was : v?.trim() ? v : null);
  const success = pick(change.returnSuccessUrl, current?.success ?? null);
  const cancel = pick(change.returnCancelUrl, current?.cancel ?? null);
  if (!success) {
    if (cancel) throw invalid('returnSuccessUrl', 'Give the page after paying too: the page after cancelling is used only with it.');
    return null;
  }
  return {
    success: checkShopReturnUrl(success, 'returnSuccessUrl', sandbox),
    cancel: cancel === null ? null : checkShopReturnUrl(cancel, 'returnCancelUrl', sandbox),
  };
}

/** Saves (or clears, with null) the account's pages; call inside the transaction of the account's change. */
export function saveShopReturn(settings: Pick<SettingsRepo, 'set' | 'remove'>, accountId: string, value: ShopReturn | null): void {
  if (value) settings.set(keyOf(accountId), value);
  else settings.remove(keyOf(accountId));
}
