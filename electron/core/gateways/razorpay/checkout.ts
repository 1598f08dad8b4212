// Razorpay's side of ports/checkout.ts: Checkout.js returns razorpay_order_id, razorpay_payment_id and
// razorpay_signature = HMAC-SHA256(order_id + "|" + payment_id, key_secret); razorpay-node's own check.
// The script comes from Razorpay for real accounts and from the Paydesk Sandbox's stand-in (the same
// options, handler and three fields, sandbox/razorpay/checkout-js.ts) for sandbox accounts, so the whole
// flow of the pay page runs in tests. PAYDESK_RAZORPAY_CHECKOUT_ORIGIN points real accounts elsewhere
// (a proxy, or a stand-in in front of a recorded gateway).
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils';
import type { AccountTarget } from '../adapter';
import type { CheckoutPort, CheckoutScript } from '../ports/checkout';

const RAZORPAY_CHECKOUT = 'https://checkout.razorpay.com';

/** Checkout.js itself frames api.razorpay.com, reports to lumberjack and shows logos from the CDN. */
const REAL: Omit<CheckoutScript, 'src' | 'scriptOrigins'> = {
  frameOrigins: [RAZORPAY_CHECKOUT, 'https://api.razorpay.com'],
  connectOrigins: ['https://api.razorpay.com', 'https://lumberjack.razorpay.com'],
  imgOrigins: ['https://cdn.razorpay.com'],
};

function originOf(raw: string | undefined): string | null {
  if (!raw) return null;
  try {
    const u = new URL(raw);
    return u.protocol === 'https:' || u.protocol === 'http:' ? u.origin : null;
  } catch {
    return null;
  }
}

export function razorpayCheckoutScript(target: AccountTarget, env: NodeJS.ProcessEnv = process.env): CheckoutScript {
  const sandbox = originOf(target.baseUrl ?? undefined);
  if (sandbox) return { src: `${sandbox}/v1/checkout.js`, scriptOrigins: [sandbox], frameOrigins: [sandbox], connectOrigins: [], imgOrigins: [] };
  const origin = originOf(env.PAYDESK_RAZORPAY_CHECKOUT_ORIGIN) ?? RAZORPAY_CHECKOUT;
  return { src: `${origin}/v1/checkout.js`, scriptOrigins: [origin], ...REAL, frameOrigins: [...new Set([origin, ...REAL.frameOrigins])] };
}

export function razorpayCheckout(target: AccountTarget): CheckoutPort {
  return {
    script: () => razorpayCheckoutScript(target),
    verifyReturn({ orderId, paymentId, signature }) {
      if (!/^[0-9a-f]{64}$/.test(signature)) return false;
      return validatePaymentVerification({ order_id: orderId, payment_id: paymentId }, signature, target.secret);
    },
  };
}
