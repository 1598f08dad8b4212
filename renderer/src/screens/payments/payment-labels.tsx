// Words, chips and small helpers for payments, shared by the Payments, New link and Overview screens.
import type { Account, DisplayStatusValue, LinkState, Mode, Payment, PaymentKind } from '../../../../shared/contract';
import { linkStateFor } from '../../../../shared/link-state';
import { declineText } from '../../../../shared/declines';
import type { PaymentStatus } from '../../../../shared/status';
import { StatusChip, type ChipTone } from '../../components';
import { useAccountsView } from '../../state/accounts-view';
import { currentMode } from '../../state/mode';

export { currentMode } from '../../state/mode';

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
  failed: 'The last attempt to pay was declined. The link is still open: the customer can try again.',
  expired: 'The link expired before it was paid.',
  cancelled: 'The link was cancelled; it can no longer be paid.',
  authorized: 'The money is authorised but not captured yet.',
  partially_paid: 'Part of the amount has been paid.',
  paid: 'The customer paid.',
  partially_refunded: 'Paid, and part of it was refunded.',
  refunded: 'Paid, and refunded in full.',
};

/** The link's own state: core's linkState, else (a row from before it was sent) derived as core does. */
export function linkStateOf(p: Payment): LinkState | null {
  if (p.linkId) return null;
  return p.linkState ?? linkStateFor(p.status, { reusable: p.reusable, underLink: false });
}

/** Failed attempts: core's count, and at least one while the last attempt failed. */
export function failedAttemptsOf(p: Payment): number {
  return p.status === 'failed' ? Math.max(1, p.failedAttempts) : p.failedAttempts;
}

export const attemptsText = (n: number): string => `${n} failed ${n === 1 ? 'attempt' : 'attempts'}`;

const LINK_WORD: Readonly<Record<LinkState, string>> = { creating: 'Creating', open: 'Open', used: 'Paid', expired: 'Expired', cancelled: 'Cancelled' };
const LINK_TONE: Readonly<Record<LinkState, ChipTone>> = { creating: 'neutral', open: 'info', used: 'success', expired: 'neutral', cancelled: 'neutral' };

export interface MerchantStatus {
  label: string;
  tone: ChipTone;
  help: string;
  /** small words beside the chip: "1 failed attempt", "Reusable link" */
  note: string | null;
}

/**
 * The status a merchant reads. A single-use link whose last attempt was declined is still open (machine status
 * `failed`): it shows Open with the count of failed attempts. A reusable link shows the link's own state.
 */
export function merchantStatus(p: Payment, paymentCount: number = p.paymentCount): MerchantStatus {
  const failed = failedAttemptsOf(p);
  const state = linkStateOf(p);
  if (p.reusable && state) {
    const s = state === 'used' ? 'open' : state;
    const count = ` · ${paymentCount} ${paymentCount === 1 ? 'payment' : 'payments'}`;
    return { label: LINK_WORD[s], tone: LINK_TONE[s], help: s === 'open' ? 'A reusable link: many customers can pay it, each payment is listed on its own.' : STATUS_HELP[s], note: `Reusable link${count}` };
  }
  if (p.linkId) {
    return { label: STATUS_LABEL[p.displayStatus], tone: STATUS_TONE[p.displayStatus], help: STATUS_HELP[p.displayStatus], note: `via reusable link ${p.reference || p.orderRef}` };
  }
  if (p.status === 'failed') {
    const open = state === null || state === 'open';
    return {
      label: open ? 'Open' : LINK_WORD[state],
      tone: open ? 'info' : 'neutral',
      help: open ? 'The link is still open: the last attempt to pay was declined, and the customer can try again.' : STATUS_HELP[p.displayStatus],
      note: attemptsText(failed),
    };
  }
  const note = failed > 0 && (p.status === 'open' || p.status === 'expired' || p.status === 'cancelled') ? attemptsText(failed) : null;
  return { label: STATUS_LABEL[p.displayStatus], tone: STATUS_TONE[p.displayStatus], help: STATUS_HELP[p.displayStatus], note };
}

/**
 * The status chip. Given the payment, it shows the merchant's status (merchantStatus); given only a status,
 * `failed` reads Open as well: for a link, a failed attempt leaves it open.
 */
export function PaymentStatusChip({ status, reason, payment, paymentCount, withNote = true }: { status?: DisplayStatusValue; reason?: string | null; payment?: Payment; paymentCount?: number; withNote?: boolean }) {
  const s: MerchantStatus = payment
    ? merchantStatus(payment, paymentCount)
    : status === 'failed'
      ? { label: 'Open', tone: 'info', help: 'The link is still open: the last attempt to pay was declined, and the customer can try again.', note: null }
      : { label: STATUS_LABEL[status ?? 'open'], tone: STATUS_TONE[status ?? 'open'], help: STATUS_HELP[status ?? 'open'], note: null };
  const why = declineText(payment ? payment.statusReason : reason);
  return (
    <StatusChip tone={s.tone} title={why ? `${s.help} ${why}` : s.help} note={withNote ? s.note : null}>
      {s.label}
    </StatusChip>
  );
}

/** what each kind of link does, in the merchant's words */
export const KIND_LABEL: Readonly<Record<PaymentKind, string>> = {
  stripe_checkout: 'link (one customer, one payment)',
  stripe_payment_link: 'reusable link (many customers)',
  razorpay_link: 'link (one customer, one payment)',
  razorpay_order: 'order (one customer, one payment)',
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

