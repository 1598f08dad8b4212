// The browser host's door: a per-launch token, and Host/Origin checks against DNS rebinding and CSRF.
// Order: Host (403) -> Origin (403) -> token (401). A refused request never reaches core.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-paydesk-token';
export const TOKEN_COOKIE = 'paydesk_token';

export const newToken = (): string => randomBytes(32).toString('base64url');

export type GuardResult =
  | { ok: true; via: 'header' | 'cookie' | 'query' }
  | { ok: false; status: 401 | 403; reason: string };

export interface GuardOptions {
  token: string;
  /** the port the server listens on: the only Host values accepted are 127.0.0.1:<port> and localhost:<port> */
  port: () => number;
  /** extra origins allowed to call (e.g. the Vite dev server, http://localhost:5173); exact match */
  extraOrigins?: readonly string[];
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const i = part.indexOf('=');
    if (i < 0) continue;
    if (part.slice(0, i).trim() === name) return part.slice(i + 1).trim();
  }
  return null;
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function createGuard(opts: GuardOptions) {
  const { token } = opts;
  const extra = new Set(opts.extraOrigins ?? []);

  /** The Host header, lower-cased, when it names this server; else null. */
  function hostOf(req: IncomingMessage): string | null {
    const host = req.headers.host?.toLowerCase();
    return host && allowedHosts(opts.port()).includes(host) ? host : null;
  }

  function check(req: IncomingMessage, queryToken: string | null = null): GuardResult {
    const host = hostOf(req);
    if (!host) return { ok: false, status: 403, reason: 'This address is not Paydesk (Host header refused).' };
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}` && !extra.has(origin)) {
      return { ok: false, status: 403, reason: 'Requests from other sites are refused (Origin header refused).' };
    }
    if (req.headers['sec-fetch-site'] === 'cross-site' && !(origin !== undefined && extra.has(origin))) {
      return { ok: false, status: 403, reason: 'Requests from other sites are refused.' };
    }
    const header = req.headers[TOKEN_HEADER];
    if (typeof header === 'string' && safeEqual(header, token)) return { ok: true, via: 'header' };
    const cookie = readCookie(req.headers.cookie, TOKEN_COOKIE);
    if (cookie !== null && safeEqual(cookie, token)) return { ok: true, via: 'cookie' };
    if (queryToken !== null && safeEqual(queryToken, token)) return { ok: true, via: 'query' };
    return { ok: false, status: 401, reason: 'Missing or wrong access token. Open the address Paydesk printed when it started (it carries the token).' };
  }

  /** Set-Cookie for a page opened with ?token=: HttpOnly, SameSite=Strict, for this host only. */
  const cookie = (): string => `${TOKEN_COOKIE}=${token}; HttpOnly; SameSite=Strict; Path=/`;

  return { check, cookie, hostOf, token };
}

export type Guard = ReturnType<typeof createGuard>;
