// Migration 010: build to 9, seed payments with and without a link URL, migrate to 10, assert the rows are
// untouched and the shell's "is this one of our links" look-up reads the new index, not the table.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 010 payments by url', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 9, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1)`).run();
    const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, idempotency_key, url, created_at, updated_at)
      VALUES (?, 'acc_1', 'stripe', 0, 'stripe_checkout', ?, 5000, 'USD', ?, ?, 1, 1)`);
    ins.run('pd_1', 'A-1', 'idem_1', 'https://checkout.stripe.com/c/pay/cs_test_1');
    ins.run('pd_2', 'A-2', 'idem_2', null);
    expect(migrate(db, { to: 10, now: () => 2000 })).toEqual({ from: 9, to: 10, applied: [10] });
    expect(schemaVersion(db)).toBe(10);
  });
  afterEach(() => db.close());

  it('keeps every payment as it was', () => {
    expect(db.prepare('SELECT id, url FROM payments ORDER BY id').all()).toEqual([
      { id: 'pd_1', url: 'https://checkout.stripe.com/c/pay/cs_test_1' },
      { id: 'pd_2', url: null },
    ]);
  });

  it('answers the look-up by URL from the index', () => {
    const sql = 'SELECT 1 FROM payments WHERE url = ? LIMIT 1';
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all('x') as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/USING COVERING INDEX payments_by_url/);
    expect(db.prepare(sql).pluck().get('https://checkout.stripe.com/c/pay/cs_test_1')).toBe(1);
    expect(db.prepare(sql).pluck().get('https://checkout.stripe.com/c/pay/cs_test_2')).toBeUndefined();
  });
});
