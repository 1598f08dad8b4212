// The merchant HTTP API server: plain node:http on 127.0.0.1 for the shop's scripts on this computer, and
// the same routes served through the edge listener (../webhooks/listener.ts) that the tunnel exposes.
//
//   POST /api/payments/stripe/checkout        create a Stripe Checkout Session        (payments:create)  routes-stripe.ts
//   POST /api/payments/razorpay/orders        create a Razorpay order for Checkout.js (payments:create)  routes-razorpay.ts
//   GET  /api/payments/{gateway}/status/:id   the status by any id the payment has    (payments:read)
//   GET  /api/payments/:id                    a payment by its Paydesk id             (payments:read)    routes-payments.ts
//   POST /api/payments/:id/refunds            a refund                                 (refunds:create)
//
// `amount` is an integer in minor units (2500 = USD 25.00); `order_id` is always the shop's order reference.
// Every request needs `Authorization: Bearer <token>`, and the token the route's scope (403
// insufficient_scope). An `Idempotency-Key` header on a POST makes a retry answer as the first request did
// (idempotency.ts). Errors have one shape with the statuses listed in errors.ts. Every authenticated call is
// in the audit log as `api.called` (token name, endpoint, result status); a change it makes has its own
// entry too (link.created, refund.requested), attributed to "API (<token name>)".
//
// After repeated failed authentications a client gets 429 with Retry-After (throttle.ts); clients are told
// apart by socket address on the loopback port and by the tunnel's X-Forwarded-For on the edge (forwarded.ts
// says when that header is believed). Slow senders, bodies and connections are bounded by ../http-limits.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { ApiToken } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import openapi from '../../../docs/openapi.json';
import { recordAudit } from '../audit';
import type { Gateways } from '../gateways';
import type { PaymentServices } from '../handlers/payments';
import { applyLimits, BodyTooLargeError, closeAfterResponse, readBody, serverOptions, type HttpLimits } from '../http-limits';
import type { Log } from '../log';
import type { RefundsService } from '../refunds';
import type { AccountsRepo } from '../store/repos/accounts';
import type { ApiIdempotencyRepo } from '../store/repos/api-idempotency';
import type { AuditRepo } from '../store/repos/audit';
import { errorAnswer, HttpError, internalAnswer, send } from './errors';
import { clientKey, type ApiEntry } from './forwarded';
import { createIdempotency, idempotencyKeyOf, type Answer } from './idempotency';
import { parseJsonBody } from './link-input';
import type { Route, RouteDeps } from './route-types';
import { paymentRoutes } from './routes-payments';
import { razorpayRoutes } from './routes-razorpay';
import { stripeRoutes } from './routes-stripe';
import { hasScope, type TokenStore } from './tokens';
import { AUTH_THROTTLE, createAuthThrottle, createRequestLimiter, memoryRateCounters, TOKEN_REQUESTS_PER_MINUTE, type AuthThrottleOptions, type RateCounters } from './throttle';

export interface MerchantApiServer {
  port: number;
  url: string;
  /** answers a request the edge listener received under /api/ (`entry`: through its port or its socket) */
  serveEdge(req: IncomingMessage, res: ServerResponse, entry: Exclude<ApiEntry, 'loopback'>): void;
  close(): Promise<void>;
}

export interface MerchantApiOptions {
  port: number;
  tokens: TokenStore;
  services: () => PaymentServices;
  /** the refunds service; omitted: the refund route answers 503 */
  refunds?: () => RefundsService;
  accounts: AccountsRepo;
  gateways: Gateways;
  /** where Idempotency-Keys are kept; omitted: a POST with a key is refused (503) */
  idempotency?: ApiIdempotencyRepo;
  /** where each call is recorded; omitted: calls are not audited (tests of the transport only) */
  audit?: AuditRepo;
  log: Log;
  /** a port the API must never take (the webhook listener's) */
  avoidPort: () => number | null;
  /** the host name (with any port) the API is served under publicly, e.g. "shop.ngrok.app"; null = none */
  publicHost?: () => string | null;
  /** default API_LIMITS (tests shorten them) */
  limits?: Partial<HttpLimits>;
  /** default AUTH_THROTTLE */
  throttle?: Partial<AuthThrottleOptions>;
  /** where the rate limits count (the store in core); default: in this process */
  rate?: RateCounters;
  /** default TOKEN_REQUESTS_PER_MINUTE */
  requestsPerMinute?: number;
  /** the clock of the throttle, the idempotency keys and stale ages; default Date.now */
  now?: () => number;
}

export const API_LIMITS: HttpLimits = {
  // a link request is a few hundred bytes of JSON: 64 KiB is a wide margin, and all a client can make us hold
  maxBodyBytes: 64 * 1024,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  // longer than the slowest request: a status check may retry a pending link and sync it, each a gateway
  // call of up to 20 s
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  // The shop's servers and scripts, often with a pool of keep-alive connections, each request possibly
  // waiting on a gateway for seconds: 128 at once is a very busy shop. Beyond that, refusing is better than
  // queueing yet more gateway calls.
  maxConnections: 128,
};

