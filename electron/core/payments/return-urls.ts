// Where a hosted checkout sends the customer back: the pages the caller gave (the shop's own), else
// Paydesk's thank-you and cancelled pages (/pay/done, /pay/cancelled) on the address the customer can reach:
// the public address while it is up, or the local listener for the embedded sandbox's own accounts.
import { invalid } from '../../../shared/errors';

export interface ReturnUrls {
  success: string;
  cancel: string;
}

export interface ReturnWish {
  successUrl?: string | undefined;
  cancelUrl?: string | undefined;
}

/** The pages for one attempt; null when neither the caller nor Paydesk has one the customer can reach. */
export function returnUrlsFor(wish: ReturnWish, base: string | null, reference: string): ReturnUrls | null {
  if (wish.successUrl) return { success: wish.successUrl, cancel: wish.cancelUrl ?? wish.successUrl };
  if (!base) return null;
  const ref = encodeURIComponent(reference);
  return { success: `${base}/pay/done?ref=${ref}`, cancel: `${base}/pay/cancelled?ref=${ref}` };
}

/** Refuses, at `kind`, a link whose gateway must send the customer back somewhere when there is nowhere to send them. */
export function requireReturnPage(needed: boolean, wish: ReturnWish, base: string | null, gatewayName: string): void {
  if (!needed || wish.successUrl || base) return;
  throw invalid('kind', `${gatewayName} sends the customer back to a page after paying, and there is none yet: start the public address on the Webhooks screen (Paydesk then shows its own thank-you page), or make a reusable link, which needs none.`);
}
