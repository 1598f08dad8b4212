// Which links have a page to share, and which must name a page to come back to: a Razorpay Order is shared as
// Paydesk's own pay page, so it has one whenever Paydesk has an address customers reach, sandbox or not; a Stripe
// Checkout Session needs a return page, a Payment Link does not. And Razorpay Checkout's returned signature
// is checked with the account's key secret.
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ADAPTERS } from '../../../../electron/core/gateways';
import type { AccountTarget } from '../../../../electron/core/gateways/adapter';
import { razorpayCheckoutScript } from '../../../../electron/core/gateways/razorpay/checkout';

const target = (baseUrl: string | null, gateway: 'stripe' | 'razorpay'): AccountTarget => ({
  accountId: 'acc_1', publicKey: gateway === 'stripe' ? 'pk_test_x' : 'rzp_test_abcdefghijklmn', secret: gateway === 'stripe' ? 'sk_test_x' : 'secret_abc',
  baseUrl, livemode: false, timeoutMs: 1000, appVersion: 'test',
});

describe('pay pages and return pages', () => {
  it('a Razorpay Order has a page only where Paydesk has an address; links always', () => {
    const real = ADAPTERS.razorpay.connect(target(null, 'razorpay')).links;
    const sandbox = ADAPTERS.razorpay.connect(target('http://127.0.0.1:9', 'razorpay')).links;
    expect([real.hasPayPage('razorpay_order', null), real.hasPayPage('razorpay_link', null)]).toEqual([false, true]);
    expect(real.hasPayPage('razorpay_order', 'https://shop.example')).toBe(true);
    expect(sandbox.hasPayPage('razorpay_order', null)).toBe(false);
    expect(sandbox.hasPayPage('razorpay_order', 'http://127.0.0.1:8')).toBe(true);
    expect(real.needsReturnPage('razorpay_link')).toBe(false);
  });

  it('a Stripe Checkout Session needs a return page, a Payment Link does not', () => {
    const links = ADAPTERS.stripe.connect(target(null, 'stripe')).links;
    expect([links.needsReturnPage('stripe_checkout'), links.needsReturnPage('stripe_payment_link')]).toEqual([true, false]);
    expect(links.hasPayPage('stripe_checkout', null)).toBe(true);
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

  it("Checkout.js comes from Razorpay for real accounts, from the sandbox's stand-in for sandbox accounts", () => {
    const real = ADAPTERS.razorpay.connect(target(null, 'razorpay')).checkout!.script();
    expect(real.src).toBe('https://checkout.razorpay.com/v1/checkout.js');
    expect(real.frameOrigins).toContain('https://api.razorpay.com');
    const sandbox = ADAPTERS.razorpay.connect(target('http://127.0.0.1:9/any', 'razorpay')).checkout!.script();
    expect(sandbox).toMatchObject({ src: 'http://127.0.0.1:9/v1/checkout.js', scriptOrigins: ['http://127.0.0.1:9'], frameOrigins: ['http://127.0.0.1:9'] });
    const moved = razorpayCheckoutScript(target(null, 'razorpay'), { PAYDESK_RAZORPAY_CHECKOUT_ORIGIN: 'https://proxy.example/x' });
    expect(moved.src).toBe('https://proxy.example/v1/checkout.js');
    expect(moved.scriptOrigins).toEqual(['https://proxy.example']);
  });
});
