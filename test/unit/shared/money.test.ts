import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { amountExample, currencyExponent, formatMoney, moneyLocale, parseAmount, toMajorString } from '../../../shared/money';

describe('parseAmount', () => {
  test('reads amounts as people type them, with the currency exponent', () => {
    expect(parseAmount('1,234.50', 'USD')).toEqual({ ok: true, minor: 123450 });
    expect(parseAmount(' 1234.5 ', 'INR')).toEqual({ ok: true, minor: 123450 });
    expect(parseAmount('1,235', 'JPY')).toEqual({ ok: true, minor: 1235 });
    expect(parseAmount('1.5', 'KWD')).toEqual({ ok: true, minor: 1500 });
    expect(parseAmount('.25', 'USD')).toEqual({ ok: true, minor: 25 });
  });
  test('takes the Indian grouping (lakh, crore), groups of three and plain digits, for every exponent', () => {
    expect(parseAmount('1,00,000.50', 'INR')).toEqual({ ok: true, minor: 10000050 });
    expect(parseAmount('10,00,00,000', 'INR')).toEqual({ ok: true, minor: 10_000_000_000 });
    expect(parseAmount('100000.5', 'INR')).toEqual({ ok: true, minor: 10000050 });
    expect(parseAmount('12,34,567.25', 'USD')).toEqual({ ok: true, minor: 123456725 });
    expect(parseAmount('1,00,000', 'JPY')).toEqual({ ok: true, minor: 100000 });
    expect(parseAmount('1,00,000.125', 'KWD')).toEqual({ ok: true, minor: 100000125 });
    expect(parseAmount('1,234,567.890', 'KWD')).toEqual({ ok: true, minor: 1234567890 });
  });
  test('takes the currency\'s own sign or code, as pasted from an invoice', () => {
    expect(parseAmount('₹1,00,000.50', 'INR')).toEqual({ ok: true, minor: 10000050 });
    expect(parseAmount('Rs. 499', 'INR')).toEqual({ ok: true, minor: 49900 });
    expect(parseAmount('INR 499', 'inr')).toEqual({ ok: true, minor: 49900 });
    expect(parseAmount('$12.00', 'USD')).toEqual({ ok: true, minor: 1200 });
    expect(parseAmount('12 USD', 'USD')).toEqual({ ok: true, minor: 1200 });
    expect(parseAmount('$12', 'INR')).toMatchObject({ ok: false, reason: expect.stringMatching(/another currency's sign.*INR/) });
  });
  test('refuses what would misprice or is ambiguous, saying why about the amount', () => {
    expect(parseAmount('12.5', 'JPY')).toEqual({ ok: false, reason: 'JPY has no decimals: enter a whole amount, e.g. 1,500' });
    expect(parseAmount('1.2345', 'KWD')).toEqual({ ok: false, reason: 'An amount in KWD has at most 3 decimals, e.g. 1,234.500' });
    expect(parseAmount('1.005', 'INR')).toEqual({ ok: false, reason: 'An amount in INR has at most 2 decimals, e.g. 1,00,000.50' });
    expect(parseAmount('-5', 'USD')).toMatchObject({ ok: false, reason: 'The amount must be more than zero' });
    expect(parseAmount('-₹5', 'INR')).toMatchObject({ ok: false, reason: 'The amount must be more than zero' });
    expect(parseAmount('0.00', 'USD')).toMatchObject({ ok: false, reason: 'The amount must be more than zero' });
    // a comma before two digits reads as a decimal comma: refused, never taken as 1250
    expect(parseAmount('12,50', 'USD')).toMatchObject({ ok: false, reason: expect.stringMatching(/point before the decimals.*12\.50/) });
    expect(parseAmount('1.234,50', 'EUR')).toMatchObject({ ok: false, reason: expect.stringMatching(/point before the decimals/) });
    for (const bad of ['1,2345', '1,000,00', '1,00,00', '12,3456.7', ',']) {
      expect(parseAmount(bad, 'INR'), bad).toMatchObject({ ok: false, reason: expect.stringMatching(/commas in the amount/) });
    }
    for (const bad of ['1e3', 'ten', '.', '1.2.3', '1 000', '½']) {
      expect(parseAmount(bad, 'USD'), bad).toMatchObject({ ok: false, reason: expect.stringMatching(/amount in digits/) });
    }
    expect(parseAmount('', 'USD')).toEqual({ ok: false, reason: 'Enter an amount' });
    expect(parseAmount('10', 'XYZ')).toEqual({ ok: false, reason: 'XYZ is not a supported currency' });
    expect(parseAmount('9'.repeat(16), 'JPY')).toEqual({ ok: false, reason: 'The amount is too large' });
  });
  test('every refusal names the amount or the currency', () => {
    for (const bad of ['', '-1', '0', 'x', '1,2', '1.234,5', '1.001', '$1']) {
      const r = parseAmount(bad, 'INR');
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(/amount|INR/i);
    }
  });
  test('reads back every amount written with Indian or Western grouping', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 99_999_999_999 }), fc.constantFrom('JPY', 'USD', 'INR', 'KWD'), fc.constantFrom('en-IN', 'en-US'), (minor, ccy, locale) => {
        const exp = currencyExponent(ccy);
        const [whole, frac] = toMajorString(minor, ccy).split('.');
        const typed = new Intl.NumberFormat(locale).format(BigInt(whole!)) + (exp ? `.${frac}` : '');
        expect(parseAmount(typed, ccy)).toEqual({ ok: true, minor });
      }),
      { numRuns: 1000 },
    );
  });
  test('round-trips with toMajorString for every exponent', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 999_999_999_999 }), fc.constantFrom('JPY', 'USD', 'INR', 'KWD'), (minor, ccy) => {
        expect(parseAmount(toMajorString(minor, ccy), ccy)).toEqual({ ok: true, minor });
      }),
      { numRuns: 2000 },
    );
  });
});

