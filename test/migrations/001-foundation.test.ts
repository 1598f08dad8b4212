// Migration 001: build to 0 (empty), migrate to 1, assert tables, STRICT, constraints and hot query plans.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 001 foundation', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    expect(migrate(db, { to: 0 }).applied).toEqual([]);
    expect(schemaVersion(db)).toBe(0);
    expect(migrate(db, { to: 1, now: () => 1000 })).toEqual({ from: 0, to: 1, applied: [1] });
  });
  afterEach(() => db.close());

  const insertAccount = (over: Record<string, unknown> = {}) =>
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES (@id, @gateway, @mode, @livemode, @label, @public_key, @sandbox, 1, 1)`).run({
      id: 'acc_1', gateway: 'stripe', mode: 'test', livemode: 0, label: 'Shop', public_key: 'pk_test_x', sandbox: 0, ...over,
    });

  it('creates STRICT tables for accounts, vault and settings, and records itself', () => {
    const tables = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name NOT LIKE 'sqlite_%' ORDER BY name").all();
    expect(tables).toEqual([
      { name: 'accounts', strict: 1 },
      { name: 'schema_migrations', strict: 1 },
      { name: 'settings', strict: 1 },
      { name: 'vault_meta', strict: 1 },
      { name: 'vault_secrets', strict: 1 },
    ]);
    const row = db.prepare('SELECT version, name, length(checksum) AS n, applied_at FROM schema_migrations').get();
    expect(row).toEqual({ version: 1, name: 'foundation', n: 64, applied_at: 1000 });
    expect(db.pragma('user_version', { simple: true })).toBe(1);
  });

  it('accounts hold no secret columns, only vault refs', () => {
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').all('accounts') as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(expect.arrayContaining(['secret_key_ref', 'webhook_secret_ref', 'public_key', 'livemode', 'sandbox', 'verification_status']));
    expect(cols.filter((c) => /secret/.test(c) && !c.endsWith('_ref'))).toEqual([]);
  });

  it('enforces gateway, mode, livemode consistency, label length, types and sandbox rules', () => {
    insertAccount();
    expect(() => insertAccount({ id: 'a2', gateway: 'paypal' })).toThrow(/CHECK/);
    expect(() => insertAccount({ id: 'a3', mode: 'prod' })).toThrow(/CHECK/);
    expect(() => insertAccount({ id: 'a4', mode: 'live', livemode: 0 })).toThrow(/CHECK/);
    expect(() => insertAccount({ id: 'a5', label: '' })).toThrow(/CHECK/);
    expect(() => insertAccount({ id: 'a6', livemode: 'no' })).toThrow(/cannot store TEXT value in INTEGER column|datatype mismatch/i);
    expect(() => insertAccount({ id: 'a7', mode: 'live', livemode: 1, sandbox: 1 })).toThrow(/CHECK/);
    expect(() => insertAccount({ id: 'acc_1' })).toThrow(/UNIQUE|PRIMARY/);
    insertAccount({ id: 'a8', mode: 'live', livemode: 1 });
  });

  it('vault tables check nonce and tag sizes; one vault_meta row; settings hold JSON', () => {
    const put = db.prepare('INSERT INTO vault_secrets (ref, nonce, ciphertext, tag, created_at, updated_at) VALUES (?, ?, ?, ?, 1, 1)');
    put.run('r1', Buffer.alloc(12), Buffer.from('x'), Buffer.alloc(16));
    expect(() => put.run('r2', Buffer.alloc(11), Buffer.from('x'), Buffer.alloc(16))).toThrow(/CHECK/);
    expect(() => put.run('r3', Buffer.alloc(12), Buffer.from('x'), Buffer.alloc(8))).toThrow(/CHECK/);
    expect(() => put.run('r4', 'not a blob', Buffer.from('x'), Buffer.alloc(16))).toThrow();
    const meta = db.prepare("INSERT INTO vault_meta (id, protector, sealed_key, created_at) VALUES (?, 'keyfile', x'00', 1)");
    meta.run(1);
    expect(() => meta.run(2)).toThrow(/CHECK/);
    db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('a', '{\"x\":1}', 1)").run();
    expect(() => db.prepare("INSERT INTO settings (key, value, updated_at) VALUES ('b', '{oops', 1)").run()).toThrow(/CHECK/);
  });

  it('lists accounts in creation order from an index, and finds built-ins by a unique key', () => {
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT * FROM accounts ORDER BY created_at, id')).toMatch(/accounts_by_created/);
    expect(plan("SELECT * FROM accounts WHERE builtin = 'sandbox-stripe'")).toMatch(/USING INDEX sqlite_autoindex_accounts/);
  });
});
