// Which of a payment's timeline entries its drawer shows, in what order. Pure, so it is tested alone.
import type { TimelineEntry } from '../../../../shared/contract';

const KIND_ORDER: Record<string, number> = { created: 0, opened: 1, attempt_failed: 2, authorized: 3, captured: 4, fee_known: 6, refund_updated: 7, expired: 8, cancelled: 8 };

const str = (v: unknown): string | null => (typeof v === 'string' && v ? v : null);

/**
 * What changed something, and each failed attempt once. A customer may try twice with the same reason, so
 * every attempt is shown; but one attempt is often reported twice (Stripe: payment_intent.payment_failed and
 * charge.failed; an event and a status check) at times that can be a second apart, so an attempt is known
 * by the gateway's id of the try where it has one, else by its second and reason. Gateway times are whole
 * seconds and Paydesk's are milliseconds: within one second, the natural order of the kinds is kept.
 */
export function shownTimeline(entries: readonly TimelineEntry[]): TimelineEntry[] {
  const attempts = new Set<string>();
  const isNewAttempt = (e: TimelineEntry): boolean => {
    const id = str(e.detail.attemptId);
    const key = id ? `id|${id}` : `${Math.floor(e.at / 1000)}|${str(e.detail.reason) ?? ''}`;
    if (attempts.has(key)) return false;
    attempts.add(key);
    return true;
  };
  return entries
    .filter((e) => e.kind === 'created' || (e.kind === 'attempt_failed' ? isNewAttempt(e) : e.changed))
    .map((e, i) => ({ e, i }))
    .sort((a, b) => Math.floor(a.e.at / 1000) - Math.floor(b.e.at / 1000) || (KIND_ORDER[a.e.kind] ?? 5) - (KIND_ORDER[b.e.kind] ?? 5) || a.i - b.i)
    .map((x) => x.e);
}
