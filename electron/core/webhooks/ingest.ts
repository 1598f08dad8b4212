// Webhook ingest: verify -> persist + apply -> ack.
//
// 1. verify with the SDKs' own functions (Stripe constructEvent with a 300 s tolerance; Razorpay
//    validateWebhookSignature + the event's age), and refuse a signature or event time more than 300 s
//    (maxClockSkewSec) ahead of Paydesk's clock (replay.ts); a bad, missing, stale, forward-dated or
//    replayed signature is answered 400, counted in security_events and changes nothing else.
// 2. persist the raw event in webhook_events (UNIQUE per gateway+account+event id, and for Razorpay per
//    account+body hash: its event id is not signed, see replay.ts) with GROUP COMMIT:
//    requests that arrive while a commit is running go into the next transaction, so one fsync covers
//    a whole batch. A batch is flushed from setImmediate, right after the event loop has read every
//    request that was ready: light traffic commits each event at once (no timer), heavy traffic batches.
// 3. apply each new event in the SAME transaction, in order of receipt: normalize -> state machine ->
//    payments row (only the columns that change) + timeline -> applied_at. A batch first runs without
//    savepoints; if anything in it throws, it is rolled back and run again with a savepoint per event (a
//    failing apply rolls back only itself and is marked 'error'). Row and effect commit together, so each
//    event is applied exactly once and a crash can never leave an acknowledged event unapplied. (Applying
//    after the ack, in a second transaction, cost a second commit and an UPDATE round per event.)
// 4. ack: each request's 2xx is sent only after its batch is committed and on disk. The commit itself is
//    made with synchronous=NORMAL and the WAL file is fsync'd right after it in libuv's thread pool (the
//    durability FULL gives, without the event loop waiting for the disk: the next batch is verified,
//    applied and committed meanwhile, and one fsync covers every commit before it). A duplicate (event id
//    or body) is acknowledged and ignored. Then `onApplied` (core emits payment.changed).
// Rows with applied_at NULL (written by an older version that applied after the ack) are applied by
// applyPending() at start; Razorpay rows an older version stored without a body hash are hashed when the
// ingest is created (those still inside the replay window).
//
// No webhook secret configured for the account: 503 + Retry-After (the gateway keeps retrying while
// the merchant configures it; a 4xx would make Razorpay disable the webhook sooner), counted as a
// `secret_missing` security event so the UI can say what to configure.
import { closeSync, fdatasync, fstatSync, openSync, statSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import Stripe from 'stripe';
import Razorpay from 'razorpay';
import { applyPaymentEvent, paymentStatusOf, type PaymentStatus, type DisplayStatus, type PaymentSummary } from '../../../shared/status';
import type { Db } from '../store/db';
import { paymentsRepo, stateOfRow, ID_COLUMNS, type PaymentStateRow, type TimelineInsert } from '../store/repos/payments';
import { webhookEventsRepo, type SecurityKind, type WebhookEventInsert, type WebhookEventRow } from '../store/repos/webhook-events';
import { GATEWAY_ID_KEYS, normalizeRaw, type GatewayIds } from '../payments/normalize';
import type { Clock } from '../types';
import type { DeliveryResponse, WebhookDelivery, WebhookGateway } from './listener';
import { DEFAULT_MAX_SKEW_SEC, bodySha256, hashStoredBodies, isAhead, stripeSignedAtSec } from './replay';

/** The webhook secret(s) of one account: the current one first, then older ones kept during a rotation. */
export interface WebhookSecrets {
  secrets: readonly string[];
  /** the account's mode: a Stripe event of the other mode is refused; Razorpay events carry no mode */
  livemode: boolean;
}

export interface PaymentChange {
  id: string;
  accountId: string;
  status: PaymentStatus;
  displayStatus: DisplayStatus;
}

/** Coalesced per batch and account, for a `webhook.received` core event. */
export interface ReceivedSummary {
  gateway: WebhookGateway;
  accountId: string;
  stored: number;
  duplicates: number;
  rejected: number;
  lastType: string | null;
  lastRejection: SecurityKind | null;
}

export interface IngestOptions {
  db: Db;
  /** must be cheap (cached): called for every request. null = not configured (or no such account). */
  getSecret: (gateway: WebhookGateway, accountId: string) => WebhookSecrets | null;
  clock?: Clock;
  /** after an applied event changed what the merchant sees (status, amounts, fees) */
  onApplied?: (change: PaymentChange) => void;
  onReceived?: (summary: ReceivedSummary) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
  /** Stripe signature tolerance in seconds; default 300 (stripe-node's DEFAULT_TOLERANCE) */
  stripeToleranceSec?: number;
  /**
   * A Razorpay event (whose signature carries no timestamp) older than this is refused as replayed.
   * Default 7 days + 1 hour: Razorpay retries for 24 h and the Dashboard replays events up to 7 days old.
   */
  razorpayMaxAgeSec?: number;
  /** a Stripe signature `t` or a Razorpay `created_at` more than this ahead of the clock is refused; default 300 */
  maxClockSkewSec?: number;
  /** stored-but-unapplied events applied per transaction by applyPending(); default 256 */
  applyBatchSize?: number;
  /** max distinct (kind, account) security rows per minute before they are folded into account '*'; default 100 */
  securityKeysPerMinute?: number;
}

export interface IngestStats {
  stored: number;
  duplicates: number;
  rejected: Record<SecurityKind, number>;
  storageErrors: number;
  batches: number;
  largestBatch: number;
  applied: number;
  applyErrors: number;
  unmatched: number;
}

export interface Ingest {
  /** the listener's onDelivery */
  handle(delivery: WebhookDelivery): Promise<DeliveryResponse> | DeliveryResponse;
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

interface PendingInsert {
  row: WebhookEventInsert;
  item: ApplyItem;
  resolve: (r: DeliveryResponse) => void;
}

/** what applying an event needs; its row id comes from `store` (applyOne), or is known for a stored event */
interface ApplyItem {
  gateway: WebhookGateway;
  accountId: string;
  type: string;
  parsed: unknown;
}
/** an event already in webhook_events */
type StoredItem = ApplyItem & { id: number };
type ApplyResultKind = 'changed' | 'unchanged' | 'unmatched' | 'ignored';
/** where an applied event's result goes: a new row to insert (the group commit), or the id of a stored row */
type StoreTarget = PendingInsert | number;

const OK: DeliveryResponse = { status: 200, body: { received: true } };
const DUPLICATE: DeliveryResponse = { status: 200, body: { received: true, duplicate: true } };
const REJECTED: DeliveryResponse = { status: 400, body: { error: 'signature_verification_failed' } };
const MALFORMED: DeliveryResponse = { status: 400, body: { error: 'malformed_event' } };
const NOT_CONFIGURED: DeliveryResponse = {
  status: 503,
  body: { error: 'webhook_secret_not_configured', message: 'Paydesk has no webhook signing secret for this account yet.' },
  headers: { 'retry-after': '60' },
};
const STORAGE_FAILED: DeliveryResponse = { status: 500, body: { error: 'storage_failed' } };
const CLOSED: DeliveryResponse = { status: 503, body: { error: 'shutting_down' }, headers: { 'retry-after': '30' } };

const header = (h: WebhookDelivery['headers'], name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

const SECURITY_KINDS: SecurityKind[] = ['missing_signature', 'bad_signature', 'stale_signature', 'future_timestamp', 'replayed', 'malformed', 'mode_mismatch', 'secret_missing'];

export function createIngest(opts: IngestOptions): Ingest {
  const { db } = opts;
  const now = (): number => (opts.clock ?? Date).now();
  const stripeTolerance = opts.stripeToleranceSec ?? 300;
  const razorpayMaxAgeMs = (opts.razorpayMaxAgeSec ?? 7 * 24 * 3600 + 3600) * 1000;
  const maxSkewSec = opts.maxClockSkewSec ?? DEFAULT_MAX_SKEW_SEC;
  const applyBatchSize = opts.applyBatchSize ?? 256;
  const securityKeysPerMinute = opts.securityKeysPerMinute ?? 100;
  const log = opts.log ?? (() => undefined);
  const events = webhookEventsRepo(db);
  const payments = paymentsRepo(db);
  // verification only: no API key is used and no request is ever sent
  const stripeWebhooks = Stripe.webhooks;

  // PRAGMA synchronous takes effect when the statement is prepared, not when it runs: a prepared statement
  // kept and re-run changes nothing (an earlier version did that, and so left the shared connection at
  // NORMAL from its creation on: no commit of any writer waited for an fsync). exec() prepares it each time.
  const syncFull = (): void => void db.exec('PRAGMA synchronous = FULL');
  const syncNormal = (): void => void db.exec('PRAGMA synchronous = NORMAL');
  // the file to fsync after a group commit (see "durability" below); null: commit with FULL instead
  const walPath = !db.memory && String(db.pragma('journal_mode', { simple: true })).toLowerCase() === 'wal' ? `${resolvePath(db.name)}-wal` : null;

  // Razorpay rows an older version stored without a body hash, still inside the replay window
  const hashed = hashStoredBodies(db, events, now() - razorpayMaxAgeMs);
  if (hashed > 0) log('info', `hashed ${hashed} stored Razorpay webhook bodies`);

  const stats: IngestStats = {
    stored: 0,
    duplicates: 0,
    rejected: Object.fromEntries(SECURITY_KINDS.map((k) => [k, 0])) as Record<SecurityKind, number>,
    storageErrors: 0,
    batches: 0,
    largestBatch: 0,
    applied: 0,
    applyErrors: 0,
    unmatched: 0,
  };

  let closed = false;
  let pending: PendingInsert[] = [];
  let flushScheduled = false;
  let waiters: (() => void)[] = [];

  // security counters waiting for the next commit
  const security = new Map<string, { kind: SecurityKind; gateway: WebhookGateway; accountId: string; bucket: number; count: number; first: number; last: number; detail: string }>();
  const received = new Map<string, ReceivedSummary>();

  function summaryFor(gateway: WebhookGateway, accountId: string): ReceivedSummary {
    const key = `${gateway}|${accountId}`;
    let s = received.get(key);
    if (!s) {
      s = { gateway, accountId, stored: 0, duplicates: 0, rejected: 0, lastType: null, lastRejection: null };
      received.set(key, s);
    }
    return s;
  }

  function reject(kind: SecurityKind, d: WebhookDelivery, detail: string): void {
    stats.rejected[kind]++;
    const at = d.receivedAt;
    const bucket = at - (at % 60_000);
    let accountId = d.accountId;
    let key = `${kind}|${d.gateway}|${accountId}|${bucket}`;
    if (!security.has(key) && security.size >= securityKeysPerMinute) {
      accountId = '*';
      key = `${kind}|${d.gateway}|*|${bucket}`;
    }
    const cur = security.get(key);
    if (cur) {
      cur.count++;
      cur.last = Math.max(cur.last, at);
      cur.detail = detail;
    } else security.set(key, { kind, gateway: d.gateway, accountId, bucket, count: 1, first: at, last: at, detail });
    const s = summaryFor(d.gateway, accountId);
    s.rejected++;
    s.lastRejection = kind;
    scheduleFlush();
  }

  // ---- verification ---------------------------------------------------------------------------

  type Verified = { ok: true; row: WebhookEventInsert; parsed: unknown } | { ok: false; response: DeliveryResponse };

  function verifyStripe(d: WebhookDelivery, cfg: WebhookSecrets): Verified {
    const sig = header(d.headers, 'stripe-signature');
    if (!sig) {
      reject('missing_signature', d, 'No Stripe-Signature header');
      return { ok: false, response: REJECTED };
    }
    let event: Stripe.Event | null = null;
    let which = -1;
    let firstError: unknown = null;
    for (let i = 0; i < cfg.secrets.length && event === null; i++) {
      try {
        event = stripeWebhooks.constructEvent(d.body, sig, cfg.secrets[i] as string, stripeTolerance, undefined, d.receivedAt);
        which = i;
      } catch (err) {
        if (err instanceof SyntaxError) {
          // the signature matched but the body is not JSON
          reject('malformed', d, 'Signed body is not valid JSON');
          return { ok: false, response: MALFORMED };
        }
        firstError ??= err;
      }
    }
    if (event === null) {
      const msg = firstError instanceof Error ? firstError.message : '';
      if (/tolerance/i.test(msg)) reject('stale_signature', d, `Stripe-Signature timestamp older than ${stripeTolerance} s`);
      else if (/timestamp and signatures|no signatures found with expected scheme/i.test(msg)) reject('bad_signature', d, 'Stripe-Signature header is malformed');
      else reject('bad_signature', d, 'Stripe-Signature does not match the webhook secret');
      return { ok: false, response: REJECTED };
    }
    // the SDK checks only how old `t` is
    if (isAhead(stripeSignedAtSec(sig), d.receivedAt, maxSkewSec)) {
      reject('future_timestamp', d, `Stripe-Signature timestamp more than ${maxSkewSec} s ahead of Paydesk's clock`);
      return { ok: false, response: REJECTED };
    }
    if (typeof event.id !== 'string' || typeof event.type !== 'string' || !event.data || typeof event.data.object !== 'object') {
      reject('malformed', d, 'Signed body is not a Stripe event');
      return { ok: false, response: MALFORMED };
    }
    if (typeof event.livemode === 'boolean' && event.livemode !== cfg.livemode) {
      reject('mode_mismatch', d, event.livemode ? 'A live-mode event reached a test account' : 'A test-mode event reached a live account');
      return { ok: false, response: REJECTED };
    }
    return {
      ok: true,
      parsed: event,
      row: {
        gateway: 'stripe',
        accountId: d.accountId,
        eventId: event.id,
        type: event.type,
        livemode: event.livemode,
        raw: d.body,
        bodySha256: null, // the event id is inside the signed body (replay.ts)
        signature: which === 0 ? 'valid' : 'valid_previous_secret',
        createdAt: typeof event.created === 'number' ? event.created * 1000 : null,
        receivedAt: d.receivedAt,
      },
    };
  }

  function verifyRazorpay(d: WebhookDelivery, cfg: WebhookSecrets): Verified {
    const sig = header(d.headers, 'x-razorpay-signature');
    if (!sig) {
      reject('missing_signature', d, 'No X-Razorpay-Signature header');
      return { ok: false, response: REJECTED };
    }
    const text = d.body.toString('utf8');
    let which = -1;
    for (let i = 0; i < cfg.secrets.length && which < 0; i++) {
      try {
        if (Razorpay.validateWebhookSignature(text, sig, cfg.secrets[i] as string)) which = i;
      } catch {
        // the SDK throws on an empty body or secret: not a match
      }
    }
    if (which < 0) {
      reject('bad_signature', d, 'X-Razorpay-Signature does not match the webhook secret');
      return { ok: false, response: REJECTED };
    }
    let parsed: { event?: unknown; created_at?: unknown; payload?: unknown };
    try {
      parsed = JSON.parse(text) as typeof parsed;
    } catch {
      reject('malformed', d, 'Signed body is not valid JSON');
      return { ok: false, response: MALFORMED };
    }
    if (!parsed || typeof parsed !== 'object' || typeof parsed.event !== 'string') {
      reject('malformed', d, 'Signed body is not a Razorpay event');
      return { ok: false, response: MALFORMED };
    }
    const createdAt = typeof parsed.created_at === 'number' ? parsed.created_at * 1000 : null;
    if (createdAt === null || d.receivedAt - createdAt > razorpayMaxAgeMs) {
      reject('replayed', d, createdAt === null ? 'Razorpay event without created_at' : 'Razorpay event older than the replay window');
      return { ok: false, response: REJECTED };
    }
    if (isAhead(createdAt / 1000, d.receivedAt, maxSkewSec)) {
      reject('future_timestamp', d, `Razorpay event created_at more than ${maxSkewSec} s ahead of Paydesk's clock`);
      return { ok: false, response: REJECTED };
    }
    const hash = bodySha256(d.body);
    const eventId = header(d.headers, 'x-razorpay-event-id') ?? `sha256:${hash.toString('hex')}`;
    return {
      ok: true,
      parsed,
      row: {
        gateway: 'razorpay',
        accountId: d.accountId,
        eventId: eventId.slice(0, 200),
        type: parsed.event,
        livemode: cfg.livemode,
        raw: d.body,
        bodySha256: hash,
        signature: which === 0 ? 'valid' : 'valid_previous_secret',
        createdAt,
        receivedAt: d.receivedAt,
      },
    };
  }

  // ---- persist (group commit) -----------------------------------------------------------------

  function scheduleFlush(): void {
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
   * applied again by insertBatchIsolated, which gives each event its savepoint.
   */
  const insertBatch = db.transaction((batch: PendingInsert[], out: (number | null | Error)[], changes: Map<string, PaymentChange>) => {
    noUnmatched.clear();
    for (const p of batch) out.push(applyOne(p.item, changes, now(), true, p));
    writeSecurity();
  });

  /** The batch again, a savepoint per event: a failing apply rolls back only itself and leaves its error mark. */
  const insertBatchIsolated = db.transaction((batch: PendingInsert[], out: (number | null | Error)[], changes: Map<string, PaymentChange>) => {
    noUnmatched.clear();
    for (const p of batch) out.push(storeAndApply(p, changes, now()));
    writeSecurity();
  });

  function commitBatch(batch: PendingInsert[], results: (number | null | Error)[], changes: Map<string, PaymentChange>): void {
    const applied = stats.applied;
    const unmatched = stats.unmatched;
    try {
      insertBatch.immediate(batch, results, changes);
    } catch {
      // rolled back whole: forget what it counted, then apply each event in isolation
      stats.applied = applied;
      stats.unmatched = unmatched;
      results.length = 0;
      changes.clear();
      insertBatchIsolated.immediate(batch, results, changes);
    }
    security.clear();
  }

  /**
   * One event of the group commit, in a savepoint: work out what it does to its payment (reads only), store
   * the row with that result (null: a duplicate, nothing else happens), then write the effects that refer to
   * the row. If applying fails, the savepoint is rolled back and the event is stored with the error (still
   * acknowledged: a gateway retry would fail the same way). An Error result (e.g. the account was removed a
   * moment ago: a foreign key) fails this row only; the batch goes on.
   */
  function storeAndApply(p: PendingInsert, changes: Map<string, PaymentChange>, at: number): number | null | Error {
    try {
      return applyOneTx(p.item, changes, at, p);
    } catch (err) {
      const message = err instanceof Error ? err.message.slice(0, 300) : 'apply failed';
      try {
        const id = events.insert(p.row, { at, result: 'error', paymentId: null, error: message });
        if (id !== null) {
          stats.applyErrors++;
          log('error', 'webhook event could not be applied', { id, type: p.row.type, error: message });
        }
        return id;
      } catch (storeErr) {
        return storeErr instanceof Error ? storeErr : new Error(String(storeErr));
      }
    }
  }

  /** writes the waiting security counters; the caller clears them once the transaction committed */
  function writeSecurity(): void {
    for (const s of security.values()) events.addSecurity(s.kind, s.gateway, s.accountId, s.bucket, s.count, s.first, s.last, s.detail);
  }

  function flush(): void {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    const results: (number | null | Error)[] = [];
    const changes = new Map<string, PaymentChange>();
    const work = batch.length > 0 || security.size > 0;
    // FULL where the WAL cannot be synced by hand (no WAL file): the commit then waits for its own fsync
    const deferSync = work && walReady();
    let failed: unknown = null;
    try {
      if (deferSync) syncNormal();
      if (work) commitBatch(batch, results, changes);
    } catch (err) {
      failed = err;
    } finally {
      // the connection is shared: every other writer commits with FULL
      if (deferSync) syncFull();
    }
    if (failed !== null || !deferSync) {
      finish(batch, results, changes, failed);
      return;
    }
    unsynced++;
    whenDurable((err) => {
      unsynced--;
      finish(batch, results, changes, err);
    });
  }

  /** Answers a committed (and durable) batch, or every request of a batch that failed; then tells core. */
  function finish(batch: PendingInsert[], results: (number | null | Error)[], changes: Map<string, PaymentChange>, failed: unknown): void {
    if (failed !== null) {
      stats.storageErrors += batch.length;
      log('error', 'webhook batch could not be committed', { error: failed instanceof Error ? failed.message : String(failed), events: batch.length });
      for (const p of batch) p.resolve(STORAGE_FAILED);
    } else if (batch.length > 0) {
      stats.batches++;
      stats.largestBatch = Math.max(stats.largestBatch, batch.length);
      for (let i = 0; i < batch.length; i++) {
        const p = batch[i] as PendingInsert;
        const r = results[i];
        const s = summaryFor(p.row.gateway, p.row.accountId);
        if (r instanceof Error) {
          stats.storageErrors++;
          log('error', 'webhook event could not be stored', { error: r.message, gateway: p.row.gateway, accountId: p.row.accountId });
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
    emitReceived();
    emitChanges(changes);
    settle();
  }

  function emitReceived(): void {
    if (received.size === 0) return;
    const all = [...received.values()];
    received.clear();
    if (!opts.onReceived) return;
    for (const s of all) {
      try {
        opts.onReceived(s);
      } catch (err) {
        log('error', 'onReceived failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  // ---- durability: the WAL fsync'd off the event loop -------------------------------------------
  // A batch is committed with synchronous=NORMAL (SQLite writes its WAL frames, no fsync) and answered
  // once an fsync of the WAL file that began after its commit has completed: what synchronous=FULL
  // guarantees, but the fsync runs in libuv's thread pool while the event loop reads, verifies, applies and
  // commits the next batch, and one fsync covers every commit made before it began. It is an fdatasync
  // (the data, and the file size when the WAL grew; not the modification time), as SQLite's own syncs are
  // when it is built with fdatasync: on Linux that spares a journal commit for the inode each time
  // (bench:webhooks, c1); libuv makes it F_FULLFSYNC on macOS and FlushFileBuffers on Windows. The WAL
  // file is the same while the connection is open (SQLite truncates or rewinds it, never replaces it); its
  // inode is checked at each batch anyway, and a database without a WAL file (in memory) commits with FULL.

  let walFd: number | null = null;
  let walIno = -1;
  let walFailed = false;
  let syncing = false;
  /** commits made since the running fsync began: the next fsync covers them */
  let afterSync: ((err: unknown) => void)[] = [];
  /** committed batches not answered yet */
  let unsynced = 0;

  function walReady(): boolean {
    if (walPath === null || walFailed) return false;
    try {
      const ino = statSync(walPath).ino;
      if (walFd !== null && ino === walIno) return true;
      if (syncing) return false; // replaced under the running fsync: FULL until it is done
      if (walFd !== null) closeSync(walFd);
      walFd = null;
      const fd = openSync(walPath, 'r+');
      walFd = fd;
      walIno = fstatSync(fd).ino;
      return walIno === ino;
    } catch {
      return false;
    }
  }

  function whenDurable(done: (err: unknown) => void): void {
    afterSync.push(done);
    if (!syncing) startSync();
  }

  function startSync(): void {
    const waiting = afterSync;
    afterSync = [];
    syncing = true;
    fdatasync(walFd as number, (err) => {
      syncing = false;
      if (err) {
        // the batches are committed but may not be on disk: answer 500 (the gateway retries) and go back to FULL
        walFailed = true;
        log('error', 'fdatasync of the webhook WAL failed; committing with synchronous=FULL from now on', { error: err.message });
      }
      for (const f of waiting) f(err ?? null);
      if (afterSync.length > 0) {
        if (walFailed) {
          const rest = afterSync;
          afterSync = [];
          for (const f of rest) f(err);
        } else startSync();
      }
      settle();
    });
  }

  // ---- apply ----------------------------------------------------------------------------------

  // Accounts known to have no unmatched event, within the running transaction (cleared when one starts):
  // the retry after an event that taught a payment its ids costs one look-up per account and batch, not
  // one per event. Storing an unmatched result forgets the account again.
  const noUnmatched = new Set<string>();

  const applyOneTx = db.transaction((item: ApplyItem, changes: Map<string, PaymentChange>, at: number, target: StoreTarget) => applyOne(item, changes, at, true, target));

  /** Records an applied event's result: inserts its row (null: a duplicate) or updates the stored one; returns the row id. */
  function store(target: StoreTarget, accountId: string, at: number, result: ApplyResultKind, paymentId: string | null): number | null {
    if (result === 'unmatched') noUnmatched.delete(accountId);
    if (typeof target === 'number') {
      events.markApplied(target, at, result, paymentId);
      return target;
    }
    return events.insert(target.row, { at, result, paymentId });
  }

  /** Applies one event that is already stored (applyPending): its row gets the result by UPDATE. */
  function applyStored(item: StoredItem, changes: Map<string, PaymentChange>, at: number): void {
    try {
      applyOneTx(item, changes, at, item.id); // a savepoint: a failing event leaves no partial writes
    } catch (err) {
      stats.applyErrors++;
      const message = err instanceof Error ? err.message.slice(0, 300) : 'apply failed';
      log('error', 'webhook event could not be applied', { id: item.id, type: item.type, error: message });
      events.markApplied(item.id, at, 'error', null, message);
    }
  }

  const applyBatchTx = db.transaction((items: StoredItem[], changes: Map<string, PaymentChange>) => {
    noUnmatched.clear();
    for (const item of items) applyStored(item, changes, now());
  });

  function emitChanges(changes: Map<string, PaymentChange>): void {
    for (const c of changes.values()) {
      try {
        opts.onApplied?.(c);
      } catch (err) {
        log('error', 'onApplied failed', { error: err instanceof Error ? err.message : String(err) });
      }
    }
  }

  /** Applies stored events left unapplied (applyPending at start) in one transaction. Applying is idempotent,
   *  so it may run with synchronous=NORMAL: a commit lost to a power cut is applied again on the next start. */
  function applyItems(items: StoredItem[]): void {
    const changes = new Map<string, PaymentChange>();
    try {
      syncNormal();
      applyBatchTx.immediate(items, changes);
    } catch (err) {
      // the rows stay unapplied (applied_at NULL) and are retried on the next start
      log('error', 'webhook apply batch failed', { error: err instanceof Error ? err.message : String(err), events: items.length });
      return;
    } finally {
      syncFull();
    }
    emitChanges(changes);
  }

  function learnedIds(row: PaymentStateRow, ids: GatewayIds): boolean {
    for (const k of GATEWAY_ID_KEYS) {
      const v = ids[k];
      if (v && (row as unknown as Record<string, unknown>)[ID_COLUMNS[k]] == null) return true;
    }
    return false;
  }

  /**
   * Applies one event: normalize -> the payment it is about -> state machine, all reads; then `store` records
   * the result on the event's row (inserting it, or updating a stored one) and gives its id, or null for a
   * duplicate (nothing more happens); then the writes that refer to it (timeline, payment row: only the
   * columns that change).
   */
  function applyOne(item: ApplyItem, changes: Map<string, PaymentChange>, at: number, retryUnmatched: boolean, target: StoreTarget): number | null {
    const n = normalizeRaw(item.gateway, item.parsed);
    const row = n.ref ? payments.findStateForRef(item.accountId, n.ref) : undefined;
    if (!n.ref || !row || row.gateway !== item.gateway) {
      const result = n.ref && n.handled ? 'unmatched' : 'ignored';
      const id = store(target, item.accountId, at, result, null);
      if (id === null) return null;
      stats.applied++;
      if (result === 'unmatched') stats.unmatched++;
      return id;
    }
    let state = stateOfRow(row);
    let summary: PaymentSummary | undefined; // of `state`, once a fact changed it
    let changed = false;
    let stateChanged = false;
    let timeline: TimelineInsert[] | null = null;
    for (const ev of n.events) {
      const r = applyPaymentEvent(state, ev, summary);
      state = r.state;
      if (r.summary) summary = r.summary;
      changed ||= r.changed;
      stateChanged ||= r.stateChanged;
      // The timeline records facts that changed something, and every failed attempt (the drawer lists each
      // one). A repeat or a late event leaves no timeline row: its webhook_events row (apply_result
      // 'unchanged', linked to the payment) is the record, and the drawer counts those. Two pages fewer per
      // repeat in the group commit.
      if (!r.changed && ev.type !== 'attempt_failed') continue;
      (timeline ??= []).push({ paymentId: row.id, at: ev.at, recordedAt: at, event: ev, source: 'webhook', webhookEventId: null, gatewayType: item.type, changed: r.changed, statusAfter: r.summary?.status ?? paymentStatusOf(r.state) });
    }
    const id = store(target, item.accountId, at, changed ? 'changed' : 'unchanged', row.id);
    if (id === null) return null;
    if (timeline) {
      for (const t of timeline) {
        t.webhookEventId = id;
        payments.addTimeline(t);
      }
    }
    const learned = learnedIds(row, n.ref.ids);
    if (stateChanged || learned || row.machine === null) {
      const s = payments.saveState(row.id, state, n.ref.ids, at, row, summary);
      if (changed || s.status !== row.status) changes.set(row.id, { id: row.id, accountId: row.account_id, status: s.status, displayStatus: s.displayStatus });
    }
    stats.applied++;
    if (learned && retryUnmatched) retryUnmatchedFor(item.accountId, id, changes, at);
    return id;
  }

  function retryUnmatchedFor(accountId: string, exceptId: number, changes: Map<string, PaymentChange>, at: number): number {
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
      const norm = normalizeRaw(item.gateway, item.parsed);
      if (!norm.ref || !payments.findStateForRef(accountId, norm.ref)) continue;
      applyOne(item, changes, at, false, item.id);
      n++;
    }
    return n;
  }

  function itemOfRow(row: WebhookEventRow): StoredItem | null {
    try {
      return { id: row.id, gateway: row.gateway, accountId: row.account_id, type: row.type, parsed: JSON.parse(row.raw.toString('utf8')) as unknown };
    } catch {
      return null;
    }
  }

  // ---- waiting ----------------------------------------------------------------------------------

  function busy(): boolean {
    return pending.length > 0 || flushScheduled || unsynced > 0;
  }

  function settle(): void {
    if (busy() || waiters.length === 0) return;
    const w = waiters;
    waiters = [];
    for (const f of w) f();
  }

  // ---- the API --------------------------------------------------------------------------------

  return {
    handle(d) {
      if (closed) return CLOSED;
      const cfg = opts.getSecret(d.gateway, d.accountId);
      if (!cfg || cfg.secrets.length === 0) {
        reject('secret_missing', d, 'No webhook signing secret is configured for this account');
        return NOT_CONFIGURED;
      }
      const v = d.gateway === 'stripe' ? verifyStripe(d, cfg) : verifyRazorpay(d, cfg);
      if (!v.ok) return v.response;
      return new Promise<DeliveryResponse>((resolve) => {
        pending.push({ row: v.row, item: { gateway: d.gateway, accountId: d.accountId, type: v.row.type, parsed: v.parsed }, resolve });
        scheduleFlush();
      });
    },

    applyPending() {
      let total = 0;
      for (;;) {
        const rows = events.unapplied(applyBatchSize);
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
      const changes = new Map<string, PaymentChange>();
      let n = 0;
      db.transaction(() => {
        noUnmatched.clear();
        n = retryUnmatchedFor(accountId, -1, changes, now());
      }).immediate();
      for (const c of changes.values()) opts.onApplied?.(c);
      return n;
    },

    idle() {
      if (!busy()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },

    stats() {
      return { ...stats, rejected: { ...stats.rejected } };
    },

    async close() {
      closed = true;
      if (busy()) await new Promise<void>((resolve) => waiters.push(resolve));
      if (security.size > 0) {
        db.transaction(writeSecurity).immediate();
        security.clear();
      }
      if (walFd !== null) {
        closeSync(walFd);
        walFd = null;
      }
    },
  };
}

