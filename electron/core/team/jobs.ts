// The singleton jobs: what exactly one desk runs for the shop. The webhook listener (the tunnel's edge: the
// gateways' webhooks, the merchant API under /api/, the shop's pages under /pay/) and the tunnel; the sandbox
// webhook registration; the merchant API server; outgoing callbacks; the gateway sync (catch-up and every
// minute) with the retry of links left `creating`; the report refresh; the refund recovery pass; the backup
// schedule (SQLite only). On SQLite the one desk starts them at once; on PostgreSQL the desk holding the lease
// (./lease.ts) starts them on acquiring it and stops them on losing it. start() and stop() are idempotent and
// run one at a time.
import type { TunnelStartInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { z } from 'zod';
import { edgeSocketPath, publicHostOf } from '../api/forwarded';
import type { Composed } from '../compose';
import type { CoreDeps } from '../deps';
import { payDeps } from '../pay/deps';
import type { SandboxControl } from '../sandbox-control';
import { registerWithSandbox } from '../sandbox-link';
import { createPayRoutes } from '../webhooks/pay-routes';
import { startWebhookListener, type DeliveryResponse, type WebhookListener } from '../webhooks/listener';
import type { Acquired, Lease } from './lease';

/** answered while this desk is losing the lease: the gateway retries, at the desk that holds it by then */
const NOT_HOLDER: DeliveryResponse = { status: 503, body: { error: 'not_the_lease_holder' }, headers: { 'retry-after': '10' } };

/** the tunnel the lease holder runs, kept in the shared settings so the next holder starts the same one */
const TUNNEL_KEY = 'team.tunnel';
const TunnelSchema = z.object({ provider: z.enum(['ngrok', 'own']), ownUrl: z.string().optional() }).nullable();

export interface JobsContext {
  control: SandboxControl | null;
  /** background work awaited by core's idle() and close() */
  track: (p: Promise<unknown>) => void;
  isClosed: () => boolean;
  /** the lease on PostgreSQL; null on SQLite */
  lease: Lease | null;
  /** resolves once the first screen has its data: the sandbox registration and the first sync wait for it (../startup-gate.ts) */
  startup: Promise<void>;
}

export interface SingletonJobs {
  /** starts every job; `takeover`: this desk took the lease from another (or after a restart) */
  start(takeover?: Acquired): Promise<void>;
  /** stops every job: the listener stops acknowledging webhooks first */
  stop(): Promise<void>;
  running(): boolean;
  listener(): WebhookListener | null;
}

/** Where the listener also takes the tunnel's traffic; null (port only) when the data dir allows no socket. */
function edgeSocketPathOf(d: CoreDeps): string | null {
  try {
    return edgeSocketPath(d.options.dataDir);
  } catch (err) {
    d.log('warn', 'webhook listener: no socket entry for the tunnel', { error: err instanceof Error ? err.message : String(err) });
    return null;
  }
}

/** The listener; one that cannot start (its port is in use) leaves core running, the reason in runtime.webhookListenerError. */
async function startListener(c: Composed, lease: Lease | null): Promise<WebhookListener | null> {
  const d = c.deps;
  try {
    const listener = await startWebhookListener({
      port: d.options.webhookPort ?? 0,
      // a team's webhook is acknowledged only while this desk surely holds the lease; else the gateway retries
      onDelivery: (delivery) => (lease && !lease.holds() ? NOT_HOLDER : c.ingest.handle(delivery)),
      onConnection: () => c.ingest.connectionArrived(),
      api: () => d.api.edge(),
      socketPath: edgeSocketPathOf(d),
      now: d.clock.now,
      onError: (err) => d.log('warn', 'webhook listener error', { error: err.message }),
      pay: createPayRoutes(payDeps(d)),
      publicHost: () => publicHostOf(d.tunnel.status().url),
    });
    d.runtime.webhookListenerPort = listener.port;
    d.runtime.webhookListenerSocket = listener.socketPath;
    d.runtime.webhookListenerError = null;
    return listener;
  } catch (err) {
    const message = err instanceof AppError ? err.message : 'The webhook listener could not start.';
    d.runtime.webhookListenerError = message;
    d.log('error', `webhook listener not started: ${message}`);
    return null;
  }
}

export function createJobs(c: Composed, s: JobsContext): SingletonJobs {
  const d = c.deps;
  const sqlite = d.store.engine === 'sqlite';
  let listener: WebhookListener | null = null;
  let running = false;
  let stopping = false;
  let chain: Promise<void> = Promise.resolve();
  const serial = (fn: () => Promise<void>): Promise<void> => {
    chain = chain.then(fn, fn);
    return chain;
  };

  // the holder records the tunnel it runs and the address it registered, for the next holder
  d.events.on((e) => {
    if (e.name !== 'tunnel.changed' || !s.lease?.holds() || stopping) return;
    const t = e.payload;
    if (t.state === 'online' && t.url && t.provider) {
      d.repos.settings.set(TUNNEL_KEY, { provider: t.provider, ...(t.provider === 'own' ? { ownUrl: t.url } : {}) });
      s.lease.setPublicUrl(t.url);
    } else if (t.state === 'offline') {
      d.repos.settings.set(TUNNEL_KEY, null);
    }
  });

  /** a new holder starts the tunnel the previous one ran; the endpoint registration follows the tunnel online */
  async function resumeTunnel(a: Acquired): Promise<void> {
    const input = d.repos.settings.get(TUNNEL_KEY, TunnelSchema, null) as TunnelStartInput | null;
    if (!input) return;
    const status = await d.tunnel.start(input);
    const url = status.url;
    if (a.previousUrl && url && url !== a.previousUrl && !d.tunnel.stableAddress()) {
      d.log('warn', `the public address moved from ${a.previousUrl} to ${url}: Stripe's endpoint is registered again, but Razorpay's webhook URL is typed by hand in its Dashboard; update it there, or use a reserved ngrok domain or the shop's own URL so a failover keeps it`);
    }
  }

  /** the sandbox's accounts point at this desk's listener; the lease records where */
  async function pointSandbox(started: WebhookListener): Promise<void> {
    if (!s.control) return;
    await registerWithSandbox(d, started, s.control);
    if (d.tunnel.status().state !== 'online') s.lease?.setPublicUrl(started.url);
  }

  async function start(takeover?: Acquired): Promise<void> {
    if (running || s.isClosed()) return;
    running = true;
    // deliveries wait in the outbox for whichever desk runs this
    d.callbacks.start();
    d.refunds.start();
    d.reports.start();
    // webhooks stored but not applied (a crash between the two on SQLite's older versions, a batch that failed)
    const applied = c.ingest.applyPending();
    if (applied > 0) d.log('info', `applied ${applied} stored webhook event(s) left unapplied`);
    listener = await startListener(c, s.lease);
    const started = listener;
    s.track((async () => {
      await s.startup;
      if (s.isClosed() || !running) return;
      if (started) await pointSandbox(started);
      await d.payments.links.retryPending();
      if (!s.isClosed() && running) await d.payments.sync.syncAll(takeover?.previousHolder ? 'took over the singleton jobs' : 'start');
    })());
    // every minute while a link is open (finishing intents left `creating` first)
    d.payments.sync.start();
    s.track(d.api.startIfEnabled());
    // the backup schedule: checks every minute whether a backup is due
    if (sqlite) d.backup.start();
    if (takeover) s.track(resumeTunnel(takeover));
  }

  async function stop(): Promise<void> {
    if (!running) return;
    running = false;
    stopping = true;
    try {
      const l = listener;
      listener = null;
      d.runtime.webhookListenerPort = null;
      d.runtime.webhookListenerSocket = null;
      await l?.close();
      d.payments.sync.pause();
      d.callbacks.pause();
      d.refunds.pause();
      d.reports.stop();
      if (sqlite) await d.backup.stop();
      await d.api.close();
      // on SQLite the tunnel closes with core; in a team the next holder starts it
      if (!sqlite) await d.tunnel.stop();
    } finally {
      stopping = false;
    }
  }

  return {
    start: (takeover) => serial(() => start(takeover)),
    stop: () => serial(stop),
    running: () => running,
    listener: () => listener,
  };
}
