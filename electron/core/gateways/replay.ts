// Replay guards every gateway's webhook verification shares (see webhooks/replay.ts for why).
import { createHash } from 'node:crypto';

/** stripe-node's DEFAULT_TOLERANCE into the past, allowed into the future too (clocks disagree a little) */
export const DEFAULT_MAX_SKEW_SEC = 300;

export const bodySha256 = (body: Buffer): Buffer => createHash('sha256').update(body).digest();

/** Whether a gateway time (unix seconds) is more than `maxSkewSec` ahead of `nowMs`, counted in whole seconds as stripe-node counts age. */
export const isAhead = (atSec: number, nowMs: number, maxSkewSec: number): boolean => atSec - Math.floor(nowMs / 1000) > maxSkewSec;

/** A header's first value. */
export const headerOf = (h: Readonly<Record<string, string | string[] | undefined>>, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};
