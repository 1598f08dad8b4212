// Migration 003: build to 2, seed an account and payments, migrate to 3; operators, refunds and the
// append-only audit log (its triggers refuse UPDATE and DELETE), constraints and query plans.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

describe('migration 003 refunds', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 2, now: () => 1000 });
    db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1)`).run();
    for (const [id, captured] of [['pd_1', 5000], ['pd_2', 0]] as const) {
      db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, idempotency_key, status,
          captured_minor, created_at, updated_at)
        VALUES (?, 'acc_1', 'stripe', 0, 'stripe_checkout', ?, 5000, 'USD', ?, ?, ?, 1, 1)`).run(id, `A-${id}`, `idem_${id}`, captured ? 'paid' : 'open', captured);
    }
    expect(migrate(db, { to: 3, now: () => 2000 })).toEqual({ from: 2, to: 3, applied: [3] });
    expect(schemaVersion(db)).toBe(3);
  });
  afterEach(() => db.close());

  const insertRefund = (over: Record<string, unknown> = {}) =>
    db.prepare(`INSERT INTO refunds (id, payment_id, account_id, gateway, livemode, gateway_payment_id, amount_minor, currency, reason, speed, status,
        gateway_refund_id, idempotency_key, request_id, operator_id, operator_name, created_at, updated_at)
      VALUES (@id, @payment_id, 'acc_1', @gateway, 0, 'pi_1', @amount_minor, 'USD', @reason, @speed, @status, @gateway_refund_id, @idem, @req, @operator_id, 'owner', 1, 1)`).run({
      id: 'rf_1', payment_id: 'pd_1', gateway: 'stripe', amount_minor: 1000, reason: 'requested_by_customer', speed: null, status: 'requested',
      gateway_refund_id: null, idem: 'pdrf_key_000001', req: 'req_000001', operator_id: null, ...over,
    });

  it('keeps the seeded payments and creates STRICT tables', () => {
    expect(db.prepare('SELECT id, captured_minor FROM payments ORDER BY id').all()).toEqual([{ id: 'pd_1', captured_minor: 5000 }, { id: 'pd_2', captured_minor: 0 }]);
    const tables = db.prepare("SELECT name, strict FROM pragma_table_list WHERE schema = 'main' AND type = 'table' AND name IN ('operators','refunds','audit_log') ORDER BY name").all();
    expect(tables).toEqual([{ name: 'audit_log', strict: 1 }, { name: 'operators', strict: 1 }, { name: 'refunds', strict: 1 }]);
  });

  it('refunds: references a payment, unique keys, one gateway refund per row, checked enums', () => {
    insertRefund();
    expect(() => insertRefund({ id: 'rf_2', req: 'req_000002' })).toThrow(/UNIQUE constraint failed: refunds.idempotency_key/);
    expect(() => insertRefund({ id: 'rf_2', idem: 'pdrf_key_000002' })).toThrow(/UNIQUE constraint failed: refunds.request_id/);
    expect(() => insertRefund({ id: 'rf_2', payment_id: 'pd_missing', idem: 'k2k2k2k2k2k2', req: 'req_2_2_2_2' })).toThrow(/FOREIGN KEY/);
    expect(() => insertRefund({ id: 'rf_2', amount_minor: 0, idem: 'k3k3k3k3k3', req: 'r3r3r3r3r3' })).toThrow(/CHECK/);
    expect(() => insertRefund({ id: 'rf_2', reason: 'because', idem: 'k4k4k4k4k4', req: 'r4r4r4r4r4' })).toThrow(/CHECK/);
    expect(() => insertRefund({ id: 'rf_2', speed: 'optimum', idem: 'k5k5k5k5k5', req: 'r5r5r5r5r5' })).toThrow(/CHECK/); // speed is Razorpay's
    expect(() => insertRefund({ id: 'rf_2', status: 'succeeded', idem: 'k6k6k6k6k6', req: 'r6r6r6r6r6' })).toThrow(/CHECK/); // succeeded needs a gateway id
    insertRefund({ id: 'rf_3', status: 'succeeded', gateway_refund_id: 're_1', idem: 'k7k7k7k7k7', req: 'r7r7r7r7r7' });
    expect(() => insertRefund({ id: 'rf_4', status: 'succeeded', gateway_refund_id: 're_1', idem: 'k8k8k8k8k8', req: 'r8r8r8r8r8' })).toThrow(/UNIQUE constraint failed: refunds.gateway_refund_id/);
    expect(() => insertRefund({ id: 'rf_5', operator_id: 'op_missing', idem: 'k9k9k9k9k9', req: 'r9r9r9r9r9' })).toThrow(/FOREIGN KEY/);
  });

  it('operators: a hash, never a PIN; active names unique', () => {
    const ins = db.prepare('INSERT INTO operators (id, name, role, pin_hash, created_at, updated_at, disabled_at) VALUES (?, ?, ?, ?, 1, 1, ?)');
    ins.run('op_1', 'Asha', 'owner', 'scrypt$16384$8$1$c2FsdA==$aGFzaA==', null);
    expect(() => ins.run('op_2', 'asha', 'staff', 'scrypt$x', null)).toThrow(/UNIQUE/);
    expect(() => ins.run('op_3', 'Ravi', 'staff', '1234', null)).toThrow(/CHECK/);
    expect(() => ins.run('op_4', 'Ravi', 'admin', 'scrypt$x', null)).toThrow(/CHECK/);
    ins.run('op_5', 'Asha', 'staff', 'scrypt$x', 5); // a disabled one may share the name
  });

  it('audit_log is append-only: UPDATE and DELETE are refused by the triggers', () => {
    const ins = db.prepare(`INSERT INTO audit_log (at, operator_id, operator_name, action, subject_type, subject_id, details, livemode)
      VALUES (?, NULL, 'owner', ?, 'refund', 'rf_1', ?, 0)`);
    ins.run(1, 'refund.requested', '{"amountMinor":1000}');
    ins.run(2, 'refund.succeeded', '{}');
    expect(() => db.prepare("UPDATE audit_log SET operator_name = 'someone else' WHERE id = 1").run()).toThrow(/audit_log is append-only/);
    expect(() => db.prepare('DELETE FROM audit_log WHERE id = 1').run()).toThrow(/audit_log is append-only/);
    expect(() => db.prepare('DELETE FROM audit_log').run()).toThrow(/audit_log is append-only/);
    expect(() => ins.run(3, 'refund.requested', 'not json')).toThrow(/CHECK/);
    expect(() => ins.run(3, 'Refund requested', '{}')).toThrow(/CHECK/);
    expect(db.prepare('SELECT count(*) AS n FROM audit_log').get()).toEqual({ n: 2 });
  });

  it('uses the indexes for the screens and the recovery pass', () => {
    const plan = (sql: string, ...args: unknown[]) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
    expect(plan('SELECT * FROM refunds WHERE payment_id = ? ORDER BY created_at', 'pd_1')).toMatch(/refunds_by_payment/);
    expect(plan("SELECT * FROM refunds WHERE status = 'requested' OR (status = 'pending' AND updated_at <= ?) ORDER BY created_at", 5)).toMatch(/refunds_by_status/);
    expect(plan("SELECT * FROM refunds WHERE status = ? ORDER BY created_at DESC LIMIT 50", 'failed')).toMatch(/refunds_by_status/);
    expect(plan('SELECT * FROM audit_log WHERE action = ? ORDER BY id DESC LIMIT 50', 'refund.failed')).toMatch(/audit_by_action/);
    expect(plan('SELECT * FROM audit_log WHERE operator_id = ? ORDER BY id DESC LIMIT 50', 'op_1')).toMatch(/audit_by_operator/);
    expect(plan('SELECT * FROM audit_log WHERE subject_type = ? AND subject_id = ? ORDER BY id DESC', 'refund', 'rf_1')).toMatch(/audit_by_subject/);
  });
});
