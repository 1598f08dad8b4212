// What the New link form says about each kind of link. Which kinds a gateway makes, and how long each may stay
// open, are facts read from shared/gateways.ts; only the words are here, keyed by kind, so the form never
// copies a gateway's limits.
import { GATEWAY_LIMITS, gatewayLabel, type ExpiryWindow, type Gateway, type LinkKind } from '../../../../shared/gateways';
import { defaultLinkCurrency, type ShopPlace } from '../../../../shared/region';

export type ExpiryChoice = 'default' | 'none' | '30m' | '1h' | '6h' | '24h' | '7d' | '30d' | 'custom';
export const EXPIRY_MINUTES: Partial<Record<ExpiryChoice, number>> = { '30m': 30, '1h': 60, '6h': 360, '24h': 1440, '7d': 7 * 1440, '30d': 30 * 1440 };

interface KindWording {
  /** what the link does, in the merchant's words; a kind two gateways make may do different things */
  label(gateway: Gateway): string;
  /** the gateway's own name for it, shown small beside the label (to match the gateway's dashboard) */
  term(gateway: Gateway): string;
  /** under the kind picker */
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

/** the two gateways' Payment Links do different things: Stripe's is paid by many customers, Razorpay's once */
const PAYMENT_LINK: Record<Gateway, { label: string; hint: string }> = {
  stripe: {
    label: 'Reusable: many customers',
    hint: 'Every customer who opens the link can pay; each payment shows here on its own. It stays open until you cancel it.',
  },
  razorpay: {
    label: 'One customer, one payment',
    hint: `A link for this order, paid once by card, UPI, netbanking or wallet on ${gatewayLabel('razorpay')}’s page.`,
  },
};

const KIND_WORDING: Record<LinkKind, KindWording> = {
  checkout_session: {
    label: () => 'One customer, one payment',
    term: () => 'Checkout Session',
    hint: (g) => `A link for this order, paid once on ${gatewayLabel(g)}’s page. It expires within ${span(GATEWAY_LIMITS[g].expiry.checkout_session?.max ?? 24 * 60)}.`,
    // the longest window first: a Checkout Session always expires, and the longest is its default
    expiryChoices: [
      { value: '24h', label: 'In 24 hours (longest)' },
      { value: '6h', label: 'In 6 hours' },
      { value: '1h', label: 'In 1 hour' },
      { value: '30m', label: 'In 30 minutes (shortest)' },
      { value: 'custom', label: 'At a time I choose…' },
    ],
    customHint: (w) => `Between ${span(w.min)} and ${span(w.max)} from now.`,
    noExpiry: 'This link doesn’t expire.',
  },
  payment_link: {
    label: (g) => PAYMENT_LINK[g].label,
    term: () => 'Payment Link',
    hint: (g) => PAYMENT_LINK[g].hint,
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
    noExpiry: 'A reusable link doesn’t expire: cancel it when you no longer want payments.',
  },
  order: {
    label: () => 'Pay on a checkout page',
    term: () => 'Order',
    hint: (g) => `One payment for this order through ${gatewayLabel(g)} Checkout, on Paydesk’s own pay page (reached through the public address) or on your own website. It doesn’t expire.`,
    expiryChoices: [],
    customHint: (w) => `At least ${span(w.min)} from now.`,
    noExpiry: 'An order doesn’t expire.',
  },
};

export function kindWording(kind: LinkKind): KindWording {
  return KIND_WORDING[kind];
}

/** the kinds the gateway makes, in its order (the first is the default), with their words */
export function kindOptions(gateway: Gateway): { value: LinkKind; label: string; term: string; hint: string }[] {
  return GATEWAY_LIMITS[gateway].kinds.map((k) => {
    const w = KIND_WORDING[k];
    return { value: k, label: w.label(gateway), term: `${gatewayLabel(gateway)} ${w.term(gateway)}`, hint: w.hint(gateway) };
  });
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

const POPULAR = ['USD', 'EUR', 'GBP', 'INR'];

/** The currency the form starts with: the account's (Razorpay: rupees), else the shop's own (its time zone, its locale). */
export const defaultCurrency = (gateway: Gateway, place: ShopPlace): string => defaultLinkCurrency(gateway, GATEWAY_LIMITS[gateway].currencies, place);

/** the gateway's currencies, the common ones first (the form's default leading) */
export function currencyGroups(gateway: Gateway, home: string): { top: string[]; rest: string[] } {
  const all = GATEWAY_LIMITS[gateway].currencies;
  const top = [home, ...POPULAR.filter((c) => c !== home)].filter((c) => all.includes(c));
  return { top, rest: all.filter((c) => !top.includes(c)).sort() };
}
