// When a callback that was not accepted is tried again. The shop's server may be down for a deploy or a
// night: the waits grow from seconds to a day, then the event is marked failed (a resend still works).
// Jitter spreads the retries of many events that failed together, so a recovering shop is not hit at once.

/** waits after the 1st, 2nd, ... unaccepted attempt; after the last one the event is failed */
export const DEFAULT_SCHEDULE_MS: readonly number[] = [30_000, 120_000, 600_000, 3_600_000, 21_600_000, 86_400_000];

/** ± this share of each wait */
export const JITTER = 0.2;

/**
 * The time of the next attempt after `attempts` unaccepted ones, or null when the schedule is used up.
 * `random` in [0, 1) (injectable for tests).
 */
export function nextAttemptAt(attempts: number, now: number, schedule: readonly number[] = DEFAULT_SCHEDULE_MS, random: () => number = Math.random): number | null {
  const wait = schedule[attempts - 1];
  if (wait === undefined || attempts < 1) return null;
  const spread = wait * JITTER * (random() * 2 - 1);
  return now + Math.max(0, Math.round(wait + spread));
}
