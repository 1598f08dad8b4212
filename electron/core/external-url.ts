// The URL policy of the Electron shell, as pure functions so it is unit-testable without Electron.
// Every decision parses the URL with `new URL` and compares exact protocol, host and port: never
// `includes` / `startsWith` on the raw string (see STYLE.md, Actual's trusted-url.ts).
// Used by electron/security.ts (navigation, window-open) and electron/ipc.ts (the sender check).

/** The renderer's origin: `app://paydesk/`, served by electron/protocol.ts. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'paydesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True when `raw` is a page of the app itself: `app://paydesk/...`, no credentials, no port. */
export function isAppUrl(raw: unknown): boolean {
  const url = parse(raw);
  if (!url) return false;
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

/**
 * The gateways' own websites, matched as exact hosts (never as a suffix): their dashboards and docs, their
 * hosted checkout and payment-link pages. Everything a merchant reaches from Paydesk's screens lives here.
 */
export const GATEWAY_HOSTS: readonly string[] = [
  // Stripe: dashboard, docs, Checkout Sessions, Payment Links
  'stripe.com',
  'dashboard.stripe.com',
  'docs.stripe.com',
  'support.stripe.com',
  'checkout.stripe.com',
  'buy.stripe.com',
  // Razorpay: dashboard, docs, Payment Links (short links and hosted pages), Checkout
  'razorpay.com',
  'dashboard.razorpay.com',
  'rzp.io',
  'pages.razorpay.com',
  'api.razorpay.com',
  'checkout.razorpay.com',
];
const GATEWAY_HOST_SET: ReadonlySet<string> = new Set(GATEWAY_HOSTS);

export interface ExternalUrlPolicy {
  /** the embedded Paydesk Sandbox's port on 127.0.0.1, or null when it does not run */
  sandboxPort?: number | null;
  /** hosts an owner added in Settings (lower-case hostnames): https pages on exactly these hosts */
  ownerHosts?: readonly string[];
  /** whether this exact URL is a payment link Paydesk made (a gateway may serve one from a custom domain) */
  isPaydeskLink?: (url: string) => boolean;
}

/**
 * May this URL be handed to the system browser (shell.openExternal)? Only:
 * - https on a gateway's own host (GATEWAY_HOSTS) or a host an owner added, on the default port;
 * - https that is, exactly, a payment link Paydesk made;
 * - http on 127.0.0.1 / localhost AND only on the running sandbox's port (its hosted checkout pages).
 * A URL with credentials (`https://user:pw@host`) is refused, and so is everything else: other hosts,
 * lookalikes (`stripe.com.evil.example`), javascript:, file:, data:, app:, custom schemes, other http.
 */
export function isAllowedExternalUrl(raw: unknown, policy: ExternalUrlPolicy = {}): boolean {
  const url = parse(raw);
  if (!url) return false;
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.hostname !== '' && (isListedHost(url, policy) || isLink(url, policy));
  if (url.protocol === 'http:') {
    const port = policy.sandboxPort;
    if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535) return false;
    // url.port is '' for the default port 80; the sandbox never runs there, so '' never matches.
    return LOOPBACK_HOSTS.has(url.hostname) && url.port === String(port);
  }
  return false;
}

/** A gateway's or an owner-added host, compared whole with the parsed (lower-cased, punycoded) hostname. */
function isListedHost(url: URL, policy: ExternalUrlPolicy): boolean {
  if (url.port !== '') return false;
  return GATEWAY_HOST_SET.has(url.hostname) || (policy.ownerHosts ?? []).includes(url.hostname);
}

function isLink(url: URL, policy: ExternalUrlPolicy): boolean {
  if (!policy.isPaydeskLink) return false;
  try {
    return policy.isPaydeskLink(url.href);
  } catch {
    return false; // the store could not answer (closing, busy): refuse rather than guess
  }
}
