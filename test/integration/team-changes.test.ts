// Two desks on one team database: what desk A commits reaches desk B's screens through LISTEN/NOTIFY, pushed,
// not polled; and a desk whose change feed was cut reconnects and makes its screens refetch. Desk B is a
// separate process (a small tsx script), as a second machine would be: one process's PostgreSQL worker answers
// one request at a time. Real cores, real sandbox, real PostgreSQL; the delays are measured and printed.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/contract';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { withCore, type CoreFixture } from '../fixtures/with-core';

const root = path.resolve(__dirname, '../..');

interface Line { at: number; name?: string; payload?: { id?: string; status?: string; paymentId?: string }; ready?: boolean; desk?: string; startupError?: unknown }

let cluster: PgCluster;
let url = '';
let a: CoreFixture;
let b: ChildProcess | null = null;
let dir = '';
const fromB: Line[] = [];
/** when desk A emitted each event, by name and id */
const onA: Array<{ at: number; name: string; id: string | undefined; status: string | undefined }> = [];

async function until<T>(what: string, get: () => T | undefined | false | Promise<T | undefined | false>, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** desk B: a core on the same database, in its own process, printing every event it emits as a JSON line */
function startDeskB(join: string): void {
  dir = mkdtempSync(path.join(tmpdir(), 'paydesk-desk-b-'));
  const script = path.join(dir, 'desk-b.mts');
  const src = (p: string): string => JSON.stringify(path.join(root, p));
  writeFileSync(script, `import { createCore } from ${src('electron/core/index.ts')};
import { createKeyFileProtector } from ${src('electron/core/vault/index.ts')};
const dataDir = process.argv[2]!;
const core = await createCore({ dataDir, shell: 'browser', protector: createKeyFileProtector(dataDir), store: { engine: 'postgres', url: process.argv[3]! },
  join: process.env.DESK_B_JOIN, log: () => undefined });
core.onEvent((e) => console.log(JSON.stringify({ at: Date.now(), name: e.name, payload: e.payload })));
console.log(JSON.stringify({ at: Date.now(), ready: true, desk: core.deps?.team.desk.id ?? null, startupError: core.info().startupError }));
process.on('SIGTERM', () => void core.close().then(() => process.exit(0)));
`);
  const dataDir = path.join(dir, 'data');
  b = spawn(path.join(root, 'node_modules/.bin/tsx'), [script, dataDir, url], {
    cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DESK_B_JOIN: join, PAYDESK_DESK_NAME: 'Desk B' },
  });
  let buf = '';
  b.stdout!.on('data', (chunk: Buffer) => {
    buf += chunk.toString();
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const text = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      try {
        fromB.push(JSON.parse(text) as Line);
      } catch {
        // not one of ours
      }
    }
  });
  b.stderr!.on('data', (chunk: Buffer) => process.stderr.write(`[desk B] ${chunk.toString()}`));
}

beforeAll(async () => {
  cluster = await startPgCluster();
  url = await cluster.createDatabase('paydesk_two_desks');
  a = await withCore({ store: { engine: 'postgres', url } });
  a.core.onEvent((e) => {
    const p = e.payload as { id?: string; status?: string };
    onA.push({ at: Date.now(), name: e.name, id: p?.id, status: p?.status });
  });
  const { code } = await a.call<{ code: string }>('team.invite', {});
  startDeskB(code);
  const ready = await until('desk B to start', () => fromB.find((l) => l.ready), 60_000);
  expect(ready.startupError).toBeNull();
}, 120_000);

afterAll(async () => {
  if (b && b.exitCode === null) {
    const exited = new Promise((r) => b!.once('exit', r));
    b.kill('SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 5_000))]);
    if (b.exitCode === null) b.kill('SIGKILL');
  }
  await a?.dispose();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** waits for desk B to show `name` for `id` (after `since`), and prints how long after desk A emitted it */
async function seenOnB(what: string, name: string, match: (l: Line) => boolean, since: number): Promise<number> {
  const line = await until(`${what} on desk B`, () => fromB.find((l) => l.at >= since && l.name === name && match(l)), 10_000);
  const sent = onA.find((e) => e.at >= since && e.name === name && match({ at: e.at, name: e.name, payload: { id: e.id, status: e.status } }));
  const delay = sent ? line.at - sent.at : line.at - since;
  console.log(`${what}: on desk B ${delay} ms after desk A`);
  return delay;
}

describe('two desks on one team database', () => {
  let link: Payment;

  it('shows on desk B a link made on desk A, within a moment', async () => {
    const accounts = await a.call<Array<{ id: string; gateway: string }>>('accounts.list', {});
    const stripe = accounts.find((x) => x.gateway === 'stripe')!;
    const since = Date.now();
    link = await a.call<Payment>('links.create', { accountId: stripe.id, amount: '12.00', currency: 'USD', orderRef: 'TWO-1' });
    expect(await seenOnB('new link', 'payment.changed', (l) => l.payload?.id === link.id, since)).toBeLessThan(3_000);
  });

  it('shows on desk B, pushed, that the link was paid (the webhook applied on desk A)', async () => {
    const since = Date.now();
    await a.control(`/stripe/checkout/sessions/${link.gatewayIds.sessionId}/pay`, {});
    const delay = await seenOnB('paid', 'payment.changed', (l) => l.payload?.id === link.id && l.payload.status === 'paid', since);
    expect(delay).toBeLessThan(3_000);
  });

  it('shows on desk B a refund made on desk A', async () => {
    const since = Date.now();
    await a.call('refunds.create', { paymentId: link.id, amount: '2.00', requestId: 'two-refund-1' });
    const delay = await seenOnB('refund', 'refund.changed', (l) => l.payload?.paymentId === link.id, since);
    expect(delay).toBeLessThan(3_000);
  });

  it('reconnects when its feed is cut, makes every screen refetch, and hears the next change', async () => {
    const ready = fromB.find((l) => l.ready)!;
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const since = Date.now();
      const cut = await admin.query<{ ok: boolean }>('SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity WHERE application_name = $1', [`paydesk-changes:${ready.desk}`]);
      expect(cut.rows.map((r) => r.ok)).toEqual([true]);
      const caughtUp = await until('team.caughtUp on desk B', () => fromB.find((l) => l.at >= since && l.name === 'team.caughtUp'), 10_000);
      console.log(`feed cut: desk B caught up ${caughtUp.at - since} ms later`);
      const back = await until('the feed back', async () => (await admin.query('SELECT 1 FROM pg_stat_activity WHERE application_name = $1', [`paydesk-changes:${ready.desk}`])).rowCount === 1, 10_000);
      expect(back).toBe(true);
    } finally {
      await admin.end();
    }
    const since = Date.now();
    await a.call('refunds.create', { paymentId: link.id, amount: '1.00', requestId: 'two-refund-2' });
    expect(await seenOnB('refund after the reconnect', 'refund.changed', (l) => l.payload?.paymentId === link.id, since)).toBeLessThan(3_000);
  });
});
