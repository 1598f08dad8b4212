import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { currencyExponent, formatMoney, parseAmount, toMajorString } from '../../../shared/money';

describe('parseAmount', () => {
  test('reads amounts as people type them, with the currency exponent', () => {
    expect(parseAmount('1,234.50', 'USD')).toEqual({ ok: true, minor: 123450 });
    expect(parseAmount(' 1234.5 ', 'INR')).toEqual({ ok: true, minor: 123450 });
    expect(parseAmount('1,235', 'JPY')).toEqual({ ok: true, minor: 1235 });
    expect(parseAmount('1.5', 'KWD')).toEqual({ ok: true, minor: 1500 });
    expect(parseAmount('.25', 'USD')).toEqual({ ok: true, minor: 25 });
  });
  test('refuses what would misprice, saying why', () => {
    expect(parseAmount('12.5', 'JPY')).toEqual({ ok: false, reason: 'JPY has no decimals' });
    expect(parseAmount('1.2345', 'KWD')).toEqual({ ok: false, reason: 'KWD has at most 3 decimals' });
    expect(parseAmount('-5', 'USD')).toMatchObject({ ok: false, reason: 'The amount must be more than zero' });
    expect(parseAmount('0.00', 'USD')).toMatchObject({ ok: false, reason: 'The amount must be more than zero' });
    expect(parseAmount('12,34', 'USD')).toMatchObject({ ok: false });
    expect(parseAmount('1e3', 'USD')).toMatchObject({ ok: false });
    expect(parseAmount('', 'USD')).toEqual({ ok: false, reason: 'Enter an amount' });
    expect(parseAmount('10', 'XYZ')).toEqual({ ok: false, reason: 'XYZ is not a supported currency' });
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
});
