// Failed authentication on the merchant API slows down. After `maxFailures` 401s within `windowMs` from one
// client, every request of that client answers 429 (Retry-After) for `windowMs` from the last of them,
// without its token even being looked at: guessing costs a full window per handful of tries, and a valid
// token sent while blocked does not lift the block (it is never checked). A success does not clear earlier
// failures either, so a client cannot interleave one good token with its guesses.
//
// Memory is bounded: at most `maxClients` entries. When the map is full, entries whose window and block have
// passed are swept (at most once a second), then the least recently failing client is dropped. A client
// with more addresses than that can evade the count; the throttle is there to make guessing slow and noisy,
// the 256-bit tokens are what make it hopeless.

export interface AuthThrottleOptions {
  maxFailures: number;
  windowMs: number;
  maxClients: number;
}

export const AUTH_THROTTLE: AuthThrottleOptions = {
  // a shop's misconfigured script fails a few times and stops; ten a minute is a guesser, or a loop
  maxFailures: 10,
  windowMs: 60_000,
  // ~100 bytes an entry: about a MiB at most, far more distinct clients than a shop's API ever sees
  maxClients: 10_000,
};

interface Entry {
  windowStart: number;
  failures: number;
  /** 0 = not blocked */
  blockedUntil: number;
}

const SWEEP_EVERY_MS = 1000;

export interface AuthThrottle {
  /** ms until `client` may be heard again; 0 when it is not blocked */
  blockedFor(client: string): number;
  /** `client` failed to authenticate */
  failed(client: string): void;
  /** clients remembered now */
  size(): number;
}

export function createAuthThrottle(opts: AuthThrottleOptions, now: () => number): AuthThrottle {
  // insertion order = least recently failing first: failed() re-inserts its client at the end
  const clients = new Map<string, Entry>();
  let lastSweep = Number.NEGATIVE_INFINITY;

  const expired = (e: Entry, at: number): boolean => at >= e.blockedUntil && at - e.windowStart >= opts.windowMs;

  function makeRoom(at: number): void {
    if (clients.size < opts.maxClients) return;
    if (at - lastSweep >= SWEEP_EVERY_MS) {
      lastSweep = at;
      for (const [client, e] of clients) if (expired(e, at)) clients.delete(client);
    }
    if (clients.size >= opts.maxClients) {
      const oldest = clients.keys().next();
      if (!oldest.done) clients.delete(oldest.value);
    }
  }

  return {
    blockedFor(client) {
      const e = clients.get(client);
      if (!e) return 0;
      const at = now();
      if (e.blockedUntil > at) return e.blockedUntil - at;
      if (expired(e, at)) clients.delete(client);
      return 0;
    },
    failed(client) {
      const at = now();
      let e = clients.get(client);
      clients.delete(client);
      if (!e || at - e.windowStart >= opts.windowMs) e = { windowStart: at, failures: 0, blockedUntil: 0 };
      e.failures++;
      if (e.failures >= opts.maxFailures) e.blockedUntil = at + opts.windowMs;
      makeRoom(at);
      clients.set(client, e);
    },
    size: () => clients.size,
  };
}
