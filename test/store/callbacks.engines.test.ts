// The callback outbox on both engines: idempotent enqueue, due order and limit, the claim's lease (a second
// claim of the same attempt gets nothing), delivered / retry / failed / resend, the attempts log, the recent
// list, counts per status, and the start-up sweep's query over payments.
import { expect, it } from 'vitest';
import type { CallbackEnqueue } from '../../electron/core/store/repos/callbacks';
import { describeOnBothEngines } from '../fixtures/engines';

const event = (over: Partial<CallbackEnqueue>): CallbackEnqueue => ({
  id: 'evt_1', type: 'payment.paid', subject: 'pay_1', paymentId: 'pay_1', accountId: 'acc_1', livemode: false,
  payload: '{"type":"payment.paid"}', at: 1000, ...over,
});

const PAYMENT = `INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, idempotency_key,
  created_at, updated_at, gateway_ref, status, refunded_minor) VALUES`;

describeOnBothEngines('callbacks repository', (store) => {
  it('enqueues once per type and subject, and lists what is due', () => {
    const { callbacks } = store().repos;
    expect(callbacks.enqueue(event({}))).toBe(true);
    expect(callbacks.enqueue(event({ id: 'evt_dup' }))).toBe(false);
    expect(callbacks.enqueue(event({ id: 'evt_2', type: 'payment.refunded', at: 500, livemode: true }))).toBe(true);
    expect(callbacks.enqueue(event({ id: 'evt_3', subject: 'pay_3', paymentId: 'pay_3', at: 3000 }))).toBe(true);
    expect(callbacks.exists('payment.paid', 'pay_1')).toBe(true);
    expect(callbacks.exists('payment.failed', 'pay_1')).toBe(false);
    expect(callbacks.byId('evt_dup')).toBeUndefined();
    expect(callbacks.byId('evt_2')).toEqual({
      id: 'evt_2', type: 'payment.refunded', subject: 'pay_1', payment_id: 'pay_1', account_id: 'acc_1', livemode: 1,
      payload: '{"type":"payment.paid"}', created_at: 500, status: 'pending', attempts: 0, next_attempt_at: 500,
      last_status: null, last_error: null, delivered_at: null,
    });
    expect(callbacks.due(1000, 10)).toEqual(['evt_2', 'evt_1']);
    expect(callbacks.due(1000, 1)).toEqual(['evt_2']);
    expect(callbacks.due(499, 10)).toEqual([]);
  });

  it('claims an attempt once, then records delivery, retry, failure and resend', () => {
    const { callbacks } = store().repos;
    const claimed = callbacks.claim('evt_1', 1000, 31_000);
    expect(claimed).toMatchObject({ id: 'evt_1', attempts: 1, next_attempt_at: 31_000, status: 'pending' });
    expect(callbacks.claim('evt_1', 1000, 31_000)).toBeUndefined();
    expect(callbacks.claim('evt_unknown', 1000, 31_000)).toBeUndefined();

    callbacks.retryAt('evt_1', 60_000, 502, 'Bad gateway');
    expect(callbacks.byId('evt_1')).toMatchObject({ status: 'pending', next_attempt_at: 60_000, last_status: 502, last_error: 'Bad gateway' });
    callbacks.delivered('evt_1', 61_000, 200);
    expect(callbacks.byId('evt_1')).toMatchObject({ status: 'delivered', next_attempt_at: null, delivered_at: 61_000, last_status: 200, last_error: null });
    callbacks.failed('evt_2', null, 'Connection refused');
    expect(callbacks.byId('evt_2')).toMatchObject({ status: 'failed', next_attempt_at: null, last_status: null, last_error: 'Connection refused' });
    expect(callbacks.counts()).toEqual({ pending: 1, delivered: 1, failed: 1 });

    expect(callbacks.resend('evt_1', 70_000)).toBe(true);
    expect(callbacks.resend('evt_unknown', 70_000)).toBe(false);
    expect(callbacks.byId('evt_1')).toMatchObject({ status: 'pending', next_attempt_at: 70_000, delivered_at: null, attempts: 1 });
    expect(callbacks.counts()).toEqual({ pending: 2, delivered: 0, failed: 1 });
  });

  it('logs attempts in time order and lists events newest first', () => {
    const { callbacks } = store().repos;
    callbacks.logAttempt({ eventId: 'evt_1', at: 2000, httpStatus: null, error: 'timeout', durationMs: 10_000 });
    callbacks.logAttempt({ eventId: 'evt_1', at: 1000, httpStatus: 502, error: null, durationMs: 35 });
    callbacks.logAttempt({ eventId: 'evt_1', at: 2000, httpStatus: 200, error: null, durationMs: 12 });
    expect(callbacks.attemptsOf('evt_1')).toEqual([
      { at: 1000, http_status: 502, error: null, duration_ms: 35 },
      { at: 2000, http_status: null, error: 'timeout', duration_ms: 10_000 },
      { at: 2000, http_status: 200, error: null, duration_ms: 12 },
    ]);
    expect(callbacks.attemptsOf('evt_3')).toEqual([]);
    expect(callbacks.recent(10).map((e) => e.id)).toEqual(['evt_3', 'evt_1', 'evt_2']);
    expect(callbacks.recent(1).map((e) => e.id)).toEqual(['evt_3']);
  });

  it('finds payments changed since a time that may carry a fact to announce', () => {
    const s = store();
    s.exec(`INSERT INTO accounts (id, gateway, mode, livemode, label, created_at, updated_at) VALUES ('acc_1', 'stripe', 'test', 0, 'Shop', 1, 1)`);
    s.exec(`${PAYMENT}
      ('pay_a', 'acc_1', 'stripe', 0, 'stripe_checkout', 'A', 100, 'EUR', 'ik_a', 1, 5000, 'A', 'paid', 0),
      ('pay_b', 'acc_1', 'stripe', 0, 'stripe_checkout', 'B', 100, 'EUR', 'ik_b', 1, 4000, 'B', 'open', 0),
      ('pay_c', 'acc_1', 'stripe', 0, 'stripe_checkout', 'C', 100, 'EUR', 'ik_c', 1, 3000, 'C', 'authorized', 50),
      ('pay_d', 'acc_1', 'stripe', 0, 'stripe_checkout', 'D', 100, 'EUR', 'ik_d', 1, 6000, 'D', 'expired', 0),
      ('pay_e', 'acc_1', 'stripe', 0, 'stripe_checkout', 'E', 100, 'EUR', 'ik_e', 1, 1000, 'E', 'failed', 0)`);
    expect(s.repos.callbacks.paymentsChangedSince(2000, 10)).toEqual(['pay_c', 'pay_a', 'pay_d']);
    expect(s.repos.callbacks.paymentsChangedSince(2000, 2)).toEqual(['pay_c', 'pay_a']);
  });
});
