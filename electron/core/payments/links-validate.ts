// What a link request must satisfy before an intent is stored: the account usable in the console's mode,
// the amount and currency within the gateway's limits (shared/gateways.ts), the kind and expiry the gateway
// takes (its link port), a plausible email, and a phone number that exists, stored in one form (E.164).
// The gateway stays the final judge.
import { createHash, randomBytes } from 'node:crypto';
import type { z } from 'zod';
import type { LinkCreateInputSchema, PaymentKind } from '../../../shared/contract';
import { invalid } from '../../../shared/errors';
import { GATEWAY_LIMITS } from '../../../shared/gateways';
import { currencyExponent, formatMoney, isKnownCurrency, parseAmount, toMajorString } from '../../../shared/money';
import { parsePhone, phoneCountry, type ShopPlace } from '../../../shared/region';
import type { LinkPort } from '../gateways/ports/links';
import type { AccountRow } from '../store/repos/accounts';

export type LinkCreateParsed = z.output<typeof LinkCreateInputSchema>;

export interface ValidatedLink {
  account: AccountRow;
  kind: PaymentKind;
  amountMinor: number;
  currency: string;
  description: string | null;
  orderRef: string;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  expiresAt: number | null;
  notes: Record<string, string>;
  notify: boolean;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;

/** The account, refused when the console's mode differs, it has no key, or its keys were refused. */
export function usableAccount(account: AccountRow | null, mode: LinkCreateParsed['mode']): AccountRow {
  if (!account) throw invalid('accountId', 'This account does not exist (any more). Choose another account.');
  if (mode && mode !== account.mode) {
    throw invalid('accountId', account.mode === 'live'
      ? 'This is a live account and the console is in test mode. Switch to live mode to take real payments.'
      : 'This is a test account and the console is in live mode. Switch to test mode to use it.');
  }
  if (!account.secretKeyRef) throw invalid('accountId', 'This account has no secret key. Add one in Settings → Accounts.');
  if (account.verificationStatus === 'failed') {
    const why = account.verificationMessage ? ` (${account.verificationMessage.replace(/[.\s]+$/, '')})` : '';
    throw invalid('accountId', `${GATEWAY_LIMITS[account.gateway].label} refused this account's keys${why}. Fix them in Settings → Accounts and verify again.`);
  }
  return account;
}

function amountOf(input: LinkCreateParsed, account: AccountRow): { amountMinor: number; currency: string } {
  const limits = GATEWAY_LIMITS[account.gateway];
  const label = limits.label;
  const currency = input.currency;
  if (!isKnownCurrency(currency)) throw invalid('currency', `${currency} is not a currency Paydesk knows.`);
  if (!limits.currencies.includes(currency)) throw invalid('currency', `${label} does not take payments in ${currency}.`);
  const parsed = parseAmount(input.amount, currency);
  if (!parsed.ok) throw invalid('amount', parsed.reason);
  const amountMinor = parsed.minor;
  const min = limits.minMinor(currency);
  if (amountMinor < min) throw invalid('amount', `The amount is too small: ${label} needs at least ${formatMoney(min, currency)} in one payment.`);
  if (amountMinor > limits.maxMinor) throw invalid('amount', `The amount is too large: ${label} takes at most ${formatMoney(limits.maxMinor, currency)} in one payment.`);
  if (currencyExponent(currency) === 3 && amountMinor % 10 !== 0) {
    throw invalid('amount', `${label} charges ${currency} in steps of 0.010: the last decimal must be 0 (e.g. ${toMajorString(Math.round(amountMinor / 10) * 10 || 10, currency)}).`);
  }
  return { amountMinor, currency };
}

function contactOf(input: LinkCreateParsed, country: string | null): { email: string | null; phone: string | null } {
  const email = input.customerEmail ?? null;
  if (email !== null && !EMAIL.test(email)) throw invalid('customerEmail', 'Enter an email address such as name@example.com.');
  if (!input.customerPhone) return { email, phone: null };
  const phone = parsePhone(input.customerPhone, country);
  if (!phone.ok) throw invalid('customerPhone', `${phone.reason}.`);
  return { email, phone: phone.e164 };
}

/**
 * Checks a request against a usable account and the gateway's link port; throws invalid_input at the field.
 * `shop` (the reports time zone, the locale) tells the country of a phone number typed without its code.
 */
export function validateLink(input: LinkCreateParsed, account: AccountRow, port: LinkPort, now: number, shop: ShopPlace = {}): ValidatedLink {
  const kind = port.kindFor(input.kind);
  const { amountMinor, currency } = amountOf(input, account);
  const { email, phone } = contactOf(input, phoneCountry(shop, account.gateway, currency));
  const expiryField = input.expiresAt !== undefined ? 'expiresAt' : 'expiresInMinutes';
  const given = input.expiresAt ?? (input.expiresInMinutes !== undefined ? now + input.expiresInMinutes * 60_000 : undefined);
  const expiresAt = port.expiryFor(kind, given, now, expiryField);
  return {
    account, kind, amountMinor, currency,
    description: input.description ?? null,
    orderRef: input.orderRef,
    customerName: input.customerName ?? null,
    customerEmail: email,
    customerPhone: phone,
    expiresAt,
    notes: input.notes ?? {},
    notify: input.notify ?? true,
  };
}

/**
 * With a requestId: derived from the account, the requestId and the input as sent (canonical JSON), so a
 * double click or a retried request maps to the same intent, while a corrected form sent with the same
 * requestId (after the gateway refused the first) is a new intent with a new key. Without: random.
 */
export function idempotencyKeyFor(input: LinkCreateParsed): string {
  if (!input.requestId) return `pdk_${randomBytes(20).toString('hex')}`;
  const { requestId, ...rest } = input;
  const canonical = JSON.stringify(rest, (_k, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v);
  return `pdk_${createHash('sha256').update(`${input.accountId}\0${requestId}\0${canonical}`).digest('hex').slice(0, 40)}`;
}
