import { describe, expect, test } from 'vitest';
import { GATEWAY_LIMITS } from '../../../shared/gateways';
import { callingCode, countryOfLocale, defaultLinkCurrency, parsePhone, phoneCountry, shopCountry } from '../../../shared/region';

describe('the shop\'s country', () => {
  test('from its time zone first, then its locale', () => {
    expect(shopCountry({ timeZone: 'Asia/Kolkata', locale: 'en-US' })).toBe('IN');
    expect(shopCountry({ timeZone: 'Asia/Calcutta' })).toBe('IN');
    expect(shopCountry({ timeZone: 'UTC', locale: 'en-GB' })).toBe('GB');
    expect(shopCountry({ timeZone: 'Etc/UTC', locale: 'en' })).toBeNull();
    expect(countryOfLocale('zh-Hant-TW')).toBe('TW');
    expect(countryOfLocale('hi_IN')).toBe('IN');
  });
});

describe('defaultLinkCurrency', () => {
  const stripe = GATEWAY_LIMITS.stripe.currencies;
  const razorpay = GATEWAY_LIMITS.razorpay.currencies;
  test('a Razorpay account starts in rupees wherever the machine is', () => {
    expect(defaultLinkCurrency('razorpay', razorpay, { timeZone: 'America/New_York', locale: 'en-US' })).toBe('INR');
  });
  test('a Stripe account starts in the shop\'s currency, never USD for everyone', () => {
    expect(defaultLinkCurrency('stripe', stripe, { timeZone: 'Asia/Kolkata', locale: 'en-US' })).toBe('INR');
    expect(defaultLinkCurrency('stripe', stripe, { timeZone: 'Europe/Berlin' })).toBe('EUR');
    expect(defaultLinkCurrency('stripe', stripe, { timeZone: 'UTC', locale: 'ja-JP' })).toBe('JPY');
    expect(defaultLinkCurrency('stripe', stripe, { timeZone: 'UTC', locale: 'en' })).toBe('USD');
  });
});

describe('parsePhone', () => {
  test('stores one form (E.164) however the number was typed', () => {
    for (const typed of ['9876500000', '98765 00000', '098765-00000', '+91 98765 00000', '+91-9876500000', '(+91) 98765 00000']) {
      expect(parsePhone(typed, 'IN'), typed).toMatchObject({ ok: true, e164: '+919876500000' });
    }
    expect(parsePhone('+1 (202) 555-0123', 'IN')).toMatchObject({ ok: true, e164: '+12025550123' });
    expect(parsePhone('+91 98765 00000', null)).toMatchObject({ ok: true, e164: '+919876500000', display: '+91 98765 00000' });
  });
  test('refuses an impossible number, and a national number when the country is unknown, saying how to write it', () => {
    expect(parsePhone('12345', 'IN')).toMatchObject({ ok: false, reason: expect.stringMatching(/12345 is not a phone number that exists.*country code.*\+91/) });
    expect(parsePhone('98765000001', 'IN')).toMatchObject({ ok: false });
    expect(parsePhone('+91 98765', 'IN')).toMatchObject({ ok: false });
    expect(parsePhone('9876500000', null)).toMatchObject({ ok: false, reason: expect.stringMatching(/with its country code/) });
  });
  test('the country of a number typed without its code: the shop\'s, the account\'s, the currency\'s', () => {
    expect(phoneCountry({ timeZone: 'Europe/London' }, 'razorpay', 'INR')).toBe('GB');
    expect(phoneCountry({}, 'razorpay', 'USD')).toBe('IN');
    expect(phoneCountry({}, 'stripe', 'INR')).toBe('IN');
    expect(phoneCountry({}, 'stripe', 'EUR')).toBeNull();
    // a machine left in en-US says little: the account and the currency say more
    expect(phoneCountry({ timeZone: 'UTC', locale: 'en-US' }, 'razorpay', 'INR')).toBe('IN');
    expect(phoneCountry({ timeZone: 'UTC', locale: 'en-US' }, 'stripe', 'INR')).toBe('IN');
    expect(phoneCountry({ timeZone: 'UTC', locale: 'de-DE' }, 'stripe', 'EUR')).toBe('DE');
    expect(callingCode('IN')).toBe('+91');
    expect(callingCode('XX')).toBeNull();
  });
});
