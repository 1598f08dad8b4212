// The edge listener: plain node:http on 127.0.0.1, and on a socket file (../api/forwarded.ts) where ngrok
// forwards. It is what the tunnel exposes, so it routes three prefixes and nothing else; the console has its
// own port and is never reachable here.
//
//   POST /webhooks/stripe/<accountId>     POST /webhooks/razorpay/<accountId>
//   GET  /pay/done, /pay/cancelled        where a hosted checkout sends the customer back
//   GET  /pay/<id>, POST /pay/<id>/verify a Razorpay Order's pay page and its return (pay-routes.ts)
//   /api/…                                the merchant API (../api/server.ts), 503 while it is switched off
//
// Webhooks: this file only routes, bounds and reads the raw body; verification and storage are ingest.ts's
// job (passed in as onDelivery). 405 (Allow: POST) for another method, 413 beyond maxBodyBytes (reading
// stops), 404 for any other path. Slow senders, bodies and connections are bounded by ../http-limits.ts.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createNetServer, type Socket } from 'node:net';
import { AppError } from '../../../shared/errors';
import { GATEWAYS, type Gateway } from '../../../shared/gateways';
import { clientKey, listenForwardedEntry, type ApiEntry, type ForwardedEntry } from '../api/forwarded';
import { applyLimits, BodyTooLargeError, closeAfterResponse, readBody, serverOptions, type HttpLimits } from '../http-limits';
import { createPayRoutes, type PayRoutes } from './pay-routes';

export interface WebhookDelivery {
  gateway: Gateway;
  accountId: string;
  headers: IncomingHttpHeaders;
  /** the raw body, exactly as received: signatures are computed over these bytes */
  body: Buffer;
  /** ms since the epoch, from the listener's clock */
  receivedAt: number;
}

export interface DeliveryResponse {
  status: number;
  /** JSON-serializable; never contains a secret */
  body?: unknown;
  headers?: Record<string, string>;
}

export type ListenerLimits = HttpLimits;

export const DEFAULT_LISTENER_LIMITS: ListenerLimits = {
  maxBodyBytes: 1024 * 1024,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  idleTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  // The busiest of the three listeners: gateways deliver in bursts (retries after an outage, several
  // events per payment) through the tunnel, and ingest answers in milliseconds, so 256 open sockets is far
  // above real traffic while a flood stays a few MiB and well inside the default limit of 1024 open files
  // (the three listeners together take at most 64 + 128 + 256).
  maxConnections: 256,
};

export interface WebhookListenerOptions {
  /** 0 = any free port */
  port: number;
  /** only loopback is allowed: a tunnel exposes it to the gateways */
  host?: '127.0.0.1';
  onDelivery: (delivery: WebhookDelivery) => Promise<DeliveryResponse> | DeliveryResponse;
  /** a connection was accepted (on the port or the socket entry), before any of its requests is read */
  onConnection?: () => void;
  limits?: Partial<ListenerLimits>;
  now?: () => number;
  /** called for errors of the listener itself (never with a body or headers) */
  onError?: (err: Error) => void;
  /** what answers under /pay/ (pay-routes.ts); default: the return pages only */
  pay?: PayRoutes;
  /** the merchant API while it is switched on, else null */
  api?: () => EdgeApi | null;
  /** a socket file (or Windows pipe) to listen on as well, for the tunnel; null = the port only */
  socketPath?: string | null;
  /** the public host (with any port) the tunnel serves the edge under; null while there is none */
  publicHost?: () => string | null;
}

/** The merchant API's handler for a request that reached the edge. */
export type EdgeApi = (req: IncomingMessage, res: ServerResponse, entry: Exclude<ApiEntry, 'loopback'>) => void;

export interface WebhookListener {
  readonly port: number;
  /** http://127.0.0.1:<port> */
  readonly url: string;
  /** where the socket entry listens; null when there is none */
  readonly socketPath: string | null;
  urlFor(gateway: Gateway, accountId: string): string;
  close(): Promise<void>;
}

const ROUTE = new RegExp(`^/webhooks/(${GATEWAYS.join('|')})/([A-Za-z0-9_-]{1,64})/?$`);

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body ?? {});
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(text);
}

/** Whether a port on 127.0.0.1 can be bound right now. */
function portIsFree(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createNetServer();
    s.once('error', () => resolve(false));
    s.listen({ port, host, exclusive: true }, () => s.close(() => resolve(true)));
  });
}

async function suggestPort(port: number, host: string): Promise<number | null> {
  for (let p = port + 1; p <= Math.min(65535, port + 20); p++) if (await portIsFree(p, host)) return p;
  return null;
}

/** Without its socket the edge still serves the port: the tunnel then forwards there. */
async function listenSocket(server: Server, path: string, onError: ((err: Error) => void) | undefined): Promise<ForwardedEntry | null> {
  try {
    return await listenForwardedEntry(server, path);
  } catch (err) {
    onError?.(err instanceof Error ? err : new Error(String(err)));
    return null;
  }
}

