// The PostgreSQL migration runner against a real server (a throwaway cluster): an empty database goes to the newest version
// once and a second run applies nothing; two desks starting together migrate one at a time under the advisory
// lock (the second desk is a real child process: one process's PostgreSQL worker answers one request at a
// time); a desk that waits too long for another's migration gives up in words; a database upgraded by a newer
// Paydesk is refused in words; the audit log refuses UPDATE, DELETE and TRUNCATE; and the trigram index finds
// a payment by part of its customer's email or its order reference.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertDeskCanOpen, knownPgVersion, MIGRATION_LOCK_KEY, migratePg, pgSchemaVersion } from '../../electron/core/store/pg/migrate';
import { pgMigrations } from '../../electron/core/store/pg/schema/index';
import { pgStatement } from '../../electron/core/store/pg/statement';
import { openPgSync, type PgSync } from '../../electron/core/store/pg/sync-client';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

const root = path.resolve(__dirname, '../..');
let cluster: PgCluster;
const opened: PgSync[] = [];
const open = async (name: string): Promise<{ db: PgSync; url: string }> => {
  const url = await cluster.createDatabase(name);
  const db = openPgSync({ url });
  opened.push(db);
  return { db, url };
};

beforeAll(async () => {
  cluster = await startPgCluster();
}, 60_000);
afterAll(() => {
  opened.forEach((db) => db.close());
  cluster?.stop();
});

const advisoryLocks = (db: PgSync): number => db.query<{ n: number }>("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory'").rows[0]!.n;

