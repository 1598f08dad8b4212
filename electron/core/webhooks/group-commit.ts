// Step 2 and 4 of the ingest: GROUP COMMIT. Verified events that arrive while a commit is running go into
// the next transaction, so one fsync covers a whole batch. A batch is flushed from setImmediate, right after
// the event loop has read every request that was ready: light traffic commits each event at once (no
// timer), heavy traffic batches; while new connections are still being accepted it waits a few turns for them
// (ARRIVAL_HOLD_MS). Each request's 2xx is sent only once its batch is committed and on disk
// (store/durability.ts: committed with synchronous=NORMAL, then the WAL fdatasync'd off the event loop; a lone
// event while no fsync runs commits with FULL, synced inside the commit).
import type { Durability } from '../store/durability';
import type { WebhookEventInsert, WebhookEventsRepo } from '../store/repos/webhook-events';
import type { Transact } from '../store/transaction';
import type { Applier, Changes } from './ingest-apply';
import type { IngestCounters } from './ingest-counters';
import { DUPLICATE, OK, STORAGE_FAILED, type ApplyItem } from './ingest-verify';
import type { DeliveryResponse } from './listener';

interface PendingInsert {
  row: WebhookEventInsert;
  item: ApplyItem;
  resolve: (r: DeliveryResponse) => void;
}
type Result = number | null | Error;

export interface GroupCommitDeps {
  events: WebhookEventsRepo;
  transaction: Transact;
  durability: Durability;
  applier: Applier;
  counters: IngestCounters;
  now: () => number;
  log: (level: 'error', message: string, detail?: Record<string, unknown>) => void;
  /** a committed batch was answered: what it changed, for core's events */
  onCommitted: (changes: Changes) => void;
}

export type GroupCommit = ReturnType<typeof createGroupCommit>;

/**
 * How long a batch may wait for connections still being accepted. Node (libuv) accepts one connection per
 * event-loop turn, and a turn that commits a batch can block for tens of milliseconds on PostgreSQL (store/
 * pg-sync.ts), so a burst of new connections, a gateway's retries after an outage, would otherwise be
 * accepted one per commit: the 64th waits for 63 commits. While connections keep arriving the flush yields
 * the loop instead, turn by turn, for at most this long; a steady stream of new connections still commits.
 */
const ARRIVAL_HOLD_MS = 10;

