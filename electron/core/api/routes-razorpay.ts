// Razorpay routes:
//   POST /api/payments/razorpay/orders   { order_id, amount, currency, account_id?, ... }
//        -> 201 { id, razorpay_order_id, key_id, checkout_url, amount, currency, receipt, order_id, ... }:
//        what Checkout.js needs; `order_id` is the shop's reference, `receipt` what Razorpay holds as the
//        order's receipt (the attempt's reference); `checkout_url` Paydesk's own pay page for it (/pay/<id>,
//        webhooks/pay-routes.ts), null without a public address; 200 with the same shape when the order has an open attempt
//   POST /api/payments/razorpay/verify   { razorpay_order_id, razorpay_payment_id, razorpay_signature }
//        -> 200 the payment, once the signature Checkout.js returned is Razorpay's; 400 at razorpay_signature if not
//   GET  /api/payments/razorpay/status/:id a payment pay_..., an order order_..., a link plink_... or a Paydesk id
import { recordCheckoutReturn } from '../pay/checkout-return';
import { createOrReuse } from './create-link';
import { HttpError } from './errors';
import { str } from './link-input';
import { paymentView } from './payment-view';
import { findPayment, statusRoute } from './routes-stripe';
import type { Answer, Route, RouteCall, RouteDeps } from './route-types';

/** Checks what Razorpay Checkout returned to the shop's page and records the payment (pay/checkout-return.ts). */
async function verifyCheckout(d: RouteDeps, { token, body }: RouteCall): Promise<Answer> {
  const orderId = str(body.razorpay_order_id, 'razorpay_order_id', 100, true) as string;
  const paymentId = str(body.razorpay_payment_id, 'razorpay_payment_id', 100, true) as string;
  const signature = str(body.razorpay_signature, 'razorpay_signature', 200, true) as string;
  const payment = findPayment(d, 'razorpay', orderId, token);
  if (payment.gatewayIds.orderId !== orderId) throw new HttpError(404, 'not_found', `No Razorpay order ${orderId} made through Paydesk in ${token.mode} mode.`, 'razorpay_order_id');
  const result = await recordCheckoutReturn(d, payment, { orderId, paymentId, signature });
  if (!result.verified) {
    throw new HttpError(400, 'signature_invalid', 'razorpay_signature is not Razorpay\'s signature of this order and payment: do not treat the payment as made.', 'razorpay_signature');
  }
  return { status: 200, body: { ...paymentView(result.payment), verified: true } };
}

export function razorpayRoutes(d: RouteDeps): Route[] {
  return [
    {
      method: 'POST', path: '/api/payments/razorpay/orders', pattern: /^\/api\/payments\/razorpay\/orders$/, scope: 'payments:create',
      async handle(call) {
        const { payment, account, created } = await createOrReuse(d, 'razorpay', 'order', call);
        return { status: created ? 201 : 200, body: { ...paymentView(payment), receipt: payment.reference, key_id: account.publicKey } };
      },
    },
    {
      method: 'POST', path: '/api/payments/razorpay/verify', pattern: /^\/api\/payments\/razorpay\/verify$/, scope: 'payments:create',
      handle: (call) => verifyCheckout(d, call),
    },
    statusRoute(d, 'razorpay'),
  ];
}
