// Where the shop is, as far as Paydesk can tell without asking: the country of its time zone (Settings →
// Reports, which follows the machine's until changed) or of its locale. It decides what a shop expects by
// default: the currency of a new link, and the country code of a phone number typed without one.
import { getCountryCallingCode, getExampleNumber, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js/min';
import examples from 'libphonenumber-js/mobile/examples';
import type { Gateway } from './gateways';

/** ISO 3166 country of the time zones shops most often run in; a zone not listed tells nothing. */
const ZONE_COUNTRY: Readonly<Record<string, string>> = {
  'Asia/Kolkata': 'IN', 'Asia/Calcutta': 'IN', 'Asia/Colombo': 'LK', 'Asia/Kathmandu': 'NP', 'Asia/Dhaka': 'BD', 'Asia/Karachi': 'PK',
  'Asia/Dubai': 'AE', 'Asia/Riyadh': 'SA', 'Asia/Qatar': 'QA', 'Asia/Kuwait': 'KW', 'Asia/Bahrain': 'BH', 'Asia/Muscat': 'OM',
  'Asia/Singapore': 'SG', 'Asia/Kuala_Lumpur': 'MY', 'Asia/Bangkok': 'TH', 'Asia/Jakarta': 'ID', 'Asia/Manila': 'PH',
  'Asia/Hong_Kong': 'HK', 'Asia/Tokyo': 'JP', 'Asia/Seoul': 'KR', 'Asia/Shanghai': 'CN', 'Asia/Taipei': 'TW',
  'Europe/London': 'GB', 'Europe/Dublin': 'IE', 'Europe/Paris': 'FR', 'Europe/Berlin': 'DE', 'Europe/Madrid': 'ES', 'Europe/Rome': 'IT',
  'Europe/Amsterdam': 'NL', 'Europe/Brussels': 'BE', 'Europe/Vienna': 'AT', 'Europe/Lisbon': 'PT', 'Europe/Helsinki': 'FI',
  'Europe/Zurich': 'CH', 'Europe/Stockholm': 'SE', 'Europe/Oslo': 'NO', 'Europe/Copenhagen': 'DK', 'Europe/Warsaw': 'PL',
  'America/New_York': 'US', 'America/Chicago': 'US', 'America/Denver': 'US', 'America/Phoenix': 'US', 'America/Los_Angeles': 'US',
  'America/Anchorage': 'US', 'Pacific/Honolulu': 'US', 'America/Toronto': 'CA', 'America/Vancouver': 'CA', 'America/Mexico_City': 'MX',
  'America/Sao_Paulo': 'BR', 'Australia/Sydney': 'AU', 'Australia/Melbourne': 'AU', 'Australia/Perth': 'AU', 'Australia/Brisbane': 'AU',
  'Pacific/Auckland': 'NZ', 'Africa/Johannesburg': 'ZA', 'Africa/Nairobi': 'KE', 'Africa/Lagos': 'NG', 'Africa/Cairo': 'EG',
  'Indian/Mauritius': 'MU', 'Indian/Maldives': 'MV',
};

const EURO = ['AT', 'BE', 'DE', 'ES', 'FI', 'FR', 'IE', 'IT', 'NL', 'PT'];
/** the currency a shop in each country charges in */
const COUNTRY_CURRENCY: Readonly<Record<string, string>> = {
  IN: 'INR', LK: 'LKR', NP: 'NPR', BD: 'BDT', PK: 'PKR', AE: 'AED', SA: 'SAR', QA: 'QAR', KW: 'KWD', BH: 'BHD', OM: 'OMR',
  SG: 'SGD', MY: 'MYR', TH: 'THB', ID: 'IDR', PH: 'PHP', HK: 'HKD', JP: 'JPY', KR: 'KRW', CN: 'CNY', TW: 'TWD',
  GB: 'GBP', CH: 'CHF', SE: 'SEK', NO: 'NOK', DK: 'DKK', PL: 'PLN', US: 'USD', CA: 'CAD', MX: 'MXN', BR: 'BRL',
  AU: 'AUD', NZ: 'NZD', ZA: 'ZAR', KE: 'KES', NG: 'NGN', EG: 'EGP', MU: 'MUR', MV: 'MVR',
  ...Object.fromEntries(EURO.map((c) => [c, 'EUR'])),
};

/** A gateway's home: a Razorpay account belongs to an Indian business and settles in rupees. */
const GATEWAY_COUNTRY: Readonly<Partial<Record<Gateway, string>>> = { razorpay: 'IN' };

export function countryOfTimeZone(timeZone: string | null | undefined): string | null {
  return (timeZone && ZONE_COUNTRY[timeZone]) || null;
}

/** "en-IN" -> "IN"; a locale without a region ("en") tells nothing */
export function countryOfLocale(locale: string | null | undefined): string | null {
  const m = /^[a-z]{2,3}(?:[-_][A-Za-z]{4})?[-_]([A-Z]{2})\b/i.exec(locale ?? '');
  return m ? m[1]!.toUpperCase() : null;
}

export const currencyOfCountry = (country: string | null): string | null => (country && COUNTRY_CURRENCY[country]) || null;

/** The one country a currency belongs to (INR -> IN); null for a currency of many (EUR). */
export function countryOfCurrency(currency: string): string | null {
  const code = currency.toUpperCase();
  if (code === 'EUR') return null;
  return Object.keys(COUNTRY_CURRENCY).find((c) => COUNTRY_CURRENCY[c] === code) ?? null;
}

export interface ShopPlace {
  /** the shop's IANA time zone (Settings → Reports) */
  timeZone?: string | null | undefined;
  /** the shop's locale (the machine's language), e.g. "en-IN" */
  locale?: string | null | undefined;
}

/** The shop's country: its time zone first (set on purpose, or the machine's), then its locale's region. */
export function shopCountry(place: ShopPlace): string | null {
  return countryOfTimeZone(place.timeZone) ?? countryOfLocale(place.locale);
}

/**
 * The country of a phone number typed without a country code: the shop's time zone's, else the account's
 * (Razorpay: India), else the one country of the link's currency, else the locale's (a weak sign: many
 * machines keep en-US wherever they are). Null: the number must carry its code.
 */
export function phoneCountry(place: ShopPlace, gateway: Gateway, currency: string): string | null {
  return countryOfTimeZone(place.timeZone) ?? GATEWAY_COUNTRY[gateway] ?? countryOfCurrency(currency) ?? countryOfLocale(place.locale);
}

/**
 * The currency a new link starts with, among those the gateway takes: a Razorpay account's rupees; else
 * the shop's own currency; else USD (Stripe's widest).
 */
export function defaultLinkCurrency(gateway: Gateway, accepted: readonly string[], place: ShopPlace): string {
  const candidates = [currencyOfCountry(GATEWAY_COUNTRY[gateway] ?? null), currencyOfCountry(shopCountry(place)), 'USD'];
  return candidates.find((c): c is string => c !== null && accepted.includes(c)) ?? accepted[0] ?? 'USD';
}

export type ParsePhoneResult = { ok: true; e164: string; display: string } | { ok: false; reason: string };

/** "+91 98765 43210": how a mobile number of that country looks */
export function phoneExample(country: string | null): string {
  return (country && getExampleNumber(country as CountryCode, examples)?.formatInternational()) || '+91 98765 43210';
}

/** "+91" for IN; null for a country the phone metadata does not know */
export function callingCode(country: string | null): string | null {
  try {
    return country ? `+${getCountryCallingCode(country as CountryCode)}` : null;
  } catch {
    return null;
  }
}

/**
 * A phone number in E.164 ("+919876500000") however it was typed: "98765 00000", "098765 00000" and
 * "+91 98765-00000" are one number. Without a country code it is read as a number of `country`.
 */
export function parsePhone(typed: string, country: string | null): ParsePhoneResult {
  const cc = country && callingCode(country) ? (country as CountryCode) : undefined;
  const example = phoneExample(cc ?? null);
  const t = typed.trim();
  if (!t.startsWith('+') && !cc) return { ok: false, reason: `Enter the phone number with its country code, such as ${example}` };
  const parsed = parsePhoneNumberFromString(t, cc);
  if (!parsed?.isValid()) {
    return { ok: false, reason: `${t.slice(0, 30)} is not a phone number that exists: check the digits and the country code (e.g. ${example})` };
  }
  return { ok: true, e164: parsed.number, display: parsed.formatInternational() };
}
