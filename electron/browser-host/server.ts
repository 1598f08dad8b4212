// Browser mode: node:http on 127.0.0.1 only. Serves the built renderer with the CSP header,
// POST /rpc/<method> -> core.callUnknown -> envelope JSON, and GET /events (SSE + heartbeat).
// Every request passes the guard (Host, Origin, then the credential its path needs: guard.ts) first;
// a refused request reaches nothing.
// Slow senders, bodies and connections are bounded by the shared limits of ../core/http-limits.ts.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { TICKET_PATH } from '../../shared/browser-auth';
import { CSP } from '../../shared/csp';
import type { Envelope, WireError } from '../../shared/errors';
import type { Core } from '../core/types';
import { applyLimits, BodyTooLargeError, closeAfterResponse, readBody, serverOptions, type HttpLimits } from '../core/http-limits';
import { exportFilePath, isExportId } from '../core/reports/export-service';
import { contentTypeOf, isClientRoute, resolveStaticPath } from '../core/static-files';
import { claimOnce, sendAndDelete } from './downloads';
import { createGuard, newToken, type Guard } from './guard';

export const BODY_LIMIT = 1024 * 1024;
export const HEARTBEAT_MS = 15_000;

export const BROWSER_HOST_LIMITS: HttpLimits = {
  maxBodyBytes: BODY_LIMIT,
  headersTimeoutMs: 10_000,
  bodyTimeoutMs: 10_000,
  // longer than the slowest RPC (a gateway call with its retries) and than HEARTBEAT_MS, which keeps an
  // SSE stream busy; a peer that stops reading for this long is gone
  idleTimeoutMs: 120_000,
  keepAliveTimeoutMs: 5_000,
  // One person's browser on this computer: at most 6 connections per origin (HTTP/1.1) plus an SSE
  // stream per tab, and the Vite dev proxy in development. 64 leaves room for many tabs; more is a
  // runaway script, refused before it can starve core.
  maxConnections: 64,
};

export interface BrowserHostOptions {
  core: Core;
  /** 0 = any free port */
  port?: number;
  /** the built renderer (dist/renderer); null or missing index.html -> a page explaining how to build it */
  rendererDir: string | null;
  /** fixed token (tests); default: random per launch */
  token?: string;
  /** extra allowed origins (the Vite dev server), exact match */
  extraOrigins?: readonly string[];
  heartbeatMs?: number;
  /** default BROWSER_HOST_LIMITS (tests shorten them) */
  limits?: Partial<HttpLimits>;
  log?: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
}

export interface BrowserHost {
  /** the address to open, carrying the token: http://127.0.0.1:<port>/?token=<t> */
  url: string;
  origin: string;
  port: number;
  token: string;
  guard: Guard;
  close(): Promise<void>;
}


const BASE_HEADERS: Record<string, string> = {
  'Content-Security-Policy': CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function send(res: ServerResponse, status: number, body: string, type: string, extra: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { ...BASE_HEADERS, 'Content-Type': type, 'Content-Length': Buffer.byteLength(body), 'Cache-Control': 'no-store', ...extra });
  res.end(body);
}

const sendJson = (res: ServerResponse, status: number, value: unknown): void => send(res, status, JSON.stringify(value), 'application/json; charset=utf-8');
const errorEnvelope = (code: WireError['code'], message: string): Envelope<never> => ({ ok: false, error: { code, message, retryable: false } });

