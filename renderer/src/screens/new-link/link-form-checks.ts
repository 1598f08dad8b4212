// What the New link form checks before it sends anything, so a merchant sees every mistake at its field at
// once; core checks all of it again (and more) and stays the judge. The words match core's.
import { GATEWAY_LIMITS, type Gateway } from '../../../../shared/gateways';
import { currencyExponent, formatMoney, parseAmount } from '../../../../shared/money';
import { parsePhone } from '../../../../shared/region';

/** The most characters each text field holds (the contract's LinkCreateInputSchema; a unit test keeps them equal). */
export const TEXT_LIMITS = { orderRef: 40, description: 250, customerName: 100, customerEmail: 254, customerPhone: 30, noteName: 40, noteValue: 250 } as const;

/** The form's fields in the order they appear: the first one with an error gets the focus. */
export const FIELD_ORDER = ['accountId', 'mode', 'kind', 'amount', 'currency', 'orderRef', 'description', 'customerName', 'customerEmail', 'customerPhone', 'expiresInMinutes', 'expiresAt', 'notes'] as const;
export type FormField = (typeof FIELD_ORDER)[number];
export type FieldErrors = Partial<Record<FormField, string>>;

export const isFormField = (f: string | undefined): f is FormField => (FIELD_ORDER as readonly string[]).includes(f ?? '');

/** The amount's range at the gateway, as money: "Stripe takes ₹0.50 to ₹9,99,999.99 in one payment." */
export function amountRange(gateway: Gateway, currency: string, locale?: string): string {
  const l = GATEWAY_LIMITS[gateway];
  return `${l.label} takes ${formatMoney(l.minMinor(currency), currency, locale)} to ${formatMoney(l.maxMinor, currency, locale)} in one payment.`;
}

/** Why the amount cannot be charged, or null (the same words as core's links-validate.ts). */
export function amountProblem(text: string, currency: string, gateway: Gateway, locale?: string): string | null {
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) return parsed.reason;
  const l = GATEWAY_LIMITS[gateway];
  if (parsed.minor < l.minMinor(currency)) return `The amount is too small: ${l.label} needs at least ${formatMoney(l.minMinor(currency), currency, locale)} in one payment.`;
  if (parsed.minor > l.maxMinor) return `The amount is too large: ${l.label} takes at most ${formatMoney(l.maxMinor, currency, locale)} in one payment.`;
  if (currencyExponent(currency) === 3 && parsed.minor % 10 !== 0) return `${l.label} charges ${currency} in steps of 0.010: the last decimal must be 0.`;
  return null;
}

export interface FormValues {
  amount: string;
  currency: string;
  orderRef: string;
  description: string;
  customerName: string;
  customerEmail: string;
  customerPhone: string;
}

const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;
const ORDER_REF = /^[\x21-\x7e][\x20-\x7e]*$/;

/** Every field's first problem, in words that name the field. */
export function checkLinkForm(v: FormValues, gateway: Gateway, phoneCountry: string | null, locale?: string): FieldErrors {
  const errors: FieldErrors = {};
  const amount = v.amount.trim() === '' ? 'Enter an amount' : amountProblem(v.amount, v.currency, gateway, locale);
  if (amount) errors.amount = amount;
  const ref = v.orderRef.trim();
  if (ref === '') errors.orderRef = 'Enter the order reference';
  else if (ref.length > TEXT_LIMITS.orderRef) errors.orderRef = `Keep the order reference under ${TEXT_LIMITS.orderRef} characters`;
  else if (!ORDER_REF.test(ref)) errors.orderRef = 'Use letters, digits and simple punctuation for the order reference';
  if (v.description.trim().length > TEXT_LIMITS.description) errors.description = `Keep the description under ${TEXT_LIMITS.description} characters`;
  if (v.customerName.trim().length > TEXT_LIMITS.customerName) errors.customerName = `Keep the name under ${TEXT_LIMITS.customerName} characters`;
  const email = v.customerEmail.trim();
  if (email && !EMAIL.test(email)) errors.customerEmail = 'Enter an email address such as name@example.com.';
  if (v.customerPhone.trim()) {
    const phone = parsePhone(v.customerPhone, phoneCountry);
    if (!phone.ok) errors.customerPhone = `${phone.reason}.`;
  }
  return errors;
}

/** The first field with an error, in the order of the form. */
export const firstBad = (errors: FieldErrors): FormField | undefined => FIELD_ORDER.find((f) => errors[f]);

/** Moves the focus to the control of `field` (the checked account, the expiry select ...). */
export function focusField(form: HTMLFormElement | null, field: FormField): void {
  const selector: Partial<Record<FormField, string>> = {
    accountId: 'input[name=account]:checked',
    mode: 'input[name=account]:checked',
    kind: 'input[name=kind]:checked',
    expiresInMinutes: '[name=expiry]',
    expiresAt: '[name=expiresAt], [name=expiry]',
    notes: '.note-row input, .link-notes button',
  };
  const el = form?.querySelector<HTMLElement>(selector[field] ?? `[name="${field}"]`);
  el?.focus();
}