describe('toMajorString', () => {
  const reference = (minor: number, exp: number): string => {
    const abs = String(Math.abs(minor));
    if (exp === 0) return (minor < 0 ? '-' : '') + abs;
    const p = abs.padStart(exp + 1, '0');
    return `${minor < 0 ? '-' : ''}${p.slice(0, -exp)}.${p.slice(-exp)}`;
  };
  test('matches the digit-slicing definition for any safe integer', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.constantFrom('JPY', 'USD', 'usd', 'KWD'), (minor, ccy) => {
        expect(toMajorString(minor, ccy)).toBe(reference(minor, currencyExponent(ccy)));
      }),
      { numRuns: 5000 },
    );
    expect(toMajorString(-5, 'KWD')).toBe('-0.005');
    expect(toMajorString(0, 'USD')).toBe('0.00');
    expect(toMajorString(Number.MAX_SAFE_INTEGER, 'USD')).toBe('90071992547409.91');
  });
  test('refuses floats and unknown currencies', () => {
    expect(() => toMajorString(1.5, 'USD')).toThrow(RangeError);
    expect(() => toMajorString(1, 'XYZ')).toThrow(RangeError);
  });
});

describe('formatMoney', () => {
  test('groups and symbols without ever using a float fraction', () => {
    expect(formatMoney(123450, 'INR', 'en-IN')).toBe('₹1,234.50');
    expect(formatMoney(123450, 'USD')).toBe('$1,234.50');
    expect(formatMoney(1235, 'JPY')).toBe('¥1,235');
    expect(formatMoney(1500, 'KWD')).toMatch(/^KWD\s1\.500$/);
    expect(formatMoney(-2599, 'USD')).toBe('-$25.99');
  });
  test('writes rupees in lakhs and crores for every reader, other currencies in the reader\'s grouping', () => {
    expect(formatMoney(99_999_999, 'INR')).toBe('₹9,99,999.99');
    expect(formatMoney(10000050, 'INR', 'en-US')).toBe('₹1,00,000.50');
    expect(formatMoney(500_000_000, 'INR', 'en-IN')).toBe('₹50,00,000.00');
    expect(formatMoney(99_999_999, 'USD')).toBe('$999,999.99');
    expect(formatMoney(99_999_999, 'USD', 'en-IN')).toBe('$9,99,999.99');
    expect(formatMoney(123450, 'EUR', 'de-DE')).toBe('1.234,50\u00a0€');
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD')).toBe('$90,071,992,547,409.91');
    expect(moneyLocale('INR', 'de-DE')).toBe('en-IN');
    expect(moneyLocale('inr', 'hi-IN')).toBe('hi-IN');
    expect(moneyLocale('USD', 'de-DE')).toBe('de-DE');
  });
});

describe('amountExample', () => {
  test('shows how to type an amount in the currency, and each example parses', () => {
    expect(amountExample('INR')).toBe('1,00,000.50');
    expect(amountExample('USD')).toBe('1,234.50');
    expect(amountExample('JPY')).toBe('1,500');
    expect(amountExample('KWD')).toBe('1,234.500');
    expect(amountExample('INR', false)).toBe('100000.50');
    for (const c of ['INR', 'USD', 'JPY', 'KWD']) expect(parseAmount(amountExample(c), c).ok).toBe(true);
  });
});
