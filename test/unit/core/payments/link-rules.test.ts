// Each gateway's link port decides the stored kind, the expiry and which input field a refusal concerns;
// the links service only asks. These are the rules without a network.
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../../shared/errors';
import { razorpayExpiryFor, razorpayKindFor, withInputField as razorpayField } from '../../../../electron/core/gateways/razorpay/links-fields';
import { stripeExpiryFor, stripeKindFor, withInputField as stripeField } from '../../../../electron/core/gateways/stripe/links-fields';

const NOW = 1_800_000_000_000;
const MIN = 60_000;

function refusal(fn: () => unknown): AppError {
  try {
    fn();
  } catch (err) {
    if (err instanceof AppError) return err;
    throw err;
  }
  throw new Error('expected a refusal');
}

describe('kinds', () => {
  it("the gateway's first kind is the default; the other gateway's kind is refused at `kind`", () => {
    expect(stripeKindFor(undefined)).toBe('stripe_checkout');
    expect(stripeKindFor('payment_link')).toBe('stripe_payment_link');
    expect(refusal(() => stripeKindFor('order'))).toMatchObject({ code: 'invalid_input', field: 'kind' });
    expect(razorpayKindFor(undefined)).toBe('razorpay_link');
    expect(razorpayKindFor('order')).toBe('razorpay_order');
    expect(refusal(() => razorpayKindFor('checkout_session')).message).toMatch(/Checkout Sessions are for Stripe/);
  });
});

describe('expiry', () => {
  it('a Stripe Checkout Session: 24 hours by default, 30 minutes .. 24 hours, kept inside the window', () => {
    expect(stripeExpiryFor('stripe_checkout', undefined, NOW, 'expiresInMinutes')).toBe(NOW + 24 * 60 * MIN - 5_000);
    expect(stripeExpiryFor('stripe_checkout', NOW + 30 * MIN, NOW, 'expiresInMinutes')).toBe(NOW + 30 * MIN + 5_000);
    expect(refusal(() => stripeExpiryFor('stripe_checkout', NOW + 10 * MIN, NOW, 'expiresAt'))).toMatchObject({ field: 'expiresAt' });
    expect(refusal(() => stripeExpiryFor('stripe_payment_link', NOW + 60 * MIN, NOW, 'expiresInMinutes')).message).toMatch(/do not expire/);
    expect(stripeExpiryFor('stripe_payment_link', undefined, NOW, 'expiresInMinutes')).toBeNull();
  });

  it('a Razorpay link: none unless asked, at least 15 minutes, at most 6 months; orders never', () => {
    expect(razorpayExpiryFor('razorpay_link', undefined, NOW, 'expiresInMinutes')).toBeNull();
    expect(razorpayExpiryFor('razorpay_link', NOW + 60 * MIN, NOW, 'expiresInMinutes')).toBe(NOW + 60 * MIN);
    expect(refusal(() => razorpayExpiryFor('razorpay_link', NOW + 5 * MIN, NOW, 'expiresInMinutes')).message).toMatch(/at least 15 minutes/);
    expect(refusal(() => razorpayExpiryFor('razorpay_link', NOW + 200 * 24 * 60 * MIN, NOW, 'expiresInMinutes')).message).toMatch(/6 months/);
    expect(refusal(() => razorpayExpiryFor('razorpay_order', NOW + 60 * MIN, NOW, 'expiresInMinutes')).message).toMatch(/orders do not expire/);
  });
});

describe('a refusal names the input field it concerns', () => {
  const gatewayError = (field: string) => new AppError('gateway_invalid', 'refused', { field });
  it('Stripe parameters', () => {
    expect(stripeField(gatewayError('line_items[0][price_data][unit_amount]')).field).toBe('amount');
    expect(stripeField(gatewayError('customer_email')).field).toBe('customerEmail');
    expect(stripeField(gatewayError('something_else')).field).toBeUndefined();
  });
  it('Razorpay fields', () => {
    expect(razorpayField(gatewayError('customer.contact')).field).toBe('customerPhone');
    expect(razorpayField(gatewayError('reference_id')).field).toBe('orderRef');
    expect(razorpayField(new AppError('gateway_invalid', 'refused')).field).toBeUndefined();
  });
});
