// Why a payment attempt failed, in one sentence a merchant can act on. Core stores a failure's reason as
// the gateway reported it, `code: message` (electron/core/gateways/facts.ts reasonText), e.g.
// "generic_decline: Your card was declined." (Stripe) or "card_declined: Your payment has been declined by
// your bank. Try again with another card or payment method." (Razorpay). The screens show the sentence,
// with the raw code beside it in small print; never a code without its meaning.

export interface DeclineExplanation {
  /** one sentence (or two), ending with exactly one full stop */
  sentence: string;
  /** the gateway's code, shown small after the sentence; null when the gateway gave none */
  code: string | null;
}

const BANK_DECLINED = 'The bank declined the card. Ask the customer to try another card or contact their bank.';
const TRY_AGAIN = 'The payment could not be processed. Ask the customer to try again in a few minutes.';

/**
 * Stripe decline codes (charge outcome reason / decline_code / error code) and Razorpay error reasons
 * (error_reason), plus the reasons Paydesk itself records.
 */
const SENTENCES: Readonly<Record<string, string>> = {
  // Stripe
  generic_decline: BANK_DECLINED,
  card_declined: BANK_DECLINED,
  do_not_honor: BANK_DECLINED,
  do_not_try_again: 'The bank declined the card and asks not to retry it. Ask the customer to use another card.',
  transaction_not_allowed: 'The bank does not allow this kind of payment on the card. Ask the customer to use another card or contact their bank.',
  insufficient_funds: 'The card has insufficient funds. Ask the customer to use another card or payment method.',
  insufficient_fund: 'The account has insufficient funds. Ask the customer to use another card or payment method.',
  lost_card: 'The bank declined the card because it was reported lost. Ask the customer to use another card.',
  stolen_card: 'The bank declined the card because it was reported stolen. Ask the customer to use another card.',
  pickup_card: 'The bank declined the card and asks for it to be withdrawn. Ask the customer to use another card.',
  fraudulent: 'The payment was declined as suspected fraud. Ask the customer to use another card.',
  expired_card: 'The card has expired. Ask the customer to use another card.',
  card_expired: 'The card has expired. Ask the customer to use another card.',
  incorrect_cvc: 'The card’s security code (CVC) was wrong. Ask the customer to check it and try again.',
  invalid_cvc: 'The card’s security code (CVC) was wrong. Ask the customer to check it and try again.',
  incorrect_cvv: 'The card’s security code (CVV) was wrong. Ask the customer to check it and try again.',
  incorrect_number: 'The card number was wrong. Ask the customer to check it and try again.',
  invalid_number: 'The card number was wrong. Ask the customer to check it and try again.',
  card_number_invalid: 'The card number was wrong. Ask the customer to check it and try again.',
  incorrect_card_number: 'The card number was wrong. Ask the customer to check it and try again.',
  processing_error: TRY_AGAIN,
  try_again_later: TRY_AGAIN,
  card_not_supported: 'The card does not support this kind of payment. Ask the customer to use another card.',
  currency_not_supported: 'The card cannot be charged in this currency. Ask the customer to use another card.',
  card_velocity_exceeded: 'The customer reached the card’s spending limit. Ask them to use another card or contact their bank.',
  withdrawal_count_limit_exceeded: 'The customer reached the card’s spending limit. Ask them to use another card or contact their bank.',
  authentication_required: 'The bank asked the customer to confirm the payment (3-D Secure) and it was not confirmed. Ask the customer to try again and complete the check.',
  payment_intent_authentication_failure: 'The customer did not pass the bank’s check (3-D Secure or OTP). Ask them to try again.',
  async_payment_failed: 'The delayed payment (bank debit or transfer) failed. Ask the customer to pay another way.',
  charge_failed: 'The payment did not go through. Ask the customer to try again or use another card.',
  // Razorpay
  payment_failed: 'The payment did not go through. Ask the customer to try again or use another payment method.',
  payment_declined: BANK_DECLINED,
  bank_declined: BANK_DECLINED,
  payment_cancelled: 'The customer cancelled the payment before finishing it. They can pay with the same link.',
  payment_timed_out: 'The customer did not finish paying in time. They can try again with the same link.',
  authentication_failed: 'The customer did not pass the bank’s check (3-D Secure or OTP). Ask them to try again.',
  incorrect_otp: 'The customer entered a wrong OTP. Ask them to try again.',
  invalid_otp: 'The customer entered a wrong OTP. Ask them to try again.',
  international_transaction_not_allowed: 'Your account does not accept cards issued outside India. Ask the customer to use an Indian card or another payment method.',
  gateway_technical_error: 'The payment failed because of a technical problem at the gateway. Ask the customer to try again in a few minutes.',
  bank_technical_error: 'The payment failed because of a technical problem at the bank. Ask the customer to try again in a few minutes.',
  server_error: 'The payment failed because of a technical problem at the gateway. Ask the customer to try again in a few minutes.',
  invalid_vpa: 'The UPI id was wrong. Ask the customer to check it and try again.',
  authorisation_declined_by_psp: 'The customer’s UPI app declined the payment. Ask them to try again or use another UPI app.',
  transaction_limit_exceeded: 'The payment is above the customer’s bank limit. Ask them to use another payment method.',
  amount_less_than_minimum_amount: 'The amount is below the minimum the bank accepts. Use a larger amount or another payment method.',
};

