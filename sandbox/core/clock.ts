// Sandbox time = real time + an offset that only grows. `advance` moves it and runs the listeners
// (session expiry, balance availability, auto-refunds) synchronously, so a test that advances the
// clock can assert the consequences on the next line.
import type { SandboxClock } from './types.js';

export interface OffsetClock extends SandboxClock {
  /** how far sandbox time is ahead of real time; persisted so a restart does not move time backwards */
  offsetMs(): number;
}

export function createClock(initialOffsetMs = 0, realNow: () => number = Date.now): OffsetClock {
  let offset = Math.max(0, initialOffsetMs);
  const listeners = new Set<(now: number) => void>();
  const clock: OffsetClock = {
    now: () => realNow() + offset,
    offsetMs: () => offset,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) throw new RangeError('The clock only moves forward');
      offset += Math.floor(ms);
      const now = clock.now();
      // copy: a listener may unsubscribe itself while we iterate
      for (const listener of [...listeners]) listener(now);
    },
    onAdvance(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
  return clock;
}

export const toUnixSeconds = (ms: number): number => Math.floor(ms / 1000);
