// Razorpay's side of ports/checkout.ts: Checkout.js returns razorpay_order_id, razorpay_payment_id and
// razorpay_signature = HMAC-SHA256(order_id + "|" + payment_id, key_secret); razorpay-node's own check.
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils';
import type { AccountTarget } from '../adapter';
import type { CheckoutPort } from '../ports/checkout';

export function razorpayCheckout(target: AccountTarget): CheckoutPort {
  return {
    verifyReturn({ orderId, paymentId, signature }) {
      if (!/^[0-9a-f]{64}$/.test(signature)) return false;
      return validatePaymentVerification({ order_id: orderId, payment_id: paymentId }, signature, target.secret);
    },
  };
}
