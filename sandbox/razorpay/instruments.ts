// Razorpay test instruments (GATEWAYS.md §3): cards, UPI ids and what each one does.

import type { RzpCard } from './types';

export interface PaymentFailure {
  code: 'BAD_REQUEST_ERROR' | 'GATEWAY_ERROR';
  description: string;
  source: string;
  step: string;
  reason: string;
}

const F = (code: PaymentFailure['code'], reason: string, source: string, step: string, description: string): PaymentFailure => ({
  code, reason, source, step, description,
});

export const FAILURES = {
  insufficient_fund: F('BAD_REQUEST_ERROR', 'insufficient_fund', 'customer', 'payment_authorization',
    'Your payment could not be completed due to insufficient account balance. Try again with another account.'),
  card_declined: F('BAD_REQUEST_ERROR', 'card_declined', 'bank', 'payment_authorization',
    'Your payment has been declined by your bank. Try again with another card or payment method.'),
  payment_timed_out: F('BAD_REQUEST_ERROR', 'payment_timed_out', 'customer', 'payment_authentication',
    'Your payment could not be completed on time. Try again later.'),
  payment_cancelled: F('BAD_REQUEST_ERROR', 'payment_cancelled', 'customer', 'payment_authentication',
    'Your payment has been cancelled. Try again or complete the payment later.'),
  card_number_invalid: F('BAD_REQUEST_ERROR', 'card_number_invalid', 'customer', 'payment_initiation',
    'Your payment has failed due to an invalid card number. Try again with a valid card.'),
  authentication_failed: F('GATEWAY_ERROR', 'authentication_failed', 'bank', 'payment_authentication',
    'Payment processing failed due to an error at the bank. Try again later.'),
  gateway_technical_error: F('GATEWAY_ERROR', 'gateway_technical_error', 'gateway', 'payment_authorization',
    'Payment processing failed due to a technical error at the gateway. Try again later.'),
  international_transaction_not_allowed: F('BAD_REQUEST_ERROR', 'international_transaction_not_allowed', 'business', 'payment_initiation',
    'This business does not accept payments made with international cards. Try with a card issued in India.'),
  bank_page_failure: F('BAD_REQUEST_ERROR', 'authentication_failed', 'customer', 'payment_authentication',
    'Your payment could not be completed as the authentication at your bank failed. Try again.'),
  upi_failure: F('BAD_REQUEST_ERROR', 'payment_failed', 'bank', 'payment_authorization',
    'Your payment was declined by your bank or UPI app. Try another payment method.'),
} as const satisfies Record<string, PaymentFailure>;

export type FailureName = keyof typeof FAILURES;

/** Error cards: they fail with their reason whichever button is pressed on the bank page; `atInitiation` ones never reach it. */
const ERROR_CARDS: Record<string, { failure: FailureName; atInitiation: boolean }> = {
  '4100280000080001': { failure: 'insufficient_fund', atInitiation: false },
  '5305620000050001': { failure: 'insufficient_fund', atInitiation: false },
  '4100280000060003': { failure: 'card_declined', atInitiation: false },
  '4100280000090000': { failure: 'payment_timed_out', atInitiation: false },
  '4100280000070002': { failure: 'payment_cancelled', atInitiation: false },
  '4100280000010008': { failure: 'card_number_invalid', atInitiation: true },
  '4100280000000009': { failure: 'authentication_failed', atInitiation: false },
  '4100280000020007': { failure: 'gateway_technical_error', atInitiation: false },
  '4111111111111111': { failure: 'international_transaction_not_allowed', atInitiation: true },
};

const INTERNATIONAL = new Set(['5555555555554444', '5105105105105100', '4012888888881881']);

function luhnOk(digits: string): boolean {
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

export function networkOf(digits: string): RzpCard['network'] {
  if (/^3[47]/.test(digits)) return 'American Express';
  if (/^3(0|6|8)/.test(digits)) return 'Diners Club';
  if (/^4/.test(digits)) return 'Visa';
  if (/^(5[1-5]|2[2-7])/.test(digits)) return 'MasterCard';
  if (/^(60|65|81|82|508|6527)/.test(digits)) return 'RuPay';
  if (/^(50|5[6-9]|6)/.test(digits)) return 'Maestro';
  return 'Unknown';
}

export type CardVerdict =
  | { ok: true; digits: string; network: RzpCard['network']; international: boolean; failure: FailureName | null }
  | { ok: false; digits: string; failure: FailureName };

/**
 * What a card number does. `ok: false` fails at initiation (no bank page);
 * `failure` set on an ok card means the bank step fails with that reason whatever is pressed.
 */
export function evaluateCard(input: string): CardVerdict {
  const digits = input.replace(/[\s-]/g, '');
  if (!/^\d{12,19}$/.test(digits)) return { ok: false, digits, failure: 'card_number_invalid' };
  const known = ERROR_CARDS[digits];
  if (known?.atInitiation) return { ok: false, digits, failure: known.failure };
  if (!known && !luhnOk(digits)) return { ok: false, digits, failure: 'card_number_invalid' };
  return { ok: true, digits, network: networkOf(digits), international: INTERNATIONAL.has(digits), failure: known?.failure ?? null };
}

export type UpiVerdict = { ok: true; vpa: string } | { ok: false; vpa: string; failure: FailureName | 'invalid_vpa' };

/** `success@razorpay` succeeds, `failure@razorpay` fails; any other well-formed VPA succeeds as well. */
export function evaluateVpa(input: string): UpiVerdict {
  const vpa = input.trim().toLowerCase();
  if (!/^[a-z0-9.\-_]{2,256}@[a-z]{2,64}$/.test(vpa)) return { ok: false, vpa, failure: 'invalid_vpa' };
  if (vpa === 'failure@razorpay') return { ok: false, vpa, failure: 'upi_failure' };
  return { ok: true, vpa };
}

/** The cards the hosted page lists as hints (test mode only). */
export const CARD_HINTS = [
  { number: '4100 2800 0000 1007', label: 'Visa, succeeds' },
  { number: '5267 3181 8797 5449', label: 'Mastercard, succeeds' },
  { number: '4100 2800 0008 0001', label: 'Visa, insufficient funds' },
  { number: '4100 2800 0006 0003', label: 'Visa, declined' },
];
