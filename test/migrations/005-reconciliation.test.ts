// Migration 005: build to 4, seed a settlement, migrate to 5, assert the new tables, their constraints
// and that the reconciliation look-ups use indexes.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 005 reconciliation', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 4, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, sandbox, created_at, updated_at) VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 0, 1, 1)`).run();
    db.prepare(`INSERT INTO settlements (id, account_id, gateway, livemode, gateway_settlement_id, currency, amount_minor, status, created_at)
      VALUES ('stl_1', 'acc_1', 'stripe', 0, 'po_1', 'USD', 1000, 'paid', 5)`).run();
    db.prepare(`INSERT INTO settlement_items (settlement_id, kind, gateway_txn_id, amount_minor, net_minor) VALUES ('stl_1', 'payment', 'txn_1', 1000, 970)`).run();
    expect(migrate(db, { to: 5, now: () => 2000 })).toEqual({ from: 4, to: 5, applied: [5] });
    expect(schemaVersion(db)).toBe(5);
  });
  afterEach(() => db.close());

  it('keeps the seeded settlement and creates STRICT tables', () => {
    expect(db.prepare('SELECT id FROM settlements').all()).toEqual([{ id: 'stl_1' }]);
    const tables = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND name IN ('stripe_balance_txns', 'recon_flags') ORDER BY name").all();
    expect(tables).toEqual([{ name: 'recon_flags', strict: 1 }, { name: 'stripe_balance_txns', strict: 1 }]);
  });

  it('allows one flag of a kind per subject, and deleting the item deletes its flags', () => {
    const ins = db.prepare(`INSERT INTO recon_flags (account_id, gateway, livemode, flag, subject, settlement_item_id, settlement_id, first_seen_at)
      VALUES ('acc_1', 'stripe', 0, ?, 'item:1', 1, 'stl_1', 1)`);
    ins.run('external');
    expect(() => ins.run('external')).toThrow(/UNIQUE/);
    expect(() => ins.run('bogus')).toThrow(/CHECK/);
    db.prepare('DELETE FROM settlement_items WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM recon_flags').get()).toEqual({ n: 0 });
  });

  it('looks balance transactions up by charge and intent through indexes', () => {
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan(`SELECT * FROM stripe_balance_txns WHERE account_id = 'a' AND charge_id = 'ch_1'`)).toMatch(/stripe_bt_by_charge/);
    expect(plan(`SELECT * FROM stripe_balance_txns WHERE account_id = 'a' AND payment_intent_id = 'pi_1'`)).toMatch(/stripe_bt_by_pi/);
    expect(plan(`SELECT * FROM recon_flags WHERE account_id = 'a' AND flag = 'external'`)).toMatch(/recon_flags_by_account/);
  });
});
