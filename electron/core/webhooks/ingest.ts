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
//    payments row + timeline -> applied_at, in a savepoint per event (a failing apply rolls back only
//    itself and is marked 'error'). Row and effect commit together, so each event is applied exactly once
//    and a crash can never leave an acknowledged event unapplied. (Applying after the ack, in a second
//    transaction, cost a second commit and an UPDATE round per event: bench:webhooks measured it.)
// 4. ack: each request's 2xx is sent only after its batch committed (synchronous=FULL). A duplicate
//    (event id or body) is acknowledged and ignored. Then `onApplied` (core emits payment.changed).
// Rows with applied_at NULL (written by an older version that applied after the ack) are applied by
// applyPending() at start; Razorpay rows an older version stored without a body hash are hashed when the
// ingest is created (those still inside the replay window).
//
// No webhook secret configured for the account: 503 + Retry-After (the gateway keeps retrying while
// the merchant configures it; a 4xx would make Razorpay disable the webhook sooner), counted as a
// `secret_missing` security event so the UI can say what to configure.
import Stripe from 'stripe';
import Razorpay from 'razorpay';
import { applyPaymentEvent, paymentStatusOf, type PaymentStatus, type DisplayStatus } from '../../../shared/status';
import type { Db } from '../store/db';
import { paymentsRepo, stateOfRow, ID_COLUMNS, type PaymentRow, type TimelineInsert } from '../store/repos/payments';
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
  parsed: unknown;
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
/** records an applied event's result on its row; returns the row id, or null when the row is a duplicate */
type StoreResult = (result: ApplyResultKind, paymentId: string | null) => number | null;

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

  const syncFull = db.prepare('PRAGMA synchronous = FULL');
  const syncNormal = db.prepare('PRAGMA synchronous = NORMAL');

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
   * One group commit: insert every event of the batch and apply each new one in the same transaction
   * (a savepoint per event, so a failing apply leaves only its error mark). One fsync covers the rows and
   * what they did to the payments; a crash loses either both or neither.
   */
  const insertBatch = db.transaction((batch: PendingInsert[], out: (number | null | Error)[], changes: Map<string, PaymentChange>) => {
    for (const p of batch) out.push(storeAndApply(p, changes, now()));
    writeSecurity();
  });

  /**
   * One event of the group commit, in a savepoint: work out what it does to its payment (reads only), store
   * the row with that result (null: a duplicate, nothing else happens), then write the effects that refer to
   * the row. If applying fails, the savepoint is rolled back and the event is stored with the error (still
   * acknowledged: a gateway retry would fail the same way). An Error result (e.g. the account was removed a
   * moment ago: a foreign key) fails this row only; the batch goes on.
   */
  function storeAndApply(p: PendingInsert, changes: Map<string, PaymentChange>, at: number): number | null | Error {
    const item: ApplyItem = { gateway: p.row.gateway, accountId: p.row.accountId, type: p.row.type, parsed: p.parsed };
    try {
      let id: number | null = null;
      applyOneTx(item, changes, at, (result, paymentId) => (id = events.insert(p.row, { at, result, paymentId })));
      return id;
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

  function writeSecurity(): void {
    for (const s of security.values()) events.addSecurity(s.kind, s.gateway, s.accountId, s.bucket, s.count, s.first, s.last, s.detail);
    security.clear();
  }

  function flush(): void {
    flushScheduled = false;
    const batch = pending;
    pending = [];
    const results: (number | null | Error)[] = [];
    const changes = new Map<string, PaymentChange>();
    let failed: unknown = null;
    try {
      syncFull.run();
      if (batch.length > 0 || security.size > 0) insertBatch.immediate(batch, results, changes);
    } catch (err) {
      failed = err;
    }
    if (failed !== null) {
      stats.storageErrors += batch.length;
      log('error', 'webhook batch could not be committed', { error: failed instanceof Error ? failed.message : String(failed), events: batch.length });
      for (const p of batch) p.resolve(STORAGE_FAILED);
    } else if (batch.length > 0) {
      stats.batches++;
      stats.largestBatch = Math.max(stats.largestBatch, batch.length);
      batch.forEach((p, i) => {
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
      });
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

  // ---- apply ----------------------------------------------------------------------------------

  const applyOneTx = db.transaction((item: ApplyItem, changes: Map<string, PaymentChange>, at: number, store: StoreResult) => applyOne(item, changes, at, true, store));

  /** Applies one event that is already stored (applyPending): its row gets the result by UPDATE. */
  function applyStored(item: StoredItem, changes: Map<string, PaymentChange>, at: number): void {
    try {
      applyOneTx(item, changes, at, markStored(item.id, at)); // a savepoint: a failing event leaves no partial writes
    } catch (err) {
      stats.applyErrors++;
      const message = err instanceof Error ? err.message.slice(0, 300) : 'apply failed';
      log('error', 'webhook event could not be applied', { id: item.id, type: item.type, error: message });
      events.markApplied(item.id, at, 'error', null, message);
    }
  }

  const markStored = (id: number, at: number): StoreResult => (result, paymentId) => {
    events.markApplied(id, at, result, paymentId);
    return id;
  };

  const applyBatchTx = db.transaction((items: StoredItem[], changes: Map<string, PaymentChange>) => {
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
      syncNormal.run();
      applyBatchTx.immediate(items, changes);
    } catch (err) {
      // the rows stay unapplied (applied_at NULL) and are retried on the next start
      log('error', 'webhook apply batch failed', { error: err instanceof Error ? err.message : String(err), events: items.length });
      return;
    } finally {
      syncFull.run();
    }
    emitChanges(changes);
  }

  function learnedIds(row: PaymentRow, ids: GatewayIds): boolean {
    for (const k of GATEWAY_ID_KEYS) {
      const v = ids[k];
      if (v && (row as unknown as Record<string, unknown>)[ID_COLUMNS[k]] == null) return true;
    }
    return false;
  }

  /**
   * Applies one event: normalize -> the payment it is about -> state machine, all reads; then `store` records
   * the result on the event's row (inserting it, or updating a stored one) and gives its id, or null for a
   * duplicate (nothing more happens); then the writes that refer to it (timeline, payment row).
   */
  function applyOne(item: ApplyItem, changes: Map<string, PaymentChange>, at: number, retryUnmatched: boolean, store: StoreResult): ApplyResultKind | 'duplicate' {
    const n = normalizeRaw(item.gateway, item.parsed);
    const row = n.ref ? payments.findForRef(item.accountId, n.ref) : undefined;
    if (!n.ref || !row || row.gateway !== item.gateway) {
      const result = n.ref && n.handled ? 'unmatched' : 'ignored';
      if (store(result, null) === null) return 'duplicate';
      stats.applied++;
      if (result === 'unmatched') stats.unmatched++;
      return result;
    }
    let state = stateOfRow(row);
    let changed = false;
    let stateChanged = false;
    const timeline: Omit<TimelineInsert, 'webhookEventId'>[] = [];
    for (const ev of n.events) {
      const r = applyPaymentEvent(state, ev);
      state = r.state;
      changed ||= r.changed;
      stateChanged ||= r.stateChanged;
      // The timeline records facts that changed something, and every failed attempt (the drawer lists each
      // one). A repeat or a late event leaves no timeline row: its webhook_events row (apply_result
      // 'unchanged', linked to the payment) is the record, and the drawer counts those. Two pages fewer per
      // repeat in the group commit.
      if (!r.changed && ev.type !== 'attempt_failed') continue;
      timeline.push({ paymentId: row.id, at: ev.at, recordedAt: at, event: ev, source: 'webhook', gatewayType: item.type, changed: r.changed, statusAfter: paymentStatusOf(r.state) });
    }
    const result = changed ? 'changed' : 'unchanged';
    const id = store(result, row.id);
    if (id === null) return 'duplicate';
    for (const t of timeline) payments.addTimeline({ ...t, webhookEventId: id });
    const learned = learnedIds(row, n.ref.ids);
    if (stateChanged || learned || row.machine === null) {
      const s = payments.saveState(row.id, state, n.ref.ids, at);
      if (changed || s.status !== row.status) changes.set(row.id, { id: row.id, accountId: row.account_id, status: s.status, displayStatus: s.displayStatus });
    }
    stats.applied++;
    if (learned && retryUnmatched) retryUnmatchedFor(item.accountId, id, changes, at);
    return result;
  }

  function retryUnmatchedFor(accountId: string, exceptId: number, changes: Map<string, PaymentChange>, at: number): number {
    let n = 0;
    for (const row of events.unmatched(accountId)) {
      if (row.id === exceptId) continue;
      const item = itemOfRow(row);
      if (!item) continue;
      const norm = normalizeRaw(item.gateway, item.parsed);
      if (!norm.ref || !payments.findForRef(accountId, norm.ref)) continue;
      applyOne(item, changes, at, false, markStored(item.id, at));
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
    return pending.length > 0 || flushScheduled;
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
        pending.push({ row: v.row, parsed: v.parsed, resolve });
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
        syncFull.run();
        db.transaction(writeSecurity).immediate();
      }
    },
  };
}

