// At-least-once webhook delivery, like the gateways: one FIFO queue per target, a signature per
// target secret, a retry on any non-2xx answer, network error or timeout (5 s by default, as
// Razorpay documents), then the next attempt after the (compressed) retry schedule. Chaos options
// reproduce what real gateways do now and then: duplicates, reordering, late and lost deliveries.
import { createHmac } from 'node:crypto';
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Gateway } from '../../shared/gateways.js';
import { newId } from './ids.js';
import type {
  ChaosOptions, Delivery, OutgoingEvent, SandboxClock, Signer, StateStore, WebhookDispatcher, WebhookTarget,
} from './types.js';

export const DEFAULT_RETRY_SCHEDULE_MS = [1_000, 5_000, 30_000, 120_000];
export const DEFAULT_WEBHOOK_TIMEOUT_MS = 5_000;
/** reorder batches that never fill up are released after this long, so nothing is held forever */
const REORDER_MAX_HOLD_MS = 500;
const MAX_DELIVERY_LOG = 5_000;

/** Stripe-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "t.body")>,v0=<...>. v0 is only decoration (test mode sends it; verifiers ignore it). */
export const stripeSigner: Signer = (body, secret, timestampSec) => {
  const payload = `${timestampSec}.${body}`;
  const v1 = createHmac('sha256', secret).update(payload).digest('hex');
  const v0 = createHmac('sha256', `v0:${secret}`).update(payload).digest('hex');
  return { 'Stripe-Signature': `t=${timestampSec},v1=${v1},v0=${v0}` };
};

/** X-Razorpay-Signature: hex HMAC-SHA256(webhook secret, raw body). */
export const razorpaySigner: Signer = (body, secret) => ({
  'X-Razorpay-Signature': createHmac('sha256', secret).update(body).digest('hex'),
});

export interface DispatcherOptions {
  clock: SandboxClock;
  state: StateStore;
  retryScheduleMs?: number[];
  timeoutMs?: number;
  signers?: Partial<Record<Gateway, Signer>>;
}

/** The dispatcher plus the knobs the control API and createSandbox need. */
export interface SandboxWebhookDispatcher extends WebhookDispatcher {
  setSigner(gateway: Gateway, signer: Signer): void;
  /** chaos applied to every target of a gateway (a target's own chaos wins field by field) */
  setGatewayChaos(gateway: Gateway, chaos: ChaosOptions): void;
  gatewayChaos(gateway: Gateway): ChaosOptions;
  setTargetChaos(targetId: string, chaos: ChaosOptions): WebhookTarget | undefined;
  /** forgets queues, retries, the delivery log and (with the state reset) the targets */
  reset(): void;
  close(): void;
}

interface Job {
  event: OutgoingEvent;
  targetId: string;
  attempt: number;
}

interface WebhookSlice {
  targets: Record<string, WebhookTarget>;
  gatewayChaos: Partial<Record<Gateway, ChaosOptions>>;
}

