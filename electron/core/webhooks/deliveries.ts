// The Webhooks screen's deliveries: the stored and refused deliveries (store/repos/deliveries.ts), the
// listener's address, and the duplicates acknowledged since start.
import type { Deliveries } from '../../../shared/contract';
import type { CoreEvents } from '../events';
import type { DeliveriesQuery, DeliveriesRepo } from '../store/repos/deliveries';

export type { DeliveriesQuery } from '../store/repos/deliveries';

export interface DuplicateCounter {
  readonly count: number;
  stop(): void;
}

/**
 * Counts repeated deliveries of already-stored events (the ingest acknowledges and ignores them; they
 * leave no row) from the `webhook.received` events, since this core started.
 */
export function createDuplicateCounter(events: CoreEvents): DuplicateCounter {
  let count = 0;
  const stop = events.on((e) => {
    if (e.name === 'webhook.received') count += e.payload.duplicates;
  });
  return {
    get count() {
      return count;
    },
    stop,
  };
}

export function listDeliveries(repo: DeliveriesRepo, duplicates: Pick<DuplicateCounter, 'count'>, listenerPort: number | null, q: DeliveriesQuery): Deliveries {
  const { rows, nextCursor } = repo.list(q);
  return {
    rows,
    nextCursor,
    listener: { port: listenerPort, url: listenerPort ? `http://127.0.0.1:${listenerPort}` : null },
    duplicatesSinceStart: duplicates.count,
  };
}
