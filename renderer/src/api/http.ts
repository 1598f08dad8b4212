// Browser-mode transport: POST /rpc/<method> and the SSE stream GET /events.
// The per-launch token travels as the HttpOnly cookie the host set when the page loaded with ?token=,
// so this code never sees it (credentials: 'same-origin'). EventSource cannot send headers; the cookie covers it too.
import { isEventName, isMethodName, type EventName } from '../../../shared/contract';
import { ApiError, unwrap } from './errors';
import type { ConnectionState, Transport } from './transport';

type AnyListener = (payload: unknown) => void;

const RECONNECT_MIN_MS = 500;
const RECONNECT_MAX_MS = 10_000;

export function httpTransport(base = '') {
  const listeners = new Map<EventName, Set<AnyListener>>();
  const connListeners = new Set<(s: ConnectionState) => void>();
  const attached = new Set<EventName>();
  let source: EventSource | null = null;
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

  const open = () => {
    if (source || typeof EventSource === 'undefined') return;
    const es = new EventSource(`${base}/events`, { withCredentials: true });
    source = es;
    attached.clear();
    for (const name of listeners.keys()) attach(name);
    es.onopen = () => {
      retryMs = RECONNECT_MIN_MS;
      setState('connected');
    };
    es.onerror = () => {
      // EventSource retries by itself on network errors but gives up on HTTP errors (401 after a host restart
      // with a new token, 5xx); close and reopen ourselves with backoff so both cases recover the same way.
      es.close();
      if (source === es) source = null;
      setState('disconnected');
      clearTimeout(retryTimer);
      retryTimer = setTimeout(open, retryMs);
      retryMs = Math.min(retryMs * 2, RECONNECT_MAX_MS);
    };
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
          headers: { 'content-type': 'application/json', accept: 'application/json' },
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
