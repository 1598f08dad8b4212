// Migration 009: build to 8, seed webhook events of both gateways and refused-delivery counters, migrate to 9,
// assert the rows survive (security_events is rebuilt), the body hash is unique per account, the new refusal
// kind is allowed, and the look-ups the ingest makes use their indexes.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

type Db = Database.Database;

const hash = (byte: number): Buffer => Buffer.alloc(32, byte);

describe('migration 009 webhook replay guards', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 8, now: () => 1000 });
    const acc = db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at) VALUES (?, ?, 'test', 0, ?, ?, 0, 1, 1)`);
    acc.run('acc_s', 'stripe', 'Stripe', 'pk_test_x');
    acc.run('acc_r', 'razorpay', 'Razorpay', 'rzp_test_x');
    const ev = db.prepare(`INSERT INTO webhook_events (gateway, account_id, event_id, type, livemode, raw, signature, created_at, received_at, applied_at, apply_result)
      VALUES (?, ?, ?, 'payment.captured', 0, ?, 'valid', ?, ?, ?, 'ignored')`);
    ev.run('stripe', 'acc_s', 'evt_1', Buffer.from('{"id":"evt_1"}'), 5_000, 5_000, 5_000);
    ev.run('razorpay', 'acc_r', 'rz_1', Buffer.from('{"event":"payment.captured"}'), 6_000, 6_000, 6_000);
    // the same body under a second id: a replay stored before the hash existed
    ev.run('razorpay', 'acc_r', 'rz_2', Buffer.from('{"event":"payment.captured"}'), 6_000, 7_000, 7_000);
    const sec = db.prepare(`INSERT INTO security_events (kind, gateway, account_id, bucket, count, first_at, last_at, detail) VALUES (?, ?, ?, 60000, ?, 60001, 60009, 'words')`);
    sec.run('bad_signature', 'stripe', 'acc_s', 3);
    sec.run('stale_signature', 'stripe', 'acc_s', 1);
    sec.run('replayed', 'razorpay', '*', 7);
    expect(migrate(db, { to: 9, now: () => 2000 })).toEqual({ from: 8, to: 9, applied: [9] });
    expect(schemaVersion(db)).toBe(9);
  });
  afterEach(() => db.close());

  const plan = (sql: string, ...args: unknown[]): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');

  it('keeps every stored event, with no body hash yet', () => {
    expect(db.prepare('SELECT event_id, body_sha256, applied_at FROM webhook_events ORDER BY id').all()).toEqual([
      { event_id: 'evt_1', body_sha256: null, applied_at: 5_000 },
      { event_id: 'rz_1', body_sha256: null, applied_at: 6_000 },
      { event_id: 'rz_2', body_sha256: null, applied_at: 7_000 },
    ]);
  });

  it('keeps the refused-delivery counters (ids, counts, words) in a STRICT table that allows future_timestamp', () => {
    expect(db.prepare('SELECT id, kind, gateway, account_id, count, first_at, last_at, detail FROM security_events ORDER BY id').all()).toEqual([
      { id: 1, kind: 'bad_signature', gateway: 'stripe', account_id: 'acc_s', count: 3, first_at: 60_001, last_at: 60_009, detail: 'words' },
      { id: 2, kind: 'stale_signature', gateway: 'stripe', account_id: 'acc_s', count: 1, first_at: 60_001, last_at: 60_009, detail: 'words' },
      { id: 3, kind: 'replayed', gateway: 'razorpay', account_id: '*', count: 7, first_at: 60_001, last_at: 60_009, detail: 'words' },
    ]);
    expect(db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = 'security_events'").get()).toEqual({ strict: 1 });
    // the ingest's upsert: one counter per kind, gateway, account and minute
    const up = db.prepare(`INSERT INTO security_events (kind, gateway, account_id, bucket, count, first_at, last_at, detail) VALUES (?, 'stripe', 'acc_s', 60000, 1, ?, ?, 'x')
      ON CONFLICT (kind, gateway, account_id, bucket) DO UPDATE SET count = count + excluded.count, last_at = max(last_at, excluded.last_at)`);
    up.run('future_timestamp', 60_010, 60_010);
    up.run('future_timestamp', 60_020, 60_020);
    up.run('bad_signature', 60_030, 60_030);
    expect(db.prepare("SELECT kind, count, last_at FROM security_events WHERE kind IN ('future_timestamp', 'bad_signature') ORDER BY id").all()).toEqual([
      { kind: 'bad_signature', count: 4, last_at: 60_030 },
      { kind: 'future_timestamp', count: 2, last_at: 60_020 },
    ]);
    expect(() => up.run('nonsense', 1, 1)).toThrow(/CHECK/);
    expect(plan('SELECT * FROM security_events ORDER BY last_at DESC, id DESC LIMIT 50')).toMatch(/security_events_by_last/);
  });

  it('a body hash is unique per account, a duplicate by either key is skipped, and NULLs never collide', () => {
    const ins = db.prepare(`INSERT INTO webhook_events (gateway, account_id, event_id, type, livemode, raw, body_sha256, signature, received_at)
      VALUES ('razorpay', ?, ?, 't', 0, x'7b7d', ?, 'valid', 1) ON CONFLICT DO NOTHING`);
    expect(ins.run('acc_r', 'rz_a', hash(1)).changes).toBe(1);
    expect(ins.run('acc_r', 'rz_b', hash(1)).changes).toBe(0); // same body, new id: a replay
    expect(ins.run('acc_r', 'rz_a', hash(2)).changes).toBe(0); // same id
    expect(ins.run('acc_s', 'rz_a', hash(1)).changes).toBe(1); // another account
    expect(ins.run('acc_r', 'rz_c', null).changes).toBe(1);
    expect(ins.run('acc_r', 'rz_d', null).changes).toBe(1);
    expect(() => ins.run('acc_r', 'rz_e', Buffer.alloc(16))).toThrow(/CHECK/);
    expect(plan('SELECT id FROM webhook_events WHERE account_id = ? AND body_sha256 = ?', 'acc_r', hash(1))).toMatch(/USING (COVERING )?INDEX webhook_events_by_body/);
  });

  it('finds the Razorpay rows left without a hash through their own index, and hashes them without tripping over a stored replay', () => {
    const unhashed = "SELECT id FROM webhook_events WHERE gateway = 'razorpay' AND body_sha256 IS NULL AND created_at >= ? ORDER BY created_at";
    expect(plan(unhashed, 0)).toMatch(/USING (COVERING )?INDEX webhook_events_unhashed/);
    expect(plan(unhashed, 0)).not.toMatch(/TEMP B-TREE/);
    expect(db.prepare(unhashed).all(0)).toEqual([{ id: 2 }, { id: 3 }]);
    const set = db.prepare('UPDATE OR IGNORE webhook_events SET body_sha256 = ? WHERE id = ?');
    expect(set.run(hash(9), 2).changes).toBe(1);
    expect(set.run(hash(9), 3).changes).toBe(0);
    expect(db.prepare(unhashed).all(0)).toEqual([{ id: 3 }]);
  });
});
