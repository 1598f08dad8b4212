// Display of money in the merchant's locale. Amounts are integer minor units; the digits come from
// shared/money.ts (no floating point), the locale only chooses grouping and the symbol's place.
import { formatMoney, isKnownCurrency } from '../../../shared/money';

export const merchantLocale = (): string => (typeof navigator !== 'undefined' && navigator.language) || 'en-US';

export function displayMoney(minor: number, currency: string, locale = merchantLocale()): string {
  if (!Number.isSafeInteger(minor) || !isKnownCurrency(currency)) return `${currency.toUpperCase()} ${String(minor)} (minor units)`;
  try {
    return formatMoney(minor, currency, locale);
  } catch {
    return formatMoney(minor, currency, 'en-US');
  }
}