const sizeText = (bytes: number): string =>
  bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : bytes % 1024 === 0 ? `${bytes / 1024} KiB` : `${bytes} bytes`;

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Paydesk</title>
<body style="font:16px system-ui;margin:3rem;max-width:40rem"><h1>Paydesk is running</h1>
<p>The screens are not built yet. Run <code>npm run build</code> (or <code>npm run host</code>, which builds first) and reload.</p></body>`;

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const { core } = opts;
  const token = opts.token ?? newToken();
  let port = 0;
  const guard = createGuard({ token, port: () => port, ...(opts.extraOrigins ? { extraOrigins: opts.extraOrigins } : {}) });
  const rendererDir = opts.rendererDir ? resolve(opts.rendererDir) : null;
  const sse = new Set<ServerResponse>();
  const log = opts.log ?? (() => {});
  const limits: HttpLimits = { ...BROWSER_HOST_LIMITS, ...opts.limits };

  async function serveStatic(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<void> {
    const head = req.method === 'HEAD';
    if (!rendererDir) return send(res, 200, NOT_BUILT, 'text/html; charset=utf-8');
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return send(res, 400, 'Bad path', 'text/plain; charset=utf-8');
    }
    const file = resolveStaticPath(rendererDir, decoded);
    if (file === null) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');

    const tryFile = async (p: string) => {
      try {
        const s = await stat(p);
        return s.isFile() ? s : null;
      } catch {
        return null;
      }
    };
    let target = file;
    let st = await tryFile(target);
    if (!st) {
      // client-side routes (no extension) get index.html; a missing asset is a 404
      if (!isClientRoute(decoded)) return send(res, 404, 'Not found', 'text/plain; charset=utf-8');
      target = join(rendererDir, 'index.html');
      st = await tryFile(target);
      if (!st) return send(res, 200, NOT_BUILT, 'text/html; charset=utf-8');
    }
    const type = contentTypeOf(target);
    const immutable = target.includes(`${sep}assets${sep}`);
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': type,
      'Content-Length': st.size,
      'Cache-Control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    });
    if (head) {
      res.end();
      return;
    }
    createReadStream(target).on('error', () => res.destroy()).pipe(res);
  }

  async function handleRpc(req: IncomingMessage, res: ServerResponse, method: string): Promise<void> {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, errorEnvelope('invalid_input', 'Use POST for /rpc/<method>'));
    }
    const ctype = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (ctype !== 'application/json') return sendJson(res, 415, errorEnvelope('invalid_input', 'Send the input as application/json'));
    let body: Buffer;
    try {
      body = await readBody(req, limits.maxBodyBytes);
    } catch (err) {
      if (err instanceof BodyTooLargeError) {
        closeAfterResponse(req, res);
        return sendJson(res, 413, errorEnvelope('invalid_input', `The request is larger than ${sizeText(limits.maxBodyBytes)}`));
      }
      if (req.socket.destroyed) return; // cut off by the body deadline, or gone: nobody to answer
      throw err;
    }
    let input: unknown = {};
    if (body.length > 0) {
      try {
        input = JSON.parse(body.toString('utf8'));
      } catch {
        return sendJson(res, 400, errorEnvelope('invalid_input', 'The request body is not valid JSON'));
      }
    }
    let name: string;
    try {
      name = decodeURIComponent(method);
    } catch {
      name = method;
    }
    const envelope = await core.callUnknown(name, input, { transport: 'http' });
    sendJson(res, 200, envelope);
  }

  /** GET /exports/<exportId>: a finished CSV export as an attachment, served once and then deleted. */
  async function serveExport(req: IncomingMessage, res: ServerResponse, exportId: string): Promise<void> {
    const text = 'text/plain; charset=utf-8';
    if (req.method !== 'GET') return send(res, 405, 'Method not allowed', text, { Allow: 'GET' });
    if (!isExportId(exportId)) return send(res, 404, 'Not found', text);
    const status = await core.callUnknown('reports.export.status', { exportId }, { transport: 'http' });
    if (!status.ok) return send(res, 404, status.error.message, text);
    const s = status.value as { state: string; available: boolean; fileName: string };
    if (s.state !== 'done' || !s.available) return send(res, 410, 'This export is no longer here: it was already downloaded, or Paydesk restarted. Export again.', text);
    const info = await core.callUnknown('system.info', {}, { transport: 'http' });
    const file = info.ok ? exportFilePath((info.value as { dataDir: string }).dataDir, exportId) : null;
    // taken before streaming, deleted after it however it ends: see downloads.ts
    const claimed = file ? await claimOnce(file) : null;
    if (!claimed) return send(res, 410, 'This export is no longer here: it was already downloaded, or Paydesk restarted. Export again.', text);
    const name = s.fileName.replace(/[^A-Za-z0-9._-]/g, '_');
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'text/csv; charset=utf-8',
      'Content-Length': claimed.size,
      'Content-Disposition': `attachment; filename="${name}"`,
      'Cache-Control': 'no-store',
    });
    await sendAndDelete(claimed, res);
  }

  /** POST /tickets (with the token header): a one-time ticket for /events or /exports/<id>, see guard.ts */
  function handleTicket(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'POST') {
      res.setHeader('Allow', 'POST');
      return sendJson(res, 405, errorEnvelope('invalid_input', `Use POST for ${TICKET_PATH}`));
    }
    sendJson(res, 200, { ok: true, value: { ticket: guard.issueTicket() } });
  }

  function handleEvents(req: IncomingMessage, res: ServerResponse): void {
    if (req.method !== 'GET') return sendJson(res, 405, errorEnvelope('invalid_input', 'Use GET for /events'));
    res.writeHead(200, {
      ...BASE_HEADERS,
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 3000\n: connected\n\n');
    sse.add(res);
    const off = core.onEvent((event) => {
      res.write(`event: ${event.name}\ndata: ${JSON.stringify(event.payload)}\n\n`);
    });
    const done = () => {
      off();
      sse.delete(res);
    };
    req.on('close', done);
    res.on('close', done);
  }

  const server = createServer(serverOptions(limits), (req, res) => {
    void (async () => {
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://127.0.0.1');
      } catch {
        return send(res, 400, 'Bad request', 'text/plain; charset=utf-8');
      }
      const isApi = url.pathname.startsWith('/rpc/') || url.pathname === '/events' || url.pathname === TICKET_PATH;
      const verdict = guard.check(req, url);
      if (!verdict.ok) {
        if (isApi) return sendJson(res, verdict.status, errorEnvelope(verdict.status === 401 ? 'unauthorized' : 'forbidden', verdict.reason));
        return send(res, verdict.status, verdict.reason, 'text/plain; charset=utf-8');
      }
      if (url.pathname === TICKET_PATH) return handleTicket(req, res);
      if (url.pathname.startsWith('/rpc/')) return await handleRpc(req, res, url.pathname.slice('/rpc/'.length));
      if (url.pathname === '/events') return handleEvents(req, res);
      if (url.pathname.startsWith('/exports/')) return await serveExport(req, res, url.pathname.slice('/exports/'.length));
      if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'Method not allowed', 'text/plain; charset=utf-8', { Allow: 'GET, HEAD' });
      return await serveStatic(req, res, url.pathname);
    })().catch((err: unknown) => {
      log('error', 'browser host request failed', { error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendJson(res, 500, errorEnvelope('internal', 'Something went wrong inside Paydesk.'));
      else res.destroy();
    });
  });
  applyLimits(server, limits);

  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolveListen();
    });
  });
  port = (server.address() as AddressInfo).port;

  const heartbeat = setInterval(() => {
    for (const res of sse) res.write(': heartbeat\n\n');
  }, opts.heartbeatMs ?? HEARTBEAT_MS);
  heartbeat.unref();

  const origin = `http://127.0.0.1:${port}`;
  return {
    url: `${origin}/?token=${token}`,
    origin,
    port,
    token,
    guard,
    async close() {
      clearInterval(heartbeat);
      for (const res of sse) res.end();
      sse.clear();
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
    },
  };
}
