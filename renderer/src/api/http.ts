// Browser-mode transport: POST /rpc/<method> and the SSE stream GET /events.
// The page arrives with ?token=<per-launch token> (the address the host printed); adoptLaunchToken keeps it
// in this tab's sessionStorage, which belongs to this origin and port only, and every RPC sends it as the
// x-paydesk-token header. EventSource and download links cannot send headers: they carry a one-time ticket
// from POST /tickets instead. There is no cookie: the browser would send one to every port of 127.0.0.1
// (electron/browser-host/guard.ts).
import { TICKET_PARAM, TICKET_PATH, TOKEN_HEADER, TOKEN_PARAM, TOKEN_STORAGE_KEY } from '../../../shared/browser-auth';
import { isEventName, isMethodName, type EventName } from '../../../shared/contract-names';
import { ApiError, unwrap } from './errors';
import type { ConnectionState, Transport } from './transport';

type AnyListener = (payload: unknown) => void;

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

/** the token this page was opened with; after a reload, the one kept in sessionStorage */
let pageToken: string | null = null;

function tabStorage(): Storage | null {
  try {
    return typeof sessionStorage === 'undefined' ? null : sessionStorage;
  } catch {
    return null; // storage blocked by the browser's settings
  }
}

/**
 * Takes ?token= from the address into this tab's storage and drops it from the address bar, so it is not
 * left in screenshots or a copied URL. Runs once, before the first call (main.tsx); a no-op without it.
 */
export function adoptLaunchToken(): void {
  if (typeof location === 'undefined' || typeof history === 'undefined') return;
  const params = new URLSearchParams(location.search);
  const token = params.get(TOKEN_PARAM);
  if (token === null) return;
  pageToken = token;
  // A tab's first use of sessionStorage waits for the browser process (15 ms on a cold load): stored once the
  // first requests have left, which use pageToken. A reload finds it there.
  setTimeout(() => {
    try {
      tabStorage()?.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // storage full or blocked: pageToken serves this page
    }
  }, 0);
  params.delete(TOKEN_PARAM);
  const search = params.toString();
  history.replaceState(history.state, '', location.pathname + (search ? `?${search}` : '') + location.hash);
}

const launchToken = (): string | null => pageToken ?? tabStorage()?.getItem(TOKEN_STORAGE_KEY) ?? null;

const tokenHeaders = (): Record<string, string> => {
  const token = launchToken();
  return token === null ? {} : { [TOKEN_HEADER]: token };
};

/** A one-time ticket for a request that cannot send the token header; rejects with an ApiError. */
async function requestTicket(base: string): Promise<string> {
  let res: Response;
  try {
    res = await fetch(`${base}${TICKET_PATH}`, { method: 'POST', credentials: 'same-origin', headers: { accept: 'application/json', ...tokenHeaders() } });
  } catch {
    throw ApiError.unreachable();
  }
  if (res.status === 401) throw ApiError.sessionEnded();
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ApiError('internal', `Paydesk answered with HTTP ${res.status}.`);
  }
  return (unwrap(body) as { ticket: string }).ticket;
}

/** The one-time address of a finished export's file (GET /exports/<id>?ticket=…), for a download link. */
export async function exportDownloadUrl(exportId: string, base = ''): Promise<string> {
  const ticket = await requestTicket(base);
  return `${base}/exports/${encodeURIComponent(exportId)}?${TICKET_PARAM}=${encodeURIComponent(ticket)}`;
}

export function httpTransport(base = '') {
  const listeners = new Map<EventName, Set<AnyListener>>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  const attached = new Set<EventName>();
  let source: EventSource | null = null;
  let opening = false;
  let state: ConnectionState = 'connected';
  let retryMs = RECONNECT_MIN_MS;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const setState = (next: ConnectionState) => {
    if (next === state) return;
    state = next;
    for (const l of connListeners) l(next);
  };

  const attach = (name: EventName) => {
    if (!source || attached.has(name)) return;
    attached.add(name);
    source.addEventListener(name, (ev) => {
      let payload: unknown;
      try {
        payload = JSON.parse((ev as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const l of listeners.get(name) ?? []) l(payload);
    });
  };

  const retryLater = () => {
    setState('disconnected');
    clearTimeout(retryTimer);
    retryTimer = setTimeout(open, retryMs);
    retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
  };

  const connect = (ticket: string) => {
    const es = new EventSource(`${base}/events?${TICKET_PARAM}=${encodeURIComponent(ticket)}`);
    source = es;
    attached.clear();
    for (const name of listeners.keys()) attach(name);
    es.onopen = () => {
      retryMs = RECONNECT_MIN_MS;
      setState('connected');
    };
    es.onerror = () => {
      // EventSource retries by itself on network errors but gives up on HTTP errors (401 after a host restart
      // with a new token, 5xx), and its ticket is used up anyway; close and reopen with a new ticket and
      // backoff, so every case recovers the same way.
      es.close();
      if (source === es) source = null;
      retryLater();
    };
  };

  const open = () => {
    if (source || opening || typeof EventSource === 'undefined') return;
    opening = true;
    requestTicket(base).then(
      (ticket) => {
        opening = false;
        if (!source) connect(ticket);
      },
      () => {
        opening = false;
        retryLater();
      },
    );
  };

  return {
    kind: 'http',
    async call(method, input) {
      if (!isMethodName(method)) throw new ApiError('invalid_input', `Unknown method ${String(method)}`);
      let res: Response;
      try {
        res = await fetch(`${base}/rpc/${encodeURIComponent(method)}`, {
          method: 'POST',
          credentials: 'same-origin',
          headers: { 'content-type': 'application/json', accept: 'application/json', ...tokenHeaders() },
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        setState('disconnected');
        throw ApiError.unreachable();
      }
      // the host's door (guard.ts) answers 401 for a missing or stale token: not an operator PIN problem
      if (res.status === 401) throw ApiError.sessionEnded();
      let body: unknown;
      try {
        body = await res.json();
      } catch {
        if (res.status === 403) throw new ApiError('forbidden', 'Paydesk refused this page. Open it again from the link it printed.');
        if (res.status >= 502) {
          setState('disconnected');
          throw ApiError.unreachable();
        }
        throw new ApiError('internal', `Paydesk answered with HTTP ${res.status}.`);
      }
      if (state === 'disconnected' && !source) open();
      return unwrap(body) as never;
    },
    on(event, listener) {
      if (!isEventName(event)) return () => {};
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      const l = listener as AnyListener;
      set.add(l);
      open();
      attach(event);
      return () => {
        set.delete(l);
      };
    },
    onConnection(listener) {
      connListeners.add(listener);
      open();
      return () => {
        connListeners.delete(listener);
      };
    },
  } satisfies Transport;
}
