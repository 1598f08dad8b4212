// Words, chips and small helpers for payments, shared by the Payments, New link and Overview screens.
import type { Account, DisplayStatusValue, Mode, PaymentKind } from '../../../../shared/contract';
import type { PaymentStatus } from '../../../../shared/status';
import { StatusChip, type ChipTone } from '../../components';
import { testDataShown, useAccountsView } from '../../state/accounts-view';

export const STATUS_LABEL: Readonly<Record<DisplayStatusValue, string>> = {
  creating: 'Creating',
  open: 'Open',
  failed: 'Failed',
  expired: 'Expired',
  cancelled: 'Cancelled',
  authorized: 'Authorised',
  partially_paid: 'Partly paid',
  paid: 'Paid',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
};

const STATUS_TONE: Readonly<Record<DisplayStatusValue, ChipTone>> = {
  creating: 'neutral',
  open: 'info',
  failed: 'danger',
  expired: 'neutral',
  cancelled: 'neutral',
  authorized: 'warning',
  partially_paid: 'warning',
  paid: 'success',
  partially_refunded: 'warning',
  refunded: 'neutral',
};

/** What each status means, for the chip's title and the filter. */
export const STATUS_HELP: Readonly<Record<DisplayStatusValue, string>> = {
  creating: 'Paydesk has not reached the gateway yet; it keeps trying.',
  open: 'The link is live and waiting for the customer.',
  failed: 'The last attempt to pay failed. The customer can still try again.',
  expired: 'The link expired before it was paid.',
  cancelled: 'The link was cancelled; it can no longer be paid.',
  authorized: 'The money is authorised but not captured yet.',
  partially_paid: 'Part of the amount has been paid.',
  paid: 'The customer paid.',
  partially_refunded: 'Paid, and part of it was refunded.',
  refunded: 'Paid, and refunded in full.',
};

export function PaymentStatusChip({ status, reason }: { status: DisplayStatusValue; reason?: string | null }) {
  return (
    <StatusChip tone={STATUS_TONE[status]} title={reason ? `${STATUS_HELP[status]} ${reason}` : STATUS_HELP[status]}>
      {STATUS_LABEL[status]}
    </StatusChip>
  );
}

export const KIND_LABEL: Readonly<Record<PaymentKind, string>> = {
  stripe_checkout: 'Checkout Session',
  stripe_payment_link: 'Payment Link (reusable)',
  razorpay_link: 'Payment Link',
  razorpay_order: 'Order',
};

/** statuses in which the link can still be paid, so it can be cancelled */
export const CANCELLABLE: ReadonlySet<PaymentStatus> = new Set<PaymentStatus>(['open', 'failed']);

/**
 * The console's current mode: the selected account's, else test while any test account exists (the TEST MODE
 * banner is up), else live. Test and live data never mix on one screen. `settled` is false until the account
 * list has answered: a screen should not ask for data before then (it would ask for live data first, show
 * "nothing yet", then ask again for test data).
 */
export function useCurrentMode(): { mode: Mode; accounts: Account[]; selected: Account | null; modeAccounts: Account[]; settled: boolean } {
  const { accounts, selected, settled } = useAccountsView();
  const mode = currentMode(accounts, selected);
  return { mode, accounts, selected, modeAccounts: accounts.filter((a) => a.mode === mode), settled };
}

/** useCurrentMode's rule as a plain function (also used before React renders, to ask for a screen's data early). */
export function currentMode(accounts: readonly Account[], selected: Account | null): Mode {
  return selected ? selected.mode : testDataShown(accounts, selected) ? 'test' : 'live';
}
