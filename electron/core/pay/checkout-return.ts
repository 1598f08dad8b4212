// What a checkout run on a page (Razorpay Checkout.js) hands back, checked and recorded in one place for
// both ways it reaches Paydesk: the shop's backend through POST /api/payments/razorpay/verify, and Paydesk's
// own pay page through POST /pay/<id>/verify. The signature is checked with the account's key secret (the
// adapter's CheckoutPort); only then is the gateway asked for the payment, so the answer and the console
// show it paid without waiting for the webhook. A forged or altered signature changes nothing.
import type { Payment } from '../../../shared/contract';
import type { Gateways } from '../gateways';
import type { CheckoutReturn } from '../gateways/ports/checkout';
import type { PaymentServices } from '../handlers/payments';

export interface CheckoutReturnDeps {
  gateways: Pick<Gateways, 'client'>;
  services: () => Pick<PaymentServices, 'sync' | 'links'>;
}

export type CheckoutReturnResult = { verified: true; payment: Payment } | { verified: false };

/** The three fields Razorpay Checkout returns, by their names there. */
export const CHECKOUT_FIELDS = ['razorpay_order_id', 'razorpay_payment_id', 'razorpay_signature'] as const;

/** `payment` must be the Paydesk payment whose gateway order is `ret.orderId` (the caller found it by that id). */
export async function recordCheckoutReturn(d: CheckoutReturnDeps, payment: Payment, ret: CheckoutReturn): Promise<CheckoutReturnResult> {
  if (payment.gatewayIds.orderId !== ret.orderId) return { verified: false };
  const checkout = d.gateways.client(payment.accountId).checkout;
  if (!checkout?.verifyReturn(ret)) return { verified: false };
  await d.services().sync.syncPayment(payment.id);
  return { verified: true, payment: d.services().links.get(payment.id) };
}
