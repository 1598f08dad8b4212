// What the New link form says about each kind of link. Which kinds a gateway makes, and how long each may stay
// open, are facts read from shared/gateways.ts; only the words are here, keyed by kind, so the form never
// copies a gateway's limits.
import { GATEWAY_LIMITS, gatewayLabel, type ExpiryWindow, type Gateway, type LinkKind } from '../../../../shared/gateways';

export type ExpiryChoice = 'default' | 'none' | '30m' | '1h' | '6h' | '24h' | '7d' | '30d' | 'custom';
export const EXPIRY_MINUTES: Partial<Record<ExpiryChoice, number>> = { '30m': 30, '1h': 60, '6h': 360, '24h': 1440, '7d': 7 * 1440, '30d': 30 * 1440 };

interface KindWording {
  label: string;
  /** under the kind picker; a kind two gateways make may read differently for each */
  hint(gateway: Gateway): string;
  /** the choices of the expiry select, the first being the default; shown only when the kind has an expiry window */
  expiryChoices: { value: ExpiryChoice; label: string }[];
  /** under a custom expiry time */
  customHint(w: ExpiryWindow): string;
  /** in place of the expiry select, when the kind has no expiry window */
  noExpiry: string;
}

/** 30 -> "30 minutes", 1440 -> "24 hours" */
function span(minutes: number): string {
  return minutes % 60 === 0 ? `${minutes / 60} hours` : `${minutes} minutes`;
}

/** the two gateways' Payment Links differ in what the merchant should know first */
const PAYMENT_LINK_HINT: Record<Gateway, string> = {
  stripe: 'A reusable link: every customer who opens it can pay. It stays open until you cancel it.',
  razorpay: `A link ${gatewayLabel('razorpay')} hosts; cards, UPI, netbanking and wallets.`,
};

const KIND_WORDING: Record<LinkKind, KindWording> = {
  checkout_session: {
    label: 'Checkout Session',
    hint: (g) => `One payment for this order. Expires within ${span(GATEWAY_LIMITS[g].expiry.checkout_session?.max ?? 24 * 60)}.`,
    // the longest window first: a Checkout Session always expires, and the longest is its default
    expiryChoices: [
      { value: '24h', label: 'In 24 hours (longest)' },
      { value: '6h', label: 'In 6 hours' },
      { value: '1h', label: 'In 1 hour' },
      { value: '30m', label: 'In 30 minutes (shortest)' },
      { value: 'custom', label: 'At a time I choose…' },
    ],
    customHint: (w) => `Between ${span(w.min)} and ${span(w.max)} from now.`,
    noExpiry: 'A Checkout Session doesn’t expire.',
  },
  payment_link: {
    label: 'Payment Link',
    hint: (g) => PAYMENT_LINK_HINT[g],
    // no expiry first: where a Payment Link may expire, it does not unless asked
    expiryChoices: [
      { value: 'none', label: 'Never' },
      { value: '1h', label: 'In 1 hour' },
      { value: '24h', label: 'In 24 hours' },
      { value: '7d', label: 'In 7 days' },
      { value: '30d', label: 'In 30 days' },
      { value: 'custom', label: 'At a time I choose…' },
    ],
    customHint: (w) => `At least ${span(w.min)} from now.`,
    noExpiry: 'A Payment Link doesn’t expire: cancel it when you no longer want payments.',
  },
  order: {
    label: 'Order',
    hint: () => 'An order paid on the hosted checkout page. Orders don’t expire.',
    expiryChoices: [],
    customHint: (w) => `At least ${span(w.min)} from now.`,
    noExpiry: 'An order doesn’t expire.',
  },
};

export function kindWording(kind: LinkKind): KindWording {
  return KIND_WORDING[kind];
}

/** the kinds the gateway makes, in its order (the first is the default), with their words */
export function kindOptions(gateway: Gateway): { value: LinkKind; label: string; hint: string }[] {
  return GATEWAY_LIMITS[gateway].kinds.map((k) => ({ value: k, label: KIND_WORDING[k].label, hint: KIND_WORDING[k].hint(gateway) }));
}

/** the expiry choices for this kind on this gateway; none when the kind does not expire there */
export function expiryOptions(kind: LinkKind, gateway: Gateway): { value: ExpiryChoice; label: string }[] {
  return GATEWAY_LIMITS[gateway].expiry[kind] ? KIND_WORDING[kind].expiryChoices : [];
}

/** the hint under a custom expiry time, from the kind's window */
export function customExpiryHint(kind: LinkKind, gateway: Gateway): string | undefined {
  const w = GATEWAY_LIMITS[gateway].expiry[kind];
  return w ? KIND_WORDING[kind].customHint(w) : undefined;
}

/** what the gateway sends the customer when the link asks it to notify: Razorpay sends the link itself too */
export const NOTIFY_SENDS: Record<Gateway, string> = { stripe: 'its receipt', razorpay: 'its receipt and the link' };

/** The currency the form starts with: a UI preference, each gateway's home currency. */
const HOME_CURRENCY: Record<Gateway, string> = { stripe: 'USD', razorpay: 'INR' };
const POPULAR = ['USD', 'EUR', 'GBP', 'INR'];

export const defaultCurrency = (gateway: Gateway): string => HOME_CURRENCY[gateway];

/** the gateway's currencies, the common ones first (its home currency leading) */
export function currencyGroups(gateway: Gateway): { top: string[]; rest: string[] } {
  const all = GATEWAY_LIMITS[gateway].currencies;
  const home = HOME_CURRENCY[gateway];
  const top = [home, ...POPULAR.filter((c) => c !== home)].filter((c) => all.includes(c));
  return { top, rest: all.filter((c) => !top.includes(c)).sort() };
}
