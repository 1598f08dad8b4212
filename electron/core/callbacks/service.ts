// Callbacks to the shop: when core announces that a payment changed, the facts its state now holds are put
// in the outbox (once each: the outbox's unique key); a worker delivers what is due, signed, and retries
// with backoff. At start a sweep enqueues facts of payments changed since callbacks were switched on, for a
// change committed just before a crash and never announced. Runs are serialised in this process; across
// desks sharing a store, the claim (one UPDATE) keeps an attempt single.
import type { Transact } from '../store';
import type { CallbackEventRow, CallbacksRepo } from '../store/repos/callbacks';
import type { PaymentsRepo } from '../store/repos/payments';
import type { SettingsRepo } from '../store/repos/settings';
import type { Log } from '../log';
import type { Clock } from '../types';
import type { Vault } from '../vault';
import { nextAttemptAt, DEFAULT_SCHEDULE_MS } from './backoff';
import { createCallbackConfig, type CallbackConfigStore } from './config';
import { DEFAULT_TIMEOUT_MS, postCallback, USER_AGENT, type PostCallback } from './deliver';
import { factsOf, newEventId, payloadOf } from './events';
import { SIGNATURE_HEADER, signatureHeader } from './signing';

export interface CallbacksDeps {
  repos: { callbacks: CallbacksRepo; payments: Pick<PaymentsRepo, 'byId'>; settings: SettingsRepo };
  transaction: Transact;
  vault: Vault;
  clock: Clock;
  log: Log;
  /** waits between unaccepted attempts (default: 30 s, 2 min, 10 min, 1 h, 6 h, 24 h) */
  schedule?: readonly number[];
  /** [0, 1), for the retries' jitter */
  random?: () => number;
  timeoutMs?: number;
  /** how often the worker looks for due events (others sharing the store enqueue too) */
  pollMs?: number;
  post?: PostCallback;
  /** the outbox changed (an event queued, an attempt made): screens refetch */
  onChange?: () => void;
}

/** how far back the start-up sweep looks at most */
const SWEEP_WINDOW_MS = 7 * 86_400_000;
const SWEEP_LIMIT = 5_000;
const BATCH = 20;
/** gateway clocks and ours differ a little: a fact this much older than switching on still counts */
const FACT_SLACK_MS = 3_600_000;

