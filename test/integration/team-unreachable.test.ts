// A desk whose team database goes away: the server is stopped under a running core (a real cluster, fast
// shutdown as an outage would cut connections). The desk says so at once, refuses what would change
// anything in words and quickly (no wait for a connection timeout), keeps its webhook unacknowledged so the
// gateway retries it, and when the server is back it says so, makes every screen refetch, and the retried
// webhook is applied. Real core, real sandbox (retrying on a short schedule), real PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment, TeamStatus } from '../../shared/contract';
import { createSandbox, type RunningSandbox } from '../../sandbox/index';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { withCore, type CoreFixture } from '../fixtures/with-core';

let cluster: PgCluster;
let sandbox: RunningSandbox;
let f: CoreFixture;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('paydesk_outage');
  sandbox = await createSandbox({ port: 0, host: '127.0.0.1', webhookRetryScheduleMs: [500, 1_000, 2_000, 2_000, 3_000, 5_000, 10_000] });
  f = await withCore({ store: { engine: 'postgres', url }, sandbox });
}, 120_000);
afterAll(async () => {
  await f?.dispose();
  await sandbox?.close();
  cluster?.stop();
});

async function until<T>(what: string, get: () => Promise<T | undefined | false> | T | undefined | false, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const status = (): Promise<TeamStatus> => f.call<TeamStatus>('team.status', {});
const call = (method: Parameters<CoreFixture['call']>[0], input: unknown) => f.core.callUnknown(method, input, { transport: 'ipc' });
const eventsNamed = (name: string): number => f.events.filter((e) => e.name === name).length;

interface Delivery { eventId: string; eventType: string; status: number | null; ok: boolean }

describe('a desk whose team database goes away and comes back', () => {
  let link: Payment;
  let stripeId = '';

  it('is connected to start with', async () => {
    expect((await status()).connection).toMatchObject({ state: 'connected', message: null });
    const accounts = await f.call<Array<{ id: string; gateway: string }>>('accounts.list', {});
    stripeId = accounts.find((a) => a.gateway === 'stripe')!.id;
    // one webhook applied first: the account's secret is then known, so an outage fails the commit itself
    const first = await f.call<Payment>('links.create', { accountId: stripeId, amount: '7.00', currency: 'USD', orderRef: 'OUT-0' });
    await f.control(`/stripe/checkout/sessions/${first.gatewayIds.sessionId}/pay`, {});
    await until('the first link paid', async () => (await f.call<{ payment: Payment }>('payments.get', { id: first.id })).payment.status === 'paid');
    link = await f.call<Payment>('links.create', { accountId: stripeId, amount: '19.00', currency: 'USD', orderRef: 'OUT-1' });
  });

  it('says at once that the database cannot be reached, with where and why', async () => {
    const changedBefore = eventsNamed('team.changed');
    const t0 = Date.now();
    cluster.halt();
    const halted = Date.now();
    const s = await until('unreachable', async () => {
      const v = await status();
      return v.connection.state === 'unreachable' && v;
    }, 5_000);
    console.log(`unreachable shown ${Date.now() - halted} ms after the server stopped (pg_ctl stop took ${halted - t0} ms)`);
    expect(Date.now() - halted).toBeLessThan(3_000);
    expect(s.connection.message).toContain(`127.0.0.1:${cluster.port}`);
    expect(s.connection.message).not.toMatch(/postgres:\/\//);
    expect(eventsNamed('team.changed')).toBeGreaterThan(changedBefore);
  });

  it('refuses a new link and a refund quickly, in words, sending nothing to the gateway', async () => {
    for (const [method, input] of [
      ['links.create', { accountId: stripeId, amount: '5.00', currency: 'USD', orderRef: 'OUT-2' }],
      ['refunds.create', { paymentId: link.id, amount: '1.00', requestId: 'out-refund-1' }],
    ] as const) {
      const t = performance.now();
      const r = await call(method, input);
      const ms = performance.now() - t;
      console.log(`${method} refused in ${ms.toFixed(1)} ms`);
      expect(r).toMatchObject({ ok: false, error: { code: 'store_unreachable', retryable: true } });
      const message = (r as { error: { message: string } }).error.message;
      expect(message).toMatch(new RegExp(`The team database \\(127\\.0\\.0\\.1:${cluster.port}\\) has been out of reach since \\d\\d:\\d\\d`));
      expect(message).toContain('nothing was sent to the gateway');
      expect(ms).toBeLessThan(200);
    }
  });

  it('answers a read it cannot make in the same words, without freezing the desk', async () => {
    const t = performance.now();
    const r = await call('payments.list', {});
    const ms = performance.now() - t;
    console.log(`payments.list answered in ${ms.toFixed(1)} ms while unreachable`);
    expect(r).toMatchObject({ ok: false, error: { code: 'store_unreachable' } });
    expect((r as { error: { message: string } }).error.message).toMatch(/has been out of reach since \d\d:\d\d/);
    expect(ms).toBeLessThan(200);
  });

  it('acknowledges no webhook it could not store, and applies it when the gateway retries after the server is back', async () => {
    const deliveries = async (): Promise<Delivery[]> => (await f.control<{ data: Delivery[] }>('/deliveries?gateway=stripe', undefined, 'GET')).data.slice(before);
    const before = (await f.control<{ data: Delivery[] }>('/deliveries?gateway=stripe', undefined, 'GET')).data.length;
    await f.control(`/stripe/checkout/sessions/${link.gatewayIds.sessionId}/pay`, {});
    // two attempts refused (the first and the first retry), none acknowledged
    const refused = await until('refused deliveries', async () => {
      const d = await deliveries();
      return d.filter((x) => !x.ok).length >= 2 && d;
    }, 10_000);
    expect(refused.filter((d) => d.ok)).toEqual([]);
    // refused by the failed commit itself (the account's secret was known), with a status the gateway retries
    expect(refused.every((d) => d.status === null || d.status >= 500)).toBe(true);
    if (refused.some((d) => d.status !== null)) expect(f.logs.map((l) => l.message)).toContain('webhook batch could not be committed');
    console.log(`while unreachable the listener answered: ${refused.map((d) => d.status ?? 'no answer').join(', ')}`);
    const stillOpen = await call('payments.get', { id: link.id });
    expect(stillOpen.ok).toBe(false);

    const caughtUpBefore = eventsNamed('team.caughtUp');
    const t = Date.now();
    cluster.resume();
    const resumed = Date.now();
    await until('connected', async () => (await status()).connection.state === 'connected', 15_000);
    console.log(`connected again ${Date.now() - resumed} ms after the server was up (pg_ctl start took ${resumed - t} ms)`);
    expect(eventsNamed('team.caughtUp')).toBeGreaterThan(caughtUpBefore);

    const paid = await until('paid after the retry', async () => {
      const r = await call('payments.get', { id: link.id });
      return r.ok && (r.value as { payment: Payment }).payment.status === 'paid' && (r.value as { payment: Payment }).payment;
    }, 30_000);
    expect(paid.capturedMinor).toBe(1900);
    const all = await deliveries();
    expect(all.some((d) => d.ok)).toBe(true);
    console.log(`webhook attempts: ${all.map((d) => `${d.eventType} ${d.status ?? 'no answer'}`).join(', ')}`);
  }, 60_000);

  it('changes things again once the server is back', async () => {
    const r = await call('links.create', { accountId: stripeId, amount: '6.00', currency: 'USD', orderRef: 'OUT-3' });
    expect(r).toMatchObject({ ok: true });
  });
});
