// Step 3 of the ingest: applying an event, in the transaction that stores it. The adapter normalises the
// body into facts, the payment they are about is read, and the one fold (payments/apply.ts) works out what
// they change; then the event's row is stored with that result (null: a duplicate, nothing more happens),
// then the writes that refer to it (timeline rows tied to the row, the payment's changed columns).
import type { Gateway } from '../../../shared/gateways';
import type { WebhookPort } from '../gateways/ports/webhooks';
import { commitFold, hasRefundFact, learnsIds, type FollowRefunds, type PaymentChange } from '../payments/apply';
import { materialize, planChanges, planFacts } from '../payments/route';
import type { OrdersRepo } from '../store/repos/orders';
import type { PaymentsRepo } from '../store/repos/payments';
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
    const n = d.webhooks(item.gateway).normalize(item.parsed);
    const row = n.ref ? payments.findStateForRef(item.accountId, n.ref) : undefined;
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
    const id = store(target, item.accountId, at, result, row.id);
    if (id === null) return null;
    const learned = learnsIds(row, n.ref.ids);
    const folds = materialize(d, plan, n.customer, opts);
    for (const { fold, ids } of folds) {
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
      const norm = d.webhooks(item.gateway).normalize(item.parsed);
      if (!norm.ref || !payments.findStateForRef(accountId, norm.ref)) continue;
      applyOne(item, changes, at, false, item.id);
      n++;
    }
    return n;
  }

  return {
    /** call when a transaction starts */
    reset: (): void => noUnmatched.clear(),
    /** applies one event and stores its row (null: a duplicate); in the caller's transaction */
    apply: (item: ApplyItem, changes: Changes, at: number, target: StoreTarget): number | null => applyOne(item, changes, at, true, target),
    /** the same in a savepoint: a failing event leaves no partial writes */
    applyIsolated: (item: ApplyItem, changes: Changes, at: number, target: StoreTarget): number | null =>
      d.transaction(() => applyOne(item, changes, at, true, target)),
    /** Applies one event that is already stored (applyPending): its row gets the result by UPDATE, or the error. */
    applyStored(item: StoredItem, changes: Changes, at: number): void {
      try {
        d.transaction(() => applyOne(item, changes, at, true, item.id));
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
