// Everything the edge listener serves under /pay/: the pages a customer sees, on the public address too
// (the tunnel forwards there). The thank-you and cancelled pages a checkout returns to; and, given the
// payment services, the pay page of a Razorpay Order with its script and its verify call:
//   GET|HEAD /pay/done, /pay/cancelled      return-pages.ts
//   GET|HEAD /pay/assets/pay.js              the pay page's script (pay-script.ts)
//   GET|HEAD /pay/<paydesk id>               the pay page (pay-checkout.ts)
//   POST     /pay/<paydesk id>/verify        JSON, at most 4 KiB: the three fields Checkout returned
// Anything else is 404, another method 405. Customers are anonymous, so requests are counted per minute:
// pages per client (the edge says who: ../api/forwarded.ts), verify calls per payment (a forged signature
// costs one HMAC; a valid one, a gateway call, so a replayed one must not run up the gateway's limits).
// When the counters are full the least recently counted key is forgotten: made-up clients or ids must not
// lock real customers out.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { memoryRateCounters } from '../api/throttle';
import { BodyTooLargeError, closeAfterResponse, readBody } from '../http-limits';
import { sendNotFound, servePayPage, verifyFromPage, type PayDeps } from './pay-checkout';
import { PAY_SCRIPT_PATH } from './pay-page';
import { PAY_SCRIPT } from './pay-script';
import { RETURN_PATH, sendReturnPage } from './return-pages';

/** `client`: who sent the request, as the edge tells it (the socket address when omitted) */
export type PayRoutes = (req: IncomingMessage, res: ServerResponse, client?: string) => void;
export type { PayDeps } from './pay-checkout';

export const VERIFY_MAX_BYTES = 4 * 1024;
const PAGE = /^\/pay\/(pd_[A-Za-z0-9]{1,64})\/?$/;
const VERIFY = /^\/pay\/(pd_[A-Za-z0-9]{1,64})\/verify$/;

export interface PayRouteLimits {
  /** page and script requests per client address per minute */
  pagesPerMinute: number;
  /** verify calls per payment per minute */
  verifyPerPayment: number;
}

export const DEFAULT_PAY_LIMITS: PayRouteLimits = { pagesPerMinute: 300, verifyPerPayment: 10 };

/**
 * `limit` per key per minute, over the merchant API's in-memory rate counters: at most 10,000 keys, the least
 * recently counted forgotten first, so a flood of made-up keys cannot lock anyone out.
 */
function perMinute(limit: number, now: () => number): (key: string) => boolean {
  const counters = memoryRateCounters(10_000);
  return (key) => counters.hit(key, now(), 60_000).count <= limit;
}

function plain(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}

function sendScript(res: ServerResponse, head: boolean): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, {
    'content-type': 'text/javascript; charset=utf-8', 'content-length': String(Buffer.byteLength(PAY_SCRIPT)),
    'cache-control': 'public, max-age=300', 'x-content-type-options': 'nosniff', 'cross-origin-resource-policy': 'same-origin',
  });
  res.end(head ? undefined : PAY_SCRIPT);
}

export function createPayRoutes(deps?: PayDeps, opts: { limits?: Partial<PayRouteLimits>; now?: () => number } = {}): PayRoutes {
  const limits = { ...DEFAULT_PAY_LIMITS, ...opts.limits };
  const now = opts.now ?? Date.now;
  const pageAllowed = perMinute(limits.pagesPerMinute, now);
  const verifyAllowed = perMinute(limits.verifyPerPayment, now);

  function verify(d: PayDeps, id: string, req: IncomingMessage, res: ServerResponse): void {
    if (!verifyAllowed(id)) {
      req.resume();
      plain(res, 429, 'Too many attempts. Wait a minute and try again.', { 'retry-after': '60' });
      return;
    }
    readBody(req, VERIFY_MAX_BYTES).then(
      (body) => verifyFromPage(d, id, req, body, res),
      (err: unknown) => {
        if (!(err instanceof BodyTooLargeError)) return; // the connection is gone: nobody to answer
        closeAfterResponse(req, res);
        plain(res, 413, `The body is larger than ${VERIFY_MAX_BYTES} bytes.`);
      },
    ).catch(() => plain(res, 500, 'Something went wrong.'));
  }

  return (req, res, client) => {
    const url = new URL(req.url ?? '/', 'http://paydesk.invalid');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    const verifyMatch = deps ? VERIFY.exec(path) : null;
    if (verifyMatch && deps) {
      if (method === 'POST') return verify(deps, verifyMatch[1] as string, req, res);
      req.resume();
      return plain(res, 405, 'Method not allowed', { allow: 'POST' });
    }
    req.resume();
    const page = RETURN_PATH.exec(path);
    const payId = deps ? PAGE.exec(path)?.[1] : undefined;
    if (!page && !payId && path !== PAY_SCRIPT_PATH) return sendNotFound(res, method === 'HEAD');
    if (!read) return plain(res, 405, 'Method not allowed', { allow: 'GET, HEAD' });
    if (!pageAllowed(client ?? req.socket.remoteAddress ?? 'unknown')) return plain(res, 429, 'Too many requests. Wait a minute and try again.', { 'retry-after': '60' });
    if (page) return sendReturnPage(res, page[1] as string, url.searchParams, method === 'HEAD');
    if (path === PAY_SCRIPT_PATH) return sendScript(res, method === 'HEAD');
    if (deps && payId) servePayPage(deps, payId, res, method === 'HEAD');
  };
}
