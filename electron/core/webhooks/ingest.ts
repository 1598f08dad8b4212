// Webhook ingest: verify -> persist + apply -> ack.
//
// 1. verify (ingest-verify.ts): the delivery's gateway adapter checks the signature with the account's
//    secrets and refuses a stale, forward-dated or replayed one (replay.ts); a refusal is answered 400,
//    counted in security_events and changes nothing else. No secret configured: 503 + Retry-After, counted
//    as `secret_missing` so the UI can say what to configure.
// 2. persist the raw event in webhook_events (UNIQUE per gateway+account+event id, and per account+body
//    hash where the gateway does not sign its event id) with a group commit (group-commit.ts).
// 3. apply each new event in the SAME transaction, in order of receipt (ingest-apply.ts, through the one
//    fold of payments/apply.ts). A batch first runs without savepoints; if anything in it throws, it is
//    rolled back and run again with a savepoint per event (a failing apply rolls back only itself and is
//    marked 'error'). Row and effect commit together, so each event is applied exactly once and a crash can
//    never leave an acknowledged event unapplied (applying after the ack would cost a second commit).
// 4. ack: each request's 2xx is sent only after its batch is committed and on disk. A duplicate (event id
//    or body) is acknowledged and ignored. Then `onApplied` (core emits payment.changed).
// Rows with applied_at NULL (left by a version that applied after the ack) are applied by applyPending()
// at start; rows stored without a body hash are hashed when the ingest is created (inside the replay window).
import { GATEWAYS, type Gateway } from '../../../shared/gateways';
import type { WebhookPort, WebhookSecrets } from '../gateways/ports/webhooks';
import { DEFAULT_MAX_SKEW_SEC } from '../gateways/replay';
import type { FollowRefunds, PaymentChange } from '../payments/apply';
import type { Durability } from '../store/durability';
import type { OrdersRepo } from '../store/repos/orders';
import type { PaymentsRepo } from '../store/repos/payments';
import type { WebhookEventsRepo } from '../store/repos/webhook-events';
import type { Transact } from '../store/transaction';
import type { Clock } from '../types';
import { createGroupCommit } from './group-commit';
import { createApplier, itemOfRow, type Changes, type StoredItem } from './ingest-apply';
import { createCounters, type IngestStats, type ReceivedSummary } from './ingest-counters';
import { CLOSED, createVerifier } from './ingest-verify';
import type { DeliveryResponse, WebhookDelivery } from './listener';
import { hashStoredBodies } from './replay';

export type { WebhookSecrets } from '../gateways/ports/webhooks';
export type { PaymentChange } from '../payments/apply';
export type { IngestStats, ReceivedSummary } from './ingest-counters';

type IngestLog = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

export interface IngestDeps {
  events: WebhookEventsRepo;
  payments: PaymentsRepo;
  orders: OrdersRepo;
  transaction: Transact;
  /** the group commit's fsync off the event loop; the ingest closes it */
  durability: Durability;
  /** the webhook port of a gateway's adapter (`gateways.adapter(g).webhooks`) */
  webhooks: (gateway: Gateway) => WebhookPort;
  /** must be cheap (cached): called for every request. null = not configured (or no such account). */
  getSecret: (gateway: Gateway, accountId: string) => WebhookSecrets | null;
  clock?: Clock;
  /** after an applied event changed what the merchant sees (status, amounts, fees) */
  onApplied?: (change: PaymentChange) => void;
  /** our refund rows follow a refund fact inside the event's own commit */
  followRefunds?: FollowRefunds;
  onReceived?: (summary: ReceivedSummary) => void;
  log?: IngestLog;
  /** per gateway, how old an event may be before it is refused as stale or replayed; default: the adapter's window */
  maxAgeSec?: Partial<Record<Gateway, number>>;
  /** a signature or event time more than this ahead of the clock is refused; default 300 */
  maxClockSkewSec?: number;
  /** stored-but-unapplied events applied per transaction by applyPending(); default 256 */
  applyBatchSize?: number;
  /** max distinct (kind, account) security rows per minute before they are folded into account '*'; default 100 */
  securityKeysPerMinute?: number;
}