export function createWebhookDispatcher(options: DispatcherOptions): SandboxWebhookDispatcher {
  const { clock, state } = options;
  const schedule = options.retryScheduleMs ?? DEFAULT_RETRY_SCHEDULE_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_WEBHOOK_TIMEOUT_MS;
  const signers: Record<Gateway, Signer> = { stripe: stripeSigner, razorpay: razorpaySigner, ...options.signers };
  const data = state.slice<WebhookSlice>('__webhooks', () => ({ targets: {}, gatewayChaos: {} }));

  const queues = new Map<string, Job[]>();
  const running = new Set<string>();
  const held = new Map<string, { jobs: Job[]; timer: NodeJS.Timeout }>();
  const retryTimers = new Set<NodeJS.Timeout>();
  const dropped = new Map<string, number>();
  const inFlight = new Set<{ abort: () => void }>();
  let log: Delivery[] = [];
  let waiters: Array<() => void> = [];
  let closed = false;

  const isIdle = (): boolean =>
    running.size === 0 && retryTimers.size === 0 && held.size === 0 && [...queues.values()].every((q) => q.length === 0);

  const checkIdle = (): void => {
    if (!isIdle()) return;
    const done = waiters;
    waiters = [];
    for (const resolve of done) resolve();
  };

  const chaosFor = (target: WebhookTarget): ChaosOptions => ({ ...data.gatewayChaos[target.gateway], ...target.chaos });

  const enqueue = (job: Job): void => {
    if (closed) return;
    const queue = queues.get(job.targetId) ?? [];
    queue.push(job);
    queues.set(job.targetId, queue);
    void pump(job.targetId);
  };

  const releaseHeld = (targetId: string): void => {
    const batch = held.get(targetId);
    if (!batch) return;
    clearTimeout(batch.timer);
    held.delete(targetId);
    for (const job of batch.jobs.reverse()) enqueue(job);
    checkIdle();
  };

  const record = (job: Job, target: WebhookTarget, status: number | null, error: string | null): Delivery => {
    const delivery: Delivery = {
      id: newId('whdel', 16),
      targetId: target.id,
      eventId: job.event.id,
      eventType: job.event.type,
      gateway: job.event.gateway,
      attempt: job.attempt,
      status,
      error,
      at: clock.now(),
      ok: status !== null && status >= 200 && status < 300,
    };
    log.push(delivery);
    if (log.length > MAX_DELIVERY_LOG) log = log.slice(-MAX_DELIVERY_LOG);
    return delivery;
  };

  const scheduleRetry = (job: Job, target: WebhookTarget): void => {
    const delay = schedule[job.attempt - 1];
    if (delay === undefined) {
      // Razorpay disables a webhook whose retries ran out; Stripe keeps the endpoint (it would email the owner).
      if (target.gateway === 'razorpay') {
        target.enabled = false;
        state.touch();
      }
      return;
    }
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      enqueue({ ...job, attempt: job.attempt + 1 });
      checkIdle();
    }, delay);
    retryTimers.add(timer);
  };

  const attempt = async (job: Job): Promise<void> => {
    const target = data.targets[job.targetId];
    if (!target || !target.enabled) return;
    const chaos = chaosFor(target);
    if (chaos.delayMs && chaos.delayMs > 0) await sleep(chaos.delayMs);
    if (closed) return;
    const alreadyDropped = dropped.get(target.id) ?? 0;
    if (chaos.dropFirst && alreadyDropped < chaos.dropFirst) {
      dropped.set(target.id, alreadyDropped + 1);
      record(job, target, null, 'dropped by chaos option dropFirst');
      scheduleRetry(job, target);
      return;
    }
    const headers: Record<string, string> = {
      'Content-Type': 'application/json; charset=utf-8',
      'User-Agent': target.gateway === 'stripe' ? 'Stripe/1.0 (+https://stripe.com/docs/webhooks)' : 'Razorpay-Webhook/v1',
      ...job.event.headers,
      // real time, not sandbox time: receivers check the timestamp against their own clock (300 s tolerance)
      ...signers[target.gateway](job.event.body, target.secret, Math.floor(Date.now() / 1000)),
    };
    const result = await post(target.url, job.event.body, headers, timeoutMs, inFlight);
    if (closed) return;
    const delivery = record(job, target, result.status, result.error);
    if (!delivery.ok) scheduleRetry(job, target);
  };

  const pump = async (targetId: string): Promise<void> => {
    if (running.has(targetId)) return;
    running.add(targetId);
    try {
      const queue = queues.get(targetId) ?? [];
      let job: Job | undefined;
      while (!closed && (job = queue.shift())) {
        try {
          await attempt(job);
        } catch (err) {
          // a bug here must not stop the queue; log it and move on
          console.error('[sandbox] webhook delivery failed unexpectedly:', err instanceof Error ? err.message : err);
        }
      }
    } finally {
      running.delete(targetId);
      checkIdle();
    }
  };

  const dispatcher: SandboxWebhookDispatcher = {
    upsertTarget(target) {
      const previous = data.targets[target.id];
      if (previous && JSON.stringify(previous.chaos) !== JSON.stringify(target.chaos)) dropped.delete(target.id);
      data.targets[target.id] = { ...target, events: [...target.events], chaos: { ...target.chaos } };
      state.touch();
    },
    removeTarget(id) {
      delete data.targets[id];
      queues.delete(id);
      const batch = held.get(id);
      if (batch) clearTimeout(batch.timer);
      held.delete(id);
      state.touch();
      checkIdle();
    },
    targets(gateway) {
      return Object.values(data.targets)
        .filter((t) => !gateway || t.gateway === gateway)
        .map((t) => ({ ...t, events: [...t.events], chaos: { ...t.chaos } }));
    },
    emit(event) {
      if (closed) return;
      for (const target of Object.values(data.targets)) {
        if (target.gateway !== event.gateway || !target.enabled) continue;
        if (!target.events.includes('*') && !target.events.includes(event.type)) continue;
        const chaos = chaosFor(target);
        const copies = chaos.duplicate ? 2 : 1;
        for (let i = 0; i < copies; i++) {
          const job: Job = { event, targetId: target.id, attempt: 1 };
          if (chaos.reorder && chaos.reorder > 1) {
            const batch = held.get(target.id) ?? { jobs: [], timer: setTimeout(() => releaseHeld(target.id), REORDER_MAX_HOLD_MS) };
            batch.jobs.push(job);
            held.set(target.id, batch);
            if (batch.jobs.length >= chaos.reorder) releaseHeld(target.id);
          } else {
            enqueue(job);
          }
        }
      }
    },
    deliveries(filter) {
      return log.filter((d) => (!filter?.gateway || d.gateway === filter.gateway) && (!filter?.eventId || d.eventId === filter.eventId));
    },
    idle() {
      // a half-full reorder batch would otherwise hold idle() until its timer fires
      for (const targetId of [...held.keys()]) releaseHeld(targetId);
      if (isIdle()) return Promise.resolve();
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    setSigner(gateway, signer) {
      signers[gateway] = signer;
    },
    setGatewayChaos(gateway, chaos) {
      data.gatewayChaos[gateway] = { ...chaos };
      for (const t of Object.values(data.targets)) if (t.gateway === gateway) dropped.delete(t.id);
      state.touch();
    },
    gatewayChaos(gateway) {
      return { ...data.gatewayChaos[gateway] };
    },
    setTargetChaos(targetId, chaos) {
      const target = data.targets[targetId];
      if (!target) return undefined;
      target.chaos = { ...chaos };
      dropped.delete(targetId);
      state.touch();
      return { ...target };
    },
    reset() {
      for (const timer of retryTimers) clearTimeout(timer);
      retryTimers.clear();
      for (const batch of held.values()) clearTimeout(batch.timer);
      held.clear();
      queues.clear();
      dropped.clear();
      log = [];
      checkIdle();
    },
    close() {
      closed = true;
      dispatcher.reset();
      for (const req of inFlight) req.abort();
      inFlight.clear();
      const done = waiters;
      waiters = [];
      for (const resolve of done) resolve();
    },
  };
  return dispatcher;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** One POST; never throws. `agent: false` so no keep-alive socket outlives the sandbox. */
function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  timeoutMs: number,
  inFlight: Set<{ abort: () => void }>,
): Promise<{ status: number | null; error: string | null }> {
  return new Promise((resolve) => {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      resolve({ status: null, error: 'invalid URL' });
      return;
    }
    const request = parsed.protocol === 'https:' ? httpsRequest : httpRequest;
    let settled = false;
    const handle = { abort: () => req.destroy(new Error('sandbox closed')) };
    const finish = (status: number | null, error: string | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      inFlight.delete(handle);
      resolve({ status, error });
    };
    const req = request(parsed, {
      method: 'POST',
      agent: false,
      headers: { ...headers, 'Content-Length': String(Buffer.byteLength(body)) },
    }, (res) => {
      res.resume();
      res.on('end', () => finish(res.statusCode ?? null, null));
      res.on('error', (err) => finish(res.statusCode ?? null, err.message));
    });
    const timer = setTimeout(() => {
      finish(null, `no response within ${timeoutMs} ms`);
      req.destroy();
    }, timeoutMs);
    inFlight.add(handle);
    req.on('error', (err) => finish(null, err.message));
    req.end(body);
  });
}
