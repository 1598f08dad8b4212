// The tunnel's state machine: offline → connecting → online | error (reason in words).
// - A start attempt is bounded by its own deadline (default 12 s, inside the 15 s promise to the
//   merchant) enforced here with an AbortSignal and a race, so a hanging SDK cannot hold it up.
// - A tunnel that drops after being online reconnects with capped, jittered exponential backoff;
//   while waiting the state is `connecting` with `error` saying why and `retryAt` saying when.
// - Nothing throws out of start/stop: failures become an `error` state. Every change is emitted as
//   `tunnel.changed` through the injected `emit`, so nothing else in the app is affected.
import type { TunnelStatus } from '../../../shared/contract/webhooks';
import { TunnelError, type TunnelCloseInfo, type TunnelProvider } from './provider';

export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

/** Looks the globals up at call time, so vitest's fake timers apply. */
export const realTimers: Timers = {
  setTimeout: (fn, ms) => globalThis.setTimeout(fn, ms),
  clearTimeout: (h) => globalThis.clearTimeout(h as ReturnType<typeof globalThis.setTimeout>),
};

export interface BackoffOptions {
  /** first delay; default 1000 ms */
  baseMs: number;
  /** cap; default 60 000 ms */
  maxMs: number;
  /** fraction of the delay that is random, 0..1; default 0.3 */
  jitter: number;
}
export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 1000, maxMs: 60_000, jitter: 0.3 };

/**
 * Delay before reconnect attempt `attempt` (1-based): base·2^(attempt−1), capped at maxMs, then
 * reduced by up to `jitter` of itself so many clients do not retry in step. Never above maxMs.
 */
export function backoffDelay(attempt: number, opts: BackoffOptions = DEFAULT_BACKOFF, random: () => number = Math.random): number {
  const exp = opts.baseMs * 2 ** Math.max(0, Math.min(attempt - 1, 30));
  const capped = Math.min(opts.maxMs, exp);
  const r = Math.min(1, Math.max(0, random()));
  return Math.round(capped * (1 - opts.jitter * r));
}

