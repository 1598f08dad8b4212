// Step 3 of the ingest: applying an event, in the transaction that stores it. The adapter normalises the
// body into facts, the payment they are about is read, and the one fold (payments/apply.ts) works out what
// they change; then the event's row is stored with that result (null: a duplicate, nothing more happens),
// then the writes that refer to it (timeline rows tied to the row, the payment's changed columns).
import type { Gateway } from '../../../shared/gateways';
import type { WebhookPort } from '../gateways/ports/webhooks';
import { commitFold, hasRefundFact, learnsIds, type FollowRefunds, type PaymentChange } from '../payments/apply';
import { materialize, planChanges, planFacts } from '../payments/route';
import type { OrdersRepo } from '../store/repos/orders';
import type { NormalizedEvent } from '../gateways/facts';
import type { PaymentsRepo, PaymentStateRow } from '../store/repos/payments';
import type { ApplyResult, WebhookEventInsert, WebhookEventRow, WebhookEventsRepo } from '../store/repos/webhook-events';
import type { Transact } from '../store/transaction';
import type { IngestStats } from './ingest-counters';
import type { ApplyItem } from './ingest-verify';

/** an event already in webhook_events */
export type StoredItem = ApplyItem & { id: number };
/** where an applied event's result goes: a new row to insert (the group commit), or the id of a stored row */
export type StoreTarget = { row: WebhookEventInsert } | number;
export type Changes = Map<string, PaymentChange>;

export interface ApplierDeps {
  events: WebhookEventsRepo;
  payments: PaymentsRepo;
  orders: OrdersRepo;
  transaction: Transact;
  webhooks: (gateway: Gateway) => WebhookPort;
  stats: IngestStats;
  log: (level: 'error', message: string, detail?: Record<string, unknown>) => void;
  /** our refund rows follow a refund fact inside the event's own commit (refunds.followInCommit) */
  followRefunds?: FollowRefunds | undefined;
}

export type Applier = ReturnType<typeof createApplier>;