export async function startWebhookListener(opts: WebhookListenerOptions): Promise<WebhookListener> {
  const host = opts.host ?? '127.0.0.1';
  if (host !== '127.0.0.1') throw new AppError('invalid_input', 'The webhook listener binds 127.0.0.1 only', { field: 'host' });
  const limits: ListenerLimits = { ...DEFAULT_LISTENER_LIMITS, ...opts.limits };
  const now = opts.now ?? Date.now;
  const pay = opts.pay ?? createPayRoutes();
  let socketEntry: ForwardedEntry | null = null;

  const server: Server = createServer(serverOptions(limits), (req, res) => handle(req, res));
  const limited = applyLimits(server, limits);
  if (opts.onConnection) server.on('connection', opts.onConnection);

  function handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (path.startsWith('/pay/')) {
      pay(req, res, clientKey(req, entryOf(req), opts.publicHost?.() ?? null));
      return;
    }
    if (path === '/api' || path.startsWith('/api/')) {
      serveApi(req, res);
      return;
    }
    const m = ROUTE.exec(path);
    if (!m) {
      req.resume();
      send(res, 404, { error: 'not_found' });
      return;
    }
    if (req.method !== 'POST') {
      req.resume();
      send(res, 405, { error: 'method_not_allowed' }, { allow: 'POST' });
      return;
    }
    const gateway = m[1] as Gateway;
    const accountId = m[2] as string;
    readBody(req, limits.maxBodyBytes).then(
      (body) => deliver(res, { gateway, accountId, headers: req.headers, body, receivedAt: now() }),
      (err: unknown) => {
        if (!(err instanceof BodyTooLargeError)) return; // the connection is gone: nobody to answer
        closeAfterResponse(req, res);
        send(res, 413, { error: 'payload_too_large', limitBytes: limits.maxBodyBytes });
      },
    );
  }

  const entryOf = (req: IncomingMessage): Exclude<ApiEntry, 'loopback'> => (socketEntry?.isForwarded(req.socket as Socket) ? 'edge-socket' : 'edge');

  function serveApi(req: IncomingMessage, res: ServerResponse): void {
    const api = opts.api?.() ?? null;
    if (api) {
      api(req, res, entryOf(req));
      return;
    }
    req.resume();
    send(res, 503, { error: { code: 'api_off', message: "The shop's API is switched off. An owner switches it on in Paydesk → Settings → Developers." } });
  }

  function deliver(res: ServerResponse, delivery: WebhookDelivery): void {
    let result: Promise<DeliveryResponse> | DeliveryResponse;
    try {
      result = opts.onDelivery(delivery);
    } catch (err) {
      fail(err, res);
      return;
    }
    if (result instanceof Promise) result.then((r) => reply(res, r), (err: unknown) => fail(err, res));
    else reply(res, result);
  }

  function reply(res: ServerResponse, r: DeliveryResponse): void {
    send(res, r.status, r.body ?? {}, r.headers);
  }

  function fail(err: unknown, res: ServerResponse): void {
    opts.onError?.(err instanceof Error ? err : new Error(String(err)));
    send(res, 500, { error: 'internal' });
  }

  await new Promise<void>((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      server.off('listening', onListening);
      if (err.code === 'EADDRINUSE') {
        suggestPort(opts.port, host).then(
          (alt) =>
            reject(
              new AppError(
                'unavailable',
                `Port ${opts.port} is in use by another program. ${alt !== null ? `Try ${alt}, or` : 'Choose another port, or'} use 0 for any free port.`,
                { field: 'webhookPort', cause: err },
              ),
            ),
          () => reject(new AppError('unavailable', `Port ${opts.port} is in use by another program.`, { field: 'webhookPort', cause: err })),
        );
      } else if (err.code === 'EACCES') {
        reject(new AppError('unavailable', `Port ${opts.port} needs privileges this app does not have; choose a port above 1023.`, { field: 'webhookPort', cause: err }));
      } else reject(err);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    server.listen({ port: opts.port, host, exclusive: true });
  });
  server.on('error', (err) => opts.onError?.(err));

  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : opts.port;
  const url = `http://${host}:${port}`;
  socketEntry = opts.socketPath ? await listenSocket(server, opts.socketPath, opts.onError) : null;
  let closing: Promise<void> | null = null;
  return {
    port,
    url,
    socketPath: socketEntry?.path ?? null,
    urlFor: (gateway, accountId) => `${url}/webhooks/${gateway}/${encodeURIComponent(accountId)}`,
    close() {
      closing ??= new Promise<void>((resolve) => {
        void socketEntry?.close();
        server.close(() => resolve());
        server.closeIdleConnections();
        // in-flight requests get a moment to finish; then everything goes
        const t = setTimeout(() => limited.destroyAll(), 2000);
        t.unref();
        server.once('close', () => clearTimeout(t));
      });
      return closing;
    },
  };
}
