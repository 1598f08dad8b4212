// The pages a customer comes back to after a hosted checkout, when the shop gave no page of its own:
// /pay/done and /pay/cancelled on the listener, so on the public address too (the tunnel forwards there).
// Static text, no script, no external resource, a CSP that allows nothing else; the order reference the
// gateway sends back in the query is shown only when it looks like one, and escaped.
import type { ServerResponse } from 'node:http';

export const RETURN_PATH = /^\/pay\/(done|cancelled)\/?$/;

const REF = /^[\x21-\x7e][\x20-\x7e]{0,44}$/;
const esc = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const CSP = "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function page(title: string, lead: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">`
    + `<meta name="robots" content="noindex"><title>${title}</title><style>`
    + 'body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;background:#f6f7f9;color:#1d2433;display:grid;place-items:center;min-height:100vh}'
    + 'main{background:#fff;border:1px solid #e3e6eb;border-radius:12px;padding:32px 36px;max-width:420px;text-align:center}'
    + 'h1{font-size:22px;margin:0 0 8px}p{margin:0;color:#4a5366}'
    + '@media (prefers-color-scheme: dark){body{background:#111318;color:#e8eaf0}main{background:#1a1d24;border-color:#2c313c}p{color:#a9b0bf}}'
    + `</style></head><body><main><h1>${title}</h1><p>${lead}</p></main></body></html>`;
}

/** The page for `which` ('done' | 'cancelled'), with the order reference from `?ref=` when it is one. */
export function returnPage(which: string, query: URLSearchParams): string {
  const ref = query.get('ref');
  const forOrder = ref && REF.test(ref) ? ` for order ${esc(ref)}` : '';
  return which === 'done'
    ? page('Thank you', `Your payment${forOrder} went through. The shop has been told; you can close this page.`)
    : page('Payment not made', `You left the payment page${forOrder} before paying. Nothing was charged. You can go back to the link you were sent to try again.`);
}

/** An HTML answer with its own CSP, never cached, never sniffed, no referrer (every page under /pay/). */
export function sendHtml(res: ServerResponse, status: number, html: string, csp: string, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': String(Buffer.byteLength(html)),
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  });
  res.end(head ? undefined : html);
}

export function sendReturnPage(res: ServerResponse, which: string, query: URLSearchParams, head: boolean): void {
  sendHtml(res, 200, returnPage(which, query), CSP, head);
}
