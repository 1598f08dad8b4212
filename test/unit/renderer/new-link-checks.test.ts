import { describe, expect, test } from 'vitest';
import { LinkCreateInputSchema } from '../../../shared/contract';
import { TEXT_LIMITS, amountProblem, amountRange, checkLinkForm, firstBad } from '../../../renderer/src/screens/new-link/link-form-checks';
import { kindOptions } from '../../../renderer/src/screens/new-link/link-wording';

const base = { accountId: 'acc_1', amount: '10', currency: 'INR', orderRef: 'ORD-1' };
const fits = (field: string, length: number) => LinkCreateInputSchema.safeParse({ ...base, [field]: 'x'.repeat(length) }).success;

describe('the New link form', () => {
  test('holds as many characters as the contract takes, not one more', () => {
    for (const field of ['orderRef', 'description', 'customerName', 'customerEmail', 'customerPhone'] as const) {
      expect(fits(field, TEXT_LIMITS[field]), field).toBe(true);
      expect(fits(field, TEXT_LIMITS[field] + 1), field).toBe(false);
    }
  });
  test('writes limits as money, rupees in lakhs', () => {
    expect(amountRange('stripe', 'INR', 'en-US')).toBe('Stripe takes ₹0.50 to ₹9,99,999.99 in one payment.');
    expect(amountRange('razorpay', 'INR', 'en-IN')).toBe('Razorpay takes ₹1.00 to ₹50,00,000.00 in one payment.');
    expect(amountProblem('10,00,000', 'INR', 'stripe', 'en-US')).toBe('The amount is too large: Stripe takes at most ₹9,99,999.99 in one payment.');
    expect(amountProblem('1,00,000.50', 'INR', 'razorpay', 'en-US')).toBeNull();
  });
  test('finds every bad field at once, the first in the order of the form', () => {
    const errors = checkLinkForm(
      { amount: '12,34', currency: 'USD', orderRef: '', description: 'd'.repeat(300), customerName: '', customerEmail: 'nope', customerPhone: '12345' },
      'stripe', 'IN', 'en-US',
    );
    expect(Object.keys(errors)).toEqual(['amount', 'orderRef', 'description', 'customerEmail', 'customerPhone']);
    expect(firstBad(errors)).toBe('amount');
    expect(errors.amount).toMatch(/point before the decimals/);
    const ok = checkLinkForm({ amount: '1,00,000.50', currency: 'INR', orderRef: 'ORD-1', description: '', customerName: '', customerEmail: '', customerPhone: '98765 00000' }, 'razorpay', 'IN', 'en-US');
    expect(ok).toEqual({});
  });
  test('describes link kinds by what they do, the gateway\'s term only beside them', () => {
    expect(kindOptions('stripe').map((k) => [k.label, k.term])).toEqual([
      ['One customer, one payment', 'Stripe Checkout Session'],
      ['Reusable: many customers', 'Stripe Payment Link'],
    ]);
    expect(kindOptions('razorpay').map((k) => k.label)).toEqual(['One customer, one payment', 'Pay on a checkout page']);
    for (const k of [...kindOptions('stripe'), ...kindOptions('razorpay')]) expect(k.label).not.toMatch(/Session|Payment Link|Order/);
  });
});
