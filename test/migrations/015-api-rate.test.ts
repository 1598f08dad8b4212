// Migration 015: build to 14, migrate to 15, assert the rate table is STRICT with one row per bucket, and
// that the repo counts in fixed windows, keeps a block past its window, and sweeps by expiry through the index.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';
import { apiRateRepo } from '../../electron/core/store/repos/api-rate';
import { sqliteSql } from '../../electron/core/store/sql';

type Db = Database.Database;

describe('migration 015 api rate counters', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 14, now: () => 1000 });
    expect(migrate(db, { to: 15, now: () => 2000 })).toEqual({ from: 14, to: 15, applied: [15] });
    expect(schemaVersion(db)).toBe(15);
  });
  afterEach(() => db.close());

  it('adds a STRICT table with one row per bucket', () => {
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = 'api_rate'").get()).toEqual({ strict: 1 });
    const insert = db.prepare('INSERT INTO api_rate (bucket, window_start, count, expires_at) VALUES (?, 0, 1, 60)');
    insert.run('auth:203.0.113.9');
    expect(() => insert.run('auth:203.0.113.9')).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run('')).toThrow(/CHECK/);
  });

  it('counts within a window, starts again after it, and keeps a block beyond the window', () => {
    const rate = apiRateRepo(sqliteSql(db));
    expect(rate.hit('token:t1', 1_000, 60_000)).toEqual({ count: 1, windowStart: 1_000, blockedUntil: 0 });
    expect(rate.hit('token:t1', 30_000, 60_000).count).toBe(2);
    expect(rate.hit('token:t1', 61_000, 60_000)).toEqual({ count: 1, windowStart: 61_000, blockedUntil: 0 });
    rate.block('token:t1', 500_000);
    expect(rate.blockedUntil('token:t1')).toBe(500_000);
    expect(rate.blockedUntil('token:unknown')).toBe(0);

    // the window is over at 121 s but the block is not: the row stays until 500 s
    expect(rate.sweep(200_000)).toBe(0);
    expect(rate.sweep(500_000)).toBe(1);
    expect(rate.size()).toBe(0);
  });

  it('sweeps through the expiry index', () => {
    const plan = (db.prepare('EXPLAIN QUERY PLAN DELETE FROM api_rate WHERE expires_at <= ?').all(5) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/api_rate_by_expiry/);
  });
});
