// Migration 006: build to 5, seed payments with merchant text and gateway ids, migrate to 6, then assert the
// rebuilt full-text index holds every seeded payment's text (and no gateway ids), and that its triggers keep
// it in step while a status or id update never touches it.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 006 search text only', () => {
  let db: Db;
  const insert = (id: string, orderRef: string, name: string | null, email: string | null, pi: string | null) =>
    db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, customer_name, customer_email,
        description, idempotency_key, payment_intent_id, session_id, created_at, updated_at)
      VALUES (?, 'acc_1', 'stripe', 0, 'stripe_checkout', ?, 5000, 'USD', ?, ?, 'Blue mug', ?, ?, ?, ?, ?)`).run(id, orderRef, name, email, `idem_${id}`, pi, pi ? `cs_test_${id}` : null, Number(id.slice(3)), 1);

  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 5, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1)`).run();
    insert('pd_1', 'INV-2024-0042', 'Meera Iyer', 'meera@shop.in', 'pi_3PzAbC');
    insert('pd_2', 'INV-2024-0043', 'John Smith', null, null);
    expect(migrate(db, { to: 6, now: () => 2000 })).toEqual({ from: 5, to: 6, applied: [6] });
    expect(schemaVersion(db)).toBe(6);
  });
  afterEach(() => db.close());

  const search = (q: string): string[] =>
    (db.prepare(`SELECT p.id FROM payments_fts f JOIN payments p ON p.rowid = f.rowid WHERE payments_fts MATCH ? ORDER BY p.id`).all(`"${q.replace(/"/g, '""')}"`) as { id: string }[]).map((r) => r.id);

  it('keeps the payments and refills the index with their text from before the migration', () => {
    expect(db.prepare('SELECT id, order_ref, payment_intent_id FROM payments ORDER BY id').all()).toEqual([
      { id: 'pd_1', order_ref: 'INV-2024-0042', payment_intent_id: 'pi_3PzAbC' },
      { id: 'pd_2', order_ref: 'INV-2024-0043', payment_intent_id: null },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM payments_fts').get()).toEqual({ n: 2 });
    expect(search('0042')).toEqual(['pd_1']);
    expect(search('INV-2024')).toEqual(['pd_1', 'pd_2']);
    expect(search('meera@shop')).toEqual(['pd_1']);
    expect(search('Smith')).toEqual(['pd_2']);
    expect(search('Blue mug')).toEqual(['pd_1', 'pd_2']);
  });

  it('holds no gateway ids: the columns are the merchant text only', () => {
    const cols = (db.prepare('SELECT name FROM pragma_table_info(?)').all('payments_fts') as { name: string }[]).map((c) => c.name);
    expect(cols).toEqual(['order_ref', 'customer_name', 'customer_email', 'customer_phone', 'description']);
    expect(search('pi_3PzAbC')).toEqual([]);
    expect(search('cs_test_pd_1')).toEqual([]);
  });

  it('keeps the index in step on insert, text update and delete', () => {
    insert('pd_3', 'ORD-77', 'Ravi Kumar', 'ravi@example.com', null);
    expect(search('ravi@')).toEqual(['pd_3']);
    db.prepare("UPDATE payments SET customer_name = 'Ravi Menon' WHERE id = 'pd_3'").run();
    expect(search('Kumar')).toEqual([]);
    expect(search('Menon')).toEqual(['pd_3']);
    db.prepare("DELETE FROM payments WHERE id = 'pd_3'").run();
    expect(search('Menon')).toEqual([]);
    expect(db.prepare('SELECT count(*) AS n FROM payments_fts').get()).toEqual({ n: 2 });
  });

  it('an update of status or gateway ids does not run the index trigger', () => {
    const trigger = db.prepare("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'payments_fts_update'").pluck().get() as string;
    expect(trigger).toMatch(/AFTER UPDATE OF order_ref, customer_name, customer_email, customer_phone, description ON payments/);
    const before = db.prepare("SELECT rowid, * FROM payments_fts WHERE rowid = (SELECT rowid FROM payments WHERE id = 'pd_2')").get();
    db.prepare("UPDATE payments SET status = 'paid', captured_minor = 5000, payment_intent_id = 'pi_new', charge_id = 'ch_new' WHERE id = 'pd_2'").run();
    expect(db.prepare("SELECT rowid, * FROM payments_fts WHERE rowid = (SELECT rowid FROM payments WHERE id = 'pd_2')").get()).toEqual(before);
    expect(search('pi_new')).toEqual([]);
  });
});
