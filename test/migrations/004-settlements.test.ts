// Migration 004: build to 3, seed an account, a paid payment and its refund, migrate to 4, then assert the
// seeded rows are untouched, the settlement tables are STRICT, and each payment or refund is paid out once.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 004 settlements', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 3, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'razorpay', 'test', 0, 'Shop', 'rzp_test_x', 0, 1, 1)`).run();
    db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, idempotency_key, status,
        captured_minor, refunded_minor, gateway_payment_id, created_at, updated_at)
      VALUES ('pd_1', 'acc_1', 'razorpay', 0, 'razorpay_link', 'A-1', 50000, 'INR', 'idem_1', 'paid', 50000, 10000, 'pay_1', 1, 1)`).run();
    db.prepare(`INSERT INTO refunds (id, payment_id, account_id, gateway, livemode, gateway_payment_id, amount_minor, currency, speed, status,
        gateway_refund_id, idempotency_key, request_id, operator_name, created_at, updated_at)
      VALUES ('rf_1', 'pd_1', 'acc_1', 'razorpay', 0, 'pay_1', 10000, 'INR', 'normal', 'succeeded', 'rfnd_1', 'pdrf_key_000001', 'req_000001', 'owner', 2, 2)`).run();
    expect(migrate(db, { to: 4, now: () => 2000 })).toEqual({ from: 3, to: 4, applied: [4] });
    expect(schemaVersion(db)).toBe(4);
  });
  afterEach(() => db.close());

  const insertSettlement = (id: string, over: Record<string, unknown> = {}) =>
    db.prepare(`INSERT INTO settlements (id, account_id, gateway, livemode, gateway_settlement_id, currency, amount_minor, fee_minor, tax_minor, utr, status, created_at)
      VALUES (@id, @account_id, 'razorpay', 0, @gsid, @currency, @amount_minor, 1180, 180, 'UTR123', 'processed', 10)`).run({
      id, account_id: 'acc_1', gsid: `setl_${id}`, currency: 'INR', amount_minor: 38820, ...over,
    });
  const insertItem = (over: Record<string, unknown> = {}) =>
    db.prepare(`INSERT INTO settlement_items (settlement_id, kind, payment_id, refund_id, gateway_txn_id, amount_minor, fee_minor, tax_minor, net_minor)
      VALUES (@settlement_id, @kind, @payment_id, @refund_id, @txn, @amount_minor, 0, 0, @amount_minor)`).run({
      settlement_id: 'stl_1', kind: 'payment', payment_id: null, refund_id: null, txn: 'pay_1', amount_minor: 50000, ...over,
    });

  it('keeps the seeded payment and refund and creates STRICT tables', () => {
    expect(db.prepare('SELECT id, status, captured_minor, refunded_minor FROM payments').all()).toEqual([{ id: 'pd_1', status: 'paid', captured_minor: 50000, refunded_minor: 10000 }]);
    expect(db.prepare('SELECT id, payment_id, amount_minor, status FROM refunds').all()).toEqual([{ id: 'rf_1', payment_id: 'pd_1', amount_minor: 10000, status: 'succeeded' }]);
    const tables = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name IN ('settlements', 'settlement_items') ORDER BY name").all();
    expect(tables).toEqual([{ name: 'settlement_items', strict: 1 }, { name: 'settlements', strict: 1 }]);
  });

  it('settlements: an account FK, one row per gateway settlement, checked gateway and currency, integer money', () => {
    insertSettlement('stl_1');
    expect(db.prepare('SELECT fee_minor, tax_minor, fetched_at, arrival_at FROM settlements').get()).toEqual({ fee_minor: 1180, tax_minor: 180, fetched_at: 0, arrival_at: null });
    expect(() => insertSettlement('stl_2', { gsid: 'setl_stl_1' })).toThrow(/UNIQUE/);
    expect(() => insertSettlement('stl_3', { account_id: 'acc_missing' })).toThrow(/FOREIGN KEY/);
    expect(() => insertSettlement('stl_4', { currency: 'inr' })).toThrow(/CHECK/);
    expect(() => insertSettlement('stl_5', { amount_minor: 12.5 })).toThrow();
    expect(() => db.prepare("UPDATE settlements SET gateway = 'paypal' WHERE id = 'stl_1'").run()).toThrow(/CHECK/);
  });

  it('settlement items: kinds match their links, a payment or refund is paid out once, deleting a settlement deletes its items', () => {
    insertSettlement('stl_1');
    insertSettlement('stl_2');
    insertItem({ payment_id: 'pd_1' });
    insertItem({ kind: 'refund', refund_id: 'rf_1', txn: 'rfnd_1', amount_minor: -10000 });
    insertItem({ kind: 'adjustment', txn: 'adj_1', amount_minor: -5 }); // external: nothing local settles it
    expect(() => insertItem({ payment_id: 'pd_1' })).toThrow(/UNIQUE/);
    expect(() => insertItem({ settlement_id: 'stl_2', payment_id: 'pd_1', txn: 'pay_1b' })).toThrow(/UNIQUE constraint failed: settlement_items.payment_id/);
    expect(() => insertItem({ settlement_id: 'stl_2', kind: 'refund', refund_id: 'rf_1', txn: 'rfnd_1b' })).toThrow(/UNIQUE constraint failed: settlement_items.refund_id/);
    expect(() => insertItem({ settlement_id: 'stl_2', kind: 'refund', payment_id: 'pd_1', txn: 'x1' })).toThrow(/CHECK/);
    expect(() => insertItem({ settlement_id: 'stl_2', kind: 'payment', refund_id: 'rf_1', txn: 'x2' })).toThrow(/CHECK/);
    expect(() => insertItem({ settlement_id: 'stl_2', kind: 'bonus', txn: 'x3' })).toThrow(/CHECK/);
    expect(() => insertItem({ settlement_id: 'stl_2', payment_id: 'pd_missing', txn: 'x4' })).toThrow(/FOREIGN KEY/);
    expect(() => insertItem({ settlement_id: 'stl_missing', txn: 'x5' })).toThrow(/FOREIGN KEY/);
    db.prepare("DELETE FROM settlements WHERE id = 'stl_1'").run();
    expect(db.prepare('SELECT count(*) AS n FROM settlement_items').get()).toEqual({ n: 0 });
  });

  it('uses the indexes for settlements by date and items by settlement, payment and refund', () => {
    const plan = (sql: string, ...args: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT * FROM settlements WHERE livemode = 0 AND created_at >= ? ORDER BY created_at', 1)).toMatch(/settlements_by_created/);
    expect(plan("SELECT * FROM settlement_items WHERE settlement_id = ? AND kind = 'payment'", 'stl_1')).toMatch(/settlement_items_by_settlement|sqlite_autoindex_settlement_items/);
    expect(plan("SELECT settlement_id FROM settlement_items WHERE payment_id = ? AND kind = 'payment'", 'pd_1')).toMatch(/settlement_items_payment/);
    expect(plan('SELECT settlement_id FROM settlement_items WHERE refund_id = ?', 'rf_1')).toMatch(/settlement_items_refund/);
  });
});
