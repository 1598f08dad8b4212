// Money is integer minor units plus an ISO 4217 currency. The exponent says how many minor units
// make a major one (JPY 0, USD 2, KWD 3). No floating point anywhere in this file.

const EXPONENTS: Readonly<Record<string, number>> = {
  // zero-decimal
  BIF: 0, CLP: 0, DJF: 0, GNF: 0, JPY: 0, KMF: 0, KRW: 0, MGA: 0, PYG: 0, RWF: 0, UGX: 0, VND: 0, VUV: 0, XAF: 0, XOF: 0, XPF: 0, ISK: 0,
  // three-decimal
  BHD: 3, JOD: 3, KWD: 3, OMR: 3, TND: 3, IQD: 3, LYD: 3,
  // two-decimal (the common ones; any other known ISO code below is two-decimal as well)
  USD: 2, EUR: 2, GBP: 2, INR: 2, AUD: 2, CAD: 2, SGD: 2, AED: 2, CHF: 2, CNY: 2, HKD: 2, NZD: 2, SEK: 2, NOK: 2, DKK: 2,
  PLN: 2, CZK: 2, HUF: 2, MXN: 2, BRL: 2, ZAR: 2, MYR: 2, THB: 2, PHP: 2, IDR: 2, LKR: 2, NPR: 2, BDT: 2, PKR: 2, SAR: 2,
  QAR: 2, EGP: 2, NGN: 2, KES: 2, TRY: 2, ILS: 2, RON: 2, BGN: 2, TWD: 2, MUR: 2, MVR: 2,
};

export const CURRENCIES: readonly string[] = Object.keys(EXPONENTS).sort();

export function isKnownCurrency(code: string): boolean {
  return Object.prototype.hasOwnProperty.call(EXPONENTS, code.toUpperCase());
}

/** Number of minor-unit digits of a currency. Throws on an unknown currency: guessing would misprice. */
export function currencyExponent(code: string): number {
  const exp = EXPONENTS[code.toUpperCase()];
  if (exp === undefined) throw new RangeError(`Unknown currency "${code}"`);
  return exp;
}

export type ParseAmountResult =
  | { ok: true; minor: number }
  | { ok: false; reason: string };

/** Digits grouped in threes (1,234,567) or the Indian way, lakh and crore (12,34,567): both read the same. */
const GROUPED = /^(?:\d{1,3}(?:,\d{3})+|\d{1,2}(?:,\d{2})*,\d{3})$/;
const AMOUNT = /^([\d,]*)(?:\.(\d*))?$/;

const symbolCache = new Map<string, string>();
/** The short sign of a currency as people type it: "₹" for INR, "$" for USD, "¥" for JPY; the code when it has none. */
export function currencySymbol(code: string): string {
  let sym = symbolCache.get(code);
  if (sym === undefined) {
    const parts = new Intl.NumberFormat('en', { style: 'currency', currency: code, currencyDisplay: 'narrowSymbol' }).formatToParts(1);
    sym = parts.find((p) => p.type === 'currency')?.value ?? code;
    symbolCache.set(code, sym);
  }
  return sym;
}

/** Other ways people write a currency's sign before an amount. */
const EXTRA_MARKS: Readonly<Record<string, readonly string[]>> = { INR: ['Rs.', 'Rs'] };

/** The text without the currency's own sign or code before or after it ("₹1,00,000", "INR 500", "12 USD"); null when another sign is there. */
function withoutCurrency(s: string, code: string): string | null {
  const marks = [code, currencySymbol(code), ...(EXTRA_MARKS[code] ?? [])].sort((a, b) => b.length - a.length);
  let t = s;
  const upper = () => t.toUpperCase();
  const before = marks.find((m) => upper().startsWith(m.toUpperCase()));
  if (before) t = t.slice(before.length).trimStart();
  else {
    const after = marks.find((m) => upper().endsWith(m.toUpperCase()));
    if (after) t = t.slice(0, -after.length).trimEnd();
  }
  return /^[^\d\s.,]{1,4}\s*[\d.,]+$/.test(t) || /^[\d.,]+\s*[^\d\s.,]{1,4}$/.test(t) ? null : t;
}

const decimalsExample = (code: string) => amountExample(code).replace(/,/g, '');

/** Why `s` is not an amount, or its whole and fraction digits. */
function splitAmount(s: string, code: string): { whole: string; frac: string } | { reason: string } {
  const m = AMOUNT.exec(s);
  if (!m || (m[1] === '' && !m[2])) {
    return /^\d{1,3}(?:\.\d{3})+(?:,\d+)?$/.test(s)
      ? { reason: `Write the amount with a point before the decimals and commas only between thousands, e.g. ${amountExample(code)}` }
      : { reason: `Write the amount in digits, e.g. ${amountExample(code)} or ${decimalsExample(code)}` };
  }
  const whole = m[1] ?? '';
  if (whole.includes(',') && !GROUPED.test(whole)) {
    return /^\d+,\d{1,2}$/.test(whole) && m[2] === undefined
      ? { reason: `Use a point before the decimals of the amount (e.g. ${whole.replace(',', '.')}): commas only group digits` }
      : { reason: 'Check the commas in the amount: group the digits as 1,234,567 or in lakhs as 12,34,567, or leave the commas out' };
  }
  return { whole: whole.replace(/,/g, '') || '0', frac: m[2] ?? '' };
}

