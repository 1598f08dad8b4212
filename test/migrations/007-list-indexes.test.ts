// Migration 007: build to 6, seed payments across modes and statuses, migrate to 7, then assert the rows are
// untouched and the Payments screen's counts are answered from the new covering indexes alone.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 007 list indexes', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 6, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1), ('acc_2', 'stripe', 'live', 1, 'Shop live', 'pk_live_x', 0, 1, 1)`).run();
    const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, idempotency_key, status,
        refund_state, captured_minor, refunded_minor, created_at, updated_at)
      VALUES (?, ?, 'stripe', ?, 'stripe_checkout', ?, 5000, 'USD', ?, ?, ?, ?, ?, ?, ?)`);
    for (let i = 1; i <= 60; i++) {
      const live = i % 3 === 0 ? 1 : 0;
      const status = i % 2 === 0 ? 'paid' : 'open';
      const refunded = status === 'paid' && i % 4 === 0 ? 5000 : 0;
      ins.run(`pd_${i}`, live ? 'acc_2' : 'acc_1', live, `A-${i}`, `idem_${i}`, status, refunded ? 'refunded' : 'none', status === 'paid' ? 5000 : 0, refunded, i * 1000, i * 1000);
    }
    expect(migrate(db, { to: 7, now: () => 2000 })).toEqual({ from: 6, to: 7, applied: [7] });
    expect(schemaVersion(db)).toBe(7);
    db.exec('ANALYZE');
  });
  afterEach(() => db.close());

  const plan = (sql: string, ...args: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('keeps every payment as it was', () => {
    expect(db.prepare('SELECT count(*) AS n, sum(captured_minor) AS captured, sum(refunded_minor) AS refunded FROM payments').get()).toEqual({ n: 60, captured: 150000, refunded: 75000 });
    expect(db.prepare("SELECT count(*) AS n FROM payments WHERE livemode = 0 AND status = 'paid' AND refund_state = 'refunded'").get()).toEqual({ n: 10 });
  });

  it('creates both indexes with every column a list filter can name', () => {
    const cols = (name: string) => (db.prepare('SELECT name FROM pragma_index_info(?) ORDER BY seqno').all(name) as { name: string }[]).map((c) => c.name);
    expect(cols('payments_by_list_status')).toEqual(['livemode', 'status', 'refund_state', 'gateway', 'account_id', 'created_at']);
    expect(cols('payments_by_list_time')).toEqual(['livemode', 'created_at', 'status', 'refund_state', 'gateway', 'account_id']);
  });

  it('counts by mode and status, and by mode and date range, from a covering index', () => {
    const byStatus = plan("SELECT count(*) FROM payments WHERE livemode = ? AND status IN ('paid', 'open') AND refund_state = 'none' AND gateway = 'stripe' AND account_id = ? AND created_at >= ?", 0, 'acc_1', 0);
    expect(byStatus).toMatch(/USING COVERING INDEX payments_by_list_status/);
    const byTime = plan('SELECT count(*) FROM payments WHERE livemode = ? AND created_at >= ? AND created_at < ?', 0, 1000, 30_000);
    expect(byTime).toMatch(/USING COVERING INDEX payments_by_list_(time|status)/);
    const timeWithFilters = plan("SELECT count(*) FROM payments WHERE livemode = ? AND created_at >= ? AND created_at < ? AND account_id = ?", 0, 1000, 30_000, 'acc_1');
    expect(timeWithFilters).toMatch(/USING COVERING INDEX/);
    expect(db.prepare('SELECT count(*) AS n FROM payments WHERE livemode = ? AND created_at >= ? AND created_at < ?').get(0, 1000, 30_000)).toEqual({ n: 20 });
  });
});
