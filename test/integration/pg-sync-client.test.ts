// The synchronous PostgreSQL client core's repositories will use on the team engine, against a real server
// (a throwaway cluster, test/fixtures/postgres.ts): statements with better-sqlite3's placeholders and
// shapes, integers as numbers, transactions and savepoints that commit or roll back whole, errors with their
// SQLSTATE, and a row lock held by another connection that fails at lock_timeout instead of hanging.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isConnectionLoss, openPgSync, PgError, type PgSync } from '../../electron/core/store/pg/sync-client';
import { pgStatement, toPgPlaceholders } from '../../electron/core/store/pg/statement';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

let cluster: PgCluster;
let url = '';
let db: PgSync;

beforeAll(async () => {
  cluster = await startPgCluster();
  url = await cluster.createDatabase('paydesk_sync');
  db = openPgSync({ url, applicationName: 'paydesk-test' });
  db.query('CREATE TABLE payments (id text PRIMARY KEY, amount_minor bigint NOT NULL CHECK (amount_minor > 0), note text)');
}, 60_000);
afterAll(() => {
  db?.close();
  cluster?.stop();
});

describe('placeholders', () => {
  it('rewrites ? and @name outside literals, identifiers and comments, one $n per name', () => {
    expect(toPgPlaceholders("SELECT * FROM t WHERE a = ? AND b = '?' AND c = @c -- ?\n AND d = @c AND e::text = ?")).toEqual({
      text: "SELECT * FROM t WHERE a = $1 AND b = '?' AND c = $2 -- ?\n AND d = $2 AND e::text = $3",
      sources: [0, 'c', 1],
    });
    expect(toPgPlaceholders(`SELECT "we@ird" FROM t WHERE tags @> ? /* @x */`).text).toBe(`SELECT "we@ird" FROM t WHERE tags @> $1 /* @x */`);
  });
});

describe('the synchronous PostgreSQL client', () => {
  it('runs statements in better-sqlite3 shapes, with integers as numbers', () => {
    const insert = pgStatement(db, 'INSERT INTO payments (id, amount_minor, note) VALUES (@id, @amount, @note)');
    expect(insert.run({ id: 'pd_1', amount: 2500, note: null })).toEqual({ changes: 1 });
    pgStatement(db, 'INSERT INTO payments (id, amount_minor) VALUES (?, ?)').run('pd_2', 9_007_199_254_740_991);
    expect(pgStatement(db, 'SELECT id, amount_minor FROM payments WHERE id = ?').get('pd_1')).toEqual({ id: 'pd_1', amount_minor: 2500 });
    expect(pgStatement(db, 'SELECT id FROM payments WHERE id = ?').get('pd_none')).toBeUndefined();
    expect(pgStatement(db, 'SELECT sum(amount_minor) FROM payments WHERE id = ?').pluck().get('pd_1')).toBe(2500);
    expect(pgStatement(db, 'SELECT count(*) FROM payments').pluck().get()).toBe(2);
    expect(pgStatement(db, 'SELECT amount_minor FROM payments ORDER BY id').pluck().all()).toEqual([2500, 9_007_199_254_740_991]);
    expect(() => pgStatement(db, 'SELECT * FROM payments WHERE id = @id').get({})).toThrow(/@id/);
  });

  it('commits a transaction whole, rolls it back whole on a throw, and nests as savepoints', () => {
    db.transaction(() => {
      db.query("INSERT INTO payments (id, amount_minor) VALUES ('pd_t1', 100)");
      expect(db.inTransaction).toBe(true);
      expect(() => db.transaction(() => {
        db.query("INSERT INTO payments (id, amount_minor) VALUES ('pd_t2', 100)");
        throw new Error('inner fails');
      })).toThrow('inner fails');
    });
    expect(db.inTransaction).toBe(false);
    const ids = (): unknown[] => pgStatement(db, "SELECT id FROM payments WHERE id LIKE 'pd_t%' ORDER BY id").pluck().all();
    expect(ids()).toEqual(['pd_t1']);
    expect(() => db.transaction(() => {
      db.query("INSERT INTO payments (id, amount_minor) VALUES ('pd_t3', 100)");
      db.query("INSERT INTO payments (id, amount_minor) VALUES ('pd_t4', -1)");
    })).toThrow(PgError);
    expect(ids()).toEqual(['pd_t1']);
  });

  it('reports errors with their SQLSTATE and constraint', () => {
    try {
      db.query("INSERT INTO payments (id, amount_minor) VALUES ('pd_1', 1)");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(PgError);
      expect(err).toMatchObject({ code: '23505', constraint: 'payments_pkey' });
    }
  });

  it("a row another connection holds locked fails at lock_timeout, and the row is free once that transaction ends", async () => {
    // the other desk holds its lock through node-postgres directly: this process's worker answers one request at a time
    const pgMod = await import('pg');
    const other = new pgMod.default.Client({ connectionString: url });
    await other.connect();
    await other.query('BEGIN');
    await other.query("SELECT * FROM payments WHERE id = 'pd_1' FOR UPDATE");
    const waiting = openPgSync({ url, lockTimeoutMs: 300 });
    const t0 = Date.now();
    expect(() => waiting.transaction(() => waiting.query("SELECT * FROM payments WHERE id = 'pd_1' FOR UPDATE"))).toThrow(expect.objectContaining({ code: '55P03' }));
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    await other.query('COMMIT');
    await other.end();
    expect(waiting.transaction(() => waiting.query("SELECT id FROM payments WHERE id = 'pd_1' FOR UPDATE").rows)).toEqual([{ id: 'pd_1' }]);
    waiting.close();
  });

  it('says the server is unreachable in words, quickly', () => {
    const t0 = Date.now();
    expect(() => openPgSync({ url: `postgres://postgres@127.0.0.1:${cluster.port + 1}/none`, connectTimeoutMs: 2000 })).toThrow(expect.objectContaining({ code: 'ECONNREFUSED' }));
    expect(Date.now() - t0).toBeLessThan(5000);
  });
});

