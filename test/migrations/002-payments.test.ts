// Migration 002: build to 1, seed an account, migrate to 2, assert tables, constraints, FTS and query plans.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 002 payments', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 1, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1)`).run();
    expect(migrate(db, { to: 2, now: () => 2000 })).toEqual({ from: 1, to: 2, applied: [2] });
    expect(schemaVersion(db)).toBe(2);
  });
  afterEach(() => db.close());

  let n = 0;
  const insertPayment = (over: Record<string, unknown> = {}) => {
    n++;
    return db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, customer_name, customer_email,
        idempotency_key, created_at, updated_at)
      VALUES (@id, @account_id, 'stripe', 0, 'stripe_checkout', @order_ref, @amount_minor, @currency, @customer_name, @customer_email, @idem, @created_at, @created_at)`).run({
      id: `pd_${n}`, account_id: 'acc_1', order_ref: `A-${1000 + n}`, amount_minor: 12345, currency: 'USD', customer_name: 'Asha Rao', customer_email: 'asha@example.com',
      idem: `idem_${n}`, created_at: n, ...over,
    });
  };

  it('keeps the seeded account and creates STRICT tables', () => {
    expect(db.prepare('SELECT id FROM accounts').all()).toEqual([{ id: 'acc_1' }]);
    const tables = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name IN ('payments','payment_events','webhook_events','security_events') ORDER BY name").all();
    expect(tables).toEqual([
      { name: 'payment_events', strict: 1 },
      { name: 'payments', strict: 1 },
      { name: 'security_events', strict: 1 },
      { name: 'webhook_events', strict: 1 },
    ]);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'payments_fts'").get()).toEqual({ name: 'payments_fts' });
  });

  it('enforces the constraints: account FK, unique order ref per account, unique idempotency key, status values, integer money', () => {
    insertPayment();
    expect(() => insertPayment({ account_id: 'acc_missing' })).toThrow(/FOREIGN KEY/);
    expect(() => insertPayment({ order_ref: 'A-1001' })).toThrow(/UNIQUE/);
    expect(() => insertPayment({ idem: 'idem_1' })).toThrow(/UNIQUE/);
    expect(() => insertPayment({ amount_minor: 12.5 })).toThrow();
    expect(() => insertPayment({ amount_minor: 0 })).toThrow(/CHECK/);
    expect(() => insertPayment({ currency: 'usd' })).toThrow(/CHECK/);
    expect(() => db.prepare("UPDATE payments SET status = 'pending' WHERE id = 'pd_1'").run()).toThrow(/CHECK/);
    // webhook events: one row per gateway + account + event id
    const ins = db.prepare(`INSERT INTO webhook_events (gateway, account_id, event_id, type, livemode, raw, signature, received_at)
      VALUES ('stripe', 'acc_1', ?, 't', 0, x'7b7d', 'valid', 1) ON CONFLICT DO NOTHING`);
    expect(ins.run('evt_1').changes).toBe(1);
    expect(ins.run('evt_1').changes).toBe(0);
  });

  it('uses the indexes for payments by status and date, by account, and by every gateway id', () => {
    for (let i = 0; i < 50; i++) insertPayment();
    db.exec('ANALYZE');
    const plan = (sql: string, ...args: unknown[]): string =>
      (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan("SELECT * FROM payments WHERE status = ? ORDER BY created_at DESC LIMIT 50", 'paid')).toMatch(/USING INDEX payments_by_status_created/);
    expect(plan('SELECT * FROM payments WHERE status = ? AND created_at BETWEEN ? AND ? ORDER BY created_at DESC', 'paid', 0, 10)).toMatch(/USING INDEX payments_by_status_created/);
    expect(plan('SELECT * FROM payments WHERE account_id = ? ORDER BY created_at DESC LIMIT 50', 'acc_1')).toMatch(/USING INDEX payments_by_account_created/);
    expect(plan('SELECT * FROM payments ORDER BY created_at DESC LIMIT 50')).toMatch(/SCAN payments USING INDEX payments_by_created/);
    for (const [col, idx] of [
      ['session_id', 'payments_by_session'],
      ['plink_id', 'payments_by_plink'],
      ['order_id', 'payments_by_order'],
      ['payment_intent_id', 'payments_by_payment_intent'],
      ['charge_id', 'payments_by_charge'],
      ['gateway_payment_id', 'payments_by_gateway_payment'],
    ]) {
      expect(plan(`SELECT * FROM payments WHERE ${col} = ? AND account_id = ?`, 'x', 'acc_1')).toMatch(new RegExp(`USING INDEX ${idx}|USING INDEX sqlite_autoindex`));
    }
    expect(plan("SELECT * FROM webhook_events WHERE applied_at IS NULL ORDER BY id LIMIT 500")).toMatch(/webhook_events_unapplied/);
    expect(plan('SELECT * FROM payment_events WHERE payment_id = ? ORDER BY at, id', 'pd_1')).toMatch(/USING INDEX payment_events_by_payment/);
  });

  it('search: FTS5 (trigram) finds order refs, emails, names and gateway ids, kept in step by triggers', () => {
    insertPayment({ order_ref: 'INV-2024-0042', customer_name: 'Meera Iyer', customer_email: 'meera@shop.in' });
    insertPayment({ order_ref: 'INV-2024-0043', customer_name: 'John Smith', customer_email: 'john@example.com' });
    db.prepare("UPDATE payments SET payment_intent_id = 'pi_3PzXyZ', session_id = 'cs_test_a1b2' WHERE order_ref = 'INV-2024-0043'").run();
    const search = (q: string): string[] =>
      (db.prepare(`SELECT p.order_ref FROM payments_fts f JOIN payments p ON p.rowid = f.rowid WHERE payments_fts MATCH ? ORDER BY p.created_at DESC`).all(`"${q.replace(/"/g, '""')}"`) as { order_ref: string }[]).map(
        (r) => r.order_ref,
      );
    expect(search('0042')).toEqual(['INV-2024-0042']);
    expect(search('INV-2024')).toEqual(['INV-2024-0043', 'INV-2024-0042']);
    expect(search('meera@shop')).toEqual(['INV-2024-0042']);
    expect(search('smith')).toEqual(['INV-2024-0043']);
    expect(search('pi_3PzXyZ')).toEqual(['INV-2024-0043']);
    expect(search('a1b2')).toEqual(['INV-2024-0043']);
    db.prepare("DELETE FROM payments WHERE order_ref = 'INV-2024-0042'").run();
    expect(search('meera')).toEqual([]);
    const plan = (db.prepare("EXPLAIN QUERY PLAN SELECT p.* FROM payments_fts f JOIN payments p ON p.rowid = f.rowid WHERE payments_fts MATCH '\"0042\"'").all() as { detail: string }[])
      .map((r) => r.detail)
      .join(' | ');
    expect(plan).toMatch(/VIRTUAL TABLE INDEX/);
    expect(plan).toMatch(/SEARCH p USING INTEGER PRIMARY KEY/);
  });

  it('security events aggregate per kind, account and minute', () => {
    const up = db.prepare(`INSERT INTO security_events (kind, gateway, account_id, bucket, count, first_at, last_at, detail) VALUES (?, 'stripe', 'acc_1', 60000, 1, ?, ?, 'x')
      ON CONFLICT (kind, gateway, account_id, bucket) DO UPDATE SET count = count + excluded.count, last_at = max(last_at, excluded.last_at)`);
    up.run('bad_signature', 60_001, 60_001);
    up.run('bad_signature', 60_005, 60_005);
    expect(db.prepare('SELECT count, first_at, last_at FROM security_events').get()).toEqual({ count: 2, first_at: 60_001, last_at: 60_005 });
    expect(() => up.run('nonsense', 1, 1)).toThrow(/CHECK/);
  });
});