/**
 * Parses an amount as a person types or pastes it ("1,234.50", "1,00,000.50", "1234.5", "₹ 500") into minor
 * units of `currency`. The point is the decimal separator; commas group digits in threes or the Indian way.
 * Every refusal is a sentence about the amount, fit to show at the field.
 */
export function parseAmount(text: string, currency: string): ParseAmountResult {
  if (!isKnownCurrency(currency)) return { ok: false, reason: `${currency} is not a supported currency` };
  const code = currency.toUpperCase();
  const exp = currencyExponent(code);
  const typed = text.trim();
  if (typed === '') return { ok: false, reason: 'Enter an amount' };
  if (typed.startsWith('-') || typed.startsWith('−')) return { ok: false, reason: 'The amount must be more than zero' };
  const s = withoutCurrency(typed, code);
  if (s === null) return { ok: false, reason: `The amount has another currency's sign, and this amount is in ${code}: leave the sign out, or choose the currency` };
  if (s === '') return { ok: false, reason: 'Enter an amount' };
  const parts = splitAmount(s, code);
  if ('reason' in parts) return { ok: false, reason: parts.reason };
  const { whole, frac } = parts;
  if (frac.length > exp) {
    return {
      ok: false,
      reason: exp === 0
        ? `${code} has no decimals: enter a whole amount, e.g. ${amountExample(code)}`
        : `An amount in ${code} has at most ${exp} decimals, e.g. ${amountExample(code)}`,
    };
  }
  const digits = (whole + frac.padEnd(exp, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return { ok: false, reason: 'The amount is too large' };
  const minor = Number(digits);
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: 'The amount is too large' };
  if (minor === 0) return { ok: false, reason: 'The amount must be more than zero' };
  return { ok: true, minor };
}

/** An amount as the form takes it, in the currency's grouping: "1,00,000.50" (INR), "1,234.50" (USD), "1,500" (JPY); or plain digits. */
export function amountExample(currency: string, grouped = true): string {
  const code = currency.toUpperCase();
  const exp = isKnownCurrency(code) ? currencyExponent(code) : 2;
  const base = code === 'INR' ? 100_000 : exp === 0 ? 1_500 : 1_234;
  const frac = exp === 0 ? '' : `.${'50'.padEnd(exp, '0')}`;
  const whole = grouped ? new Intl.NumberFormat(moneyLocale(code, 'en-US'), { useGrouping: true }).format(base) : String(base);
  return whole + frac;
}

/**
 * The locale whose digit grouping a currency is written with. Rupee amounts are grouped in lakhs and crores
 * (₹9,99,999.99) wherever they are read; other currencies follow the reader's locale.
 */
export function moneyLocale(currency: string, locale: string): string {
  return currency.toUpperCase() === 'INR' && !/-IN$/i.test(locale) ? 'en-IN' : locale;
}

const POW10 = [1, 10, 100, 1000] as const;

/** Minor units as a plain decimal string with exactly the currency's exponent: 123450 USD -> "1234.50", -5 KWD -> "-0.005".
 *  Hot in the CSV export (several calls per row), so it is integer arithmetic with no intermediate strings to slice. */
export function toMajorString(minor: number, currency: string): string {
  if (!Number.isSafeInteger(minor)) throw new RangeError(`Not an integer amount: ${minor}`);
  const exp = EXPONENTS[currency] ?? currencyExponent(currency);
  if (exp === 0) return String(minor);
  const scale = POW10[exp as 1 | 2 | 3];
  const abs = minor < 0 ? -minor : minor;
  const whole = Math.floor(abs / scale);
  const frac = String(abs - whole * scale);
  return `${minor < 0 ? '-' : ''}${whole}.${frac.length === exp ? frac : '0'.repeat(exp - frac.length) + frac}`;
}

// Intl formatters are costly to build and formatMoney runs for every visible table cell: build each once.
const currencyFormats = new Map<string, Intl.NumberFormat>();

/**
 * Minor units for display, with grouping and the currency symbol, e.g. "₹1,00,000.50", "$1,234.50", "¥1,235",
 * "KWD 1.500". Intl receives the exact decimal string (never a float), with the currency's own exponent.
 */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const code = currency.toUpperCase();
  const exp = currencyExponent(code);
  const loc = moneyLocale(code, locale);
  let nf = currencyFormats.get(`${loc}|${code}`);
  if (!nf) {
    nf = new Intl.NumberFormat(loc, { style: 'currency', currency: code, minimumFractionDigits: exp, maximumFractionDigits: exp });
    currencyFormats.set(`${loc}|${code}`, nf);
  }
  // a numeric string is formatted as the exact decimal it spells (Intl.NumberFormat v3)
  return nf.format(toMajorString(minor, code) as unknown as number);
}