async function waitFor(what: string, check: () => Promise<boolean>, ms = 20_000): Promise<void> {
  const until = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** a plain node-postgres session holding the migration lock in a transaction until `release` (SQL) ends */
async function holdLock(url: string, release: string): Promise<{ done: Promise<unknown>; granted: () => Promise<boolean>; waiting: () => Promise<number>; end: () => Promise<void> }> {
  const holder = new pg.Client({ connectionString: url });
  const watcher = new pg.Client({ connectionString: url });
  await Promise.all([holder.connect(), watcher.connect()]);
  const done = holder.query(`BEGIN; SELECT pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}); ${release}; COMMIT`);
  const count = async (granted: boolean): Promise<number> =>
    Number((await watcher.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted = $1", [granted])).rows[0].n);
  return {
    done,
    granted: async () => (await count(true)) === 1,
    waiting: () => count(false),
    end: async () => {
      await done.catch(() => undefined);
      await Promise.all([holder.end(), watcher.end()]);
    },
  };
}

/** every version this desk knows, and the newest */
const ALL = pgMigrations.map((m) => m.version);
const NEWEST = knownPgVersion();

describe('migratePg', () => {
  it('migrates an empty database to the newest version once; a second run applies nothing and no lock stays behind', async () => {
    const { db } = await open('m_fresh');
    expect(pgSchemaVersion(db)).toBe(0);
    expect(migratePg(db, { now: () => 1000 })).toEqual({ from: 0, to: NEWEST, applied: ALL });
    expect(migratePg(db, { now: () => 2000 })).toEqual({ from: NEWEST, to: NEWEST, applied: [] });
    expect(pgSchemaVersion(db)).toBe(NEWEST);
    expect(db.query('SELECT version, name, applied_at, length(checksum) AS len FROM schema_migrations ORDER BY version').rows)
      .toEqual(pgMigrations.map((m) => ({ version: m.version, name: m.name, applied_at: 1000, len: 64 })));
    expect(advisoryLocks(db)).toBe(0);
    expect(() => assertDeskCanOpen(db)).not.toThrow();
    const edited = pgMigrations.map((m, i) => (i === 0 ? { ...m, sql: `${m.sql}\n-- edited` } : m));
    expect(() => migratePg(db, { now: () => 3000, migrations: edited })).toThrow(/was changed after it was applied/);
    expect(advisoryLocks(db)).toBe(0);
  });

  it('migrates as an ordinary role that owns its database, as on a managed server (pg_trgm is a trusted extension)', async () => {
    const admin = new pg.Client({ connectionString: cluster.url() });
    await admin.connect();
    try {
      await admin.query('CREATE ROLE desk LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE');
      await admin.query('CREATE DATABASE m_owned OWNER desk');
    } finally {
      await admin.end();
    }
    const db = openPgSync({ url: cluster.url('m_owned').replace('postgres@', 'desk@') });
    opened.push(db);
    expect(db.query('SELECT current_user AS u').rows[0]).toEqual({ u: 'desk' });
    expect(migratePg(db, { now: () => 1000 }).applied).toEqual(ALL);
  });

  it('lets two desks starting at once migrate one at a time: one applies every version, the other finds them done', async () => {
    const { db, url } = await open('m_race');
    // the lock is held until both desks are waiting for it, so they are released into the race together
    const hold = await holdLock(url, `DO $$ BEGIN
      FOR i IN 1..600 LOOP
        EXIT WHEN (SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted) >= 2;
        PERFORM pg_sleep(0.05);
      END LOOP;
    END $$`);
    const dir = mkdtempSync(path.join(tmpdir(), 'paydesk-pg-desk-'));
    try {
      await waitFor('the holder to take the lock', hold.granted);
      const script = path.join(dir, 'desk.ts');
      writeFileSync(script, `import { migratePg } from ${JSON.stringify(path.join(root, 'electron/core/store/pg/migrate.ts'))};
import { openPgSync } from ${JSON.stringify(path.join(root, 'electron/core/store/pg/sync-client.ts'))};
const db = openPgSync({ url: process.argv[2]! });
console.log(JSON.stringify(migratePg(db, { now: () => 2000, lockWaitMs: 25_000 })));
db.close();
`);
      const child = spawn(path.join(root, 'node_modules/.bin/tsx'), [script, url], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (b: Buffer) => (out += b.toString()));
      child.stderr.on('data', (b: Buffer) => (err += b.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      await waitFor('the other desk to wait for the lock', async () => (await hold.waiting()) >= 1);
      const mine = migratePg(db, { now: () => 3000, lockWaitMs: 25_000 });
      expect(await exited, err).toBe(0);
      const theirs = JSON.parse(out.trim()) as { applied: number[] };
      expect([mine.applied, theirs.applied].sort((a, b) => a.length - b.length)).toEqual([[], ALL]);
      expect(db.query<{ n: number }>('SELECT count(*) AS n FROM schema_migrations').rows[0]!.n).toBe(ALL.length);
      expect(advisoryLocks(db)).toBe(0);
    } finally {
      await hold.end();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it('gives up in words when another desk holds the lock longer than it will wait, and changes nothing', async () => {
    const { db, url } = await open('m_slow');
    const hold = await holdLock(url, 'SELECT pg_sleep(3)');
    try {
      await waitFor('the holder to take the lock', hold.granted);
      const started = Date.now();
      expect(() => migratePg(db, { now: () => 1000, lockWaitMs: 300 })).toThrow(
        'Another desk is upgrading this database and did not finish within 300 ms. Start this desk again in a moment.',
      );
      expect(Date.now() - started).toBeLessThan(2500);
      // the connection's own timeouts are back
      expect(db.query("SELECT current_setting('lock_timeout') AS l, current_setting('statement_timeout') AS s").rows[0]).toEqual({ l: '10s', s: '15s' });
    } finally {
      await hold.end();
    }
    expect(pgSchemaVersion(db)).toBe(0);
  });

  it('rolls a failing migration back whole and says which one failed', async () => {
    const { db } = await open('m_broken');
    const broken = [...pgMigrations, { version: NEWEST + 1, name: 'broken', sql: 'CREATE TABLE half_done (a int); SELECT * FROM nope' }];
    expect(() => migratePg(db, { now: () => 1000, migrations: broken })).toThrow(
      `PostgreSQL migration ${NEWEST + 1} (broken) failed: relation "nope" does not exist. Nothing of this migration was applied.`,
    );
    expect(pgSchemaVersion(db)).toBe(NEWEST);
    expect(db.query("SELECT to_regclass('half_done') AS t").rows[0]).toEqual({ t: null });
    expect(advisoryLocks(db)).toBe(0);
  });

  it('refuses a database upgraded by a newer Paydesk, in words', async () => {
    const { db } = await open('m_future');
    migratePg(db, { now: () => 1000 });
    db.query(`INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (${NEWEST + 1}, 'from-a-newer-desk', 'x', 2000)`);
    const words = `This database was upgraded by a newer Paydesk (schema ${NEWEST + 1}); update this desk (it knows up to ${NEWEST}).`;
    expect(() => assertDeskCanOpen(db)).toThrow(words);
    expect(() => assertDeskCanOpen(db, NEWEST)).toThrow(expect.objectContaining({ code: 'db_from_future' }));
    expect(() => assertDeskCanOpen(db, NEWEST + 1)).not.toThrow();
    expect(() => migratePg(db, { now: () => 3000 })).toThrow(words);
    expect(advisoryLocks(db)).toBe(0);
  });
});

describe('the PostgreSQL schema at 15', () => {
  let db: PgSync;
  beforeAll(async () => {
    db = (await open('m_schema')).db;
    migratePg(db, { now: () => 1000 });
  });

  it('keeps the audit log append-only: UPDATE, DELETE and TRUNCATE are refused', () => {
    const insert = pgStatement(db, 'INSERT INTO audit_log (at, operator_name, action, details, livemode) VALUES (?, ?, ?, ?, ?)');
    insert.run(1000, 'owner', 'refund.requested', '{"amount":500}', false);
    const refused = expect.objectContaining({ code: '23000', message: 'audit_log is append-only' });
    expect(() => db.query("UPDATE audit_log SET operator_name = 'someone else'")).toThrow(refused);
    expect(() => db.query('DELETE FROM audit_log')).toThrow(refused);
    expect(() => db.query('TRUNCATE audit_log')).toThrow(refused);
    expect(db.query('SELECT operator_name, action, livemode FROM audit_log').rows).toEqual([{ operator_name: 'owner', action: 'refund.requested', livemode: 0 }]);
    // the CHECKs SQLite has: an action shaped noun.verb, details that are JSON
    expect(() => insert.run(1001, 'owner', 'Refund', '{}', 0)).toThrow(expect.objectContaining({ code: '23514' }));
    expect(() => insert.run(1001, 'owner', 'refund.requested', '{not json', 0)).toThrow(expect.objectContaining({ code: '23514' }));
  });

  it('finds a payment by part of its customer email or order reference through the trigram index', () => {
    db.query(`INSERT INTO accounts (id, gateway, mode, livemode, label, created_at, updated_at)
      VALUES ('acct_1', 'stripe', 'test', 0, 'Shop', 1, 1)`);
    const pay = pgStatement(db, `INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency,
      customer_email, idempotency_key, created_at, updated_at, gateway_ref)
      VALUES (@id, 'acct_1', 'stripe', 0, 'stripe_checkout', @ref, 2500, 'EUR', @email, @id, 1, 1, @ref)`);
    pay.run({ id: 'pd_a', ref: 'ORDER-1042', email: 'jane.doe@example.com' });
    pay.run({ id: 'pd_b', ref: 'ORDER-2077', email: 'raj@shop.test' });
    for (let i = 0; i < 200; i++) pay.run({ id: `pd_n${i}`, ref: `FILL-${i}`, email: `buyer${i}@mail.test` });
    const search = pgStatement(db, `SELECT id FROM payments WHERE order_ref ILIKE @q OR customer_name ILIKE @q OR customer_email ILIKE @q
      OR customer_phone ILIKE @q OR description ILIKE @q ORDER BY id`).pluck();
    expect(search.all({ q: '%E.DOE@EXAMP%' })).toEqual(['pd_a']);
    expect(search.all({ q: '%der-20%' })).toEqual(['pd_b']);
    expect(search.all({ q: '%nowhere%' })).toEqual([]);
    db.transaction(() => {
      db.query('SET LOCAL enable_seqscan = off');
      const plan = db.query<{ 'QUERY PLAN': string }>(`EXPLAIN SELECT id FROM payments WHERE order_ref ILIKE '%der-20%' OR customer_email ILIKE '%der-20%'`)
        .rows.map((r) => r['QUERY PLAN']).join('\n');
      expect(plan).toContain('payments_search_trgm');
    });
  });
});