export interface Ingest {
  /** the listener's onDelivery */
  handle(delivery: WebhookDelivery): Promise<DeliveryResponse> | DeliveryResponse;
  /** the listener's onConnection: a batch waits a moment for a burst of connections being accepted */
  connectionArrived(): void;
  /** applies every stored event with applied_at NULL, in order of receipt (call on start); returns how many */
  applyPending(): number;
  /** retries events that matched no payment (e.g. after links.ts stored new gateway ids) */
  reapplyUnmatched(accountId: string): number;
  /** resolves when nothing is waiting to be committed or applied */
  idle(): Promise<void>;
  stats(): IngestStats;
  /** stops taking events (503), commits and applies what is queued */
  close(): Promise<void>;
}

export function createIngest(deps: IngestDeps): Ingest {
  const { events, transaction, durability } = deps;
  const now = (): number => (deps.clock ?? Date).now();
  const log: IngestLog = deps.log ?? (() => undefined);
  const maxAgeSec = deps.maxAgeSec ?? {};
  const counters = createCounters(events, deps.securityKeysPerMinute ?? 100);
  const { stats } = counters;

  // rows stored without a body hash, still inside the longest replay window
  const longestWindowSec = Math.max(...GATEWAYS.map((g) => maxAgeSec[g] ?? deps.webhooks(g).replayWindowSec));
  const hashed = hashStoredBodies(transaction, events, now() - longestWindowSec * 1000);
  if (hashed > 0) log('info', `hashed ${hashed} stored webhook bodies`);

  const applier = createApplier({ events, payments: deps.payments, orders: deps.orders, transaction, webhooks: deps.webhooks, stats, log, followRefunds: deps.followRefunds });

  function emitChanges(changes: Changes): void {
    for (const c of changes.values()) {
      try {
        deps.onApplied?.(c);
      } catch (err) {
        log('error', 'onApplied failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  function emitReceived(): void {
    for (const s of counters.takeReceived()) {
      try {
        deps.onReceived?.(s);
      } catch (err) {
        log('error', 'onReceived failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  const commits = createGroupCommit({
    events, transaction, durability, applier, counters, now, log,
    onCommitted: (changes) => {
      emitReceived();
      emitChanges(changes);
    },
  });
  const verify = createVerifier({
    webhooks: deps.webhooks, getSecret: deps.getSecret, counters, maxAgeSec,
    maxSkewSec: deps.maxClockSkewSec ?? DEFAULT_MAX_SKEW_SEC, onRefused: commits.schedule,
  });

  /** Applies stored events left unapplied in one transaction. Applying is idempotent, so it may commit
   *  without waiting for the disk: a commit lost to a power cut is applied again on the next start. */
  function applyItems(items: StoredItem[]): void {
    const changes: Changes = new Map();
    try {
      durability.relaxed(() => transaction(() => {
        applier.reset();
        for (const item of items) applier.applyStored(item, changes, now());
      }));
    } catch (err) {
      // the rows stay unapplied (applied_at NULL) and are retried on the next start
      log('error', 'webhook apply batch failed', { error: err instanceof Error ? err.message : String(err), events: items.length });
      return;
    }
    emitChanges(changes);
  }

  let closed = false;
  return {
    handle(d) {
      if (closed) return CLOSED;
      const v = verify(d);
      return v.ok ? commits.enqueue(v.row, v.item) : v.response;
    },

    connectionArrived: () => commits.connectionArrived(),

    applyPending() {
      let total = 0;
      for (;;) {
        const rows = events.unapplied(deps.applyBatchSize ?? 256);
        if (rows.length === 0) break;
        const items: StoredItem[] = [];
        for (const row of rows) {
          const item = itemOfRow(row);
          if (item) items.push(item);
          else events.markApplied(row.id, now(), 'error', null, 'stored body is not JSON');
        }
        const before = stats.applied + stats.applyErrors;
        applyItems(items);
        const done = stats.applied + stats.applyErrors - before;
        total += done;
        if (done === 0 && items.length > 0) break; // the batch failed as a whole: leave it for the next start
      }
      return total;
    },

    reapplyUnmatched(accountId) {
      const changes: Changes = new Map();
      const n = transaction(() => {
        applier.reset();
        return applier.retryUnmatched(accountId, changes, now());
      });
      emitChanges(changes);
      return n;
    },

    idle: () => commits.idle(),

    stats() {
      return { ...stats, rejected: { ...stats.rejected } };
    },

    async close() {
      closed = true;
      await commits.idle();
      if (counters.hasSecurity()) {
        transaction(() => counters.writeSecurity());
        counters.clearSecurity();
      }
      durability.close();
    },
  };
}
