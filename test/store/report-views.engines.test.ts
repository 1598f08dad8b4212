// The report views on both engines: every money movement summed per currency and 15-minute UTC bucket (the
// local day is the summary's work, so a +05:30 zone splits at 18:30 UTC: checked through summarize), the
// settlements with matched / unmatched counts, one settlement's items and flags, and the flag lists.
import { beforeAll, expect, it } from 'vitest';
import { summarize } from '../../electron/core/reports/summary';
import type { ReportsService } from '../../electron/core/reports/service';
import type { MovementBucket, ViewFilters } from '../../electron/core/store/repos/report-views';
import { describeOnBothEngines, type EngineStore } from '../fixtures/engines';
import { HOUR, refundIntent, seedMoney } from './money-seed';

/** midnight in India (+05:30) on 3 November 2026, a multiple of the 15-minute bucket */
const M = Date.UTC(2026, 10, 2, 18, 30);
const B = M / 900_000;
const DAY = 24 * HOUR;
const ZERO = { payments: 0, refunds_n: 0, external_n: 0, gross: 0, refunds: 0, fees: 0, tax: 0, disputes: 0, adjustments: 0, net: 0, settled: 0 };

function seed(s: EngineStore): void {
  seedMoney(s);
  s.exec(`UPDATE payments SET paid_at = ${M - 1} WHERE id = 'pay_a'`);
  s.exec(`UPDATE payments SET paid_at = ${M} WHERE id = 'pay_b'`);
  s.exec(`UPDATE payments SET paid_at = ${M + HOUR / 2} WHERE id = 'pay_c'`);
  const { refunds, settlements, reconciliation } = s.repos;
  refunds.insertIntent(refundIntent('rf_1', { createdAt: M + HOUR }));
  refunds.setState({ id: 'rf_1', status: 'succeeded', failureReason: null, gatewayRefundId: 're_1', now: M + HOUR });
  refunds.insertIntent(refundIntent('rf_2', { createdAt: M + HOUR }));
  refunds.setState({ id: 'rf_2', status: 'failed', failureReason: 'declined', gatewayRefundId: null, now: M + HOUR });
  const base = { accountId: 'acct_st', gateway: 'stripe' as const, livemode: false, currency: 'USD', fee: 0, tax: 0, utr: null, arrivalAt: null };
  settlements.upsert({ ...base, id: 'stl_1', gatewayId: 'po_1', amount: 100_000, status: 'paid', createdAt: M + DAY, arrivalAt: M + 2 * DAY, utr: 'UTR1' }, M);
  settlements.upsert({ ...base, id: 'stl_fail', gatewayId: 'po_2', amount: -100, status: 'failed', createdAt: M + 5 * HOUR, manual: true, warning: 'no items' }, M);
  const it0 = { settlementId: 'stl_1', paymentId: null, fee: 0, tax: 0 };
  settlements.addItem({ ...it0, kind: 'payment', paymentId: 'pay_a', txn: 'txn_a', amount: 125_000, net: 125_000, createdAt: M + 6 * HOUR });
  settlements.addItem({ ...it0, kind: 'refund', txn: 'txn_r', amount: -10_000, net: -10_000, createdAt: M + HOUR });
  settlements.addItem({ ...it0, kind: 'payment', txn: 'txn_x', amount: 7_000, fee: 200, net: 6_800, createdAt: M + 2 * HOUR });
  settlements.addItem({ ...it0, kind: 'fee', txn: 'txn_fee', amount: -200, fee: 36, tax: 36, net: -236, createdAt: null as unknown as number });
  settlements.addItem({ ...it0, kind: 'dispute', txn: 'txn_dsp', amount: -5_000, fee: 1_500, net: -6_500, createdAt: M + 3 * HOUR });
  settlements.addItem({ ...it0, kind: 'adjustment', txn: 'txn_adj', amount: 300, net: 300, createdAt: M + 3 * HOUR });
  settlements.addItem({ ...it0, settlementId: 'stl_fail', kind: 'adjustment', txn: 'txn_adj2', amount: -100, net: -100, createdAt: M + 5 * HOUR });
  const items = s.repos.reportViews.settlementItems('stl_1');
  const idOf = (txn: string) => items.find((i) => i.gateway_txn_id === txn)!.id;
  settlements.linkRefund(idOf('txn_r'), 'rf_1');
  const ST = { id: 'acct_st', gateway: 'stripe' as const, livemode: false };
  const f = { paymentId: null, refundId: null, itemId: null, settlementId: null, gatewayRef: null, detail: '{}' };
  reconciliation.addFlag(ST, { ...f, flag: 'amount_mismatch', subject: `item:${idOf('txn_a')}`, paymentId: 'pay_a', itemId: idOf('txn_a'), settlementId: 'stl_1', detail: '{"expected":125000}' }, M + 10 * HOUR);
  reconciliation.addFlag(ST, { ...f, flag: 'external', subject: `item:${idOf('txn_x')}`, itemId: idOf('txn_x'), settlementId: 'stl_1', gatewayRef: 'txn_x' }, M + 11 * HOUR);
  reconciliation.addFlag(ST, { ...f, flag: 'not_settled', subject: 'payment:pay_b', paymentId: 'pay_b', gatewayRef: 'pi_b' }, M + 12 * HOUR);
  reconciliation.addFlag(ST, { ...f, flag: 'currency_mismatch', subject: 'refund:rf_1', paymentId: 'pay_a', refundId: 'rf_1' }, M + 12 * HOUR);
  reconciliation.addFlag(ST, { ...f, flag: 'unknown_at_gateway', subject: 'payment:pay_d', paymentId: 'pay_d' }, M + 13 * HOUR);
  reconciliation.addFlag({ id: 'acct_rl', gateway: 'razorpay', livemode: true }, { ...f, flag: 'not_settled', subject: 'payment:pay_c', paymentId: 'pay_c' }, M + 14 * HOUR);
}

