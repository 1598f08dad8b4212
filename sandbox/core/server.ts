// The one HTTP server: node:http + one find-my-way router per surface (stripe, razorpay, core
// controls). Stripe and Razorpay both live under /v1 and even share paths (/v1/payment_links,
// /v1/refunds), so a request goes first to the gateway its credentials point at: Basic auth with an
// rzp_ key id means Razorpay, anything else Stripe. Every throw becomes the gateway's own 500 body.
// The control routes (/__sandbox/…) first pass the checks in control-guard.ts.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import FindMyWay from 'find-my-way';
import type { Gateway } from '../../shared/gateways.js';
import { checkControlRequest, controlHosts, type ControlGuard } from './control-guard.js';
import { declined, internalError, notFound, rateLimited, tooLarge, type SurfaceName } from './errors.js';
import { FaultInjector } from './faults.js';
import { newId } from './ids.js';
import type { RouteRegistrar, SandboxHandler, SandboxRequest, SandboxResponse } from './types.js';

export const MAX_BODY_BYTES = 1024 * 1024;
const CONTROL_PREFIX = '/__sandbox';

type Method = 'GET' | 'POST' | 'DELETE' | 'PUT' | 'PATCH';
type Router = FindMyWay.Instance<FindMyWay.HTTPVersion.V1>;

interface RouteStore {
  handler: SandboxHandler;
}

export interface SandboxServer {
  /** routes of one surface; for a gateway's control routes use `controlRegistrar` */
  registrar(surface: SurfaceName): RouteRegistrar;
  /** registers under /__sandbox/<gateway>/..., accepting paths given with or without that prefix */
  controlRegistrar(gateway: Gateway): RouteRegistrar;
  faults: FaultInjector;
  listen(port: number, host: string): Promise<string>;
  baseUrl(): string;
  close(): Promise<void>;
}

export interface SandboxServerOptions {
  /** the bearer token every control request must carry */
  controlToken: string;
}

