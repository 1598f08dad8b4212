// The browser host's door: Host/Origin checks against DNS rebinding and CSRF, then the credential the path needs.
// Order: Host (403) -> Origin (403) -> credential (401). A refused request never reaches core.
//
// The credential is the per-launch token, sent as the x-paydesk-token header by scripts and by the page,
// which takes it from the printed address (?token=) into its tab's sessionStorage (renderer/src/api/http.ts).
// There is no cookie: cookies are not port-scoped, so the browser would hand one to every other service on
// 127.0.0.1, which could replay it (with any headers it likes) against the console. sessionStorage belongs
// to this origin, port included, and nothing in it is sent anywhere unless the page sends it.
// A request that cannot carry a header (EventSource, a download link) presents a ticket instead: one use,
// TICKET_TTL_MS, obtained with the header from POST /tickets.
//
// What each path needs:
//   /rpc/<method>, /tickets   the header
//   /events, /exports/<id>    the header or a ticket
//   anything else             nothing: the built renderer is public code holding no data. A ?token= on it
//                             (the printed address) must be right, so a stale address says so plainly.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { TICKET_PARAM, TICKET_PATH, TOKEN_HEADER, TOKEN_PARAM } from '../../shared/browser-auth';

export { TOKEN_HEADER };

/** long enough for the page to open its event stream or start its download; short enough to be useless later */
export const TICKET_TTL_MS = 30_000;
/** tickets are cheap to ask for; a runaway page cannot grow the table beyond this (the oldest goes first) */
const MAX_TICKETS = 256;

export const newToken = (): string => randomBytes(32).toString('base64url');

export type Credential = 'none' | 'header' | 'header-or-ticket';

export type GuardResult =
  | { ok: true; via: 'header' | 'ticket' | 'query' | 'none' }
  | { ok: false; status: 401 | 403; reason: string };

export interface GuardOptions {
  token: string;
  /** the port the server listens on: the only Host values accepted are 127.0.0.1:<port> and localhost:<port> */
  port: () => number;
  /** extra origins allowed to call (e.g. the Vite dev server, http://localhost:5173); exact match */
  extraOrigins?: readonly string[];
  /** clock for ticket expiry (tests) */
  now?: () => number;
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export function allowedHosts(port: number): string[] {
  return [`127.0.0.1:${port}`, `localhost:${port}`];
}

export function credentialFor(pathname: string): Credential {
  if (pathname.startsWith('/rpc/') || pathname === TICKET_PATH) return 'header';
  if (pathname === '/events' || pathname.startsWith('/exports/')) return 'header-or-ticket';
  return 'none';
}

/** One-time tickets: random, single use, expiring; kept in memory only (a restart ends them with the token). */
function createTickets(now: () => number) {
  const live = new Map<string, number>();
  return {
    issue(): string {
      const at = now();
      for (const [ticket, expires] of live) if (expires <= at) live.delete(ticket);
      if (live.size >= MAX_TICKETS) live.delete(live.keys().next().value!);
      const ticket = newToken();
      live.set(ticket, at + TICKET_TTL_MS);
      return ticket;
    },
    redeem(ticket: string): boolean {
      const expires = live.get(ticket);
      if (expires === undefined) return false;
      live.delete(ticket);
      return expires > now();
    },
  };
}

const UNAUTHORIZED = {
  ok: false,
  status: 401,
  reason: 'Missing or wrong access token. Open the address Paydesk printed when it started (it carries the token).',
} as const;

export function createGuard(opts: GuardOptions) {
  const { token } = opts;
  const extra = new Set(opts.extraOrigins ?? []);
  const tickets = createTickets(opts.now ?? Date.now);

  /** The Host header, lower-cased, when it names this server; else null. */
  function hostOf(req: IncomingMessage): string | null {
    const host = req.headers.host?.toLowerCase();
    return host && allowedHosts(opts.port()).includes(host) ? host : null;
  }

  function checkOrigin(req: IncomingMessage, host: string): GuardResult | null {
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== `http://${host}` && !extra.has(origin)) {
      return { ok: false, status: 403, reason: 'Requests from other sites are refused (Origin header refused).' };
    }
    if (req.headers['sec-fetch-site'] === 'cross-site' && !(origin !== undefined && extra.has(origin))) {
      return { ok: false, status: 403, reason: 'Requests from other sites are refused.' };
    }
    return null;
  }

  /** `url` is the request's path and query, parsed; a ticket in it is used up by this check. */
  function check(req: IncomingMessage, url: URL): GuardResult {
    const host = hostOf(req);
    if (!host) return { ok: false, status: 403, reason: 'This address is not Paydesk (Host header refused).' };
    const refused = checkOrigin(req, host);
    if (refused) return refused;
    const need = credentialFor(url.pathname);
    if (need === 'none') {
      const launch = url.searchParams.get(TOKEN_PARAM);
      if (launch === null) return { ok: true, via: 'none' };
      return safeEqual(launch, token) ? { ok: true, via: 'query' } : UNAUTHORIZED;
    }
    const header = req.headers[TOKEN_HEADER];
    if (typeof header === 'string' && safeEqual(header, token)) return { ok: true, via: 'header' };
    const ticket = need === 'header-or-ticket' ? url.searchParams.get(TICKET_PARAM) : null;
    if (ticket !== null && tickets.redeem(ticket)) return { ok: true, via: 'ticket' };
    return UNAUTHORIZED;
  }

  return { check, hostOf, issueTicket: tickets.issue, token };
}

export type Guard = ReturnType<typeof createGuard>;
