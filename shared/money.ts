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

/**
 * Parses an amount as a person types it ("1,234.50", "1234.5", " 12 ") into minor units of `currency`.
 * Grouping commas are allowed only in groups of three; the decimal separator is '.'.
 */
export function parseAmount(text: string, currency: string): ParseAmountResult {
  if (!isKnownCurrency(currency)) return { ok: false, reason: `${currency} is not a supported currency` };
  const exp = currencyExponent(currency);
  const s = text.trim();
  if (s === '') return { ok: false, reason: 'Enter an amount' };
  if (s.startsWith('-')) return { ok: false, reason: 'The amount must be more than zero' };
  const m = /^(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d*))?$/.exec(s) ?? /^()\.(\d+)$/.exec(s);
  if (!m) return { ok: false, reason: 'Use digits with an optional decimal point, e.g. 1,234.50' };
  const whole = (m[1] ?? '').replace(/,/g, '') || '0';
  const frac = m[2] ?? '';
  if (frac.length > exp) {
    return {
      ok: false,
      reason: exp === 0 ? `${currency.toUpperCase()} has no decimals` : `${currency.toUpperCase()} has at most ${exp} decimals`,
    };
  }
  const digits = (whole + frac.padEnd(exp, '0')).replace(/^0+(?=\d)/, '');
  if (digits.length > 15) return { ok: false, reason: 'The amount is too large' };
  const minor = Number(digits);
  if (!Number.isSafeInteger(minor)) return { ok: false, reason: 'The amount is too large' };
  if (minor === 0) return { ok: false, reason: 'The amount must be more than zero' };
  return { ok: true, minor };
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
const groupingFormats = new Map<string, Intl.NumberFormat>();
function cached(map: Map<string, Intl.NumberFormat>, key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = map.get(key);
  if (!f) map.set(key, (f = make()));
  return f;
}

/** Minor units for display, with grouping and the currency symbol, e.g. "₹1,234.50", "¥1,235", "KWD 1.500". */
export function formatMoney(minor: number, currency: string, locale = 'en-US'): string {
  const code = currency.toUpperCase();
  const exp = currencyExponent(code);
  const major = toMajorString(minor, code);
  const [intPart = '0', fracPart] = major.replace('-', '').split('.');
  // Intl formats the integer part (grouping + symbol) without ever seeing a float of the fraction.
  const nf = cached(currencyFormats, `${locale}|${code}`, () =>
    new Intl.NumberFormat(locale, { style: 'currency', currency: code, minimumFractionDigits: 0, maximumFractionDigits: 0 }));
  const parts = nf.formatToParts(minor < 0 ? -1 : 1);
  const grouped = cached(groupingFormats, locale, () => new Intl.NumberFormat(locale, { useGrouping: true })).format(BigInt(intPart));
  let out = '';
  for (const p of parts) {
    if (p.type === 'integer') out += grouped + (exp > 0 ? `.${fracPart}` : '');
    else out += p.value;
  }
  return out;
}