/** Razorpay's error classes say where it failed, not why: the gateway's description is the reason. */
const ERROR_CLASSES: ReadonlySet<string> = new Set(['BAD_REQUEST_ERROR', 'GATEWAY_ERROR', 'SERVER_ERROR']);

/** gateway codes are snake_case (Stripe, Razorpay reasons) or SCREAMING_SNAKE (Razorpay error classes) */
const CODE = /^(?:[a-z][a-z0-9]*(?:_[a-z0-9]+)+|[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|[a-z]+)$/;

/** Splits `code: message` (facts.ts reasonText); a text without a code is all message. */
export function splitReason(reason: string): { code: string | null; message: string | null } {
  const text = reason.trim();
  const at = text.indexOf(': ');
  if (at > 0 && CODE.test(text.slice(0, at))) {
    const message = text.slice(at + 2).trim();
    return { code: text.slice(0, at), message: message || null };
  }
  if (CODE.test(text) && text.includes('_')) return { code: text, message: null };
  return { code: null, message: text || null };
}

/** A gateway message as one sentence: trimmed, first letter capital, exactly one full stop at the end. */
export function asSentence(text: string): string {
  const t = text.trim().replace(/\s+/g, ' ').replace(/[\s.…,;:]+$/u, '');
  if (!t) return '';
  const cased = t.charAt(0).toUpperCase() + t.slice(1);
  return /[!?]$/.test(cased) ? cased : `${cased}.`;
}

/** The stored reason explained; null when there is none. */
export function explainDecline(reason: string | null | undefined): DeclineExplanation | null {
  if (!reason || !reason.trim()) return null;
  const { code, message } = splitReason(reason);
  if (code === 'not_created') {
    return { sentence: `The gateway could not create the link${message ? `: ${asSentence(message).replace(/^./, (c) => c.toLowerCase())}` : '.'}`, code: null };
  }
  const known = code ? SENTENCES[code] ?? SENTENCES[code.toLowerCase()] : undefined;
  if (known) return { sentence: known, code };
  if (message) return { sentence: asSentence(message), code: code && !ERROR_CLASSES.has(code) ? code : null };
  return { sentence: 'The payment did not go through; the gateway gave no reason in words. Ask the customer to try again or use another card.', code };
}

/** The explanation as one line of text: "The bank declined the card. … (code: generic_decline)". */
export function declineText(reason: string | null | undefined): string | null {
  const e = explainDecline(reason);
  if (!e) return null;
  return e.code ? `${e.sentence} (code: ${e.code})` : e.sentence;
}
