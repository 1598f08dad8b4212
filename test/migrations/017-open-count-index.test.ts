// Migration 017: build to 16, seed open, failed, paid and expired links, migrate to 17, then assert the rows are
// untouched and the Overview's count of open links is answered from payments_by_list_status alone, with the
// same count a full read of the rows gives.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';
import { OVERVIEW_SQL } from '../../electron/core/store/repos/payment-list';

type Db = Database.Database;
const NOW = 1_000_000;

describe('migration 017 open-count index', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 16, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1)`).run();
    const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, gateway_ref, amount_minor, currency, idempotency_key,
        status, refund_state, expires_at, created_at, updated_at)
      VALUES (?, 'acc_1', 'stripe', 0, 'stripe_checkout', ?, ?, 5000, 'USD', ?, ?, 'none', ?, ?, ?)`);
    const statuses = ['open', 'failed', 'paid', 'expired', 'authorized', 'partially_paid'];
    for (let i = 1; i <= 60; i++) {
      // every third link has passed its expiry, every fifth has none
      const expiresAt = i % 5 === 0 ? null : i % 3 === 0 ? NOW - 1 : NOW + 1000;
      ins.run(`pd_${i}`, `A-${i}`, `A-${i}`, `idem_${i}`, statuses[i % statuses.length], expiresAt, i, i);
    }
    expect(migrate(db, { to: 17, now: () => 2000 })).toEqual({ from: 16, to: 17, applied: [17] });
    expect(schemaVersion(db)).toBe(17);
  });
  afterEach(() => db.close());

  it('keeps every payment as it was', () => {
    expect(db.prepare('SELECT count(*) AS n, count(expires_at) AS expiring FROM payments').get()).toEqual({ n: 60, expiring: 48 });
  });

  it('puts expires_at last in the status index, after every column the list filters by', () => {
    const cols = (db.prepare("SELECT name FROM pragma_index_info('payments_by_list_status') ORDER BY seqno").all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['livemode', 'status', 'refund_state', 'gateway', 'account_id', 'created_at', 'expires_at']);
  });

  it('counts open links from the index alone, the same count the rows give', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${OVERVIEW_SQL.openLinks}`).all(0, NOW) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/USING COVERING INDEX payments_by_list_status/);
    const fromRows = db
      .prepare("SELECT count(*) AS n FROM payments NOT INDEXED WHERE livemode = 0 AND status IN ('open', 'failed', 'authorized', 'partially_paid') AND (expires_at IS NULL OR expires_at > ?)")
      .get(NOW) as { n: number };
    expect(fromRows.n).toBeGreaterThan(0);
    expect(db.prepare(OVERVIEW_SQL.openLinks).get(0, NOW)).toEqual(fromRows);
  });
});
