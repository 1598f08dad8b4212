// The part of the gateway seam for creating a link or order for a payment, cancelling / expiring it, and the
// rules a gateway sets on a link's kind and expiry (payments/links-service.ts).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/links.ts.
import type { PaymentKind } from '../../../../shared/contract';
import type { LinkKind } from '../../../../shared/gateways';
import type { GatewayIds } from '../facts';

/** What the gateway is asked to make, derived only from the stored intent so a replay is the same request. */
export interface LinkRequest {
  /** Paydesk's id: the gateway echoes it (client_reference_id, reference_id, receipt) */
  paymentId: string;
  kind: PaymentKind;
  /** what the customer and the gateway's reports show: the shop's order reference, "/2" ... from the second
   *  attempt on (unique per account: Razorpay refuses a reused reference_id); at most 40 characters */
  reference: string;
  amountMinor: number;
  currency: string;
  /** the line item's name and the link's description */
  title: string;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  /** ms since the epoch; null: the link does not expire */
  expiresAt: number | null;
  /** the merchant's notes plus Paydesk's paydesk_id and order_ref */
  metadata: Record<string, string>;
  /** the same for every try of one intent */
  idempotencyKey: string;
  /** the gateway sends its receipt / notification to the customer */
  notify: boolean;
  /** where a hosted checkout sends the customer back after paying or leaving (needsReturnPage kinds always have one) */
  returnUrls: { success: string; cancel: string } | null;
}

/** What the gateway made for a request. */
export interface LinkMade {
  ids: GatewayIds;
  url: string | null;
  expiresAt: number | null;
}

/** A stored link as the gateway knows it. */
export interface LinkHandle {
  kind: PaymentKind;
  sessionId: string | null;
  plinkId: string | null;
  orderId: string | null;
}

export interface LinkPort {
  /**
   * The stored kind for the merchant's choice (undefined: the gateway's default kind). Throws
   * invalid_input on `kind` for a kind this gateway does not make.
   */
  kindFor(choice: LinkKind | undefined): PaymentKind;
  /** whether a link of `kind` can be paid by many customers: each of its payments is then its own row */
  reusable(kind: PaymentKind): boolean;
  /** whether a link of `kind` must name the page the customer comes back to (Stripe's hosted Checkout Session) */
  needsReturnPage(kind: PaymentKind): boolean;
  /**
   * Whether a link of `kind` has a page to share with the customer. A Razorpay Order has none at Razorpay:
   * Paydesk's own pay page (/pay/<id> on `payBase`, which opens Checkout.js) is shared instead, so it has one
   * only when Paydesk has an address the customer can reach (`payBase`; null without one).
   */
  hasPayPage(kind: PaymentKind, payBase: string | null): boolean;
  /**
   * The expiry to store for a link of `kind` (ms; null: none), from the merchant's wish (`given`, ms, or
   * undefined). Throws invalid_input on `field` when the gateway would refuse it.
   */
  expiryFor(kind: PaymentKind, given: number | undefined, now: number, field: string): number | null;
  /**
   * Creates the link (idempotently: a retry of one intent makes no second link). `fresh`: false when this
   * intent may have reached the gateway before (a retry after a crash or a timeout). Throws AppError, with
   * `field` naming the LinkCreateInput field a refusal concerns.
   */
  create(req: LinkRequest, opts: { fresh: boolean }): Promise<LinkMade>;
  /** Stops the link taking payments; a link already closed at the gateway is not an error. */
  cancel(link: LinkHandle): Promise<void>;
}
