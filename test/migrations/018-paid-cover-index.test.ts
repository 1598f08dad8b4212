// Migration 018: build to 17, seed paid, refunded, open and live payments, migrate to 18, then assert the rows
// are untouched, the paid_at index holds the mode, amount and currency after paid_at, and the Overview's
// figures of the month are read from it alone, the same rows a full read gives.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';
import { OVERVIEW_SQL } from '../../electron/core/store/repos/payment-list';

type Db = Database.Database;
const SINCE = 30_000;

describe('migration 018 paid cover index', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 17, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1)`).run();
    const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, gateway_ref, amount_minor, currency, idempotency_key,
        status, refund_state, captured_minor, refunded_minor, paid_at, created_at, updated_at)
      VALUES (?, 'acc_1', 'stripe', ?, 'stripe_checkout', ?, ?, 5000, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (let i = 1; i <= 90; i++) {
      // every third is still open (not paid), every fourth was paid before the month, every fifth is refunded
      const paid = i % 3 !== 0;
      const paidAt = paid ? (i % 4 === 0 ? SINCE - i : SINCE + i * 100) : null;
      const refunded = paid && i % 5 === 0;
      ins.run(`pd_${i}`, i % 7 === 0 ? 1 : 0, `A-${i}`, `A-${i}`, i % 2 ? 'USD' : 'INR', `idem_${i}`, paid ? 'paid' : 'open',
        refunded ? 'refunded' : 'none', paid ? 5000 + i : 0, refunded ? 5000 + i : 0, paidAt, i, i);
    }
    expect(migrate(db, { to: 18, now: () => 2000 })).toEqual({ from: 17, to: 18, applied: [18] });
    expect(schemaVersion(db)).toBe(18);
  });
  afterEach(() => db.close());

  it('keeps every payment as it was', () => {
    expect(db.prepare('SELECT count(*) AS n, count(paid_at) AS paid, sum(captured_minor) AS captured FROM payments').get()).toEqual({ n: 90, paid: 60, captured: 60 * 5000 + 2700 });
  });

  it('keeps paid_at first in the index, then the mode, the captured amount and the currency; still partial', () => {
    const cols = (db.prepare("SELECT name FROM pragma_index_info('payments_by_paid') ORDER BY seqno").all() as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['paid_at', 'livemode', 'captured_minor', 'currency']);
    expect((db.prepare("SELECT sql FROM sqlite_master WHERE name = 'payments_by_paid'").get() as { sql: string }).sql).toMatch(/WHERE paid_at IS NOT NULL$/);
  });

  it('reads the month\'s captured payments from the index alone, the same rows the table gives', () => {
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${OVERVIEW_SQL.paidSince}`).all(SINCE, 0) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan).toMatch(/USING COVERING INDEX payments_by_paid \(paid_at>\?\)/);
    const order = (rows: unknown[]) => (rows as { paid_at: number }[]).sort((a, b) => a.paid_at - b.paid_at);
    const fromRows = order(db.prepare('SELECT paid_at, currency, captured_minor FROM payments NOT INDEXED WHERE paid_at >= ? AND livemode = ? AND captured_minor > 0').all(SINCE, 0));
    expect(fromRows.length).toBeGreaterThan(20);
    expect(order(db.prepare(OVERVIEW_SQL.paidSince).all(SINCE, 0))).toEqual(fromRows);
  });
});
