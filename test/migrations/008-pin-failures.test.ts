// Migration 008: build to 7, seed operators and audit rows, migrate to 8, then assert the operators are
// untouched and the new STRICT table keeps one positive count per operator key.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 008 pin failures', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 7, now: () => 1000 });
    const op = db.prepare('INSERT INTO operators (id, name, role, pin_hash, created_at, updated_at, disabled_at) VALUES (?, ?, ?, ?, 1, 1, ?)');
    op.run('op_1', 'Asha', 'owner', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', null);
    op.run('op_2', 'Ravi', 'staff', 'scrypt$16384$8$1$c2FsdA==$aGFzaB==', 5);
    db.prepare(`INSERT INTO audit_log (at, operator_id, operator_name, action, subject_type, subject_id, details, livemode)
      VALUES (3, 'op_1', 'Asha', 'desk.sign_in_failed', 'operator', 'op_2', '{}', 0)`).run();
    expect(migrate(db, { to: 8, now: () => 2000 })).toEqual({ from: 7, to: 8, applied: [8] });
    expect(schemaVersion(db)).toBe(8);
  });
  afterEach(() => db.close());

  it('keeps the operators and the audit log, and creates a STRICT table', () => {
    expect(db.prepare('SELECT id, name, role, disabled_at FROM operators ORDER BY id').all()).toEqual([
      { id: 'op_1', name: 'Asha', role: 'owner', disabled_at: null },
      { id: 'op_2', name: 'Ravi', role: 'staff', disabled_at: 5 },
    ]);
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = 'pin_failures'").get()).toEqual({ strict: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM pin_failures').get()).toEqual({ n: 0 });
  });

  it('one row per operator key (the unknown-id key included), a positive count and an integer wait', () => {
    const up = db.prepare(`INSERT INTO pin_failures (operator_key, fails, until_at) VALUES (?, 1, ?)
      ON CONFLICT (operator_key) DO UPDATE SET fails = fails + 1, until_at = excluded.until_at`);
    for (let i = 0; i < 4; i++) up.run('op_2', i === 3 ? 30_000 : 0);
    up.run('*unknown*', 0);
    expect(db.prepare('SELECT operator_key, fails, until_at FROM pin_failures ORDER BY operator_key').all()).toEqual([
      { operator_key: '*unknown*', fails: 1, until_at: 0 },
      { operator_key: 'op_2', fails: 4, until_at: 30_000 },
    ]);
    const ins = db.prepare('INSERT INTO pin_failures (operator_key, fails, until_at) VALUES (?, ?, ?)');
    expect(() => ins.run('op_1', 0, 0)).toThrow(/CHECK/);
    expect(() => ins.run('op_1', 1, 1.5)).toThrow();
    expect(() => ins.run('op_1', 1, null)).toThrow(/NOT NULL/);
    expect(() => ins.run('op_2', 1, 0)).toThrow(/UNIQUE|PRIMARY KEY/);
    db.prepare("DELETE FROM pin_failures WHERE operator_key = 'op_2'").run();
    expect(db.prepare('SELECT count(*) AS n FROM pin_failures').get()).toEqual({ n: 1 });
  });
});
