// Where a hosted checkout sends the customer back, first match wins:
//   1. the pages the caller gave (the shop's own, per call over the API);
//   2. the account's "return to shop" pages (Settings → Accounts), where `{ref}` stands for the order reference;
//   3. Paydesk's thank-you and cancelled pages (/pay/done, /pay/cancelled) on the address the customer can
//      reach: the public address while it is up, or the local listener for the embedded sandbox's accounts;
//   4. nowhere: the link is refused at `kind`, and the console asks the owner for the shop's page.
import { invalid } from '../../../shared/errors';

export interface ReturnUrls {
  success: string;
  cancel: string;
}

export interface ReturnWish {
  successUrl?: string | undefined;
  cancelUrl?: string | undefined;
}

/** The account's own pages as saved in Settings; `cancel` null: the customer who leaves goes to `success` too. */
export interface ShopReturn {
  success: string;
  cancel: string | null;
}

/** What an account's customers can be sent back to, besides the caller's own pages. */
export interface ReturnPlaces {
  shop: ShopReturn | null;
  /** where Paydesk's own pages are reachable (no trailing slash); null: nowhere yet */
  base: string | null;
}

/** The references an attempt is known by: the shop's order reference and the one the gateway shows ("ORD-1/2"). */
export interface AttemptRefs {
  order: string;
  attempt: string;
}

const REF = /\{ref\}/g;
/** the shop's own page for this order: `{ref}` replaced, else the page as saved (the shop knows its own URL) */
const forOrder = (url: string, orderRef: string): string => url.replace(REF, encodeURIComponent(orderRef));

/** The pages for one attempt; null when neither the caller, the account nor Paydesk has one the customer can reach. */
export function returnUrlsFor(wish: ReturnWish, places: ReturnPlaces | undefined, refs: AttemptRefs): ReturnUrls | null {
  if (wish.successUrl) return { success: wish.successUrl, cancel: wish.cancelUrl ?? wish.successUrl };
  const shop = places?.shop;
  if (shop) return { success: forOrder(shop.success, refs.order), cancel: forOrder(shop.cancel ?? shop.success, refs.order) };
  if (!places?.base) return null;
  const ref = encodeURIComponent(refs.attempt);
  return { success: `${places.base}/pay/done?ref=${ref}`, cancel: `${places.base}/pay/cancelled?ref=${ref}` };
}

/** true when a customer of an account with these places can be sent back somewhere without the caller's pages */
export const hasReturnPage = (places: ReturnPlaces | undefined): boolean => Boolean(places?.shop || places?.base);

/** Refuses, at `kind`, a link whose gateway must send the customer back somewhere when there is nowhere to send them. */
export function requireReturnPage(needed: boolean, wish: ReturnWish, places: ReturnPlaces | undefined, gatewayName: string): void {
  if (!needed || wish.successUrl || hasReturnPage(places)) return;
  throw invalid('kind', `${gatewayName} sends the customer back to a page after paying, and there is none yet: add the shop's return page in Settings → Accounts (Return to shop), or start the public address on the Webhooks screen (Paydesk then shows its own thank-you page), or make a reusable link, which needs none.`);
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * Checks a "return to shop" page before it is saved: a full https address (http only on this computer, and
 * only for a sandbox account, whose checkout runs here too), without a user name or password, which the
 * customer's browser would show or refuse. Returns the address as typed, trimmed; errors name `field`.
 */
export function checkShopReturnUrl(value: string, field: string, sandbox: boolean): string {
  const url = value.trim();
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw invalid(field, 'Give the full address of the page, starting with https://, for example https://shop.example.com/thanks?order={ref}');
  }
  if (u.protocol === 'http:' && LOOPBACK.has(u.hostname)) {
    if (!sandbox) throw invalid(field, 'An http address on this computer only works for a sandbox account: customers of a real account need the shop’s https address.');
  } else if (u.protocol !== 'https:') {
    throw invalid(field, 'Use an https address: the customer comes back from the payment page over the internet, for example https://shop.example.com/thanks');
  }
  if (u.username || u.password) throw invalid(field, 'Leave the user name and password out of the address: the customer’s browser would show them or refuse the page.');
  return url;
}
