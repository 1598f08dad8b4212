// Rate limits of the merchant API, counted in RateCounters: the store's (migration 015) in core, so every
// desk sharing a store counts the same requests and a restart does not lift a block; in memory for tests.
//
// Failed authentication slows down. After `maxFailures` 401s within `windowMs` from one client, every request
// of that client answers 429 (Retry-After) for `windowMs` from the last of them, without its token even being
// looked at: guessing costs a full window per handful of tries, and a valid token sent while blocked does not
// lift the block (it is never checked). A success does not clear earlier failures either, so a client cannot
// interleave one good token with its guesses. The throttle is there to make guessing slow and noisy; the
// 256-bit tokens are what make it hopeless.
//
// Each token has a request budget per minute (createRequestLimiter): a runaway loop in the shop's code gets
// 429 instead of filling the gateway's own rate limit, which every desk and the console share.

export interface RateHit {
  count: number;
  windowStart: number;
  blockedUntil: number;
}

/** Counters per bucket over fixed windows (electron/core/store/repos/api-rate.ts in core). */
export interface RateCounters {
  hit(bucket: string, at: number, windowMs: number): RateHit;
  blockedUntil(bucket: string): number;
  block(bucket: string, until: number): void;
  /** forgets buckets whose window and block have both passed by `at` */
  sweep(at: number): number;
  size(): number;
}

export interface AuthThrottleOptions {
  maxFailures: number;
  windowMs: number;
  /** the most clients the in-memory counters remember */
  maxClients: number;
}

export const AUTH_THROTTLE: AuthThrottleOptions = {
  // a shop's misconfigured script fails a few times and stops; ten a minute is a guesser, or a loop
  maxFailures: 10,
  windowMs: 60_000,
  // ~100 bytes an entry: about a MiB at most, far more distinct clients than a shop's API ever sees
  maxClients: 10_000,
};

/** requests per token per minute: far above a shop's checkout traffic, far below a gateway's own limits */
export const TOKEN_REQUESTS_PER_MINUTE = 600;

const SWEEP_EVERY_MS = 1000;
const MINUTE_MS = 60_000;

interface Entry { windowStart: number; count: number; blockedUntil: number }

const expiresAt = (e: Entry, windowMs: number): number => Math.max(e.blockedUntil, e.windowStart + windowMs);

/**
 * Counters in this process, at most `maxBuckets`: when full, expired buckets are swept (at most once a
 * second), then the least recently counted one is dropped. A client with more addresses than that can evade
 * the count.
 */
export function memoryRateCounters(maxBuckets: number): RateCounters {
  // insertion order = least recently counted first: hit() re-inserts its bucket at the end
  const buckets = new Map<string, Entry & { windowMs: number }>();
  let lastSweep = Number.NEGATIVE_INFINITY;
  const sweep = (at: number): number => {
    let n = 0;
    for (const [b, e] of buckets) if (expiresAt(e, e.windowMs) <= at && buckets.delete(b)) n++;
    return n;
  };
  const makeRoom = (at: number): void => {
    if (buckets.size < maxBuckets) return;
    if (at - lastSweep >= SWEEP_EVERY_MS) {
      lastSweep = at;
      sweep(at);
    }
    if (buckets.size >= maxBuckets) {
      const oldest = buckets.keys().next();
      if (!oldest.done) buckets.delete(oldest.value);
    }
  };
  return {
    hit(bucket, at, windowMs) {
      let e = buckets.get(bucket);
      buckets.delete(bucket);
      if (!e || at - e.windowStart >= windowMs) e = { windowStart: at, count: 0, blockedUntil: e?.blockedUntil ?? 0, windowMs };
      e.count++;
      makeRoom(at);
      buckets.set(bucket, e);
      return { count: e.count, windowStart: e.windowStart, blockedUntil: e.blockedUntil };
    },
    blockedUntil: (bucket) => buckets.get(bucket)?.blockedUntil ?? 0,
    block(bucket, until) {
      const e = buckets.get(bucket);
      if (e) e.blockedUntil = until;
    },
    sweep,
    size: () => buckets.size,
  };
}

export interface AuthThrottle {
  /** ms until `client` may be heard again; 0 when it is not blocked */
  blockedFor(client: string): number;
  /** `client` failed to authenticate */
  failed(client: string): void;
  /** buckets remembered now */
  size(): number;
}

/** Sweeps `counters` at most once per `everyMs`, so each request does not pay for it. */
function sweeper(counters: RateCounters, everyMs: number): (at: number) => void {
  let last = Number.NEGATIVE_INFINITY;
  return (at) => {
    if (at - last < everyMs) return;
    last = at;
    counters.sweep(at);
  };
}

export function createAuthThrottle(
  opts: AuthThrottleOptions,
  now: () => number,
  counters: RateCounters = memoryRateCounters(opts.maxClients),
): AuthThrottle {
  const sweep = sweeper(counters, MINUTE_MS);
  const bucket = (client: string): string => `auth:${client}`;
  return {
    blockedFor(client) {
      const at = now();
      const until = counters.blockedUntil(bucket(client));
      return until > at ? until - at : 0;
    },
    failed(client) {
      const at = now();
      sweep(at);
      const h = counters.hit(bucket(client), at, opts.windowMs);
      if (h.count >= opts.maxFailures) counters.block(bucket(client), at + opts.windowMs);
    },
    size: () => counters.size(),
  };
}

export interface RequestLimiter {
  /** counts a request of the token; the seconds to wait when it is over its budget, else 0 */
  take(tokenId: string): number;
}

export function createRequestLimiter(perMinute: number, now: () => number, counters: RateCounters): RequestLimiter {
  const sweep = sweeper(counters, MINUTE_MS);
  return {
    take(tokenId) {
      const at = now();
      sweep(at);
      const h = counters.hit(`token:${tokenId}`, at, MINUTE_MS);
      return h.count > perMinute ? Math.max(1, Math.ceil((h.windowStart + MINUTE_MS - at) / 1000)) : 0;
    },
  };
}
