// The Webhooks screen's "duplicates since start": counted from the moment core is composed, from the
// ingest's webhook.received events, and no longer once the counter is stopped at close.
import { describe, expect, it } from 'vitest';
import { createEvents } from '../../../../electron/core/events';
import { createDuplicateCounter } from '../../../../electron/core/webhooks/deliveries';

const received = (duplicates: number) =>
  ({ gateway: 'stripe', accountId: 'acct_1', stored: 1, duplicates, rejected: 0, lastType: 'checkout.session.completed', lastRejection: null }) as const;

describe('duplicate counter', () => {
  it('adds up the duplicates of every webhook.received and stops counting when stopped', () => {
    const events = createEvents({ log: () => undefined });
    const counter = createDuplicateCounter(events);
    expect(counter.count).toBe(0);
    events.emit('webhook.received', received(2));
    events.emit('webhook.received', received(0));
    events.emit('webhook.received', received(3));
    expect(counter.count).toBe(5);
    counter.stop();
    events.emit('webhook.received', received(4));
    expect(counter.count).toBe(5);
  });
});