export function createSandboxServer(options: SandboxServerOptions): SandboxServer {
  const routers: Record<SurfaceName, Router> = {
    stripe: FindMyWay({ ignoreTrailingSlash: true }),
    razorpay: FindMyWay({ ignoreTrailingSlash: true }),
    core: FindMyWay({ ignoreTrailingSlash: true }),
  };
  const faults = new FaultInjector();
  let base = '';
  let server: Server | null = null;
  // set once the server listens: the accepted Host values depend on the port and the bound address
  let guard: ControlGuard = { hosts: new Set(), token: options.controlToken };

  const registrar = (surface: SurfaceName): RouteRegistrar => ({
    on(method, path, handler) {
      const store: RouteStore = { handler };
      // find-my-way calls the handler itself in lookup(); we only use find(), so the handler slot is a stub
      routers[surface].on(method, path, () => undefined, store);
    },
  });

  const controlRegistrar = (gateway: Gateway): RouteRegistrar => ({
    on(method, path, handler) {
      const prefix = `${CONTROL_PREFIX}/${gateway}`;
      const full = path.startsWith(`${CONTROL_PREFIX}/`) ? path : `${prefix}${path.startsWith('/') ? '' : '/'}${path}`;
      registrar('core').on(method, full, handler);
    },
  });

  const handle = async (req: IncomingMessage, raw: ServerResponse): Promise<void> => {
    const method = (req.method ?? 'GET').toUpperCase();
    const url = new URL(req.url ?? '/', 'http://sandbox.invalid');
    const path = url.pathname;
    const isControl = path === CONTROL_PREFIX || path.startsWith(`${CONTROL_PREFIX}/`);
    const hint: SurfaceName = isControl ? 'core' : guessGateway(req);
    // Stripe answers every API request, errors included, with a Request-Id the Dashboard's logs are searched by
    const res = !isControl && hint === 'stripe' && path.startsWith('/v1/') ? withRequestId(raw) : raw;

    if (isControl) {
      const refused = checkControlRequest(method, req.headers, guard);
      // answered before the body is read; node discards whatever body follows
      if (refused) return send(res, refused);
    }

    let rawBody: Buffer;
    try {
      rawBody = await readBody(req, MAX_BODY_BYTES);
    } catch {
      send(res, tooLarge(hint));
      req.resume();
      return;
    }

    if (!isControl) {
      const fault = faults.take(method, path);
      if (fault?.hang) return; // answered never; server.close() drops the socket
      if (fault?.status === 429) return send(res, rateLimited(hint));
      if (fault?.status === 500) return send(res, internalError(hint));
      if (fault?.status === 402) return send(res, declined(hint));
    }

    const order: SurfaceName[] = isControl ? ['core'] : hint === 'razorpay' ? ['razorpay', 'stripe'] : ['stripe', 'razorpay'];
    for (const surface of order) {
      const found = routers[surface].find(method as Method, path);
      if (!found) continue;
      const params: Record<string, string> = {};
      for (const [k, v] of Object.entries(found.params)) if (v !== undefined) params[k] = v;
      const sandboxRequest: SandboxRequest = { method, path, params, query: url.searchParams, headers: req.headers, rawBody, baseUrl: base };
      let response: SandboxResponse;
      try {
        response = await (found.store as RouteStore).handler(sandboxRequest);
      } catch (err) {
        // the detail goes to the sandbox's own log, never to the client
        console.error(`[sandbox] ${method} ${path} failed:`, err instanceof Error ? (err.stack ?? err.message) : err);
        response = internalError(surface);
      }
      return send(res, response);
    }
    send(res, notFound(hint, method, path));
  };

  return {
    registrar,
    controlRegistrar,
    faults,
    baseUrl: () => base,
    listen(port, host) {
      return new Promise((resolve, reject) => {
        const srv = createServer((req, res) => {
          handle(req, res).catch((err: unknown) => {
            console.error('[sandbox] request failed:', err instanceof Error ? err.message : err);
            if (!res.headersSent) send(res, internalError('core'));
          });
        });
        srv.once('error', reject);
        srv.listen(port, host, () => {
          srv.off('error', reject);
          const address = srv.address() as AddressInfo;
          const shownHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
          base = `http://${shownHost}:${address.port}`;
          guard = { hosts: controlHosts(shownHost, address.address, address.port), token: options.controlToken };
          server = srv;
          resolve(base);
        });
      });
    },
    close() {
      return new Promise((resolve) => {
        if (!server) return resolve();
        const srv = server;
        server = null;
        srv.close(() => resolve());
        // hung (fault-injected) requests and keep-alive sockets would hold close() forever
        srv.closeAllConnections();
      });
    },
  };
}

/** Sets Stripe's Request-Id header on whatever is sent next. */
function withRequestId(res: ServerResponse): ServerResponse {
  res.setHeader('Request-Id', newId('req', 14));
  return res;
}

function guessGateway(req: IncomingMessage): Gateway {
  const auth = req.headers.authorization ?? '';
  const match = /^Basic\s+(.+)$/i.exec(auth);
  if (match?.[1]) {
    const user = Buffer.from(match[1], 'base64').toString('utf8').split(':')[0] ?? '';
    if (user.startsWith('rzp_')) return 'razorpay';
  }
  return 'stripe';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new Error('body too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (!failed) reject(err);
    });
  });
}

function send(res: ServerResponse, response: SandboxResponse): void {
  const headers: Record<string, string> = { ...response.headers };
  const hasType = Object.keys(headers).some((k) => k.toLowerCase() === 'content-type');
  let payload: string | Buffer;
  if (typeof response.body === 'string' || Buffer.isBuffer(response.body)) {
    payload = response.body;
    if (!hasType) headers['Content-Type'] = 'text/plain; charset=utf-8';
  } else if (response.body === undefined || response.body === null) {
    payload = '';
  } else {
    payload = JSON.stringify(response.body, null, 2);
    if (!hasType) headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  headers['Content-Length'] = String(Buffer.byteLength(payload));
  headers['Cache-Control'] ??= 'no-store';
  res.writeHead(response.status, headers);
  res.end(payload);
}
