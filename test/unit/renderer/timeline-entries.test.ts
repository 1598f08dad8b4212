// The drawer's timeline: each failed try once, whether the gateway reported it once or twice, and at
// whatever times; two tries are two, even within one second and with the same reason.
import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../shared/contract';
import { shownTimeline } from '../../../renderer/src/screens/payments/timeline-entries';

const T = 1_790_000_000_000;
const failure = (at: number, attemptId: string | null, gatewayType: string, reason = 'generic_decline: Your card was declined.'): TimelineEntry => ({
  at, kind: 'attempt_failed', source: 'webhook', gatewayType, changed: false, statusAfter: 'failed', detail: { reason, ...(attemptId ? { attemptId } : {}) },
});

describe('shownTimeline', () => {
  it('shows one try reported by two events a second apart once', () => {
    const shown = shownTimeline([failure(T, 'ch_1', 'charge.failed'), failure(T + 1000, 'ch_1', 'payment_intent.payment_failed')]);
    expect(shown.map((e) => e.gatewayType)).toEqual(['charge.failed']);
  });

  it('shows two tries with the same reason in the same second twice', () => {
    expect(shownTimeline([failure(T, 'ch_1', 'charge.failed'), failure(T + 200, 'ch_2', 'charge.failed')])).toHaveLength(2);
  });

  it('tells tries without a gateway id apart by their second and reason', () => {
    const shown = shownTimeline([failure(T, null, 'payment_intent.payment_failed'), failure(T + 300, null, 'charge.failed'), failure(T + 5000, null, 'charge.failed')]);
    expect(shown.map((e) => e.at)).toEqual([T, T + 5000]);
  });

  it('keeps what changed something, in time order, the kinds in their natural order within a second', () => {
    const e = (at: number, kind: string, changed: boolean): TimelineEntry => ({ at, kind, source: 'webhook', gatewayType: null, changed, statusAfter: 'paid', detail: {} });
    const shown = shownTimeline([e(T + 900, 'captured', true), e(T + 100, 'opened', true), e(T + 2000, 'captured', false), e(T, 'created', false)]);
    expect(shown.map((x) => x.kind)).toEqual(['created', 'opened', 'captured']);
  });
});
