// kill -9 of the lease holder during webhook load: two desk processes on one PostgreSQL database share one
// Paydesk Sandbox. Desk A holds the lease and so runs the listener the sandbox's webhooks go to; payments are
// paid in the sandbox while A is killed; desk B takes the lease within the ttl (the measured takeover time is
// printed), points the sandbox's webhooks at its own listener, and every event the sandbox saw acknowledged
// is stored and applied: nothing is lost, and every payment ends captured on B.
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { TeamStatus } from '../../shared/contract';
import { createSandbox, sandboxControl, type RunningSandbox } from '../../sandbox/index';
import { LEASE_RENEW_MS, LEASE_TTL_MS } from '../../electron/core/team/lease';
import { joinDesk, sandboxStripeAccount, startDesk, type DeskPayment, type DeskProcess } from '../fixtures/desk-process';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

let cluster: PgCluster;
let url = '';
let sandbox: RunningSandbox;
const desks: DeskProcess[] = [];

beforeAll(async () => {
  cluster = await startPgCluster();
  url = await cluster.createDatabase('failover');
  // the gateways retry for days; compressed, so the retries after the takeover fit in a test
  sandbox = await createSandbox({ port: 0, host: '127.0.0.1', webhookRetryScheduleMs: [300, 600, 1000, 2000, 3000, 4000, 5000, 5000, 5000, 5000] });
}, 120_000);

afterAll(async () => {
  for (const d of desks) await d.dispose().catch(() => undefined);
  await sandbox?.close();
  cluster?.stop();
});

async function until<T>(what: string, get: () => Promise<T | undefined | false | null>, ms = 30_000, every = 100): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get().catch(() => undefined);
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, every));
  }
}

const status = (d: DeskProcess) => d.rpc<TeamStatus>('team.status', {});

async function query<R extends pg.QueryResultRow>(sql: string): Promise<R[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query<R>(sql)).rows;
  } finally {
    await c.end();
  }
}

it('moves the lease and the webhook endpoint to the other desk when the holder is killed, losing nothing', async () => {
  const a = await startDesk({ store: url, sandbox, name: 'Counter' });
  desks.push(a);
  await until('desk A to hold the lease', async () => (await status(a)).lease?.thisDesk);
  const b = await joinDesk(a, { store: url, sandbox, name: 'Back office' });
  desks.push(b);
  const seen = await until('desk B to see A holding the lease', async () => {
    const s = await status(b);
    return s.lease && !s.lease.thisDesk && s.lease;
  });
  expect(seen.holderName).toBe('Counter');
  const aListener = seen.publicUrl;
  expect(aListener).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

  // links made on B (any desk reaches the gateway); paid in the sandbox, which sends their webhooks to A
  const accountId = await sandboxStripeAccount(b);
  const links: DeskPayment[] = [];
  for (let i = 0; i < 24; i++) links.push(await b.rpc<DeskPayment>('links.create', { accountId, amount: `${10 + i}.00`, currency: 'USD', orderRef: `FO-${i}` }));
  const control = sandboxControl(sandbox.url, sandbox.controlToken);
  const pay = async (p: DeskPayment) => {
    const r = await control.post(`/__sandbox/stripe/checkout/sessions/${p.gatewayIds.sessionId}/pay`);
    if (!r.ok) throw new Error(`the sandbox did not pay ${p.id}: ${r.status}`);
  };
  for (const p of links.slice(0, 12)) await pay(p);
  // under load: the next payments' webhooks are in flight when A dies
  const during = Promise.all(links.slice(12, 18).map(pay));
  await a.kill();
  const killedAt = Date.now();
  await during;
  for (const p of links.slice(18)) await pay(p);

  const took = await until('desk B to take the lease', async () => {
    const s = await status(b);
    return s.lease?.thisDesk && s.lease;
  }, 30_000, 50);
  const takeoverMs = Date.now() - killedAt;
  console.log(`lease takeover after kill -9: ${takeoverMs} ms (ttl ${LEASE_TTL_MS} ms, renew every ${LEASE_RENEW_MS} ms)`);
  expect(takeoverMs).toBeLessThan(LEASE_TTL_MS + 2 * LEASE_RENEW_MS + 5_000);
  expect(took.holderName).toBe('Back office');

  // the sandbox's Stripe endpoint now points at B's listener
  const bListener = await until('B to record where it registered', async () => {
    const s = await status(b);
    return s.lease?.publicUrl && s.lease.publicUrl !== aListener && s.lease.publicUrl;
  });
  const targets = await control.get<{ data: { url: string; gateway: string }[] }>('/__sandbox/webhooks/targets?gateway=stripe');
  expect(targets.body.data.map((t) => t.url).every((u) => u.startsWith(`${bListener}/webhooks/stripe/`))).toBe(true);

  // every payment ends captured on B, its webhooks retried at B's listener
  await until('every payment captured on B', async () => {
    const list = await Promise.all(links.map((p) => b.rpc<{ payment: DeskPayment }>('payments.get', { id: p.id })));
    return list.every((d) => d.payment.capturedMinor > 0);
  }, 60_000, 500);
  await sandbox.webhooks.idle();

  // 0 lost: every delivery the sandbox saw acknowledged is stored and applied
  const acked = sandbox.webhooks.deliveries({ gateway: 'stripe' }).filter((d) => d.ok);
  const stored = new Map((await query<{ event_id: string; applied_at: string | null; apply_result: string | null }>(
    'SELECT event_id, applied_at, apply_result FROM webhook_events',
  )).map((r) => [r.event_id, r]));
  const ackedIds = [...new Set(acked.map((d) => d.eventId))];
  const missing = ackedIds.filter((id) => !stored.has(id));
  const unapplied = ackedIds.filter((id) => stored.get(id)?.applied_at == null);
  const failedAtA = sandbox.webhooks.deliveries({ gateway: 'stripe' }).filter((d) => !d.ok).length;
  console.log(`webhooks: ${ackedIds.length} events acknowledged, ${stored.size} stored, ${failedAtA} deliveries refused or unanswered during the takeover; lost ${missing.length}, unapplied ${unapplied.length}`);
  expect(missing).toEqual([]);
  expect(unapplied).toEqual([]);
  expect(ackedIds.length).toBeGreaterThanOrEqual(links.length);
  expect(b.output()).toMatch(/taken over from Counter/);
  killed = a;
  holder = b;
}, 240_000);

