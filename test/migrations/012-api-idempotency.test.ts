// Migration 012: build to 11, seed a payment, migrate to 12, assert the existing rows are untouched, the
// idempotency table is STRICT with one row per token and key, its checks refuse malformed rows, and the
// age sweep and the key look-up use their indexes.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';
import { apiIdempotencyRepo } from '../../electron/core/store/repos/api-idempotency';
import { sqliteSql } from '../../electron/core/store/sql';

type Db = Database.Database;
const hash = (byte: number): Buffer => Buffer.alloc(32, byte);

describe('migration 012 api idempotency', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 11, now: () => 1000 });
    db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('api.tokens', '[]', 1)`).run();
    expect(migrate(db, { to: 12, now: () => 2000 })).toEqual({ from: 11, to: 12, applied: [12] });
    expect(schemaVersion(db)).toBe(12);
  });
  afterEach(() => db.close());

  const plan = (sql: string, ...args: unknown[]): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
  const insert = (token: string, key: string, status: number | null, response: string | null, body = hash(1), at = 5_000) =>
    db.prepare('INSERT INTO api_idempotency (token_id, key, method, path, body_sha256, status, response, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)')
      .run(token, key, 'POST', '/api/payments/stripe/checkout', body, status, response, at);

  it('keeps what was stored before and adds a STRICT table', () => {
    expect(db.prepare("SELECT value FROM settings WHERE key = 'api.tokens'").get()).toEqual({ value: '[]' });
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = 'api_idempotency'").get()).toEqual({ strict: 1 });
  });

  it('holds one row per token and key; another token may use the same key', () => {
    insert('tok_a', 'k1', null, null);
    expect(() => insert('tok_a', 'k1', null, null)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert('tok_b', 'k1', null, null)).not.toThrow();
  });

  it('refuses a malformed hash, a status without its answer, or an impossible status', () => {
    expect(() => insert('tok', 'a', null, null, Buffer.alloc(16))).toThrow(/CHECK/);
    expect(() => insert('tok', 'b', 201, null)).toThrow(/CHECK/);
    expect(() => insert('tok', 'c', null, '{}')).toThrow(/CHECK/);
    expect(() => insert('tok', 'd', 42, '{}')).toThrow(/CHECK/);
    expect(() => insert('tok', 'e', 'x' as unknown as number, '{}')).toThrow(/cannot store TEXT value in INTEGER column|CHECK/);
  });

  it('the repository claims once, finishes, releases only unanswered keys and sweeps by age through its index', () => {
    const repo = apiIdempotencyRepo(sqliteSql(db));
    const claim = { tokenId: 'tok', key: 'k', method: 'POST', path: '/p', bodySha256: hash(2), at: 10_000 };
    expect(repo.claim(claim)).toBe(true);
    expect(repo.claim(claim)).toBe(false);
    repo.finish('tok', 'k', 201, '{"id":"pd_1"}');
    repo.release('tok', 'k');
    expect(repo.get('tok', 'k')).toMatchObject({ status: 201, response: '{"id":"pd_1"}', created_at: 10_000 });
    expect(repo.claim({ ...claim, key: 'old', at: 1_000 })).toBe(true);
    expect(repo.sweep(5_000)).toBe(1);
    expect(repo.get('tok', 'old')).toBeUndefined();
    expect(plan('DELETE FROM api_idempotency WHERE created_at < ?', 5)).toMatch(/api_idempotency_by_age/);
    expect(plan('SELECT * FROM api_idempotency WHERE token_id = ? AND key = ?', 'a', 'b')).toMatch(/USING INDEX sqlite_autoindex_api_idempotency_1/);
  });
});