const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/;

/** The API's description (docs/openapi.json), for the shop's developers and their tools: no token needed. */
const OPENAPI_ROUTE: Route = {
  method: 'GET', path: '/api/openapi.json', pattern: /^\/api\/openapi\.json$/, scope: null,
  handle: () => Promise.resolve({ status: 200, body: openapi, headers: { 'cache-control': 'public, max-age=300' } }),
};

/** Every route the server answers (test/unit/core/api/openapi.test.ts checks each against docs/openapi.json). */
export function merchantRoutes(d: RouteDeps): Route[] {
  return [...stripeRoutes(d), ...razorpayRoutes(d), ...paymentRoutes(d), OPENAPI_ROUTE];
}

function unauthorized(bearer: string | undefined): HttpError {
  const message = bearer
    ? 'This token is not valid (revoked?). Create one in Paydesk → Settings → Developers.'
    : 'Send Authorization: Bearer <token>. Create a token in Paydesk → Settings → Developers.';
  return new HttpError(401, 'unauthorized', message, undefined, { 'www-authenticate': 'Bearer realm="paydesk"' });
}

/** the route for the path and method; 404 / 405 when there is none */
function match(routes: readonly Route[], method: string, path: string): { route: Route; params: string[] } {
  const byPath = routes.map((route) => ({ route, m: route.pattern.exec(path) })).filter((r) => r.m !== null);
  if (byPath.length === 0) throw new HttpError(404, 'not_found', 'No such endpoint.');
  const hit = byPath.find((r) => r.route.method === method);
  if (!hit) {
    const allow = [...new Set(byPath.map((r) => r.route.method))].join(', ');
    throw new HttpError(405, 'method_not_allowed', `Use ${allow}.`, undefined, { allow });
  }
  return { route: hit.route, params: (hit.m as RegExpExecArray).slice(1) };
}

