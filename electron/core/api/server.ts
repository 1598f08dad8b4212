// The merchant HTTP API server: plain node:http on 127.0.0.1.
//
//   POST /api/payments/stripe/checkout          { order_id, amount, currency, account_id?, description?, customer_email?, customer_name? }
//        -> 201 { id, checkout_url, session_id, status, amount, currency, order_id }
//   POST /api/payments/razorpay/orders          { order_id, amount, currency, account_id?, ... }
//        -> 201 { id, order_id: "order_...", checkout_url, key_id, amount, currency, receipt }
//   GET  /api/payments/stripe/status/:id        a payment intent pi_..., a session cs_... or a Paydesk id pd_...
//   GET  /api/payments/razorpay/status/:id      a payment pay_..., an order order_..., a link plink_... or a Paydesk id
//
// `amount` is an integer in minor units (2500 = USD 25.00), `order_id` in a request is the shop's order
// reference. Every request needs `Authorization: Bearer <token>`; an `Idempotency-Key` header makes a
// retried POST return the same payment. The account is `account_id`, or the first verified account of that
// gateway in the token's mode. Links made here go through links.ts like the console's (created_by 'api').
// Errors: { error: { code, message, field? } } with 400/401/404/409/413/415/429/503.
//
// After repeated failed authentications a client gets 429 with Retry-After (throttle.ts); clients are told
// apart by socket address on the loopback port and by the tunnel's X-Forwarded-For on the forwarded entry
// (forwarded.ts). Slow senders, bodies and connections are bounded by ../http-limits.ts.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { LinkCreateInputSchema, type Payment } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { GATEWAYS, gatewayLabel, type Gateway, type LinkKind } from '../../../shared/gateways';
import { isKnownCurrency, toMajorString } from '../../../shared/money';
import type { Gateways } from '../gateways';
import { applyLimits, BodyTooLargeError, closeAfterResponse, readBody, serverOptions, type HttpLimits } from '../http-limits';
import type { Log } from '../log';
import type { PaymentServices } from '../handlers/payments';
import type { LinkCreateParsed } from '../payments/links';
import type { AccountRow, AccountsRepo } from '../store/repos/accounts';
import { API_ACTOR } from '../operators';
import type { TokenStore } from './tokens';
import type { ApiToken } from '../../../shared/contract';
import { clientKey, listenForwardedEntry, type ForwardedEntry } from './forwarded';
import { AUTH_THROTTLE, createAuthThrottle, type AuthThrottleOptions } from './throttle';

export interface MerchantApiServer {
  port: number;
  url: string;
  /** where a tunnel forwards public /api/ traffic (forwarded.ts); null when there is none */
  forwardedPath: string | null;
  close(): Promise<void>;
}

export interface MerchantApiOptions {
  port: number;
  tokens: TokenStore;
  services: () => PaymentServices;
  accounts: AccountsRepo;
  gateways: Gateways;
  log: Log;
  /** a port the API must never take (the webhook listener's) */
  avoidPort: () => number | null;
  /** the forwarded entry's path (forwardedEntryPath); null or omitted = loopback port only */
  forwardedPath?: string | null;
  /** default API_LIMITS (tests shorten them) */
  limits?: Partial<HttpLimits>;
  /** default AUTH_THROTTLE */
  throttle?: Partial<AuthThrottleOptions>;
  /** the throttle's clock; default Date.now */
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

class HttpError extends Error {
  constructor(readonly status: number, readonly code: string, message: string, readonly field?: string) {
    super(message);
  }
}

/** our input fields -> the API's field names */
const API_FIELD: Record<string, string> = {
  orderRef: 'order_id', amount: 'amount', currency: 'currency', accountId: 'account_id', customerEmail: 'customer_email',
  customerName: 'customer_name', customerPhone: 'customer_phone', description: 'description', expiresInMinutes: 'expires_in_minutes',
  kind: 'kind', notes: 'notes',
};

/** The create endpoints by their path (`<gateway>/<action>`): the link kind each makes and what its answer adds. */
interface CreateRoute {
  kind: LinkKind;
  created(p: Payment, account: AccountRow): Record<string, unknown>;
}
const CREATE_ROUTES: Readonly<Record<string, CreateRoute>> = {
  'stripe/checkout': { kind: 'checkout_session', created: (p) => ({ session_id: p.gatewayIds.sessionId }) },
  'razorpay/orders': {
    kind: 'order',
    created: (p, account) => ({ order_id: p.gatewayIds.orderId, receipt: p.id, merchant_order_id: p.orderRef, key_id: account.publicKey }),
  },
};

/** What a status answer adds, by the gateway its path names: that gateway's own ids. */
const STATUS_IDS: Readonly<Record<Gateway, (p: Payment) => Record<string, unknown>>> = {
  stripe: (p) => ({ session_id: p.gatewayIds.sessionId, payment_intent_id: p.gatewayIds.paymentIntentId }),
  razorpay: (p) => ({ order_id_gateway: p.gatewayIds.orderId, payment_link_id: p.gatewayIds.plinkId, payment_id: p.gatewayIds.paymentId }),
};

const ROUTE = new RegExp(`^/api/payments/(${GATEWAYS.join('|')})/(checkout|orders|status)(?:/([A-Za-z0-9_-]{1,100}))?$`);

const STATUS_OF: Record<string, number> = {
  invalid_input: 400, not_found: 404, conflict: 409, unauthorized: 401, forbidden: 403, locked: 423, gateway_auth: 502,
  gateway_declined: 402, gateway_invalid: 400, gateway_unreachable: 503, unavailable: 503, internal: 500, db_from_future: 503,
};

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

async function readJson(req: IncomingMessage, maxBytes: number): Promise<unknown> {
  const text = (await readBody(req, maxBytes)).toString('utf8');
  if (!text.trim()) return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpError(400, 'invalid_json', 'The body is not valid JSON.');
  }
}