export interface TunnelManagerOptions {
  /** port of the local webhook listener; null when it is not running */
  getPort: () => number | null;
  /** the listener's socket entry, which a provider that can should forward to; null or omitted = the port */
  getSocket?: () => string | null;
  emit?: (event: 'tunnel.changed', payload: TunnelStatus) => void;
  clock?: { now(): number };
  timers?: Timers;
  random?: () => number;
  /** deadline for one start attempt; default 12 000 ms */
  startTimeoutMs?: number;
  backoff?: Partial<BackoffOptions>;
  /** give up reconnecting after this many failed attempts in a row; default unlimited */
  maxReconnectAttempts?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface TunnelManager {
  status(): TunnelStatus;
  /** start (or switch to) a provider; resolves when the first attempt ends, online or error. Never rejects. */
  start(provider: TunnelProvider): Promise<TunnelStatus>;
  /** stop and go offline. Never rejects. */
  stop(): Promise<TunnelStatus>;
  /** listen to every status change (in-process: the service uses it to register webhook endpoints) */
  subscribe(listener: (status: TunnelStatus) => void): () => void;
}

const seconds = (ms: number): string => `${Math.max(1, Math.round(ms / 1000))} s`;

export function createTunnelManager(opts: TunnelManagerOptions): TunnelManager {
  const clock = opts.clock ?? { now: () => Date.now() };
  const timers = opts.timers ?? realTimers;
  const random = opts.random ?? Math.random;
  const startTimeoutMs = opts.startTimeoutMs ?? 12_000;
  const backoff: BackoffOptions = { ...DEFAULT_BACKOFF, ...opts.backoff };
  const maxAttempts = opts.maxReconnectAttempts ?? Number.POSITIVE_INFINITY;
  const subscribers = new Set<(s: TunnelStatus) => void>();

  let status: TunnelStatus = { state: 'offline', provider: null, url: null, error: null, errorKind: null, retryAt: null, since: clock.now() };
  let provider: TunnelProvider | null = null;
  /** bumps on every start and stop: results of an older run are ignored */
  let generation = 0;
  let unsubscribeClose: (() => void) | null = null;
  let retryTimer: unknown = null;
  let inflight: AbortController | null = null;
  let failedAttempts = 0;

  const set = (next: Omit<TunnelStatus, 'since'>): void => {
    const same = next.state === status.state && next.provider === status.provider && next.url === status.url
      && next.error === status.error && next.errorKind === status.errorKind && next.retryAt === status.retryAt;
    if (same) return;
    status = { ...next, since: next.state === status.state ? status.since : clock.now() };
    const snapshot = { ...status };
    try { opts.emit?.('tunnel.changed', snapshot); } catch (e) { opts.log?.('warn', `tunnel.changed listener failed: ${String(e)}`); }
    for (const fn of [...subscribers]) {
      try { fn(snapshot); } catch (e) { opts.log?.('warn', `tunnel subscriber failed: ${String(e)}`); }
    }
  };

  const clearRetry = (): void => {
    if (retryTimer !== null) timers.clearTimeout(retryTimer);
    retryTimer = null;
  };

  const timeoutMessage = (p: TunnelProvider): string => p.kind === 'ngrok'
    ? `ngrok did not answer within ${seconds(startTimeoutMs)}. Check the internet connection; if it works, check the ngrok authtoken.`
    : `Nothing answered at the URL within ${seconds(startTimeoutMs)}. Check that your proxy or tunnel tool is running and that this computer is online.`;

  const toTunnelError = (e: unknown): TunnelError => e instanceof TunnelError ? e : new TunnelError('unknown', 'The tunnel could not start because of an unexpected problem.');

  /** one bounded attempt to open `p`; resolves with the URL or a TunnelError, never rejects */
  const attempt = async (p: TunnelProvider, port: number): Promise<{ url: string } | { error: TunnelError }> => {
    const ac = new AbortController();
    inflight = ac;
    let deadline: unknown = null;
    const timedOut = new Promise<never>((_, reject) => {
      deadline = timers.setTimeout(() => {
        const err = new TunnelError('timeout', timeoutMessage(p));
        ac.abort(err);
        reject(err);
      }, startTimeoutMs);
    });
    try {
      const started = Promise.resolve().then(() => p.start({ port, socketPath: opts.getSocket?.() ?? null }, ac.signal));
      started.catch(() => { /* handled by the race; avoids an unhandled rejection after the deadline */ });
      const { url } = await Promise.race([started, timedOut]);
      return { url };
    } catch (e) {
      // release whatever the provider may still open; bounded by the provider's own close timeout
      void p.stop().catch(() => undefined);
      return { error: toTunnelError(e) };
    } finally {
      timers.clearTimeout(deadline);
      if (inflight === ac) inflight = null;
    }
  };

  const goOnline = (gen: number, p: TunnelProvider, url: string): void => {
    failedAttempts = 0;
    unsubscribeClose?.();
    unsubscribeClose = p.onClose((info) => onDrop(gen, p, info));
    set({ state: 'online', provider: p.kind, url, error: null, errorKind: null, retryAt: null });
    opts.log?.('info', `tunnel online (${p.kind})`);
  };

  const scheduleReconnect = (gen: number, p: TunnelProvider, reason: string, kind: TunnelStatus['errorKind']): void => {
    failedAttempts++;
    if (failedAttempts > maxAttempts) {
      set({ state: 'error', provider: p.kind, url: null, error: `${reason} Gave up reconnecting after ${maxAttempts} attempts; start the tunnel again.`, errorKind: kind, retryAt: null });
      return;
    }
    const delay = backoffDelay(failedAttempts, backoff, random);
    set({ state: 'connecting', provider: p.kind, url: null, error: `${reason} Reconnecting in ${seconds(delay)}.`, errorKind: kind, retryAt: clock.now() + delay });
    clearRetry();
    retryTimer = timers.setTimeout(() => {
      retryTimer = null;
      void reconnect(gen, p);
    }, delay);
  };

  const reconnect = async (gen: number, p: TunnelProvider): Promise<void> => {
    if (gen !== generation) return;
    const port = opts.getPort();
    if (port === null) {
      set({ state: 'error', provider: p.kind, url: null, error: 'The local webhook listener is not running, so there is nothing to forward to. Restart Paydesk.', errorKind: 'config', retryAt: null });
      return;
    }
    set({ state: 'connecting', provider: p.kind, url: null, error: status.error, errorKind: status.errorKind, retryAt: null });
    const r = await attempt(p, port);
    if (gen !== generation) return;
    if ('url' in r) {
      goOnline(gen, p, r.url);
    } else if (r.error.retryable) {
      scheduleReconnect(gen, p, r.error.message, r.error.kind);
    } else {
      set({ state: 'error', provider: p.kind, url: null, error: r.error.message, errorKind: r.error.kind, retryAt: null });
    }
  };

  const onDrop = (gen: number, p: TunnelProvider, info: TunnelCloseInfo): void => {
    if (gen !== generation || status.state !== 'online') return;
    unsubscribeClose?.();
    unsubscribeClose = null;
    opts.log?.('warn', `tunnel dropped (${p.kind})`);
    void p.stop().catch(() => undefined);
    if (!info.retry) {
      set({ state: 'error', provider: p.kind, url: null, error: info.reason, errorKind: 'unknown', retryAt: null });
      return;
    }
    failedAttempts = 0;
    scheduleReconnect(gen, p, `The tunnel dropped: ${info.reason}`, 'network');
  };

  const teardown = async (): Promise<void> => {
    generation++;
    clearRetry();
    inflight?.abort(new TunnelError('timeout', 'Stopped.'));
    inflight = null;
    unsubscribeClose?.();
    unsubscribeClose = null;
    const p = provider;
    provider = null;
    failedAttempts = 0;
    if (p) await p.stop().catch(() => undefined);
  };

  return {
    status: () => ({ ...status }),

    async start(p) {
      try {
        await teardown();
        const gen = generation;
        provider = p;
        set({ state: 'connecting', provider: p.kind, url: null, error: null, errorKind: null, retryAt: null });
        const port = opts.getPort();
        if (port === null) {
          set({ state: 'error', provider: p.kind, url: null, error: 'The local webhook listener is not running, so there is nothing to forward to. Restart Paydesk.', errorKind: 'config', retryAt: null });
          return { ...status };
        }
        const r = await attempt(p, port);
        if (gen !== generation) return { ...status };
        if ('url' in r) goOnline(gen, p, r.url);
        else set({ state: 'error', provider: p.kind, url: null, error: r.error.message, errorKind: r.error.kind, retryAt: null });
      } catch (e) {
        opts.log?.('error', `tunnel start failed unexpectedly: ${String(e)}`);
        set({ state: 'error', provider: p.kind, url: null, error: 'The tunnel could not start because of an unexpected problem.', errorKind: 'unknown', retryAt: null });
      }
      return { ...status };
    },

    async stop() {
      try {
        await teardown();
      } catch (e) {
        opts.log?.('warn', `tunnel stop: ${String(e)}`);
      }
      set({ state: 'offline', provider: null, url: null, error: null, errorKind: null, retryAt: null });
      return { ...status };
    },

    subscribe(fn) {
      subscribers.add(fn);
      return () => subscribers.delete(fn);
    },
  };
}
