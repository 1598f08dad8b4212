// Moving a one-desk shop from SQLite into PostgreSQL (`npm run store -- migrate`): a real desk on SQLite with
// the embedded sandbox takes payments (paid links in two currencies, a partial refund, an open link), closes,
// and is moved into a fresh database of a throwaway cluster, through the module and through the real command.
// The desk then opens on PostgreSQL with the same data folder and sees the same payments, refunds, audit trail
// and secrets. A second move into the same database is refused, and a target that loses a row on the way
// (a trigger that swallows refunds) makes the move roll back and exit 1 naming the figures that differ.
import { spawn } from 'node:child_process';
import Database from 'better-sqlite3';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InProcessDeps } from '../../electron/core';
import { migrate } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { migratePg } from '../../electron/core/store/pg/migrate';
import { openPgSync } from '../../electron/core/store/pg/sync-client';
import { moveToPostgres } from '../../electron/core/store/move/index';
import { TEAM_KEY_FILE } from '../../electron/core/team/team-key';
import { createSandbox, type RunningSandbox } from '../../sandbox/index';
import type { Payment } from '../../shared/contract';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { withCore, type CoreFixture } from '../fixtures/with-core';

const root = path.resolve(__dirname, '../..');
let cluster: PgCluster;
let sandbox: RunningSandbox;
let work: string;
/** the shop's data folder, and copies of it made before the move (each move seals a team key into its folder) */
const dirs = { shop: '', cli: '', again: '', tampered: '' };

interface Seen { payments: Payment[]; refunds: unknown[]; audit: Array<{ id: unknown; action: string }>; secret: string | null }
let before: Seen;
let stripeId = '';

async function seen(f: CoreFixture): Promise<Seen> {
  const payments = (await f.call<{ rows: Payment[] }>('payments.list', { limit: 100 })).rows;
  const refunds = (await Promise.all(payments.map((p) => f.call<unknown[]>('refunds.forPayment', { paymentId: p.id })))).flat();
  const audit = (await f.call<{ items: Array<{ id: unknown; action: string }> }>('audit.list', {})).items;
  const deps = f.core.deps as InProcessDeps;
  const ref = deps.repos.accounts.get(stripeId)?.secretKeyRef ?? null;
  return { payments, refunds, audit, secret: ref ? deps.vault.get(ref) : null };
}

