import { describe, expect, it } from 'vitest';
import { hrefFor, parseHash } from '../../../renderer/src/router';
import { displayMoney } from '../../../renderer/src/format/money';
import { formatRelative } from '../../../renderer/src/format/dates';
import { testDataShown } from '../../../renderer/src/state/accounts-view';
import type { Account } from '../../../shared/contract';

describe('hash router', () => {
  it('parses screens and the rest of the path', () => {
    expect(parseHash('#/settings')).toEqual({ screen: 'settings', rest: [] });
    expect(parseHash('#/payments/pay_123')).toEqual({ screen: 'payments', rest: ['pay_123'] });
    expect(parseHash('#/new-link?x=1')).toEqual({ screen: 'new-link', rest: [] });
  });
  it('falls back to the overview for empty or unknown hashes', () => {
    expect(parseHash('')).toEqual({ screen: 'overview', rest: [] });
    expect(parseHash('#/nope')).toEqual({ screen: 'overview', rest: [] });
    expect(parseHash('#/__proto__')).toEqual({ screen: 'overview', rest: [] });
  });
  it('round-trips hrefFor', () => {
    expect(parseHash(hrefFor('payments', 'a b'))).toEqual({ screen: 'payments', rest: ['a b'] });
  });
});

describe('money and dates for display', () => {
  it('formats minor units with the currency exponent', () => {
    expect(displayMoney(123450, 'INR', 'en-IN')).toBe('₹1,234.50');
    expect(displayMoney(1235, 'JPY', 'en-US')).toBe('¥1,235');
    expect(displayMoney(-500, 'USD', 'en-US')).toBe('-$5.00');
  });
  it('never guesses an unknown currency', () => {
    expect(displayMoney(100, 'XXX', 'en-US')).toBe('XXX 100 (minor units)');
  });
  it('says how long ago in words', () => {
    const now = Date.UTC(2026, 0, 10, 12);
    expect(formatRelative(now - 10_000, now, 'en-US')).toBe('just now');
    expect(formatRelative(now - 5 * 60_000, now, 'en-US')).toBe('5 min. ago');
  });
});

describe('TEST MODE banner rule', () => {
  const acct = (id: string, mode: 'test' | 'live') => ({ id, mode }) as Account;
  it('shows while any test account is shown and none is selected', () => {
    expect(testDataShown([acct('a', 'test'), acct('b', 'live')], null)).toBe(true);
    expect(testDataShown([acct('b', 'live')], null)).toBe(false);
    expect(testDataShown([], null)).toBe(false);
  });
  it('follows the selected account', () => {
    expect(testDataShown([acct('a', 'test'), acct('b', 'live')], acct('b', 'live'))).toBe(false);
    expect(testDataShown([acct('a', 'test'), acct('b', 'live')], acct('a', 'test'))).toBe(true);
  });
});