describe('a connection lost under the client', () => {
  it('fails the rest of a transaction it lost, saves none of it, and connects again for the next statement', () => {
    const c = openPgSync({ url });
    const losses: unknown[] = [];
    c.onLoss((e) => losses.push(e));
    expect(() => c.transaction(() => {
      c.query("INSERT INTO payments (id, amount_minor) VALUES ('pd_lost_1', 100)");
      try {
        c.query('SELECT pg_terminate_backend(pg_backend_pid())');
      } catch {
        // a careless caller swallows the failure and goes on: the rest must not run on a new connection
      }
      c.query("INSERT INTO payments (id, amount_minor) VALUES ('pd_lost_2', 100)");
    })).toThrow(/broke during this transaction/);
    expect(losses).toHaveLength(1);
    expect(isConnectionLoss(losses[0])).toBe(true);
    expect(c.inTransaction).toBe(false);
    expect(c.query("SELECT id FROM payments WHERE id LIKE 'pd_lost%'").rows).toEqual([]);
    c.close();
  });

  it('while held, fails at once in the words it was given instead of connecting; connects again once released', () => {
    const c = openPgSync({ url });
    expect(() => c.query('SELECT pg_terminate_backend(pg_backend_pid())')).toThrow(PgError);
    c.hold('The team database cannot be reached.');
    const t0 = performance.now();
    expect(() => c.query('SELECT 1')).toThrow(expect.objectContaining({ code: '08003', message: 'The team database cannot be reached.' }));
    expect(performance.now() - t0).toBeLessThan(50);
    c.hold(null);
    expect(c.query('SELECT 1 AS one').rows).toEqual([{ one: 1 }]);
    c.close();
  });
});

