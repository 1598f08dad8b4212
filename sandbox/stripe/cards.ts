// Stripe's documented test cards (GATEWAYS.md §3) and what the sandbox does with each.
import type { CardInfo } from './money-objects.js';

export type CardOutcome =
  | { kind: 'success' }
  | { kind: 'decline'; code: string; declineCode: string; message: string }
  | { kind: 'authenticate' };

interface TestCard {
  outcome: CardOutcome;
  brand: string;
  funding: string;
}

const decline = (declineCode: string, message: string, code = 'card_declined'): CardOutcome => ({ kind: 'decline', code, declineCode, message });

const TEST_CARDS: Record<string, TestCard> = {
  '4242424242424242': { outcome: { kind: 'success' }, brand: 'visa', funding: 'credit' },
  '4000056655665556': { outcome: { kind: 'success' }, brand: 'visa', funding: 'debit' },
  '5555555555554444': { outcome: { kind: 'success' }, brand: 'mastercard', funding: 'credit' },
  '4000000000000077': { outcome: { kind: 'success' }, brand: 'visa', funding: 'credit' },
  '4000000000000002': { outcome: decline('generic_decline', 'Your card was declined.'), brand: 'visa', funding: 'credit' },
  '4000000000009995': { outcome: decline('insufficient_funds', 'Your card has insufficient funds.'), brand: 'visa', funding: 'credit' },
  '4000000000009987': { outcome: decline('lost_card', 'Your card was declined.'), brand: 'visa', funding: 'credit' },
  '4000000000009979': { outcome: decline('stolen_card', 'Your card was declined.'), brand: 'visa', funding: 'credit' },
  '4000000000000069': { outcome: decline('expired_card', 'Your card has expired.', 'expired_card'), brand: 'visa', funding: 'credit' },
  '4000000000000127': { outcome: decline('incorrect_cvc', "Your card's security code is incorrect.", 'incorrect_cvc'), brand: 'visa', funding: 'credit' },
  '4000000000000119': { outcome: decline('processing_error', 'An error occurred while processing your card. Try again in a little bit.', 'processing_error'), brand: 'visa', funding: 'credit' },
  '4000002500003155': { outcome: { kind: 'authenticate' }, brand: 'visa', funding: 'credit' },
  '4000002760003184': { outcome: { kind: 'authenticate' }, brand: 'visa', funding: 'credit' },
  '4000000000003220': { outcome: { kind: 'authenticate' }, brand: 'visa', funding: 'credit' },
};

export const AUTHENTICATION_FAILED: CardOutcome = {
  kind: 'decline',
  code: 'payment_intent_authentication_failure',
  declineCode: 'authentication_failed',
  message: 'We are unable to authenticate your payment method. Please choose a different payment method and try again.',
};

function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
  }
  return sum % 10 === 0;
}

export type CardCheck =
  | { ok: true; card: CardInfo; outcome: CardOutcome }
  | { ok: false; field: 'number' | 'expiry' | 'cvc'; message: string };

/** Checks what the card form would check, then maps the number to its test behaviour. */
export function checkCard(rawNumber: string, rawExpiry: string, rawCvc: string, now: Date): CardCheck {
  const number = rawNumber.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(number) || !luhnValid(number)) return { ok: false, field: 'number', message: 'Your card number is invalid.' };
  const exp = /^\s*(\d{1,2})\s*\/\s*(\d{2}|\d{4})\s*$/.exec(rawExpiry);
  if (!exp) return { ok: false, field: 'expiry', message: "Your card's expiration date is incomplete." };
  const month = Number(exp[1]);
  const year = (exp[2] ?? '').length === 2 ? 2000 + Number(exp[2]) : Number(exp[2]);
  if (month < 1 || month > 12) return { ok: false, field: 'expiry', message: "Your card's expiration month is invalid." };
  if (year < now.getUTCFullYear() || (year === now.getUTCFullYear() && month < now.getUTCMonth() + 1)) {
    return { ok: false, field: 'expiry', message: "Your card's expiration year is in the past." };
  }
  if (!/^\d{3,4}$/.test(rawCvc.trim())) return { ok: false, field: 'cvc', message: "Your card's security code is incomplete." };
  const known = TEST_CARDS[number];
  const card: CardInfo = { brand: known?.brand ?? 'visa', last4: number.slice(-4), expMonth: month, expYear: year, funding: known?.funding ?? 'credit' };
  // like test mode: a real (non-test) card number is declined
  const outcome = known?.outcome ?? decline('test_mode_live_card', 'Your card was declined. Your request was in test mode, but used a non test card. For a list of valid test cards, visit: https://stripe.com/docs/testing.');
  return { ok: true, card, outcome };
}
