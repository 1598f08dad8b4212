// Razorpay webhooks are set up by hand in the Razorpay Dashboard (the webhook API is Partner-only),
// and Razorpay refuses some URLs: ngrok.io, loca.lt, localhost, *.local, and ports other than 80/443
// (GATEWAYS.md §0, [V]). checkRazorpayWebhookUrl says so in words before the merchant tries, and
// recommends what works.
import type { WebhookUrlCheck, WebhookUrlContext, WebhookUrlWarning } from '../ports/webhooks';

/** The events to tick in Razorpay Dashboard → Webhooks (GATEWAYS.md §2). */
export const RAZORPAY_WEBHOOK_EVENTS = [
  'payment.authorized',
  'payment.captured',
  'payment.failed',
  'order.paid',
  'refund.created',
  'refund.processed',
  'refund.failed',
  'refund.speed_changed',
  'payment_link.paid',
  'payment_link.partially_paid',
  'payment_link.cancelled',
  'payment_link.expired',
  'payment.dispute.created',
  'payment.dispute.won',
  'payment.dispute.lost',
  'payment.dispute.closed',
  'settlement.processed',
] as const;

const RECOMMEND = 'Use a reserved ngrok domain (a stable name on your own ngrok account, for example shop-paydesk.ngrok.app) or a URL you run yourself on port 443, then paste that URL into the Razorpay Dashboard.';

const endsWithDomain = (host: string, domain: string): boolean => host === domain || host.endsWith(`.${domain}`);

/** ngrok's own domains that are not on Razorpay's refused list (GATEWAYS.md marks this [U]). */
const NEWER_NGROK_DOMAINS = ['ngrok-free.app', 'ngrok-free.dev', 'ngrok.app', 'ngrok.dev', 'ngrok.pizza'];

const isIpAddress = (host: string): boolean => /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || host.startsWith('[');

const isPrivateIpv4 = (host: string): boolean => {
  const m = /^(\d{1,3})\.(\d{1,3})\.\d{1,3}\.\d{1,3}$/.exec(host);
  if (!m) return false;
  const a = Number(m[1]);
  const b = Number(m[2]);
  return a === 10 || a === 127 || (a === 172 && b >= 16 && b <= 31) || (a === 192 && b === 168) || (a === 169 && b === 254) || a === 0;
};

/** Pure: what Razorpay will think of this webhook URL. */
export function checkRazorpayWebhookUrl(url: string, ctx: WebhookUrlContext = {}): WebhookUrlCheck {
  const warnings: WebhookUrlWarning[] = [];
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return { ok: false, warnings: [{ code: 'invalid_url', message: 'This is not a valid URL.', blocking: true }], recommendation: RECOMMEND };
  }
  const host = u.hostname.toLowerCase().replace(/\.$/, '');
  const block = (code: string, message: string): void => { warnings.push({ code, message, blocking: true }); };
  const caution = (code: string, message: string): void => { warnings.push({ code, message, blocking: false }); };

  if (u.protocol !== 'https:' && u.protocol !== 'http:') {
    block('scheme', 'Razorpay only calls http:// or https:// URLs.');
  } else if (u.protocol === 'http:') {
    caution('not_https', 'This URL is plain http: payment events would cross the internet unencrypted. Use an https URL.');
  }

  if (host === 'localhost' || endsWithDomain(host, 'localhost')) {
    block('localhost', 'Razorpay refuses localhost URLs: they only exist on this computer.');
  } else if (endsWithDomain(host, 'local')) {
    block('dot_local', 'Razorpay refuses .local URLs: they only exist on your local network.');
  } else if (endsWithDomain(host, 'ngrok.io')) {
    block('ngrok_io', 'Razorpay refuses ngrok.io URLs.');
  } else if (endsWithDomain(host, 'loca.lt')) {
    block('loca_lt', 'Razorpay refuses loca.lt (localtunnel) URLs.');
  } else if (isIpAddress(host)) {
    if (host.startsWith('[') || isPrivateIpv4(host)) block('private_ip', 'This address is private to this computer or your network; Razorpay cannot reach it.');
    else caution('ip_address', 'This URL is a bare IP address; a domain name with an HTTPS certificate is more reliable.');
  }

  // URL.port is '' for the scheme's default port
  if (u.port !== '' && u.port !== '443' && u.port !== '80') {
    block('port', `Razorpay only calls ports 443 and 80; this URL uses port ${u.port}.`);
  }

  const ngrokHost = NEWER_NGROK_DOMAINS.some((d) => endsWithDomain(host, d));
  if (ctx.ephemeral) {
    caution('ephemeral', 'This is a random URL: it changes every time the tunnel restarts, and Razorpay would keep calling the old one until you paste the new URL into the Razorpay Dashboard again.');
  }
  if (ngrokHost) {
    caution('ngrok_unconfirmed', `Razorpay's list of refused URLs names ngrok.io, not ${host.split('.').slice(-2).join('.')}; that it accepts this domain is not confirmed. If Razorpay rejects the URL, use your own URL.`);
  }

  const ok = !warnings.some((w) => w.blocking);
  const needsStableUrl = !ok || warnings.some((w) => w.code === 'ephemeral');
  const recommendation = needsStableUrl ? RECOMMEND : warnings.length > 0 ? 'If Razorpay refuses the URL, use a URL you run yourself with https on port 443.' : null;
  return { ok, warnings, recommendation };
}