export function createGroupCommit(d: GroupCommitDeps) {
  const { applier, counters } = d;
  const { stats } = counters;
  let pending: PendingInsert[] = [];
  let flushScheduled = false;
  /** committed batches not answered yet */
  let unsynced = 0;
  let waiters: (() => void)[] = [];
  /** a connection was accepted since the last flush: more may wait in the listen queue */
  let arrived = false;
  /** when the pending batch started waiting for arrivals (performance.now()), or null */
  let holdingSince: number | null = null;

  function schedule(): void {
    if (flushScheduled) return;
    flushScheduled = true;
    setImmediate(flush);
  }

  /**
   * One group commit: insert every event of the batch and apply each new one in the same transaction. One
   * fsync covers the rows and what they did to the payments; a crash loses either both or neither.
   * First without a savepoint per event: a savepoint copies every page its event is about to change into a
   * sub-journal (a temp file), about ten pages for an event that changes a payment, and nearly every batch
   * applies cleanly. If anything in it throws, the transaction is rolled back whole and the batch is
   * applied again with a savepoint per event.
   */
  function insertBatch(batch: PendingInsert[], out: Result[], changes: Changes, isolated: boolean): void {
    d.transaction(() => {
      applier.reset();
      // the isolated pass is the slow path for a batch that failed: each event reads its own payment there
      if (!isolated) applier.readAhead(batch.map((p) => p.item));
      if (!isolated && batch.length > 1 && d.events.storesInBulk) storeThenApply(batch, out, changes);
      else for (const p of batch) out.push(isolated ? storeAndApply(p, changes, d.now()) : applier.apply(p.item, changes, d.now(), p));
      counters.writeSecurity();
    });
  }

  /**
   * Where each statement is a round trip (PostgreSQL), the batch's rows are stored in one statement first and
   * each new one is then applied, its result written to its row: the payment and timeline writes and that
   * result go to the server together at the commit (runLater), so a batch waits on a handful of statements, not
   * one per event.
   */
  function storeThenApply(batch: PendingInsert[], out: Result[], changes: Changes): void {
    const ids = d.events.insertMany(batch.map((p) => p.row));
    batch.forEach((p, i) => {
      const id = ids[i] ?? null;
      out.push(id === null ? null : applier.apply(p.item, changes, d.now(), id));
    });
  }

  function commitBatch(batch: PendingInsert[], results: Result[], changes: Changes): void {
    const { applied, unmatched } = stats;
    try {
      insertBatch(batch, results, changes, false);
    } catch {
      // rolled back whole: forget what it counted, then apply each event in isolation
      stats.applied = applied;
      stats.unmatched = unmatched;
      results.length = 0;
      changes.clear();
      insertBatch(batch, results, changes, true);
    }
    counters.clearSecurity();
  }

  /**
   * One event of the isolated pass, in a savepoint. If applying fails, the savepoint is rolled back and the
   * event is stored with the error (still acknowledged: a gateway retry would fail the same way). An Error
   * result (e.g. the account was removed a moment ago: a foreign key) fails this row only; the batch goes on.
   */
  function storeAndApply(p: PendingInsert, changes: Changes, at: number): Result {
    try {
      return applier.applyIsolated(p.item, changes, at, p);
    } catch (err) {
      const message = err instanceof Error ? err.message.slice(0, 300) : 'apply failed';
      try {
        const id = d.events.insert(p.row, { at, result: 'error', paymentId: null, error: message });
        if (id !== null) {
          stats.applyErrors++;
          d.log('error', 'webhook event could not be applied', { id, type: p.row.type, error: message });
        }
        return id;
      } catch (storeErr) {
        return storeErr instanceof Error ? storeErr : new Error(String(storeErr));
      }
    }
  }

  /** Whether the flush yields one more turn to a connection that is still arriving (ARRIVAL_HOLD_MS). */
  function holdForArrivals(): boolean {
    if (!arrived || pending.length === 0) return false;
    arrived = false;
    const t = performance.now();
    holdingSince ??= t;
    if (t - holdingSince >= ARRIVAL_HOLD_MS) return false;
    setImmediate(flush);
    return true;
  }

  function flush(): void {
    if (holdForArrivals()) return;
    arrived = false;
    holdingSince = null;
    flushScheduled = false;
    const batch = pending;
    pending = [];
    const results: Result[] = [];
    const changes: Changes = new Map();
    if (batch.length === 0 && !counters.hasSecurity()) return finish(batch, results, changes, null);
    let deferred: boolean;
    try {
      // A lone event with no fsync running has nothing to overlap its fsync with: SQLite's own sync inside the
      // commit then answers it sooner than a round trip through the thread pool (bench:webhooks, c1).
      const alone = batch.length <= 1 && unsynced === 0;
      deferred = d.durability.commit(() => commitBatch(batch, results, changes), { inline: alone });
    } catch (err) {
      return finish(batch, results, changes, err);
    }
    if (!deferred) return finish(batch, results, changes, null);
    unsynced++;
    d.durability.whenDurable((err) => {
      unsynced--;
      finish(batch, results, changes, err);
    });
  }

  /** Answers a committed (and durable) batch, or every request of a batch that failed; then tells core. */
  function finish(batch: PendingInsert[], results: Result[], changes: Changes, failed: unknown): void {
    if (failed !== null) {
      stats.storageErrors += batch.length;
      d.log('error', 'webhook batch could not be committed', { error: failed instanceof Error ? failed.message : String(failed), events: batch.length });
      for (const p of batch) p.resolve(STORAGE_FAILED);
    } else if (batch.length > 0) answer(batch, results);
    d.onCommitted(changes);
    settle();
  }

  function answer(batch: PendingInsert[], results: Result[]): void {
    stats.batches++;
    stats.largestBatch = Math.max(stats.largestBatch, batch.length);
    for (let i = 0; i < batch.length; i++) {
      const p = batch[i] as PendingInsert;
      const r = results[i];
      const s = counters.summaryFor(p.row.gateway, p.row.accountId);
      if (r instanceof Error) {
        stats.storageErrors++;
        d.log('error', 'webhook event could not be stored', { error: r.message, gateway: p.row.gateway, accountId: p.row.accountId });
        p.resolve(STORAGE_FAILED);
      } else if (r === null || r === undefined) {
        stats.duplicates++;
        s.duplicates++;
        p.resolve(DUPLICATE);
      } else {
        stats.stored++;
        s.stored++;
        s.lastType = p.row.type;
        p.resolve(OK);
      }
    }
  }

  const busy = (): boolean => pending.length > 0 || flushScheduled || unsynced > 0;

  function settle(): void {
    if (busy() || waiters.length === 0) return;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  }

  return {
    /** queues a verified event; resolves with its answer once its batch is committed and durable */
    enqueue(row: WebhookEventInsert, item: ApplyItem): Promise<DeliveryResponse> {
      return new Promise<DeliveryResponse>((resolve) => {
        pending.push({ row, item, resolve });
        schedule();
      });
    },
    /** a refusal was counted: written with the next commit */
    schedule,
    /** the listener accepted a connection: the next flush lets the loop turn while more are accepted */
    connectionArrived(): void {
      arrived = true;
    },
    busy,
    /** resolves when nothing is waiting to be committed or answered */
    idle(): Promise<void> {
      if (!busy()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
  };
}
