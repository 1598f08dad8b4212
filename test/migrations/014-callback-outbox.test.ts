// Migration 014: build to 13, seed a payment, migrate to 14, assert the existing rows are untouched, the
// outbox holds one event per (type, subject), its checks refuse malformed rows, a due row is claimed by one
// worker only, and the due scan and the attempt log use their indexes.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';
import { callbacksRepo, type CallbackEnqueue } from '../../electron/core/store/repos/callbacks';
import { sqliteSql } from '../../electron/core/store/sql';

type Db = Database.Database;

describe('migration 014 callback outbox', () => {
  let db: Db;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 13, now: () => 1000 });
    db.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('api.tokens', '[]', 1)`).run();
    expect(migrate(db, { to: 14, now: () => 2000 })).toMatchObject({ from: 13, to: 14, applied: [14] });
    expect(schemaVersion(db)).toBe(14);
  });
  afterEach(() => db.close());

  const plan = (sql: string, ...args: unknown[]): string => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...args) as { detail: string }[]).map((r) => r.detail).join(' | ');
  const event = (over: Partial<CallbackEnqueue> = {}): CallbackEnqueue => ({
    id: 'evt_1', type: 'payment.paid', subject: 'pay_1', paymentId: 'pay_1', accountId: 'acct_1', livemode: false, payload: '{"id":"evt_1"}', at: 10_000, ...over,
  });

  it('keeps what was stored before and adds STRICT tables', () => {
    expect(db.prepare("SELECT value FROM settings WHERE key = 'api.tokens'").get()).toEqual({ value: '[]' });
    for (const t of ['callback_events', 'callback_attempts']) {
      expect(db.prepare("SELECT strict FROM pragma_table_list WHERE schema = 'main' AND name = ?").get(t)).toEqual({ strict: 1 });
    }
  });

  it('enqueuing the same fact twice is a no-op; another fact of the payment is its own event', () => {
    const repo = callbacksRepo(sqliteSql(db));
    expect(repo.enqueue(event())).toBe(true);
    expect(repo.enqueue(event({ id: 'evt_2' }))).toBe(false);
    expect(repo.enqueue(event({ id: 'evt_3', type: 'payment.refunded', subject: 'pay_1:re_1' }))).toBe(true);
    expect(repo.counts()).toEqual({ pending: 2, delivered: 0, failed: 0 });
    expect(repo.byId('evt_1')).toMatchObject({ status: 'pending', attempts: 0, next_attempt_at: 10_000, payload: '{"id":"evt_1"}' });
  });

  it('refuses an id without evt_, an unknown type, and a status that contradicts its times', () => {
    const repo = callbacksRepo(sqliteSql(db));
    expect(() => repo.enqueue(event({ id: 'x_1' }))).toThrow(/CHECK/);
    expect(() => repo.enqueue(event({ type: 'payment.created' as never }))).toThrow(/CHECK/);
    repo.enqueue(event());
    expect(() => db.prepare("UPDATE callback_events SET status = 'delivered' WHERE id = 'evt_1'").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO callback_attempts (event_id, at, http_status, error, duration_ms) VALUES ('evt_1', 1, NULL, NULL, 3)").run()).toThrow(/CHECK/);
    expect(() => db.prepare("INSERT INTO callback_attempts (event_id, at, http_status, error, duration_ms) VALUES ('evt_none', 1, 200, NULL, 3)").run()).toThrow(/FOREIGN KEY/);
  });

  it('a due event is claimed once (a lease), then delivered, retried or failed', () => {
    const repo = callbacksRepo(sqliteSql(db));
    repo.enqueue(event());
    expect(repo.due(9_999, 10)).toEqual([]);
    expect(repo.due(10_000, 10)).toEqual(['evt_1']);
    expect(repo.claim('evt_1', 10_000, 25_000)).toMatchObject({ attempts: 1, next_attempt_at: 25_000 });
    expect(repo.claim('evt_1', 10_000, 25_000)).toBeUndefined();
    expect(repo.due(20_000, 10)).toEqual([]);
    repo.logAttempt({ eventId: 'evt_1', at: 10_000, httpStatus: 500, error: 'HTTP 500', durationMs: 12 });
    repo.retryAt('evt_1', 40_000, 500, 'HTTP 500');
    expect(repo.byId('evt_1')).toMatchObject({ status: 'pending', next_attempt_at: 40_000, last_status: 500, last_error: 'HTTP 500' });
    repo.claim('evt_1', 40_000, 55_000);
    repo.delivered('evt_1', 41_000, 200);
    expect(repo.byId('evt_1')).toMatchObject({ status: 'delivered', attempts: 2, delivered_at: 41_000, last_status: 200, last_error: null, next_attempt_at: null });
    expect(repo.resend('evt_1', 50_000)).toBe(true);
    expect(repo.resend('evt_none', 50_000)).toBe(false);
    expect(repo.byId('evt_1')).toMatchObject({ status: 'pending', next_attempt_at: 50_000, delivered_at: null });
    repo.claim('evt_1', 50_000, 65_000);
    repo.failed('evt_1', null, 'Connection refused');
    expect(repo.byId('evt_1')).toMatchObject({ status: 'failed', next_attempt_at: null, last_status: null, last_error: 'Connection refused' });
    expect(repo.attemptsOf('evt_1')).toEqual([{ at: 10_000, http_status: 500, error: 'HTTP 500', duration_ms: 12 }]);
  });

  it('the due scan, the recent list and the attempt log use their indexes', () => {
    expect(plan("SELECT id FROM callback_events WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT 5", 1)).toMatch(/callback_events_due/);
    expect(plan('SELECT * FROM callback_events ORDER BY created_at DESC, id DESC LIMIT 5')).toMatch(/callback_events_recent/);
    expect(plan('SELECT * FROM callback_attempts WHERE event_id = ? ORDER BY at', 'e')).toMatch(/callback_attempts_of_event/);
  });
});
