// What each gateway accepts, in one table read by both the New link form (to guide) and core (to judge).
// A gateway difference that is a fact about the gateway (limits, currencies, link kinds, expiry windows)
// lives here; a difference in how it is called lives in core's adapter for it (electron/core/gateways/).
// [U] marks a figure not checked against the gateway's current docs: the gateway decides.
import { CURRENCIES, currencyExponent } from './money';

/** The one name of the gateway union; the contract's GatewaySchema is built from GATEWAYS. */
export const GATEWAYS = ['stripe', 'razorpay'] as const;
export type Gateway = (typeof GATEWAYS)[number];

export type LinkKind = 'checkout_session' | 'payment_link' | 'order';

export interface ExpiryWindow {
  /** minutes from now */
  min: number;
  max: number;
  /** applied when the merchant picks none; null: the link does not expire unless asked */
  default: number | null;
}

export interface GatewayLimits {
  /** as the merchant reads it */
  label: string;
  currencies: readonly string[];
  /** the smallest amount per charge, in the currency's minor units */
  minMinor(currency: string): number;
  /** the largest amount per charge, in minor units */
  maxMinor: number;
  /** the kinds of link this gateway makes, the first being the default */
  kinds: readonly LinkKind[];
  /** how long each kind may stay open; absent: the kind has no expiry */
  expiry: Partial<Record<LinkKind, ExpiryWindow>>;
}

/**
 * Stripe's minimum charge per currency in minor units (docs.stripe.com/currencies "Minimum and maximum charge
 * amounts"; the equivalent of about USD 0.50). Currencies not listed: 50 minor units, 500 for three-decimal
 * currencies (Stripe charges those in steps of 10, and the sandbox uses the same rule). [U for the fallback]
 */
const STRIPE_MIN_MINOR: Readonly<Record<string, number>> = {
  USD: 50, EUR: 50, GBP: 30, INR: 50, AUD: 50, CAD: 50, CHF: 50, SGD: 50, NZD: 50, BRL: 50, JPY: 50,
  AED: 200, BGN: 100, CZK: 1500, DKK: 250, HKD: 400, HUF: 17500, MXN: 1000, MYR: 200, NOK: 300, PLN: 200, RON: 200, SEK: 300, THB: 1000,
  KWD: 500, BHD: 500, JOD: 500, OMR: 500, TND: 500,
};
/** Stripe supports every currency of shared/money.ts except these [U]. */
const STRIPE_UNSUPPORTED = new Set(['IQD', 'LYD']);

/** Razorpay's supported currencies (razorpay.com/docs/payments/international-payments, the common ones) [U]. INR is the default. */
const RAZORPAY_CURRENCIES: readonly string[] = [
  'INR', 'USD', 'EUR', 'GBP', 'SGD', 'AED', 'AUD', 'CAD', 'CHF', 'HKD', 'JPY', 'MYR', 'NZD', 'SAR', 'QAR', 'SEK', 'DKK', 'NOK',
  'ZAR', 'THB', 'LKR', 'NPR', 'BDT', 'KWD', 'BHD', 'OMR', 'JOD', 'MUR', 'MVR', 'PHP', 'IDR', 'CNY', 'KES', 'EGP', 'TRY', 'ILS',
  'PLN', 'CZK', 'HUF', 'MXN', 'BRL', 'KRW', 'TWD', 'PKR', 'NGN',
];

export const GATEWAY_LIMITS: Readonly<Record<Gateway, GatewayLimits>> = {
  stripe: {
    label: 'Stripe',
    currencies: CURRENCIES.filter((c) => !STRIPE_UNSUPPORTED.has(c)),
    minMinor: (currency) => STRIPE_MIN_MINOR[currency] ?? (currencyExponent(currency) === 3 ? 500 : 50),
    /** at most 8 digits in minor units (99,999,999) per charge */
    maxMinor: 99_999_999,
    kinds: ['checkout_session', 'payment_link'],
    /** Checkout Session expires_at: 30 minutes .. 24 hours (default 24 hours); a Payment Link stays open until deactivated */
    expiry: { checkout_session: { min: 30, max: 24 * 60, default: 24 * 60 } },
  },
  razorpay: {
    label: 'Razorpay',
    currencies: RAZORPAY_CURRENCIES,
    /** at least 100 subunits ("The amount must be atleast INR 1.00") */
    minMinor: () => 100,
    /** a technical cap (INR 50 lakh in paise); each account also has its own per-transaction limit, which Razorpay enforces [U] */
    maxMinor: 500_000_000,
    kinds: ['payment_link', 'order'],
    /** Payment Link expire_by: at least 15 minutes ahead; the sandbox also caps it at 6 months. Orders do not expire. */
    expiry: { payment_link: { min: 15, max: 183 * 24 * 60, default: null } },
  },
};

export const gatewayLabel = (g: Gateway): string => GATEWAY_LIMITS[g].label;