export function createApplier(d: ApplierDeps) {
  const { events, payments, stats } = d;
  // Accounts known to have no unmatched event, within the running transaction (cleared when one starts):
  // the retry after an event that taught a payment its ids costs one look-up per account and batch, not
  // one per event. Storing an unmatched result forgets the account again.
  const noUnmatched = new Set<string>();
  // The payments a batch's events name by our id, read before the batch is applied (readAhead), within the
  // running transaction. A payment leaves the map once an event has written to it, so the next event about
  // it reads what that write left. Each event is normalised once per transaction, for the read-ahead (or the
  // retry's match) and its apply.
  const ahead = new Map<string, PaymentStateRow>();
  const normalized = new Map<ApplyItem, NormalizedEvent>();
  const normalize = (item: ApplyItem): NormalizedEvent => {
    const known = normalized.get(item);
    if (known) return known;
    const n = d.webhooks(item.gateway).normalize(item.parsed);
    normalized.set(item, n);
    return n;
  };

  /** the payment an event is about: from the read-ahead when it named it by our id, else looked up */
  function paymentFor(accountId: string, ref: NonNullable<NormalizedEvent['ref']>): PaymentStateRow | undefined {
    const read = ref.paydeskId ? ahead.get(ref.paydeskId) : undefined;
    return read && read.account_id === accountId ? read : payments.findStateForRef(accountId, ref);
  }

  /** Records an applied event's result: inserts its row (null: a duplicate) or updates the stored one; returns the row id. */
  function store(target: StoreTarget, accountId: string, at: number, result: ApplyResult, paymentId: string | null): number | null {
    if (result === 'unmatched') noUnmatched.delete(accountId);
    if (typeof target === 'number') {
      events.markApplied(target, at, result, paymentId);
      return target;
    }
    return events.insert(target.row, { at, result, paymentId });
  }

  function applyOne(item: ApplyItem, changes: Changes, at: number, retryUnmatched: boolean, target: StoreTarget): number | null {
    const n = normalize(item);
    normalized.delete(item);
    const row = n.ref ? paymentFor(item.accountId, n.ref) : undefined;
    if (!n.ref || !row || row.gateway !== item.gateway) {
      const result = n.ref && n.handled ? 'unmatched' : 'ignored';
      const id = store(target, item.accountId, at, result, null);
      if (id === null) return null;
      stats.applied++;
      if (result === 'unmatched') stats.unmatched++;
      return id;
    }
    const opts = { source: 'webhook' as const, gatewayType: item.type, now: at };
    const plan = planFacts(d, row, n.events, n.ref.ids, opts);
    const result = planChanges(plan) ? 'changed' : 'unchanged';
    ahead.delete(row.id);
    const id = store(target, item.accountId, at, result, row.id);
    if (id === null) return null;
    const learned = learnsIds(row, n.ref.ids);
    const folds = materialize(d, plan, n.customer, opts);
    for (const { fold, ids } of folds) {
      ahead.delete(fold.row.id);
      const change = commitFold(payments, fold, ids, at, id);
      if (change) changes.set(change.id, change);
      if (d.followRefunds && fold.stateChanged && hasRefundFact(n.events)) d.followRefunds(fold.row.id);
    }
    // an event about one payment of a reusable link belongs to that payment's record, not the link's
    const own = folds.find((f) => f.fold.row.parent_id !== null)?.fold.row.id;
    if (own) events.markApplied(id, at, result, own);
    stats.applied++;
    if (learned && retryUnmatched) retryUnmatchedFor(item.accountId, id, changes, at);
    return id;
  }

  function retryUnmatchedFor(accountId: string, exceptId: number, changes: Changes, at: number): number {
    if (noUnmatched.has(accountId)) return 0;
    if (!events.hasUnmatched(accountId)) {
      noUnmatched.add(accountId);
      return 0;
    }
    let n = 0;
    for (const row of events.unmatched(accountId)) {
      if (row.id === exceptId) continue;
      const item = itemOfRow(row);
      if (!item) continue;
      const norm = normalize(item);
      if (!norm.ref || !payments.findStateForRef(accountId, norm.ref)) continue;
      applyOne(item, changes, at, false, item.id);
      n++;
    }
    return n;
  }

  /**
   * Runs `fn` in a savepoint. What it counted and the changes it found count only once the savepoint is
   * released: on PostgreSQL a write can fail as late as the release (runLater), after the JS that followed it.
   */
  function inSavepoint<T>(changes: Changes, fn: (into: Changes) => T): T {
    const { applied, unmatched } = stats;
    const into: Changes = new Map();
    try {
      const out = d.transaction(() => fn(into));
      for (const [id, change] of into) changes.set(id, change);
      return out;
    } catch (err) {
      stats.applied = applied;
      stats.unmatched = unmatched;
      throw err;
    }
  }

  return {
    /** call when a transaction starts */
    reset: (): void => {
      noUnmatched.clear();
      ahead.clear();
      normalized.clear();
    },
    /**
     * Reads at once the payments these events name by our id (inside the transaction that applies them, after
     * reset): one statement instead of one per event where each is a round trip (payments.statesByIds).
     */
    readAhead(items: readonly ApplyItem[]): void {
      const ids = new Set<string>();
      for (const item of items) {
        try {
          const id = normalize(item).ref?.paydeskId;
          if (id) ids.add(id);
        } catch {
          // a body the adapter cannot read fails in its own apply, where the isolated pass records it
        }
      }
      for (const row of payments.statesByIds([...ids])) ahead.set(row.id, row);
    },
    /** applies one event and stores its row (null: a duplicate); in the caller's transaction */
    apply: (item: ApplyItem, changes: Changes, at: number, target: StoreTarget): number | null => applyOne(item, changes, at, true, target),
    /** the same in a savepoint: a failing event leaves no partial writes */
    applyIsolated: (item: ApplyItem, changes: Changes, at: number, target: StoreTarget): number | null =>
      inSavepoint(changes, (into) => applyOne(item, into, at, true, target)),
    /** Applies one event that is already stored (applyPending): its row gets the result by UPDATE, or the error. */
    applyStored(item: StoredItem, changes: Changes, at: number): void {
      try {
        inSavepoint(changes, (into) => applyOne(item, into, at, true, item.id));
      } catch (err) {
        stats.applyErrors++;
        const message = err instanceof Error ? err.message.slice(0, 300) : 'apply failed';
        d.log('error', 'webhook event could not be applied', { id: item.id, type: item.type, error: message });
        events.markApplied(item.id, at, 'error', null, message);
      }
    },
    /** retries events of the account that matched no payment (e.g. once links.ts stored new gateway ids) */
    retryUnmatched: (accountId: string, changes: Changes, at: number): number => retryUnmatchedFor(accountId, -1, changes, at),
  };
}

/** The item of a stored row; null when its body is not JSON. */
export function itemOfRow(row: WebhookEventRow): StoredItem | null {
  try {
    return { id: row.id, gateway: row.gateway, accountId: row.account_id, type: row.type, parsed: JSON.parse(row.raw.toString('utf8')) as unknown };
  } catch {
    return null;
  }
}
