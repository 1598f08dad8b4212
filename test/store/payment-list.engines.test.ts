// The payments list repository on both engines: every filter, the keyset pages (newest first, ties by id),
// the text search (FTS5 trigram or LIKE on SQLite, ILIKE through payments_search_trgm on PostgreSQL: the
// same rows, % and _ searched as typed), the id prefixes, the statement cache past its size, the detail's
// timeline and raw events, and the overview's counts and sums.
import { beforeAll, expect, it } from 'vitest';
import { listFilters } from '../../electron/core/store/repos/payment-list';
import { pgStatement } from '../../electron/core/store/pg/statement';
import type { PgSync } from '../../electron/core/store/pg/sync-client';
import { initialPaymentState, type PaymentState } from '../../shared/status';
import { describeOnBothEngines, type EngineStore } from '../fixtures/engines';
import { T0, paymentInsert, seedAccounts } from './payment-seed';

const MIN = 60_000;
const DAYS = 40 * 86_400_000;
const captured = (payId: string, amount: number, at: number, refunded = 0): PaymentState => ({
  ...initialPaymentState(amount),
  captures: { [payId]: { amount, full: true, at } },
  refunds: refunded ? { re_1: { amount: refunded, status: 'succeeded', at: at + MIN } } : {},
});

function seed(s: EngineStore): void {
  seedAccounts(s);
  const { payments } = s.repos;
  const add = (id: string, over: Parameters<typeof paymentInsert>[1], state?: PaymentState, ids = {}) => {
    payments.insert(paymentInsert(id, over));
    if (state) payments.saveState(id, state, ids, (over?.createdAt ?? T0) + 30 * MIN);
  };
  add('pd_k1', { createdAt: T0 + 1 * MIN, orderRef: 'KURTA-001', customerName: 'Meera Iyer', customerEmail: 'meera@shop.in', description: '50% off festive kurta' },
    captured('pay_k1', 125_000, T0 + 2 * MIN), { sessionId: 'cs_test_kurta1' });
  add('pd_k2', { createdAt: T0 + 2 * MIN, orderRef: 'KURTA-002', customerName: 'Ravi Kumar', customerEmail: 'ravi@shop.in', description: '500 rupee voucher', customerPhone: '+919811122233' },
    captured('pay_k2', 80_000, T0 + 3 * MIN, 80_000), { sessionId: 'cs_test_kurta2' });
  add('pd_k3', { createdAt: T0 + 2 * MIN, orderRef: 'SAREE_9', customerName: 'Asha Rao', customerEmail: 'asha@example.in', description: 'Silk saree' },
    { ...initialPaymentState(125_000), base: 'failed', lastFailure: { at: T0 + 3 * MIN, reason: 'card_declined' } });
  add('pd_k4', { createdAt: T0 + 4 * MIN, orderRef: 'SAREEX9', accountId: 'acct_rl', gateway: 'razorpay', kind: 'razorpay_link', livemode: true, currency: 'inr', amountMinor: 60_000 },
    captured('pay_k4', 60_000, T0 + 5 * MIN, 20_000), { plinkId: 'plink_ABC123' });
  add('pd_k5', { createdAt: T0 + 5 * MIN, orderRef: 'GIFT-1', accountId: 'acct_sl', livemode: true, currency: 'usd', amountMinor: 5_000, customerEmail: 'ÉLISE@Example.com', description: null },
    captured('pay_k5', 5_000, T0 + 6 * MIN, 5_000), { paymentIntentId: 'pi_gift1' });
  add('pd_k6', { createdAt: T0 + 6 * MIN, orderRef: 'LINK-1', reusable: true, expiresAt: null });
  add('pd_k7', { createdAt: T0 + 7 * MIN, orderRef: 'DRAFT-1', expiresAt: T0 + 10 * MIN }, { ...initialPaymentState(125_000), base: 'open' });
  s.exec(`UPDATE payments SET parent_id = 'pd_k6' WHERE id IN ('pd_k1', 'pd_k2')`);
}