const sortBuckets = (rows: MovementBucket[]) => [...rows].sort((a, b) => a.currency.localeCompare(b.currency) || a.bucket - b.bucket);

describeOnBothEngines('report views repository', (store) => {
  beforeAll(() => seed(store()));
  const test = (over: Partial<ViewFilters> = {}): ViewFilters => ({ startMs: M - DAY, endMs: M + 2 * DAY, mode: 'test', ...over });

  it('sums every money movement per currency and 15-minute bucket', () => {
    const { reportViews } = store().repos;
    expect(sortBuckets(reportViews.movementBuckets(test(), 900_000))).toEqual([
      { ...ZERO, currency: 'USD', bucket: B - 1, payments: 1, gross: 125_000, fees: 3_750, net: 121_250, settled: 121_250 },
      { ...ZERO, currency: 'USD', bucket: B, payments: 1, gross: 50_000, net: 50_000 },
      { ...ZERO, currency: 'USD', bucket: B + 4, refunds_n: 1, refunds: 10_000, net: -10_000, settled: -10_000 },
      { ...ZERO, currency: 'USD', bucket: B + 8, external_n: 1, gross: 7_000, fees: 200, net: 6_800, settled: 6_800 },
      { ...ZERO, currency: 'USD', bucket: B + 12, fees: 1_500, disputes: 5_000, adjustments: 300, net: -6_200, settled: -6_200 },
      { ...ZERO, currency: 'USD', bucket: B + 20, adjustments: -100, net: -100 },
      { ...ZERO, currency: 'USD', bucket: B + 96, fees: 236, tax: 36, net: -236, settled: -236 },
    ]);
    expect(sortBuckets(reportViews.movementBuckets(test({ startMs: M, endMs: M + HOUR }), DAY))).toEqual([
      { ...ZERO, currency: 'USD', bucket: Math.trunc(M / DAY), payments: 1, gross: 50_000, net: 50_000 },
    ]);
    expect(reportViews.movementBuckets(test({ gateway: 'razorpay' }), 900_000)).toEqual([]);
    expect(reportViews.movementBuckets(test({ accountId: 'acct_rl' }), 900_000)).toEqual([]);
    expect(reportViews.movementBuckets(test({ mode: 'live', gateway: 'razorpay', accountId: 'acct_rl' }), 900_000)).toEqual([
      { ...ZERO, currency: 'INR', bucket: B + 2, payments: 1, gross: 200_000, fees: 4_720, tax: 720, net: 195_280 },
    ]);
  });

  it('gives the summary the same local days in a +05:30 zone', () => {
    const views = store().repos.reportViews;
    const svc = { settings: () => ({ timeZone: 'Asia/Kolkata' }), lastResult: () => null } as unknown as ReportsService;
    const accounts = { list: () => [] } as unknown as Parameters<typeof summarize>[0]['accounts'];
    const sum = summarize({ views, accounts }, { mode: 'test', from: '2026-11-02', to: '2026-11-03' } as Parameters<typeof summarize>[1], svc);
    expect(sum.daily).toEqual([{ day: '2026-11-02', currency: 'USD', netMinor: 121_250 }, { day: '2026-11-03', currency: 'USD', netMinor: 40_500 }]);
    expect(sum.currencies[0]).toMatchObject({ netMinor: 161_750, settledMinor: 111_850, pendingMinor: 49_900, paymentCount: 2, refundCount: 1, externalCount: 1 });
    expect(sum.flags).toEqual({ unknown_at_gateway: 1, amount_mismatch: 1, currency_mismatch: 1, external: 1, not_settled: 1 });
  });

  it('lists settlements in range with their matched and unmatched counts', () => {
    const { reportViews } = store().repos;
    const rows = reportViews.settlementsIn(test());
    expect(rows.map((r) => r.id)).toEqual(['stl_1', 'stl_fail']);
    expect(rows[0]).toEqual({
      id: 'stl_1', gateway: 'stripe', account_id: 'acct_st', label: 'Stripe test', mode: 'test', gateway_settlement_id: 'po_1', currency: 'USD',
      amount_minor: 100_000, fee_minor: 0, tax_minor: 0, utr: 'UTR1', arrival_at: M + 2 * DAY, created_at: M + DAY, status: 'paid',
      item_count: 6, matched: 1, unmatched: 2, manual: 0, warning: null,
    });
    expect(rows[1]).toMatchObject({ item_count: 1, matched: 0, unmatched: 0, manual: 1, warning: 'no items' });
    expect(reportViews.settlementsIn(test({ endMs: M + DAY }))).toHaveLength(1);
    expect(reportViews.settlementsIn(test({ gateway: 'razorpay' }))).toEqual([]);
    expect(reportViews.settlement('stl_1')).toEqual(rows[0]);
    expect(reportViews.settlement('nope')).toBeUndefined();
  });

  it('counts open flags whose subject falls in range', () => {
    const { reportViews } = store().repos;
    const counts = (f: ViewFilters) => reportViews.flagCounts(f).sort((a, b) => a.flag.localeCompare(b.flag));
    expect(counts(test({ startMs: M }))).toEqual([
      { flag: 'amount_mismatch', n: 1 }, { flag: 'currency_mismatch', n: 1 }, { flag: 'external', n: 1 }, { flag: 'not_settled', n: 1 },
    ]);
    expect(counts(test({ startMs: M + 90 * 60_000, endMs: M + 7 * HOUR }))).toEqual([{ flag: 'amount_mismatch', n: 1 }, { flag: 'external', n: 1 }]);
    expect(counts(test({ mode: 'live' }))).toEqual([{ flag: 'not_settled', n: 1 }]);
    expect(counts(test({ accountId: 'acct_sl', mode: 'live' }))).toEqual([]);
  });

  it('reads one settlement\'s items with their payment or refund, and its flags', () => {
    const { reportViews } = store().repos;
    const items = reportViews.settlementItems('stl_1');
    expect(items.map((i) => i.gateway_txn_id)).toEqual(['txn_fee', 'txn_r', 'txn_x', 'txn_dsp', 'txn_adj', 'txn_a']);
    expect(items[0]).toMatchObject({ kind: 'fee', created_at: null, p_id: null, r_id: null, fee_minor: 36, tax_minor: 36, net_minor: -236 });
    expect(items[1]).toMatchObject({ r_id: 'rf_1', r_payment_id: 'pay_a', r_amount: 10_000, r_currency: 'USD', r_status: 'succeeded', r_gateway_id: 're_1', p_id: null });
    expect(items[5]).toMatchObject({ p_id: 'pay_a', p_order_ref: 'ORD-pay_a', p_amount: 125_000, p_captured: 125_000, p_currency: 'USD', p_status: 'paid', r_id: null });
    expect(reportViews.settlementItems('nope')).toEqual([]);
    const flags = reportViews.itemFlags('stl_1');
    expect(flags.map(({ settlement_item_id: _i, ...f }) => f)).toEqual([
      { flag: 'amount_mismatch', detail: '{"expected":125000}', first_seen_at: M + 10 * HOUR },
      { flag: 'external', detail: '{}', first_seen_at: M + 11 * HOUR },
    ]);
    expect(flags.map((f) => f.settlement_item_id)).toEqual([items[5]!.id, items[2]!.id]);
  });

  it('lists the flags of a mode, latest first, with the total', () => {
    const { reportViews } = store().repos;
    const list = (f: Partial<Parameters<typeof reportViews.flags>[0]>) => {
      const r = reportViews.flags({ mode: 'test', limit: 10, ...f });
      return { flags: r.rows.map((x) => x.flag), total: r.total };
    };
    expect(list({})).toEqual({ flags: ['unknown_at_gateway', 'currency_mismatch', 'not_settled', 'external', 'amount_mismatch'], total: 5 });
    expect(list({ limit: 2 })).toEqual({ flags: ['unknown_at_gateway', 'currency_mismatch'], total: 5 });
    expect(list({ flag: 'external', gateway: 'stripe', accountId: 'acct_st' })).toEqual({ flags: ['external'], total: 1 });
    expect(list({ mode: 'live' })).toEqual({ flags: ['not_settled'], total: 1 });
    const row = reportViews.flags({ mode: 'test', flag: 'not_settled', limit: 1 }).rows[0];
    expect(row).toMatchObject({ account_id: 'acct_st', gateway: 'stripe', livemode: 0, payment_id: 'pay_b', refund_id: null, settlement_id: null, settlement_item_id: null, gateway_ref: 'pi_b', subject: 'payment:pay_b' });
  });
});