export async function startMerchantApiServer(opts: MerchantApiOptions): Promise<MerchantApiServer> {
  const { log } = opts;
  const now = opts.now ?? Date.now;
  const limits: HttpLimits = { ...API_LIMITS, ...opts.limits };
  const throttleOptions = { ...AUTH_THROTTLE, ...opts.throttle };
  const counters = opts.rate ?? memoryRateCounters(throttleOptions.maxClients);
  const throttle = createAuthThrottle(throttleOptions, now, counters);
  const budget = createRequestLimiter(opts.requestsPerMinute ?? TOKEN_REQUESTS_PER_MINUTE, now, counters);
  const idempotency = opts.idempotency ? createIdempotency(opts.idempotency, now) : null;
  const deps: RouteDeps = { services: opts.services, refunds: () => opts.refunds?.() ?? null, accounts: opts.accounts, gateways: opts.gateways, log, now };
  const routes = merchantRoutes(deps);

  function audit(token: ApiToken, method: string, route: Route | null, path: string, a: Answer): void {
    if (!opts.audit) return;
    const body = a.body as { id?: unknown; error?: { code?: unknown } } | null;
    const paymentId = /^\/api\/payments\/(pd_[A-Za-z0-9]+)/.exec(path)?.[1] ?? (typeof body?.id === 'string' && body.id.startsWith('pd_') ? body.id : null);
    try {
      recordAudit(opts.audit, {
        operator: { id: null, name: `API (${token.name})` },
        action: 'api.called',
        subject: paymentId ? { type: 'payment', id: paymentId } : { type: 'api_token', id: token.id },
        details: {
          tokenName: token.name, tokenId: token.id, method, endpoint: route?.path ?? path, path, status: a.status,
          ...(body?.error?.code ? { error: body.error.code } : {}), ...(a.replayed ? { replayed: true } : {}),
        },
        livemode: token.mode === 'live',
        at: now(),
      });
    } catch (err) {
      log('error', 'merchant API call could not be audited', { error: err });
    }
  }

  /** the route's answer, errors included; only an unexpected failure is thrown */
  async function answerOf(fn: () => Promise<Answer>): Promise<Answer> {
    try {
      return await fn();
    } catch (err) {
      const a = errorAnswer(err);
      if (!a) throw err;
      return a;
    }
  }

  async function call(req: IncomingMessage, token: ApiToken, route: Route, params: string[], path: string): Promise<Answer> {
    const waitS = budget.take(token.id);
    if (waitS > 0) {
      req.resume();
      const perMinute = opts.requestsPerMinute ?? TOKEN_REQUESTS_PER_MINUTE;
      throw new HttpError(429, 'rate_limited', `This token made more than ${perMinute} requests in a minute. Try again in ${waitS} s.`, undefined, { 'retry-after': String(waitS) });
    }
    if (route.scope && !hasScope(token, route.scope)) {
      req.resume();
      throw new HttpError(403, 'insufficient_scope', `This token may not do this: it needs the ${route.scope} scope. An owner grants it in Paydesk → Settings → Developers.`, 'scope');
    }
    if (route.method === 'GET') {
      req.resume();
      return route.handle({ token, params, body: {}, idempotencyKey: undefined });
    }
    const raw = await readBody(req, limits.maxBodyBytes);
    const key = idempotencyKeyOf(req.headers['idempotency-key']);
    const run = (): Promise<Answer> => route.handle({ token, params, body: parseJsonBody(raw), idempotencyKey: key });
    if (key === undefined) return run();
    if (!idempotency) throw new HttpError(503, 'unavailable', 'Idempotency-Key cannot be honoured on this desk right now. Retry later.');
    return idempotency.run({ tokenId: token.id, key, method: route.method, path, body: raw }, run);
  }

  async function handle(req: IncomingMessage, res: ServerResponse, client: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const { route, params } = match(routes, method, path);
    if (route.scope === null) {
      req.resume();
      const a = await route.handle({ token: null as never, params, body: {}, idempotencyKey: undefined });
      send(res, a.status, a.body, a.headers);
      return;
    }
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '')?.[1];
    const token = bearer ? opts.tokens.verify(bearer) : null;
    if (!token) {
      throttle.failed(client);
      req.resume();
      throw unauthorized(bearer);
    }
    let a: Answer;
    try {
      a = await answerOf(() => call(req, token, route, params, path));
    } catch (err) {
      if (err instanceof BodyTooLargeError) a = { status: 413, body: { error: { code: 'payload_too_large', message: err.message } } };
      else if (req.socket.destroyed) return;
      else {
        log('error', 'merchant API request failed', { error: err });
        a = internalAnswer();
      }
    }
    audit(token, method, route, path, a);
    if (a.status === 413) closeAfterResponse(req, res);
    send(res, a.status, a.body, { ...a.headers, ...(a.replayed ? { 'idempotent-replayed': 'true' } : {}) });
  }

  /** the Host header is one of ours: DNS rebinding cannot make a web page's request look like the shop's */
  function hostAllowed(req: IncomingMessage, entry: ApiEntry): boolean {
    // no web page can reach a socket file, so there is nothing to rebind there
    if (entry === 'edge-socket') return true;
    const host = (req.headers.host ?? '').toLowerCase();
    if (LOOPBACK_HOST.test(host)) return true;
    return entry === 'edge' && host !== '' && host === opts.publicHost?.()?.toLowerCase();
  }

  function serve(req: IncomingMessage, res: ServerResponse, entry: ApiEntry): void {
    if (!hostAllowed(req, entry)) {
      req.resume();
      const hint = entry === 'edge' ? 'Use the public address Paydesk shows in Settings → Developers.' : 'Use http://127.0.0.1:<port> or http://localhost:<port>.';
      send(res, 421, { error: { code: 'misdirected', message: `This API does not answer for host ${JSON.stringify(req.headers.host ?? '')}. ${hint}` } });
      return;
    }
    const client = clientKey(req, entry, opts.publicHost?.() ?? null);
    const waitMs = throttle.blockedFor(client);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      req.resume();
      send(res, 429, { error: { code: 'rate_limited', message: `Too many failed authentications from this address. Try again in ${seconds} s.` } }, { 'retry-after': String(seconds) });
      return;
    }
    handle(req, res, client).catch((err: unknown) => {
      if (req.socket.destroyed) return;
      const a = errorAnswer(err);
      if (!a) log('error', 'merchant API request failed', { error: err });
      const out = a ?? internalAnswer();
      send(res, out.status, out.body, out.headers);
    });
  }

  const server = createServer(serverOptions(limits), (req, res) => serve(req, res, 'loopback'));

  applyLimits(server, limits);

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      if (err.code === 'EADDRINUSE') reject(new AppError('unavailable', `Port ${opts.port} is in use by another program. Choose another port, or 0 for any free port.`, { field: 'port' }));
      else if (err.code === 'EACCES') reject(new AppError('unavailable', `Port ${opts.port} needs privileges; choose a port above 1023.`, { field: 'port' }));
      else reject(err);
    };
    server.once('error', onError);
    server.listen({ port: opts.port, host: '127.0.0.1', exclusive: true }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const avoid = opts.avoidPort();
  if (avoid !== null && port === avoid) {
    await new Promise<void>((r) => server.close(() => r()));
    throw new AppError('invalid_input', `Port ${port} is the webhook listener's port. Choose another port for the API.`, { field: 'port' });
  }
  server.on('error', (err) => log('error', 'merchant API server error', { error: err }));
  let closing: Promise<void> | null = null;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    serveEdge(req, res, entry) {
      // the edge's own idle timeout suits webhooks; an API call may wait on a gateway for longer
      req.socket.setTimeout(limits.idleTimeoutMs);
      serve(req, res, entry);
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}