const str = (v: unknown, field: string, max: number, required = false): string | undefined => {
  if (v === undefined || v === null || v === '') {
    if (required) throw new HttpError(400, 'invalid_input', `${field} is required.`, field);
    return undefined;
  }
  if (typeof v === 'number' && Number.isFinite(v) && field === 'order_id') return String(v);
  if (typeof v !== 'string') throw new HttpError(400, 'invalid_input', `${field} must be a string.`, field);
  if (v.length > max) throw new HttpError(400, 'invalid_input', `${field} is longer than ${max} characters.`, field);
  return v;
};

function publicPayment(p: Payment) {
  return {
    id: p.id,
    order_id: p.orderRef,
    status: p.status,
    display_status: p.displayStatus,
    amount: p.amountMinor,
    amount_captured: p.capturedMinor,
    amount_refunded: p.refundedMinor,
    currency: p.currency.toLowerCase(),
    paid_at: p.paidAt === null ? null : Math.floor(p.paidAt / 1000),
    expires_at: p.expiresAt === null ? null : Math.floor(p.expiresAt / 1000),
    checkout_url: p.url,
    failure_reason: p.statusReason,
    mode: p.mode,
  };
}

export async function startMerchantApiServer(opts: MerchantApiOptions): Promise<MerchantApiServer> {
  const { log } = opts;
  const limits: HttpLimits = { ...API_LIMITS, ...opts.limits };
  const throttle = createAuthThrottle({ ...AUTH_THROTTLE, ...opts.throttle }, opts.now ?? Date.now);
  let entry: ForwardedEntry | null = null;

  function accountFor(gateway: Gateway, token: ApiToken, accountId: string | undefined): AccountRow {
    if (accountId) {
      const a = opts.accounts.get(accountId);
      if (!a || a.gateway !== gateway) throw new HttpError(404, 'not_found', `No ${gateway} account ${accountId}.`, 'account_id');
      if (a.mode !== token.mode) throw new HttpError(403, 'mode_mismatch', `Account ${accountId} is a ${a.mode} account and this token is for ${token.mode} mode.`, 'account_id');
      return a;
    }
    const list = opts.accounts.list().filter((a) => a.gateway === gateway && a.mode === token.mode && a.secretKeyRef && (!a.sandbox || opts.gateways.sandboxUrl));
    const pick = list.find((a) => a.verificationStatus === 'verified') ?? list.find((a) => a.verificationStatus !== 'failed');
    if (!pick) throw new HttpError(409, 'no_account', `No verified ${gatewayLabel(gateway)} account in ${token.mode} mode. Connect one in Paydesk → Settings → Accounts.`);
    return pick;
  }

  /** The request body as links.create input, parsed with the contract's schema (the same rules as the console's). */
  function linkInput(b: Record<string, unknown>, gateway: Gateway, kind: LinkKind, token: ApiToken, req: IncomingMessage): { input: LinkCreateParsed; account: AccountRow } {
    const orderRef = str(b.order_id, 'order_id', 40, true) as string;
    const currencyRaw = str(b.currency, 'currency', 3, true) as string;
    const currency = currencyRaw.toUpperCase();
    if (!/^[A-Z]{3}$/.test(currency) || !isKnownCurrency(currency)) throw new HttpError(400, 'invalid_input', `Unknown currency ${currencyRaw}.`, 'currency');
    const amount = b.amount;
    if (typeof amount !== 'number' || !Number.isSafeInteger(amount) || amount <= 0) {
      throw new HttpError(400, 'invalid_input', 'amount must be a positive integer in minor units (e.g. 2500 for 25.00).', 'amount');
    }
    const expires = b.expires_in_minutes;
    if (expires !== undefined && (typeof expires !== 'number' || !Number.isSafeInteger(expires) || expires <= 0)) {
      throw new HttpError(400, 'invalid_input', 'expires_in_minutes must be a positive integer.', 'expires_in_minutes');
    }
    const account = accountFor(gateway, token, str(b.account_id, 'account_id', 64));
    const idem = req.headers['idempotency-key'];
    const requestId = typeof idem === 'string' && idem ? idem : undefined;
    if (requestId !== undefined && !/^[A-Za-z0-9_-]{8,64}$/.test(requestId)) {
      throw new HttpError(400, 'invalid_input', 'Idempotency-Key must be 8 to 64 letters, digits, _ or -.', 'Idempotency-Key');
    }
    const parsed = LinkCreateInputSchema.safeParse({
      accountId: account.id,
      mode: token.mode,
      kind,
      amount: toMajorString(amount, currency),
      currency,
      orderRef,
      description: str(b.description, 'description', 250),
      customerName: str(b.customer_name, 'customer_name', 100),
      customerEmail: str(b.customer_email, 'customer_email', 254),
      customerPhone: str(b.customer_phone, 'customer_phone', 30),
      ...(typeof expires === 'number' ? { expiresInMinutes: expires } : {}),
      ...(requestId ? { requestId: `api_${token.id}_${requestId}`.slice(0, 64) } : {}),
    });
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const key = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
      throw new HttpError(400, 'invalid_input', issue?.message ?? 'The request is not valid.', key === undefined ? undefined : (API_FIELD[key] ?? key));
    }
    return { input: parsed.data, account };
  }

  async function createLink(gateway: Gateway, kind: LinkKind, req: IncomingMessage, token: ApiToken): Promise<{ payment: Payment; account: AccountRow }> {
    const body = await readJson(req, limits.maxBodyBytes);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, 'invalid_input', 'The body must be a JSON object.');
    const { input, account } = linkInput(body as Record<string, unknown>, gateway, kind, token, req);
    const payment = await opts.services().links.create(input, { createdBy: 'api', operator: { ...API_ACTOR, name: `API (${token.name})` } });
    return { payment, account };
  }

  async function status(gateway: Gateway, id: string, token: ApiToken): Promise<Payment> {
    const s = opts.services();
    const found = s.queries.list({ search: id, gateway, mode: token.mode, limit: 5 }).rows.find((p) =>
      p.id === id || p.gatewayIds.sessionId === id || p.gatewayIds.paymentIntentId === id || p.gatewayIds.paymentId === id
      || p.gatewayIds.orderId === id || p.gatewayIds.plinkId === id || p.gatewayIds.chargeId === id);
    if (!found) throw new HttpError(404, 'not_found', `No ${gateway} payment ${id} made through Paydesk in ${token.mode} mode.`);
    // not final yet: ask the gateway now; an unreachable gateway answers with what is known
    if (['creating', 'open', 'failed', 'authorized', 'partially_paid'].includes(found.status)) {
      try {
        if (found.status === 'creating') await s.links.retryPending();
        await s.sync.syncPayment(found.id);
      } catch (err) {
        log('warn', 'status check could not reach the gateway', { id: found.id, error: err instanceof AppError ? err.message : String(err) });
      }
    }
    return s.links.get(found.id);
  }

  async function route(req: IncomingMessage, res: ServerResponse, client: string): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname.replace(/\/+$/, '');
    const m = ROUTE.exec(path);
    if (!m) throw new HttpError(404, 'not_found', 'No such endpoint.');
    const gateway = m[1] as Gateway;
    const action = m[2] as string;
    const arg = m[3];
    const create = action === 'status' ? undefined : CREATE_ROUTES[`${gateway}/${action}`];
    const valid = action === 'status' ? !!arg : !!create && !arg;
    if (!valid) throw new HttpError(404, 'not_found', 'No such endpoint.');
    const wantMethod = action === 'status' ? 'GET' : 'POST';
    if (req.method !== wantMethod) {
      req.resume();
      send(res, 405, { error: { code: 'method_not_allowed', message: `Use ${wantMethod}.` } }, { allow: wantMethod });
      return;
    }

    const auth = req.headers.authorization ?? '';
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(auth)?.[1];
    const token = bearer ? opts.tokens.verify(bearer) : null;
    if (!token) {
      throttle.failed(client);
      req.resume();
      send(res, 401, { error: { code: 'unauthorized', message: bearer ? 'This token is not valid (revoked?). Create one in Paydesk → Settings → API.' : 'Send Authorization: Bearer <token>. Create a token in Paydesk → Settings → API.' } }, { 'www-authenticate': 'Bearer realm="paydesk"' });
      return;
    }

    if (!create) {
      const p = await status(gateway, arg as string, token);
      send(res, 200, { ...publicPayment(p), ...STATUS_IDS[gateway](p) });
      return;
    }
    const { payment: p, account } = await createLink(gateway, create.kind, req, token);
    send(res, 201, { ...publicPayment(p), ...create.created(p, account) });
  }

  const server = createServer(serverOptions(limits), (req, res) => {
    const forwarded = entry?.isForwarded(req.socket as Socket) ?? false;
    // DNS rebinding: only our own loopback names. Forwarded requests carry the shop's public host name, and
    // no web page can reach the forwarded entry (a socket file), so there is nothing to rebind there.
    if (!forwarded && !LOOPBACK_HOST.test((req.headers.host ?? '').toLowerCase())) {
      req.resume();
      send(res, 421, { error: { code: 'misdirected', message: 'Use http://127.0.0.1:<port> or http://localhost:<port>.' } });
      return;
    }
    const client = clientKey(req, forwarded);
    const waitMs = throttle.blockedFor(client);
    if (waitMs > 0) {
      const seconds = Math.ceil(waitMs / 1000);
      req.resume();
      send(res, 429, { error: { code: 'rate_limited', message: `Too many failed authentications from this address. Try again in ${seconds} s.` } }, { 'retry-after': String(seconds) });
      return;
    }
    route(req, res, client).catch((err: unknown) => {
      if (err instanceof BodyTooLargeError) {
        closeAfterResponse(req, res);
        send(res, 413, { error: { code: 'payload_too_large', message: err.message } });
      } else if (req.socket.destroyed) {
        // cut off (the body deadline) or gone: nobody to answer
      } else if (err instanceof HttpError) {
        send(res, err.status, { error: { code: err.code, message: err.message, ...(err.field ? { field: err.field } : {}) } });
      } else if (err instanceof AppError) {
        const field = err.field ? (API_FIELD[err.field] ?? err.field) : undefined;
        send(res, STATUS_OF[err.code] ?? 500, { error: { code: err.code, message: err.message, ...(field ? { field } : {}) } }, err.code === 'gateway_unreachable' ? { 'retry-after': '60' } : {});
      } else {
        log('error', 'merchant API request failed', { error: err });
        send(res, 500, { error: { code: 'internal', message: 'Something went wrong inside Paydesk. The details are in its log.' } });
      }
    });
  });

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
  if (opts.forwardedPath) {
    // without it the API still serves this computer; only tunnelled traffic has nowhere to go
    try {
      entry = await listenForwardedEntry(server, opts.forwardedPath);
    } catch (err) {
      log('warn', 'merchant API: no forwarded entry for a tunnel', { error: err instanceof Error ? err.message : String(err) });
    }
  }
  let closing: Promise<void> | null = null;
  return {
    port,
    url: `http://127.0.0.1:${port}`,
    forwardedPath: entry?.path ?? null,
    close() {
      closing ??= Promise.all([
        entry?.close(),
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
      ]).then(() => undefined);
      return closing;
    },
  };
}