describeOnBothEngines('payment list repository', (store, engine) => {
  beforeAll(() => seed(store()));
  const ids = (input: Parameters<ReturnType<typeof store>['repos']['paymentList']['page']>[0], take = 50) => store().repos.paymentList.page(input, null, take).map((r) => r.id);

  it('filters by status, refund state, gateway, link, account, mode and time', () => {
    const { paymentList } = store().repos;
    expect(ids({})).toEqual(['pd_k7', 'pd_k6', 'pd_k5', 'pd_k4', 'pd_k3', 'pd_k2', 'pd_k1']);
    expect(paymentList.count({})).toBe(7);
    expect(ids({ status: ['paid'] })).toEqual(['pd_k1']);
    expect(ids({ status: ['paid', 'partially_refunded'] })).toEqual(['pd_k4', 'pd_k1']);
    expect(ids({ status: ['refunded'] })).toEqual(['pd_k5', 'pd_k2']);
    expect(ids({ status: ['creating', 'failed', 'open'] })).toEqual(['pd_k7', 'pd_k6', 'pd_k3']);
    expect(ids({ gateway: 'razorpay' })).toEqual(['pd_k4']);
    expect(ids({ linkId: 'pd_k6' })).toEqual(['pd_k2', 'pd_k1']);
    expect(ids({ accountId: 'acct_sl' })).toEqual(['pd_k5']);
    expect(ids({ mode: 'live' })).toEqual(['pd_k5', 'pd_k4']);
    expect(paymentList.count({ mode: 'test' })).toBe(5);
    expect(ids({ from: T0 + 2 * MIN, to: T0 + 5 * MIN })).toEqual(['pd_k4', 'pd_k3', 'pd_k2']);
    expect(paymentList.count({ mode: 'test', status: ['refunded'], gateway: 'stripe', from: T0 })).toBe(1);
  });

  it('pages newest first, ties broken by id, after a position', () => {
    const { paymentList } = store().repos;
    expect(ids({}, 3)).toEqual(['pd_k7', 'pd_k6', 'pd_k5']);
    expect(paymentList.page({}, { createdAt: T0 + 4 * MIN, id: 'pd_k4' }, 2).map((r) => r.id)).toEqual(['pd_k3', 'pd_k2']);
    expect(paymentList.page({}, { createdAt: T0 + 2 * MIN, id: 'pd_k3' }, 5).map((r) => r.id)).toEqual(['pd_k2', 'pd_k1']);
    expect(paymentList.page({ search: 'kurta-0' }, { createdAt: T0 + 2 * MIN, id: 'pd_k2' }, 5).map((r) => r.id)).toEqual(['pd_k1']);
    expect(paymentList.page({ mode: 'test' }, { createdAt: T0 + 1 * MIN, id: 'pd_k1' }, 5)).toEqual([]);
  });

  it('searches the merchant text in any case, % and _ as typed', () => {
    const { paymentList } = store().repos;
    expect(ids({ search: 'kurta-0' })).toEqual(['pd_k2', 'pd_k1']);
    expect(ids({ search: 'MEERA@' })).toEqual(['pd_k1']);
    expect(ids({ search: 'silk' })).toEqual(['pd_k3']);
    expect(ids({ search: 'FESTIVE KURTA' })).toEqual(['pd_k1']);
    expect(ids({ search: 'cotton kurta' })).toEqual(['pd_k7', 'pd_k6', 'pd_k4']);
    expect(ids({ search: '98111' })).toEqual(['pd_k2']);
    expect(ids({ search: '50%' })).toEqual(['pd_k1']);
    expect(ids({ search: '%' })).toEqual([]);
    expect(ids({ search: 'E_9' })).toEqual(['pd_k3']);
    expect(ids({ search: '_' })).toEqual(['pd_k3']);
    // below 3 characters: order ref, email and name only
    expect(ids({ search: 'vi' })).toEqual(['pd_k2']);
    expect(ids({ search: 'lk' })).toEqual([]);
    expect(ids({ search: 'élise' })).toEqual(engine === 'sqlite' ? ['pd_k5'] : []);
    expect(ids({ search: 'nothing like it' })).toEqual([]);
    expect(paymentList.count({ search: 'shop.in', status: ['refunded'] })).toBe(1);
    expect(ids({ search: 'a\u0000bc' })).toEqual([]);
  });

  it('finds a payment by our id or a gateway id, whole or its beginning', () => {
    expect(ids({ search: 'pd_k4' })).toEqual(['pd_k4']);
    expect(ids({ search: 'cs_test_kurta' })).toEqual(['pd_k2', 'pd_k1']);
    expect(ids({ search: 'plink_ABC' })).toEqual(['pd_k4']);
    expect(ids({ search: 'pi_gift1' })).toEqual(['pd_k5']);
    expect(ids({ search: 'pay_k' })).toEqual(['pd_k5', 'pd_k4', 'pd_k2', 'pd_k1']);
    expect(ids({ search: 'plink_abc' })).toEqual([]);
  });

  it('keeps answering right past the statement cache size', () => {
    const { paymentList } = store().repos;
    const statuses = ['creating', 'open', 'failed', 'expired', 'cancelled', 'authorized', 'partially_paid', 'paid'] as const;
    const shapes = Array.from({ length: 160 }, (_, i) => ({ status: statuses.filter((_, b) => (i % 255 + 1) & (1 << b)), ...(i >= 128 ? { mode: 'test' as const } : {}) }));
    const first = shapes.map((input) => paymentList.count(input));
    expect(shapes.map((input) => paymentList.count(input))).toEqual(first);
    expect(paymentList.count({ status: ['paid'] })).toBe(1);
  });

  it('reads a payment, its timeline and its raw events', () => {
    const s = store();
    const { paymentList, payments, webhookEvents } = s.repos;
    expect(paymentList.get('pd_k1')).toMatchObject({ id: 'pd_k1', status: 'paid', parent_id: 'pd_k6' });
    expect(paymentList.get('pd_none')).toBeUndefined();
    payments.addTimeline({ paymentId: 'pd_k3', at: T0 + 9, recordedAt: T0 + 9, event: { type: 'opened', at: T0 + 9 }, source: 'sync', webhookEventId: null, gatewayType: null, changed: true, statusAfter: 'open' });
    payments.addTimeline({ paymentId: 'pd_k3', at: T0 + 3, recordedAt: T0 + 9, event: { type: 'created', at: T0 + 3 }, source: 'local', webhookEventId: null, gatewayType: null, changed: true, statusAfter: 'creating' });
    expect(paymentList.timelineOf('pd_k3')).toEqual([
      { at: T0 + 3, kind: 'created', source: 'local', gateway_type: null, changed: 1, status_after: 'creating', detail: '{}' },
      { at: T0 + 9, kind: 'opened', source: 'sync', gateway_type: null, changed: 1, status_after: 'open', detail: '{}' },
    ]);
    const raw = Buffer.from('{"id":"evt_k3"}');
    const insert = (eventId: string) => webhookEvents.insert({ gateway: 'stripe', accountId: 'acct_st', eventId, type: 'payment_intent.payment_failed', livemode: false, raw, bodySha256: null, signature: 'valid', createdAt: null, receivedAt: T0 + 7 }, { at: T0 + 8, result: 'changed', paymentId: 'pd_k3' });
    const e2 = insert('evt_k3b');
    const e1 = insert('evt_k3a');
    const events = paymentList.rawEventsOf('pd_k3');
    expect(events.map((e) => [e.id, e.event_id, e.created_at, e.apply_result])).toEqual([[e2, 'evt_k3b', null, 'changed'], [e1, 'evt_k3a', null, 'changed']]);
    expect(Buffer.isBuffer(events[0]!.raw) && events[0]!.raw.equals(raw)).toBe(true);
    expect(paymentList.rawEventsOf('pd_k1')).toEqual([]);
  });

  it('counts and sums what the overview shows', () => {
    const { paymentList } = store().repos;
    expect(paymentList.capturedSince(T0, false)).toEqual(expect.arrayContaining([
      { paid_at: T0 + 2 * MIN, currency: 'INR', captured_minor: 125_000 },
      { paid_at: T0 + 3 * MIN, currency: 'INR', captured_minor: 80_000 },
    ]));
    expect(paymentList.capturedSince(T0 + 3 * MIN, false)).toHaveLength(1);
    expect(paymentList.capturedSince(T0, true)).toHaveLength(2);
    expect(paymentList.openLinkCount(false, T0)).toBe(2);
    expect(paymentList.openLinkCount(false, T0 + 11 * MIN)).toBe(1);
    expect(paymentList.failedSinceCount(false, T0)).toBe(1);
    expect(paymentList.failedSinceCount(false, T0 + 3 * MIN)).toBe(0);
    expect(paymentList.creatingCount(false)).toBe(1);
    expect(paymentList.creatingCount(true)).toBe(0);
    expect(paymentList.refundsSince(false, T0)).toEqual([{ currency: 'INR', count: 1, amountMinor: 80_000 }]);
    expect(paymentList.refundsSince(true, T0)).toEqual([{ currency: 'INR', count: 1, amountMinor: 20_000 }, { currency: 'USD', count: 1, amountMinor: 5_000 }]);
    expect(paymentList.refundsSince(true, T0 + DAYS)).toEqual([]);
  });

  if (engine === 'postgres') {
    it('searches text through the trigram index', () => {
      const s = store();
      const pg = (s as unknown as { pg: PgSync }).pg;
      const plan = (search: string): string => {
        const { where, params } = listFilters({ search }, 'postgres');
        s.exec('SET enable_seqscan = off');
        try {
          return (pgStatement(pg, `EXPLAIN SELECT id FROM payments WHERE ${where.join(' AND ')}`).pluck().all(...params) as string[]).join('\n');
        } finally {
          s.exec('RESET enable_seqscan');
        }
      };
      for (const search of ['kurta', 'ra']) {
        expect(plan(search)).toContain('Bitmap Index Scan on payments_search_trgm');
        expect(plan(search)).not.toContain('Seq Scan');
      }
    });
  }
});
