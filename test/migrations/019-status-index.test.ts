// Migration 019: build to 18, seed links in every status of both modes and two accounts, migrate to 19, then
// assert the rows are untouched, payments_by_status_created is gone, and the link statements that asked it
// (payment-links.ts LINK_SQL) reach their rows through payments_by_list_status with no statistics to help
// (a new desk has run no ANALYZE), answering what a full read of the rows answers.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';
import { LINK_SQL } from '../../electron/core/store/repos/payment-links';

type Db = Database.Database;
const STATUSES = ['paid', 'expired', 'open', 'paid', 'failed', 'cancelled', 'creating', 'authorized', 'partially_paid', 'paid'];
const OPEN = "('creating', 'open', 'failed', 'authorized', 'partially_paid')";

describe('migration 019 status index', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 18, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1), ('acc_2', 'razorpay', 'live', 1, 'Shop', 'rzp_live_x', 0, 1, 1)`).run();
    const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, gateway_ref, amount_minor, currency, idempotency_key,
        status, refund_state, created_at, updated_at)
      VALUES (?, ?, ?, ?, ?, ?, ?, 5000, 'INR', ?, ?, ?, ?, ?)`);
    for (let i = 1; i <= 200; i++) {
      const [account, gateway, live, kind] = i % 3 === 0 ? ['acc_2', 'razorpay', 1, 'razorpay_order'] : ['acc_1', 'stripe', 0, 'stripe_checkout'];
      const status = STATUSES[i % STATUSES.length] as string;
      ins.run(`pd_${i}`, account, gateway, live, kind, `A-${i}`, `A-${i}`, `idem_${i}`, status, status === 'partially_paid' && i % 4 === 0 ? 'partially_refunded' : 'none', 1000 - i, 1000 - i);
    }
    expect(migrate(db, { to: 19, now: () => 2000 })).toEqual({ from: 18, to: 19, applied: [19] });
    expect(schemaVersion(db)).toBe(19);
  });
  afterEach(() => db.close());

  const plan = (sql: string, ...args: unknown[]): string =>
    (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('keeps every payment as it was and drops only the status index', () => {
    expect(db.prepare('SELECT count(*) AS n, count(DISTINCT status) AS statuses FROM payments').get()).toEqual({ n: 200, statuses: 8 });
    const indexes = db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'payments' AND name NOT LIKE 'sqlite_%'").pluck().all();
    expect(indexes).not.toContain('payments_by_status_created');
    expect(indexes).toEqual(expect.arrayContaining(['payments_by_list_status', 'payments_by_list_time', 'payments_by_account_created', 'payments_by_created']));
  });

  it('finds the links still being created through the list index, oldest first', () => {
    expect(plan(LINK_SQL.creating)).toMatch(/SEARCH payments USING INDEX payments_by_list_status \(livemode=\? AND status=\?\)/);
    const plain = db.prepare("SELECT id FROM payments NOT INDEXED WHERE status = 'creating' ORDER BY created_at").pluck().all();
    expect(plain.length).toBeGreaterThan(10);
    expect((db.prepare(LINK_SQL.creating).all() as { id: string }[]).map((r) => r.id)).toEqual(plain);
  });

  it('answers whether any link is open from the list index alone', () => {
    expect(plan(LINK_SQL.anyOpen)).toMatch(/SEARCH payments USING COVERING INDEX payments_by_list_status \(livemode=\? AND status=\?\)/);
    expect(db.prepare(LINK_SQL.anyOpen).pluck().get()).toBe(1);
    db.prepare(`UPDATE payments SET status = 'expired' WHERE status IN ${OPEN}`).run();
    expect(db.prepare(LINK_SQL.anyOpen).pluck().get()).toBeUndefined();
  });

  it("reads an account's oldest open link from the list index alone, the same the rows give", () => {
    expect(plan(LINK_SQL.oldestOpenOfAccount, 'acc_1')).toMatch(/SEARCH payments USING COVERING INDEX payments_by_list_status \(livemode=\? AND status=\? AND refund_state=\? AND gateway=\? AND account_id=\?\)/);
    const plain = db.prepare(`SELECT min(created_at) FROM payments NOT INDEXED WHERE account_id = ? AND status IN ${OPEN}`).pluck();
    for (const account of ['acc_1', 'acc_2', 'acc_none']) expect(db.prepare(LINK_SQL.oldestOpenOfAccount).pluck().get(account)).toBe(plain.get(account));
    expect(plain.get('acc_2')).not.toBeNull();
  });
});
