// The Webhooks screen's deliveries: the stored and refused deliveries (store/repos/deliveries.ts), the
// listener's address, and the duplicates acknowledged since start.
import type { Deliveries } from '../../../shared/contract';
import type { CoreEvents } from '../events';
import type { DeliveriesQuery, DeliveriesRepo } from '../store/repos/deliveries';

export type { DeliveriesQuery } from '../store/repos/deliveries';

/**
 * Counts repeated deliveries of already-stored events (the ingest acknowledges and ignores them; they
 * leave no row) from the `webhook.received` events, since this core started. One per events emitter.
 */
const duplicateCounters = new WeakMap<CoreEvents, { count: number }>();

export function duplicateCounter(events: CoreEvents): { readonly count: number } {
  let c = duplicateCounters.get(events);
  if (!c) {
    const counter = { count: 0 };
    c = counter;
    duplicateCounters.set(events, counter);
    events.on((e) => {
      if (e.name === 'webhook.received') counter.count += e.payload.duplicates;
    });
  }
  return c;
}

export function listDeliveries(repo: DeliveriesRepo, events: CoreEvents, listenerPort: number | null, q: DeliveriesQuery): Deliveries {
  const { rows, nextCursor } = repo.list(q);
  return {
    rows,
    nextCursor,
    listener: { port: listenerPort, url: listenerPort ? `http://127.0.0.1:${listenerPort}` : null },
    duplicatesSinceStart: duplicateCounter(events).count,
  };
}