/** the shop's own public address (loopback http is accepted with the sandbox); nothing needs to answer there */
const OWN_URL = 'http://127.0.0.1:9';
let killed: DeskProcess | null = null;
let holder: DeskProcess | null = null;

it('hands the lease over at once when the holder shuts down cleanly, and the next holder starts its tunnel', async () => {
  if (!killed || !holder) throw new Error('the failover test did not leave two desks');
  // the killed desk comes back on its data dir: it waits, B keeps the lease
  const a = await startDesk({ store: url, sandbox, name: 'Counter', dataDir: killed.dataDir });
  desks.push(a);
  await until('the restarted desk to see B holding the lease', async () => {
    const s = await status(a);
    return s.lease && !s.lease.thisDesk && s.lease.holderName === 'Back office';
  });
  // the holder runs a tunnel (the shop's own URL): the lease records the address it registered
  await holder.rpc('tunnel.start', { provider: 'own', ownUrl: OWN_URL });
  await until('the lease to record the public address', async () => (await status(a)).lease?.publicUrl === OWN_URL);
  const stoppedAt = Date.now();
  await holder.stop();
  await until('the restarted desk to take the lease', async () => (await status(a)).lease?.thisDesk, 20_000, 50);
  const handoverMs = Date.now() - stoppedAt;
  console.log(`lease hand-over after a clean shutdown: ${handoverMs} ms (the ttl, ${LEASE_TTL_MS} ms, is not waited for)`);
  expect(handoverMs).toBeLessThan(LEASE_TTL_MS);
  expect(holder.output()).toMatch(/no longer runs the singleton jobs: this desk is closing/);
  const tunnel = await until('the new holder to start the same tunnel', async () => {
    const t = await a.rpc<{ status: { state: string; url: string | null } }>('tunnel.status', {});
    return t.status.state === 'online' && t.status;
  });
  expect(tunnel.url).toBe(OWN_URL);
  const s = await status(a);
  expect(s.lease).toMatchObject({ thisDesk: true, publicUrl: OWN_URL });
  expect(s.stableAddress).toBe(true);
}, 120_000);
