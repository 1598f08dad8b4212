// The refunds repository on both engines: intents, attempts and errors, the gateway's answers (its refund id
// kept once known), the views with their payment and approver, the filtered and searched list (LIKE escapes,
// ASCII case), what recovery picks up, and the payment's first authorisation.
import { beforeAll, expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';
import { HOUR, refundIntent, seedMoney, T0 } from './money-seed';

describeOnBothEngines('refunds repository', (store) => {
  beforeAll(() => {
    const s = store();
    seedMoney(s);
    const { refunds } = s.repos;
    refunds.insertIntent(refundIntent('rf_1', { approvedBy: 'op_owner', note: 'Customer changed mind' }));
    refunds.insertIntent(refundIntent('rf_2', { operatorId: null, operatorName: 'API', amountMinor: 5_000, reason: 'duplicate', createdAt: T0 + 5 * HOUR }));
    refunds.insertIntent(refundIntent('rf_3', {
      paymentId: 'pay_c', accountId: 'acct_rl', gateway: 'razorpay', livemode: 1, gatewayPaymentId: 'pay_RZC', currency: 'INR', reason: null, speed: 'optimum', createdAt: T0 + 6 * HOUR,
    }));
    refunds.insertIntent(refundIntent('rf_4', { paymentId: 'pay_b', gatewayPaymentId: 'pi_b', operatorId: 'op_owner', operatorName: 'Meera' }));
  });

  it('stores an intent, counts attempts, notes errors only while waiting, and keeps the first gateway id', () => {
    const { refunds } = store().repos;
    const t = T0 + 4 * HOUR;
    expect(refunds.byId('rf_1')).toEqual({
      id: 'rf_1', payment_id: 'pay_a', account_id: 'acct_st', gateway: 'stripe', livemode: 0, gateway_payment_id: 'pi_a', amount_minor: 10_000, currency: 'USD',
      reason: 'requested_by_customer', speed: null, note: 'Customer changed mind', status: 'requested', failure_reason: null, last_error: null, attempts: 0,
      gateway_refund_id: null, idempotency_key: 'rk-rf_1', request_id: 'req-rf_1', operator_id: 'op_staff', operator_name: 'Ravi', approved_by: 'op_owner',
      created_at: t, updated_at: t,
    });
    refunds.countAttempt('rf_1', t + 1);
    refunds.countAttempt('rf_1', t + 2);
    refunds.noteError('rf_1', 'The gateway did not answer in 30 s', t + 3);
    expect(refunds.byId('rf_1')).toMatchObject({ attempts: 2, last_error: 'The gateway did not answer in 30 s', updated_at: t + 3 });
    refunds.setState({ id: 'rf_1', status: 'pending', failureReason: null, gatewayRefundId: 're_1', now: t + 10 });
    refunds.noteError('rf_1', 'ignored once an answer came', t + 11);
    expect(refunds.byId('rf_1')).toMatchObject({ status: 'pending', last_error: null, gateway_refund_id: 're_1', updated_at: t + 10 });
    refunds.setState({ id: 'rf_1', status: 'succeeded', failureReason: null, gatewayRefundId: 're_other', now: t + 20 });
    expect(refunds.byId('rf_1')).toMatchObject({ status: 'succeeded', gateway_refund_id: 're_1', updated_at: t + 20 });
    refunds.setState({ id: 'rf_3', status: 'failed', failureReason: 'insufficient balance', gatewayRefundId: null, now: t + 30 });
    expect(refunds.byId('rf_3')).toMatchObject({ status: 'failed', failure_reason: 'insufficient balance', gateway_refund_id: null, livemode: 1, speed: 'optimum' });
    expect(refunds.byId('nope')).toBeUndefined();
    expect(refunds.byGatewayId('re_1')?.id).toBe('rf_1');
    expect(refunds.byGatewayId('re_other')).toBeUndefined();
    expect(refunds.byRequest('req-rf_2')?.id).toBe('rf_2');
    expect(refunds.byRequest('req-none')).toBeUndefined();
  });

  it('rejects a second intent with the same idempotency key', () => {
    expect(() => store().repos.refunds.insertIntent(refundIntent('rf_dup', { idempotencyKey: 'rk-rf_1' }))).toThrow();
    expect(store().repos.refunds.byId('rf_dup')).toBeUndefined();
  });

  it('lists a payment\'s refunds and their views', () => {
    const { refunds } = store().repos;
    expect(refunds.ofPayment('pay_a').map((r) => r.id)).toEqual(['rf_1', 'rf_2']);
    expect(refunds.ofPayment('pay_d')).toEqual([]);
    const v = refunds.view('rf_1');
    expect(v).toMatchObject({ id: 'rf_1', order_ref: 'ORD-pay_a', customer_name: 'Asha Rao', customer_email: 'asha@example.in', approved_by_name: 'Meera' });
    expect(refunds.view('rf_2')).toMatchObject({ approved_by_name: null, operator_id: null });
    expect(refunds.view('nope')).toBeUndefined();
    expect(refunds.viewsOfPayment('pay_a').map((r) => r.id)).toEqual(['rf_2', 'rf_1']);
  });

  it('filters, pages and searches the list', () => {
    const { refunds } = store().repos;
    const ids = (f: Partial<Parameters<typeof refunds.list>[0]>) => {
      const r = refunds.list({ limit: 10, offset: 0, ...f });
      return { ids: r.items.map((i) => i.id), total: r.total };
    };
    expect(ids({})).toEqual({ ids: ['rf_3', 'rf_2', 'rf_4', 'rf_1'], total: 4 });
    expect(ids({ limit: 2, offset: 1 })).toEqual({ ids: ['rf_2', 'rf_4'], total: 4 });
    expect(ids({ status: 'requested' })).toEqual({ ids: ['rf_2', 'rf_4'], total: 2 });
    expect(ids({ gateway: 'razorpay' })).toEqual({ ids: ['rf_3'], total: 1 });
    expect(ids({ accountId: 'acct_st', operatorId: 'op_staff' })).toEqual({ ids: ['rf_1'], total: 1 });
    expect(ids({ paymentId: 'pay_a' })).toEqual({ ids: ['rf_2', 'rf_1'], total: 2 });
    expect(ids({ from: T0 + 5 * HOUR, to: T0 + 6 * HOUR })).toEqual({ ids: ['rf_2'], total: 1 });
    // ASCII case is ignored on both engines
    expect(ids({ search: 'ASHA' })).toEqual({ ids: ['rf_2', 'rf_1'], total: 2 });
    expect(ids({ search: 'meera' })).toEqual({ ids: ['rf_4'], total: 1 });
    // …and only ASCII: SQLite's LIKE does not fold ë, nor does ILIKE over COLLATE "C"
    expect(ids({ search: 'zoë' })).toEqual({ ids: ['rf_3'], total: 1 });
    expect(ids({ search: 'ZOË' })).toEqual({ ids: [], total: 0 });
    // %, _ and \ are the merchant's characters, not wildcards
    expect(ids({ search: '50%_' })).toEqual({ ids: ['rf_4'], total: 1 });
    expect(ids({ search: '%' })).toEqual({ ids: ['rf_4'], total: 1 });
    expect(ids({ search: 're_1' })).toEqual({ ids: ['rf_1'], total: 1 });
    expect(ids({ search: 're1' })).toEqual({ ids: [], total: 0 });
    expect(ids({ search: '\\' })).toEqual({ ids: [], total: 0 });
    expect(ids({ search: 'ORD-pay_c', gateway: 'razorpay' })).toEqual({ ids: ['rf_3'], total: 1 });
    expect(ids({ search: 'kiran', status: 'succeeded' })).toEqual({ ids: [], total: 0 });
  });

  it('picks up requested rows and stale pending ones, oldest first', () => {
    const { refunds } = store().repos;
    refunds.setState({ id: 'rf_2', status: 'pending', failureReason: null, gatewayRefundId: 're_2', now: T0 + 5 * HOUR + 1 });
    expect(refunds.unsettled(T0 + 5 * HOUR).map((r) => r.id)).toEqual(['rf_4']);
    expect(refunds.unsettled(T0 + 5 * HOUR + 1).map((r) => r.id)).toEqual(['rf_4', 'rf_2']);
  });

  it('reads the first authorisation of a payment', () => {
    const s = store();
    expect(s.repos.refunds.firstAuthorizationAt('pay_a')).toBeNull();
    s.exec(`INSERT INTO payment_events (payment_id, at, recorded_at, kind, source, changed, status_after) VALUES
      ('pay_a', ${T0 + 50}, ${T0 + 60}, 'authorized', 'webhook', 1, 'authorized'),
      ('pay_a', ${T0 + 20}, ${T0 + 70}, 'authorized', 'sync', 0, 'authorized'),
      ('pay_a', ${T0 + 10}, ${T0 + 80}, 'captured', 'webhook', 1, 'paid')`);
    expect(s.repos.refunds.firstAuthorizationAt('pay_a')).toBe(T0 + 20);
    expect(s.repos.refunds.firstAuthorizationAt('pay_d')).toBeNull();
  });
});
