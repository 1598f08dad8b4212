// Migration 011: build to 10 with a single-use link (a failed attempt then paid), a reusable link paid by
// two customers with a Paydesk refund of one of them, migrate to 11, and assert: every row is attempt 1
// with its order ref as reference; the reusable link's two captures are two payment rows under it, each
// with its own amount, fee and refund; the link keeps only its state; search still finds every row; no
// reference dangles and foreign keys are back on; a second attempt at an order can now be stored.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

const LINK_STATE = JSON.stringify({
  amountMinor: 25_000, base: 'open', lastFailure: null, authorizations: {},
  captures: { pi_a: { amount: 25_000, full: false, at: 5_000 }, pi_b: { amount: 25_000, full: false, at: 6_000 } },
  refunds: { re_1: { amount: 10_000, status: 'succeeded', at: 7_000 } },
  fees: { pi_a: { fee: 750, tax: 0, net: 24_250 }, pi_b: { fee: 750, tax: 0, net: 24_250 } },
});

function seed(db: Db): void {
  db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
    VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 'pk_test_x', 0, 1, 1)`).run();
  const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, idempotency_key,
      status, machine, plink_id, captured_minor, refunded_minor, refund_state, paid_at, customer_name, created_at, updated_at)
    VALUES (?, 'acc_1', 'stripe', 0, ?, ?, ?, 'INR', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, 8000)`);
  ins.run('pd_single', 'stripe_checkout', 'ORD-1', 5000, 'idem_1', 'paid', null, null, 5000, 0, 'none', 4000, 'Asha');
  ins.run('pd_reuse', 'stripe_payment_link', 'ORD-2', 25_000, 'idem_2', 'paid', LINK_STATE, 'plink_1', 50_000, 10_000, 'partially_refunded', 5000, null);
  const ev = db.prepare(`INSERT INTO payment_events (payment_id, at, recorded_at, kind, source, detail, changed, status_after)
    VALUES ('pd_single', ?, 1, 'attempt_failed', 'webhook', '{}', 1, 'failed')`);
  ev.run(3000);
  ev.run(3000); // the same decline reported by two events
  ev.run(3500);
  db.prepare(`INSERT INTO refunds (id, payment_id, account_id, gateway, livemode, gateway_payment_id, amount_minor, currency, status,
      gateway_refund_id, idempotency_key, request_id, operator_name, created_at, updated_at)
    VALUES ('rf_1', 'pd_reuse', 'acc_1', 'stripe', 0, 'pi_a', 10000, 'INR', 'succeeded', 're_1', 'k1', 'r1', 'owner', 7000, 7000)`).run();
}

describe('migration 011 orders and attempts', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 10, now: () => 1000 });
    seed(db);
    expect(migrate(db, { to: 11, now: () => 2000 })).toEqual({ from: 10, to: 11, applied: [11] });
    expect(schemaVersion(db)).toBe(11);
  });
  afterEach(() => db.close());

  it('makes every existing link attempt 1, shown to the customer as its order ref, with its failed attempts counted', () => {
    expect(db.prepare('SELECT id, attempt_no, gateway_ref, reusable, parent_id, failed_attempts FROM payments WHERE parent_id IS NULL ORDER BY id').all()).toEqual([
      { id: 'pd_reuse', attempt_no: 1, gateway_ref: 'ORD-2', reusable: 1, parent_id: null, failed_attempts: 0 },
      { id: 'pd_single', attempt_no: 1, gateway_ref: 'ORD-1', reusable: 0, parent_id: null, failed_attempts: 2 },
    ]);
    expect(db.prepare("SELECT status, captured_minor, customer_name FROM payments WHERE id = 'pd_single'").get())
      .toEqual({ status: 'paid', captured_minor: 5000, customer_name: 'Asha' });
  });

  it("splits a reusable link's captures into one payment each, with its fee and Paydesk's refund", () => {
    const kids = db.prepare(`SELECT parent_id, gateway_payment_id, payment_intent_id, amount_minor, captured_minor, refunded_minor, fee_minor,
      net_minor, status, refund_state, order_ref, gateway_ref, paid_at FROM payments WHERE parent_id = 'pd_reuse' ORDER BY gateway_payment_id`).all();
    expect(kids).toEqual([
      { parent_id: 'pd_reuse', gateway_payment_id: 'pi_a', payment_intent_id: 'pi_a', amount_minor: 25_000, captured_minor: 25_000, refunded_minor: 10_000,
        fee_minor: 750, net_minor: 24_250, status: 'paid', refund_state: 'partially_refunded', order_ref: 'ORD-2', gateway_ref: 'ORD-2', paid_at: 5000 },
      { parent_id: 'pd_reuse', gateway_payment_id: 'pi_b', payment_intent_id: 'pi_b', amount_minor: 25_000, captured_minor: 25_000, refunded_minor: 0,
        fee_minor: 750, net_minor: 24_250, status: 'paid', refund_state: 'none', order_ref: 'ORD-2', gateway_ref: 'ORD-2', paid_at: 6000 },
    ]);
    const a = db.prepare("SELECT id FROM payments WHERE gateway_payment_id = 'pi_a' AND parent_id = 'pd_reuse'").pluck().get();
    expect(db.prepare("SELECT payment_id FROM refunds WHERE id = 'rf_1'").pluck().get()).toBe(a);
    expect(db.prepare("SELECT status, captured_minor, refunded_minor, fee_minor, paid_at, plink_id, payment_count FROM payments WHERE id = 'pd_reuse'").get())
      .toEqual({ status: 'open', captured_minor: 0, refunded_minor: 0, fee_minor: null, paid_at: null, plink_id: 'plink_1', payment_count: 2 });
  });

  it('keeps search working, references whole and foreign keys on', () => {
    const found = db.prepare("SELECT p.id FROM payments p WHERE p.rowid IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH '\"ORD-2\"') ORDER BY p.id").pluck().all();
    expect(found).toHaveLength(3);
    expect(db.prepare("SELECT p.id FROM payments p WHERE p.rowid IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH '\"Asha\"')").pluck().all()).toEqual(['pd_single']);
    expect(db.prepare('PRAGMA foreign_key_check').all()).toEqual([]);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
  });

  it('stores a second attempt at an order, and refuses a second attempt 1 or a reused reference', () => {
    const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, idempotency_key,
      attempt_no, gateway_ref, created_at, updated_at) VALUES (?, 'acc_1', 'stripe', 0, 'stripe_checkout', 'ORD-1', 5000, 'INR', ?, ?, ?, 9, 9)`);
    ins.run('pd_second', 'idem_s', 2, 'ORD-1/2');
    expect(() => ins.run('pd_dup', 'idem_d', 1, 'ORD-1/9')).toThrow(/UNIQUE/);
    expect(() => ins.run('pd_ref', 'idem_r', 3, 'ORD-1/2')).toThrow(/UNIQUE/);
  });
});
