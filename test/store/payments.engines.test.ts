// The payments repository on both engines: inserts with their defaults, look-ups by our id and by each
// gateway id (the oldest payment first), the state reads (raw arrays on SQLite, objects on PostgreSQL, the
// same row either way), saveState's full and partial updates, and the timeline with its failure recount (each
// try once: by the gateway's id for it where it has one, else by its time).
import { beforeAll, expect, it } from 'vitest';
import { applyPaymentEvent, initialPaymentState, summarizePayment, type PaymentEvent, type PaymentState } from '../../shared/status';
import { describeOnBothEngines } from '../fixtures/engines';
import { T0, paymentInsert, seedAccounts } from './payment-seed';

const fold = (state: PaymentState, ...events: PaymentEvent[]): PaymentState => events.reduce((s, e) => applyPaymentEvent(s, e).state, state);

describeOnBothEngines('payments repository', (store, engine) => {
  beforeAll(() => seedAccounts(store()));

  it('inserts a payment with its defaults and reads it back by id and URL', () => {
    const { payments, paymentLinks } = store().repos;
    payments.insert(paymentInsert('pd_a1', { attemptNo: 2, gatewayRef: 'ORD-pd_a1/2', reusable: true }));
    expect(payments.byId('pd_a1')).toMatchObject({
      id: 'pd_a1', account_id: 'acct_st', gateway: 'stripe', livemode: 0, kind: 'stripe_checkout', order_ref: 'ORD-pd_a1', amount_minor: 125_000,
      currency: 'INR', notes: '{"channel":"counter"}', status: 'creating', refund_state: 'none', machine: null, captured_minor: 0, refunded_minor: 0,
      fee_minor: null, paid_at: null, created_at: T0, updated_at: T0, parent_id: null, attempt_no: 2, gateway_ref: 'ORD-pd_a1/2', reusable: 1,
      failed_attempts: 0, payment_count: 0, expires_at: T0 + 86_400_000, url: null,
    });
    payments.insert(paymentInsert('pd_a2', { description: undefined, customerName: undefined, notes: undefined, expiresAt: undefined, createdBy: undefined }));
    expect(payments.byId('pd_a2')).toMatchObject({ description: null, customer_name: null, notes: '{}', expires_at: null, created_by: null, reusable: 0, attempt_no: 1, gateway_ref: 'ORD-pd_a2' });
    expect(payments.byId('pd_none')).toBeUndefined();
    expect(payments.hasLinkUrl('https://checkout.example/a1')).toBe(false);
    paymentLinks.setGatewayFields('pd_a1', 'https://checkout.example/a1', null, T0 + 5);
    expect(payments.hasLinkUrl('https://checkout.example/a1')).toBe(true);
  });

  it('finds a payment by our id, then by each gateway id, within its account only', () => {
    const { payments } = store().repos;
    payments.insert(paymentInsert('pd_f1', { createdAt: T0 + 10 }));
    payments.insert(paymentInsert('pd_f2', { createdAt: T0 + 5 }));
    payments.saveState('pd_f1', initialPaymentState(125_000), { sessionId: 'cs_same', chargeId: 'ch_f1' }, T0 + 20);
    payments.saveState('pd_f2', initialPaymentState(125_000), { sessionId: 'cs_same', paymentIntentId: 'pi_f2' }, T0 + 20);
    expect(payments.findForRef('acct_st', { paydeskId: 'pd_f1', ids: {} })?.id).toBe('pd_f1');
    expect(payments.findForRef('acct_rl', { paydeskId: 'pd_f1', ids: {} })).toBeUndefined();
    // two payments with one session id: the older one
    expect(payments.findForRef('acct_st', { paydeskId: null, ids: { sessionId: 'cs_same' } })?.id).toBe('pd_f2');
    expect(payments.findForRef('acct_st', { paydeskId: 'pd_gone', ids: { chargeId: 'ch_f1' } })?.id).toBe('pd_f1');
    expect(payments.findForRef('acct_st', { paydeskId: null, ids: { orderId: 'order_x', paymentIntentId: 'pi_f2' } })?.id).toBe('pd_f2');
    expect(payments.findForRef('acct_st', { paydeskId: null, ids: { paymentId: 'pay_none' } })).toBeUndefined();

    const state = payments.findStateForRef('acct_st', { paydeskId: 'pd_f1', ids: {} });
    expect(state).toEqual({
      id: 'pd_f1', account_id: 'acct_st', gateway: 'stripe', amount_minor: 125_000, status: 'creating', status_reason: null, refund_state: 'none',
      machine: expect.any(String), captured_minor: 0, refunded_minor: 0, fee_minor: null, tax_minor: null, net_minor: null, paid_at: null,
      session_id: 'cs_same', plink_id: null, order_id: null, payment_intent_id: null, charge_id: 'ch_f1', gateway_payment_id: null,
      parent_id: null, reusable: 0, method: null, balance_txn_id: null, available_on: null,
    });
    expect(payments.findStateForRef('acct_st', { paydeskId: null, ids: { paymentIntentId: 'pi_f2' } })?.id).toBe('pd_f2');
    expect(payments.findStateForRef('acct_st', { paydeskId: null, ids: { sessionId: 'cs_same' } })?.id).toBe('pd_f2');
    expect(payments.findStateForRef('acct_sl', { paydeskId: null, ids: { sessionId: 'cs_same' } })).toBeUndefined();
  });

  it('reads several payments by id at once where a statement is a round trip (PostgreSQL), none on SQLite', () => {
    const { payments } = store().repos;
    payments.insert(paymentInsert('pd_m2', { createdAt: T0 + 30 }));
    payments.insert(paymentInsert('pd_m1', { accountId: 'acct_rl', gateway: 'razorpay', kind: 'razorpay_link', createdAt: T0 + 31 }));
    const rows = payments.statesByIds(['pd_m2', 'pd_none', 'pd_m1']);
    if (engine === 'sqlite') return expect(rows).toEqual([]);
    // in id order (the order their locks are taken), of any account, the same rows findStateForRef reads
    expect(rows.map((r) => [r.id, r.account_id])).toEqual([['pd_m1', 'acct_rl'], ['pd_m2', 'acct_st']]);
    expect(rows[1]).toEqual(payments.findStateForRef('acct_st', { paydeskId: 'pd_m2', ids: {} }));
    expect(payments.statesByIds([])).toEqual([]);
  });

  it('saves a state in full, learning gateway ids once, and keeps what the export reads', () => {
    const { payments } = store().repos;
    payments.insert(paymentInsert('pd_s1'));
    const paid = fold(initialPaymentState(125_000),
      { type: 'opened', at: T0 + 1 },
      { type: 'captured', at: T0 + 2, paymentId: 'pi_s1', amount: 125_000, full: true, method: 'card' },
      { type: 'fee_known', at: T0 + 3, paymentId: 'pi_s1', fee: 2950, tax: 450, net: 122_050, balanceTxnId: 'txn_s1', availableOn: T0 + 86_400_000 });
    const s = payments.saveState('pd_s1', paid, { sessionId: 'cs_s1', paymentIntentId: 'pi_s1' }, T0 + 10);
    expect(s.status).toBe('paid');
    expect(payments.byId('pd_s1')).toMatchObject({
      status: 'paid', captured_minor: 125_000, fee_minor: 2950, tax_minor: 450, net_minor: 122_050, paid_at: T0 + 2, session_id: 'cs_s1',
      payment_intent_id: 'pi_s1', gateway_payment_id: 'pi_s1', method: 'card', balance_txn_id: 'txn_s1', available_on: T0 + 86_400_000, updated_at: T0 + 10,
    });
    // a learnt id is never replaced, and a later state without the charge's facts keeps them
    payments.saveState('pd_s1', fold(initialPaymentState(125_000), { type: 'opened', at: T0 + 1 }), { sessionId: 'cs_other' }, T0 + 20);
    expect(payments.byId('pd_s1')).toMatchObject({ status: 'open', session_id: 'cs_s1', method: 'card', balance_txn_id: 'txn_s1', paid_at: null, updated_at: T0 + 20 });
  });

  it('saves only the changed columns with the previous row, the same result as in full', () => {
    const { payments } = store().repos;
    payments.insert(paymentInsert('pd_p1', { amountMinor: 50_000 }));
    const prev = payments.findStateForRef('acct_st', { paydeskId: 'pd_p1', ids: {} })!;
    const half = fold(initialPaymentState(50_000), { type: 'captured', at: T0 + 3, paymentId: 'pi_p1', amount: 20_000, full: false, method: 'upi' });
    payments.saveState('pd_p1', half, { plinkId: 'plink_p1' }, T0 + 30, prev, summarizePayment(half));
    expect(payments.byId('pd_p1')).toMatchObject({
      status: 'partially_paid', captured_minor: 20_000, plink_id: 'plink_p1', gateway_payment_id: 'pi_p1', method: 'upi', paid_at: T0 + 3, updated_at: T0 + 30,
    });
    // nothing changed: only updated_at is written (the statement with no changed column)
    const again = payments.findStateForRef('acct_st', { paydeskId: null, ids: { plinkId: 'plink_p1' } })!;
    payments.saveState('pd_p1', half, { plinkId: 'plink_other' }, T0 + 40, again);
    expect(payments.byId('pd_p1')).toMatchObject({ status: 'partially_paid', plink_id: 'plink_p1', updated_at: T0 + 40 });
  });

  it('adds timeline entries in time order and counts distinct failed attempts, each once', () => {
    const { payments } = store().repos;
    payments.insert(paymentInsert('pd_t1'));
    const entry = (at: number, event: PaymentEvent, changed: boolean) => payments.addTimeline({
      paymentId: 'pd_t1', at, recordedAt: T0 + 100, event, source: 'webhook', webhookEventId: null, gatewayType: 'payment_intent.payment_failed', changed, statusAfter: 'failed',
    });
    entry(T0 + 9, { type: 'attempt_failed', at: T0 + 9, reason: 'card_declined' }, true);
    entry(T0 + 5, { type: 'attempt_failed', at: T0 + 5, reason: 'insufficient_funds' }, true);
    // the first try reported again (a status check): no second entry
    entry(T0 + 9, { type: 'attempt_failed', at: T0 + 9, reason: 'card_declined' }, false);
    expect(payments.byId('pd_t1')?.failed_attempts).toBe(2);
    const timeline = payments.timeline('pd_t1');
    expect(timeline.map((t) => [t.at, t.changed])).toEqual([[T0 + 5, 1], [T0 + 9, 1]]);
    expect(JSON.parse(timeline[0]!.detail)).toEqual({ reason: 'insufficient_funds' });
    expect(timeline[0]).toMatchObject({ kind: 'attempt_failed', status_after: 'failed', gateway_type: 'payment_intent.payment_failed', webhook_event_id: null });
    expect(payments.timeline('pd_none')).toEqual([]);
  });

  it('records and counts a try once, by the gateway\'s id for it or else by its time', () => {
    const { payments } = store().repos;
    payments.insert(paymentInsert('pd_t2'));
    const entry = (at: number, attemptId: string | null) => payments.addTimeline({
      paymentId: 'pd_t2', at, recordedAt: T0 + 100, event: { type: 'attempt_failed', at, reason: 'card_declined', attemptId }, source: 'webhook', webhookEventId: null,
      gatewayType: 'charge.failed', changed: true, statusAfter: 'failed',
    });
    entry(T0 + 1_000, 'ch_1');
    entry(T0 + 2_000, 'ch_1');
    expect(payments.byId('pd_t2')?.failed_attempts).toBe(1);
    entry(T0 + 2_000, 'ch_2');
    expect(payments.byId('pd_t2')?.failed_attempts).toBe(2);
    // a try the gateway gives no id (Stripe: an authentication failure) is told apart by its time
    entry(T0 + 3_000, null);
    entry(T0 + 3_000, null);
    expect(payments.byId('pd_t2')?.failed_attempts).toBe(3);
    // an entry stored without an id, then the same try reported with one at the same time
    entry(T0 + 4_000, null);
    entry(T0 + 4_000, 'ch_4');
    expect(payments.byId('pd_t2')?.failed_attempts).toBe(4);
    expect(payments.timeline('pd_t2').map((t) => [t.at, JSON.parse(t.detail).attemptId ?? null])).toEqual([
      [T0 + 1_000, 'ch_1'], [T0 + 2_000, 'ch_2'], [T0 + 3_000, null], [T0 + 4_000, null],
    ]);
  });

  it('refuses a second payment with the same idempotency key', () => {
    const { payments } = store().repos;
    payments.insert(paymentInsert('pd_u1', { idempotencyKey: 'idem-shared' }));
    expect(() => payments.insert(paymentInsert('pd_u2', { idempotencyKey: 'idem-shared' }))).toThrow();
    expect(payments.byId('pd_u2')).toBeUndefined();
  });
});
