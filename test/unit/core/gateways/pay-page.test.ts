// Which links have a page to share, and which must name a page to come back to: a Razorpay Order has no page
// at the real Razorpay (the shop's website opens Checkout.js for it), only in the embedded sandbox; a Stripe
// Checkout Session needs a return page, a Payment Link does not. And Razorpay Checkout's returned signature
// is checked with the account's key secret.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../../../electron/core/gateways';
import type { AccountTarget } from '../../../../electron/core/gateways/adapter';

const target = (baseUrl: string | null, gateway: 'stripe' | 'razorpay'): AccountTarget => ({
  accountId: 'acc_1', publicKey: gateway === 'stripe' ? 'pk_test_x' : 'rzp_test_abcdefghijklmn', secret: gateway === 'stripe' ? 'sk_test_x' : 'secret_abc',
  baseUrl, livemode: false, timeoutMs: 1000, appVersion: 'test',
});

describe('pay pages and return pages', () => {
  it('a Razorpay Order has a page only in the sandbox; links always', () => {
    const real = ADAPTERS.razorpay.connect(target(null, 'razorpay')).links;
    const sandbox = ADAPTERS.razorpay.connect(target('http://127.0.0.1:9', 'razorpay')).links;
    expect([real.hasPayPage('razorpay_order'), real.hasPayPage('razorpay_link')]).toEqual([false, true]);
    expect(sandbox.hasPayPage('razorpay_order')).toBe(true);
    expect(real.needsReturnPage('razorpay_link')).toBe(false);
  });

  it('a Stripe Checkout Session needs a return page, a Payment Link does not', () => {
    const links = ADAPTERS.stripe.connect(target(null, 'stripe')).links;
    expect([links.needsReturnPage('stripe_checkout'), links.needsReturnPage('stripe_payment_link')]).toEqual([true, false]);
    expect(links.hasPayPage('stripe_checkout')).toBe(true);
  });

  it("Razorpay Checkout's signature is checked with the key secret; Stripe has no such return", () => {
    const checkout = ADAPTERS.razorpay.connect(target(null, 'razorpay')).checkout!;
    const good = createHmac('sha256', 'secret_abc').update('order_1|pay_1').digest('hex');
    expect(checkout.verifyReturn({ orderId: 'order_1', paymentId: 'pay_1', signature: good })).toBe(true);
    expect(checkout.verifyReturn({ orderId: 'order_1', paymentId: 'pay_2', signature: good })).toBe(false);
    expect(checkout.verifyReturn({ orderId: 'order_1', paymentId: 'pay_1', signature: good.toUpperCase() })).toBe(false);
    expect(checkout.verifyReturn({ orderId: 'order_1', paymentId: 'pay_1', signature: 'x' })).toBe(false);
    expect(ADAPTERS.stripe.connect(target(null, 'stripe')).checkout).toBeNull();
  });
});