describe('writes sent with the next request (later)', () => {
  const rows = (c: PgSync, prefix: string): unknown[] => pgStatement(c, 'SELECT id FROM payments WHERE id LIKE ? ORDER BY id').pluck().all(`${prefix}%`);
  /** what the server last saw of the connection named `app`, read over another connection */
  const activityOf = (watcher: PgSync, app: string): { query: string; state: string } | undefined =>
    watcher.query<{ query: string; state: string }>('SELECT query, state FROM pg_stat_activity WHERE application_name = $1', [app]).rows[0];

  it("holds a write and its transaction's BEGIN until the next statement, which runs after them", () => {
    const c = openPgSync({ url, applicationName: 'paydesk-later-1' });
    const watcher = openPgSync({ url });
    c.query('SELECT 1 AS marker');
    c.transaction(() => {
      pgStatement(c, 'INSERT INTO payments (id, amount_minor) VALUES (?, ?)').later('pd_l1', 100);
      expect(activityOf(watcher, 'paydesk-later-1')).toEqual({ query: 'SELECT 1 AS marker', state: 'idle' });
      expect(rows(c, 'pd_l1')).toEqual(['pd_l1']);
      expect(activityOf(watcher, 'paydesk-later-1')?.state).toBe('idle in transaction');
      expect(rows(watcher, 'pd_l1')).toEqual([]);
    });
    expect(rows(watcher, 'pd_l1')).toEqual(['pd_l1']);
    watcher.close();
    c.close();
  });

  it('sends nothing of a transaction that throws before its first statement went out', () => {
    const c = openPgSync({ url, applicationName: 'paydesk-later-2' });
    const watcher = openPgSync({ url });
    c.query('SELECT 2 AS marker');
    expect(() => c.transaction(() => {
      c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_l2', 100)");
      throw new Error('stop before anything is sent');
    })).toThrow('stop before anything is sent');
    expect(activityOf(watcher, 'paydesk-later-2')).toEqual({ query: 'SELECT 2 AS marker', state: 'idle' });
    expect(c.inTransaction).toBe(false);
    expect(rows(c, 'pd_l2')).toEqual([]);
    watcher.close();
    c.close();
  });

  it('runs at once outside a transaction', () => {
    const c = openPgSync({ url });
    const watcher = openPgSync({ url });
    c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_l3', 100)");
    expect(rows(watcher, 'pd_l3')).toEqual(['pd_l3']);
    watcher.close();
    c.close();
  });

  it('throws a failed write at the end of its savepoint, which alone is rolled back', () => {
    const c = openPgSync({ url });
    c.transaction(() => {
      c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_s1', 100)");
      expect(() => c.transaction(() => {
        c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_s2', 100)");
        c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_s3', -1)");
      })).toThrow(expect.objectContaining({ code: '23514', ahead: true }));
      c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_s4', 100)");
    });
    expect(c.inTransaction).toBe(false);
    expect(rows(c, 'pd_s')).toEqual(['pd_s1', 'pd_s4']);
    c.close();
  });

  it('throws a failed write at COMMIT, rolls the transaction back, and leaves the connection usable', () => {
    const c = openPgSync({ url });
    expect(() => c.transaction(() => {
      c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_c1', 100)");
      c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_c2', -1)");
    })).toThrow(expect.objectContaining({ code: '23514' }));
    expect(c.inTransaction).toBe(false);
    expect(rows(c, 'pd_c')).toEqual([]);
    c.later("INSERT INTO payments (id, amount_minor) VALUES ('pd_c3', 100)");
    expect(rows(c, 'pd_c')).toEqual(['pd_c3']);
    c.close();
  });
});

describe('prepared statements', () => {
  it('prepares a statement with parameters once, and prepares it afresh when another desk changed its table', async () => {
    const c = openPgSync({ url });
    c.query('CREATE TABLE widgets (id bigint PRIMARY KEY, label text)');
    c.query("INSERT INTO widgets VALUES (1, 'one')");
    const byId = pgStatement(c, 'SELECT * FROM widgets WHERE id = ?');
    expect(byId.get(1)).toEqual({ id: 1, label: 'one' });
    expect(byId.get(1)).toEqual({ id: 1, label: 'one' });
    const prepared = c.query<{ statement: string }>('SELECT statement FROM pg_prepared_statements').rows.map((r) => r.statement);
    expect(prepared.filter((s) => s.includes('FROM widgets WHERE id = $1'))).toHaveLength(1);
    const pgMod = await import('pg');
    const other = new pgMod.default.Client({ connectionString: url });
    await other.connect();
    await other.query('ALTER TABLE widgets ADD COLUMN size bigint NOT NULL DEFAULT 7');
    await other.end();
    expect(byId.get(1)).toEqual({ id: 1, label: 'one', size: 7 });
    // inside a transaction the stale plan fails it whole (the server aborted it); the statement works again after
    c.query('ALTER TABLE widgets ADD COLUMN colour text');
    expect(() => c.transaction(() => byId.get(1))).toThrow(/cached plan/);
    expect(c.transaction(() => byId.get(1))).toEqual({ id: 1, label: 'one', size: 7, colour: null });
    c.close();
  });
});
