// Paydesk's own pay page for a Razorpay Order (/pay/<paydesk id>): Razorpay gives an order no page of its
// own, its Checkout.js runs on the merchant's page. This is that page, so an order can be shared as a link.
// HTML only: what it shows is escaped, what the script needs travels in one data attribute (no inline
// script, no inline handler), and its CSP allows scripts from itself and the checkout's origin only.
import type { Payment } from '../../../shared/contract';
import { formatMoney } from '../../../shared/money';
import type { CheckoutScript } from '../gateways/ports/checkout';

export const PAY_SCRIPT_PATH = '/pay/assets/pay.js';

const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
const money = (p: Payment): string => formatMoney(p.amountMinor, p.currency, p.currency === 'INR' ? 'en-IN' : 'en-US');

const STYLE = 'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f7f9;color:#1d2433;display:grid;place-items:center;min-height:100vh}'
  + 'main{background:#fff;border:1px solid #e3e6eb;border-radius:12px;padding:32px 36px;width:min(420px,calc(100vw - 32px));box-sizing:border-box;text-align:center}'
  + 'h1{font-size:20px;margin:0 0 4px}p{margin:0;color:#4a5366}p.amount{font-size:32px;font-weight:700;margin:12px 0 4px;color:inherit}'
  + 'dl{display:grid;grid-template-columns:auto 1fr;gap:4px 12px;margin:16px 0 0;text-align:left;font-size:14px}dt{color:#6b7385}dd{margin:0;text-align:right;word-break:break-all}'
  + 'button{margin-top:22px;width:100%;padding:12px 16px;border:0;border-radius:8px;background:#2454d6;color:#fff;font:600 16px system-ui,sans-serif;cursor:pointer}'
  + 'button:disabled{opacity:.6;cursor:default}.note{margin-top:14px;font-size:14px}.note:empty{margin:0}.note.bad{color:#b42318}'
  + '@media (prefers-color-scheme: dark){body{background:#111318;color:#e8eaf0}main{background:#1a1d24;border-color:#2c313c}p,dt{color:#a9b0bf}}';

function doc(title: string, inner: string, scripts = ''): string {
  return '<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">'
    + `<meta name="robots" content="noindex"><title>${esc(title)}</title><style>${STYLE}</style>${scripts}</head><body><main>${inner}</main></body></html>`;
}

/** What the page shows and the script passes to Checkout: nothing secret (the key id is public by design). */
export interface PayView {
  payment: Payment;
  shopName: string;
  keyId: string;
  script: CheckoutScript;
}

function details(p: Payment): string {
  const rows: Array<[string, string]> = [['Order', p.orderRef]];
  if (p.customerName) rows.push(['Billed to', p.customerName]);
  return `<dl>${rows.map(([k, v]) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`).join('')}</dl>`;
}

export function payPage(v: PayView): string {
  const p = v.payment;
  const config = {
    key: v.keyId, orderId: p.gatewayIds.orderId, amount: p.amountMinor, currency: p.currency, name: v.shopName,
    description: p.description ?? `Order ${p.orderRef}`, verifyUrl: `/pay/${p.id}/verify`,
    prefill: { name: p.customerName ?? '', email: p.customerEmail ?? '', contact: p.customerPhone ?? '' },
  };
  const scripts = `<script src="${esc(v.script.src)}" defer></script><script src="${PAY_SCRIPT_PATH}" defer></script>`;
  return doc(`Pay ${money(p)} to ${v.shopName}`, `<h1>${esc(v.shopName)}</h1><p>${esc(p.description ?? 'Payment for your order')}</p>`
    + `<p class="amount" data-testid="amount">${esc(money(p))}</p>${details(p)}`
    + `<div id="pay" data-config="${esc(JSON.stringify(config))}"><button type="button" id="pay-button">Pay ${esc(money(p))}</button>`
    + '<p class="note" id="pay-note" role="status" aria-live="polite"></p></div>', scripts);
}

export function statusPage(title: string, lead: string): string {
  return doc(title, `<h1>${esc(title)}</h1><p>${esc(lead)}</p>`);
}

/** The pay page's policy: itself and the checkout's origins, nothing else; never framed. */
export function payCsp(script: CheckoutScript | null): string {
  const list = (xs: string[] | undefined): string => (xs?.length ? ` ${xs.join(' ')}` : '');
  return [
    "default-src 'none'",
    `script-src 'self'${list(script?.scriptOrigins)}`,
    `frame-src${list(script?.frameOrigins) || " 'none'"}`,
    `connect-src 'self'${list(script?.connectOrigins)}`,
    `img-src 'self' data:${list(script?.imgOrigins)}`,
    // Checkout.js adds its own style elements; styles cannot run code
    "style-src 'unsafe-inline'",
    "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
  ].join('; ');
}

