// Retries of an unaccepted callback: the waits of the schedule in order, each within its jitter, then none
// (the event is failed). The schedule and the randomness are injectable.
import { describe, expect, it } from 'vitest';
import { DEFAULT_SCHEDULE_MS, JITTER, nextAttemptAt } from '../../../../electron/core/callbacks/backoff';

describe('callback backoff', () => {
  it('waits 30 s, 2 min, 10 min, 1 h, 6 h, 24 h, then gives up', () => {
    const mid = () => 0.5; // no jitter
    expect([1, 2, 3, 4, 5, 6].map((n) => nextAttemptAt(n, 0, DEFAULT_SCHEDULE_MS, mid))).toEqual([30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000]);
    expect(nextAttemptAt(7, 0, DEFAULT_SCHEDULE_MS, mid)).toBeNull();
    expect(nextAttemptAt(0, 0, DEFAULT_SCHEDULE_MS, mid)).toBeNull();
  });

  it('spreads each wait by at most the jitter', () => {
    expect(nextAttemptAt(1, 1000, [10_000], () => 0)).toBe(1000 + 10_000 * (1 - JITTER));
    expect(nextAttemptAt(1, 1000, [10_000], () => 0.999_999)).toBeCloseTo(1000 + 10_000 * (1 + JITTER), -1);
    for (let i = 0; i < 200; i++) {
      const at = nextAttemptAt(2, 0, DEFAULT_SCHEDULE_MS)!;
      expect(at).toBeGreaterThanOrEqual(120_000 * (1 - JITTER));
      expect(at).toBeLessThanOrEqual(120_000 * (1 + JITTER));
    }
  });

  it('follows an injected schedule', () => {
    expect(nextAttemptAt(1, 5, [0, 50], () => 0.5)).toBe(5);
    expect(nextAttemptAt(2, 5, [0, 50], () => 0.5)).toBe(55);
    expect(nextAttemptAt(3, 5, [0, 50], () => 0.5)).toBeNull();
  });
});