/** `npm run store -- migrate …` as a child process: exit status and output */
function storeCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done, fail) => {
    const child = spawn(path.join(root, 'node_modules/.bin/tsx'), ['electron/core/backup/cli.ts', 'migrate', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

/** rows in a table of a PostgreSQL database */
function pgCount(url: string, table: string): number {
  const pg = openPgSync({ url });
  try {
    return Number(pg.query<{ n: number }>(`SELECT count(*) AS n FROM ${table}`).rows[0]!.n);
  } finally {
    pg.close();
  }
}

beforeAll(async () => {
  cluster = await startPgCluster();
  sandbox = await createSandbox({ port: 0, host: '127.0.0.1' });
  work = mkdtempSync(path.join(tmpdir(), 'paydesk-move-'));
  dirs.shop = path.join(work, 'shop');
  const f = await withCore({ sandbox, dataDir: dirs.shop });
  try {
    const accounts = await f.call<Array<{ id: string; gateway: string }>>('accounts.list', {});
    stripeId = accounts.find((a) => a.gateway === 'stripe')!.id;
    const razorpayId = accounts.find((a) => a.gateway === 'razorpay')!.id;
    const usd = await f.call<Payment>('links.create', { accountId: stripeId, amount: '42.50', currency: 'USD', orderRef: 'MOVE-1001', customerEmail: 'asha@example.com' });
    await f.control(`/stripe/checkout/sessions/${usd.gatewayIds.sessionId}/pay`, {});
    expect((await f.call<Payment>('links.checkStatus', { id: usd.id })).status).toBe('paid');
    await f.call('refunds.create', { paymentId: usd.id, amount: '5.00', requestId: 'move-refund-1' });
    const inr = await f.call<Payment>('links.create', { accountId: razorpayId, amount: '500.00', currency: 'INR', orderRef: 'MOVE-1002' });
    await f.control(`/razorpay/payment_links/${inr.gatewayIds.plinkId}/pay`, { vpa: 'success@razorpay' });
    expect((await f.call<Payment>('links.checkStatus', { id: inr.id })).status).toBe('paid');
    await f.call('links.create', { accountId: stripeId, amount: '10.00', currency: 'EUR', orderRef: 'MOVE-1003' });
    before = await seen(f);
    // a backup set up on this machine: its folder and wrapped key stay behind
    (f.core.deps as InProcessDeps).repos.settings.set('backup.config', { folder: path.join(work, 'backups') });
  } finally {
    await f.dispose();
  }
  for (const k of ['cli', 'again', 'tampered'] as const) {
    dirs[k] = path.join(work, k);
    cpSync(dirs.shop, dirs[k], { recursive: true });
  }
}, 180_000);

afterAll(async () => {
  await sandbox?.close();
  cluster?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('npm run store -- migrate', () => {
  let url = '';
  let printed: string[] = [];

  it('moves the shop, printing both sides\' counts and per-currency sums', async () => {
    expect(before.payments).toHaveLength(3);
    expect(before.refunds).toHaveLength(1);
    url = await cluster.createDatabase('shop');
    printed = [];
    const t0 = Date.now();
    const r = await moveToPostgres({ from: dirs.shop, to: url, out: (l) => printed.push(l) });
    console.log(`moved ${r.rows} rows of ${r.tables} tables in ${Date.now() - t0} ms`);
    const text = printed.join('\n');
    expect(text).toMatch(/SQLite\s+PostgreSQL/);
    expect(text).toMatch(/rows payments\s+3\s+3/);
    expect(text).toMatch(/payments USD amount\s+4250\s+4250/);
    expect(text).toMatch(/payments INR captured\s+50000\s+50000/);
    expect(text).toMatch(/refunds USD \w+ amount\s+500\s+500/);
    expect(text).not.toMatch(/differs/);
    expect(text).toContain('Not copied: 1 settings row');
    expect(existsSync(path.join(dirs.shop, TEAM_KEY_FILE))).toBe(true);
    expect(pgCount(url, 'team_desks')).toBe(1);
  }, 60_000);

  it('keeps the sealed secrets byte for byte and the ids in sequence', () => {
    const pg = openPgSync({ url });
    try {
      expect(Number(pg.query<{ n: number }>('SELECT count(*) AS n FROM vault_secrets').rows[0]!.n)).toBeGreaterThan(0);
      expect(pg.query('SELECT 1 FROM vault_meta').rowCount).toBe(0);
      expect(pg.query("SELECT 1 FROM settings WHERE key LIKE 'backup.%'").rowCount).toBe(0);
      // the next audit row gets an id past the copied ones
      const next = pg.query<{ v: number; m: number }>("SELECT nextval(pg_get_serial_sequence('audit_log', 'id')) AS v, (SELECT max(id) FROM audit_log) AS m").rows[0]!;
      expect(next.v).toBeGreaterThan(next.m);
    } finally {
      pg.close();
    }
  });

  it('opens the desk on PostgreSQL with the same payments, refunds, audit trail and secrets', async () => {
    const f = await withCore({ sandbox, dataDir: dirs.shop, store: { engine: 'postgres', url } });
    try {
      expect(f.core.info().startupError).toBeNull();
      const after = await seen(f);
      expect(after.payments).toEqual(before.payments);
      expect(after.refunds).toEqual(before.refunds);
      expect(after.audit.slice(-before.audit.length)).toEqual(before.audit);
      expect(after.secret).toBe(before.secret);
      expect(after.secret).toBeTruthy();
      const verified = await f.call<{ verification: { status: string } }>('accounts.verify', { id: stripeId });
      expect(verified.verification.status).toBe('verified');
      const byRef = await f.call<{ rows: Payment[] }>('payments.list', { search: 'MOVE-100' });
      expect(byRef.rows).toHaveLength(3);
    } finally {
      await f.dispose();
    }
  }, 90_000);

  it('runs as a command: exit 0, the table, and how to start the desk on PostgreSQL', async () => {
    const url2 = await cluster.createDatabase('shop_cli');
    const t0 = Date.now();
    const r = await storeCli(['--from', path.join(dirs.cli, 'paydesk.sqlite'), '--to', url2]);
    console.log(`the command took ${Date.now() - t0} ms (tsx start included):\n${r.stdout}`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/payments USD refunded\s+500\s+500/);
    expect(r.stdout).toContain('left untouched');
    expect(r.stdout).toContain(`npm start -- --store ${url2}`);
    expect(r.stdout).toContain('Settings → Team');
    expect(pgCount(url2, 'payments')).toBe(3);
  }, 60_000);

  it('refuses a second move into a database that already holds a shop', async () => {
    await expect(moveToPostgres({ from: dirs.again, to: url, out: () => undefined })).rejects.toThrow(/the target already holds a shop \(3 payments rows/i);
    expect(existsSync(path.join(dirs.again, TEAM_KEY_FILE))).toBe(false);
    expect(pgCount(url, 'payments')).toBe(3);
  });

  it('refuses a password in the address', async () => {
    const r = await storeCli(['--from', dirs.again, '--to', `postgres://postgres:secret@127.0.0.1:${cluster.port}/other`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Leave the password out of --to/);
    expect(r.stderr).not.toContain('secret@');
  }, 30_000);

  it('refuses data at an older schema version, and says when the server cannot be reached', async () => {
    const old = path.join(work, 'old');
    mkdirSync(old);
    const db = new Database(path.join(old, 'paydesk.sqlite'));
    migrate(db, { to: 15 });
    db.close();
    await expect(moveToPostgres({ from: old, to: url, out: () => undefined })).rejects.toThrow(new RegExp(`schema version 15, this Paydesk at ${migrations.length}: open it once with this Paydesk`));
    await expect(moveToPostgres({ from: dirs.again, to: 'postgres://postgres@127.0.0.1:1/shop', out: () => undefined }))
      .rejects.toThrow(/Could not connect to PostgreSQL 127\.0\.0\.1:1\/shop: .*PGPASSWORD/);
    expect(existsSync(path.join(dirs.again, TEAM_KEY_FILE))).toBe(false);
  });

  it('rolls back and exits 1 when the target lost a row on the way, naming what differs', async () => {
    const url3 = await cluster.createDatabase('shop_tampered');
    const pg = openPgSync({ url: url3 });
    try {
      migratePg(pg, { now: Date.now });
      pg.query(`CREATE FUNCTION swallow() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NULL; END $$`);
      pg.query('CREATE TRIGGER swallow_refunds BEFORE INSERT ON refunds FOR EACH ROW EXECUTE FUNCTION swallow()');
    } finally {
      pg.close();
    }
    const r = await storeCli(['--from', dirs.tampered, '--to', url3]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/rows refunds\s+1\s+0\s+<- differs/);
    expect(r.stderr).toMatch(/does not match.*rows refunds.*refunds USD \w+ amount.*nothing was committed/);
    expect(pgCount(url3, 'payments')).toBe(0);
    expect(pgCount(url3, 'team_meta')).toBe(0);
    expect(existsSync(path.join(dirs.tampered, TEAM_KEY_FILE))).toBe(false);
  }, 60_000);
});