export function createCallbacksService(d: CallbacksDeps) {
  const { callbacks } = d.repos;
  const config: CallbackConfigStore = createCallbackConfig(d.repos.settings, d.vault);
  const schedule = d.schedule ?? DEFAULT_SCHEDULE_MS;
  const timeoutMs = d.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const post = d.post ?? postCallback;
  const stopping = new AbortController();
  let closed = false;
  let timer: ReturnType<typeof setTimeout> | null = null;
  // delivering only between start() and pause(): in a team only the desk holding the lease delivers
  let delivering = false;
  let chain: Promise<void> = Promise.resolve();
  let queued = false;

  /** enqueues the facts of one payment not yet in the outbox; true when any was added */
  const enqueueFacts = (paymentId: string): boolean => {
    const row = d.repos.payments.byId(paymentId);
    if (!row) return false;
    let added = false;
    const now = d.clock.now();
    const since = (config.get().enabledAt ?? now) - FACT_SLACK_MS;
    d.transaction(() => {
      for (const fact of factsOf(row, since)) {
        if (callbacks.exists(fact.type, fact.subject)) continue;
        const id = newEventId();
        const payload = payloadOf(id, fact, row, now);
        added = callbacks.enqueue({ id, type: fact.type, subject: fact.subject, paymentId: row.id, accountId: row.account_id, livemode: row.livemode === 1, payload, at: now }) || added;
      }
    });
    return added;
  };

  const finish = (row: CallbackEventRow, status: number | null, error: string | null, now: number): void => {
    if (status !== null && status >= 200 && status < 300 && error === null) return callbacks.delivered(row.id, now, status);
    const next = nextAttemptAt(row.attempts, now, schedule, d.random);
    if (next === null) callbacks.failed(row.id, status, error);
    else callbacks.retryAt(row.id, next, status, error);
  };

  const attempt = async (row: CallbackEventRow, url: string): Promise<void> => {
    const at = d.clock.now();
    const secrets = config.signingSecrets(at);
    if (secrets.length === 0) {
      d.transaction(() => {
        callbacks.logAttempt({ eventId: row.id, at, httpStatus: null, error: 'No signing secret: rotate the secret in Settings → Developers', durationMs: 0 });
        finish(row, null, 'No signing secret', at);
      });
      return;
    }
    const headers = {
      'content-type': 'application/json',
      'user-agent': USER_AGENT,
      [SIGNATURE_HEADER]: signatureHeader(secrets, Math.floor(at / 1000), row.payload),
    };
    const r = await post({ url, body: row.payload, headers, timeoutMs, signal: stopping.signal });
    // closing: the row's lease runs out and the attempt is made again after the next start
    if (closed) return;
    const now = d.clock.now();
    d.transaction(() => {
      callbacks.logAttempt({ eventId: row.id, at, httpStatus: r.status, error: r.error, durationMs: r.durationMs });
      finish(row, r.status, r.error, now);
    });
    d.onChange?.();
    if (r.error) d.log('warn', 'callback not accepted', { event: row.id, type: row.type, attempt: row.attempts, status: r.status, host: new URL(url).host });
  };

  /** delivers every due event, one at a time */
  const runOnce = async (): Promise<void> => {
    for (;;) {
      const url = config.get().url;
      if (closed || url === null) return;
      const now = d.clock.now();
      const ids = callbacks.due(now, BATCH);
      if (ids.length === 0) return;
      for (const id of ids) {
        if (closed) return;
        const row = callbacks.claim(id, now, now + timeoutMs + 5_000);
        if (row) await attempt(row, url);
      }
    }
  };

  const schedulePoll = (pollMs: number): void => {
    if (closed || !delivering) return;
    timer = setTimeout(() => void kick().finally(() => schedulePoll(pollMs)), pollMs);
    timer.unref();
  };

  /** runs the worker now (after any run in progress); resolves when that run ended */
  function kick(): Promise<void> {
    if (closed) return chain;
    if (queued) return chain;
    queued = true;
    chain = chain.then(() => {
      queued = false;
      return runOnce();
    }).catch((err) => d.log('error', 'callback delivery failed', { error: err }));
    return chain;
  }

  /** enqueues what was missed, e.g. a change committed just before a crash, never announced */
  const sweep = (): number => {
    const { url, enabledAt } = config.get();
    if (url === null || enabledAt === null) return 0;
    const since = Math.max(enabledAt, d.clock.now() - SWEEP_WINDOW_MS);
    let n = 0;
    for (const id of callbacks.paymentsChangedSince(since, SWEEP_LIMIT)) if (enqueueFacts(id)) n++;
    return n;
  };

  return {
    config,
    /** core announced a change of this payment (after its commit) */
    noteChange(paymentId: string): void {
      if (closed || config.get().url === null) return;
      try {
        if (!enqueueFacts(paymentId)) return;
        d.onChange?.();
        if (delivering) void kick();
      } catch (err) {
        // the start-up sweep enqueues it next time; the announcement itself must not fail
        d.log('error', 'callback could not be queued', { payment: paymentId, error: err });
      }
    },
    start(): void {
      if (closed || delivering) return;
      delivering = true;
      const swept = sweep();
      if (swept > 0) d.log('info', `callbacks: ${swept} payment(s) caught up at start`);
      void kick();
      schedulePoll(d.pollMs ?? 5_000);
    },
    /** stops delivering (queued events wait for the next start, here or on the desk that holds the lease) */
    pause(): void {
      delivering = false;
      if (timer) clearTimeout(timer);
      timer = null;
    },
    /** runs due deliveries now; resolves when done (tests, and a resend that wants its answer) */
    flush: kick,
    async close(): Promise<void> {
      closed = true;
      if (timer) clearTimeout(timer);
      stopping.abort();
      await chain;
    },
  };
}

export type CallbacksService = ReturnType<typeof createCallbacksService>;
