// The reconciliation repository on both engines: unlinked and linked settlement items with what Paydesk
// expected, payments and refunds no settlement covers, the flags (one per kind and subject) and the fee
// columns of unfolded payments. Rows of the statements without an ORDER BY are compared sorted.
import { beforeAll, expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';
import type { FlagWrite } from '../../electron/core/store/repos/reconciliation';
import { HOUR, refundIntent, seedMoney, T0 } from './money-seed';

const ST = { id: 'acct_st', gateway: 'stripe' as const, livemode: false };
const byTxn = <T extends { gateway_txn_id: string }>(rows: T[]): T[] => [...rows].sort((a, b) => a.gateway_txn_id.localeCompare(b.gateway_txn_id));
const flag = (over: Partial<FlagWrite>): FlagWrite => ({
  flag: 'not_settled', subject: 'payment:pay_b', paymentId: 'pay_b', refundId: null, itemId: null, settlementId: null, gatewayRef: 'pi_b', detail: '{"days":9}', ...over,
});

describeOnBothEngines('reconciliation repository', (store) => {
  beforeAll(() => {
    const s = store();
    seedMoney(s);
    const { refunds, settlements } = s.repos;
    refunds.insertIntent(refundIntent('rf_1'));
    refunds.insertIntent(refundIntent('rf_2', { createdAt: T0 + 5 * HOUR, amountMinor: 2_500 }));
    refunds.insertIntent(refundIntent('rf_3', { createdAt: T0 + 5 * HOUR }));
    refunds.setState({ id: 'rf_1', status: 'succeeded', failureReason: null, gatewayRefundId: 're_1', now: T0 + 5 * HOUR });
    refunds.setState({ id: 'rf_2', status: 'succeeded', failureReason: null, gatewayRefundId: 're_2', now: T0 + 6 * HOUR });
    const base = { accountId: 'acct_st', gateway: 'stripe' as const, livemode: false, currency: 'USD', fee: 0, tax: 0, utr: null, status: 'paid', createdAt: T0 + 24 * HOUR, arrivalAt: null };
    settlements.upsert({ ...base, id: 'stl_1', gatewayId: 'po_1', amount: 100_000 }, T0);
    settlements.upsert({ ...base, id: 'stl_rz', accountId: 'acct_rl', gateway: 'razorpay', livemode: true, gatewayId: 'setl_1', currency: 'INR', amount: 195_280 }, T0);
    const item = { settlementId: 'stl_1', paymentId: null, fee: 0, tax: 0, createdAt: T0 + HOUR };
    settlements.addItem({ ...item, kind: 'payment', paymentId: 'pay_a', txn: 'txn_a', amount: 124_000, net: 124_000 });
    settlements.addItem({ ...item, kind: 'payment', txn: 'txn_x', amount: 7_000, net: 7_000 });
    settlements.addItem({ ...item, kind: 'refund', txn: 'txn_r', amount: -10_000, net: -10_000 });
    settlements.addItem({ ...item, kind: 'refund', txn: 'txn_r9', amount: -300, net: -300 });
    settlements.addItem({ ...item, kind: 'fee', txn: 'txn_fee', amount: -200, net: -200 });
    settlements.addItem({ ...item, settlementId: 'stl_rz', kind: 'payment', paymentId: 'pay_c', txn: 'pay_RZC', amount: 200_000, fee: 4_720, tax: 720, net: 195_280 });
    const rItem = s.repos.reconciliation.unlinkedItems('acct_st').find((i) => i.gateway_txn_id === 'txn_r');
    settlements.linkRefund(rItem!.id, 'rf_1');
  });

  it('reads unlinked and linked items with what was expected', () => {
    const { reconciliation } = store().repos;
    const stored = reconciliation.unlinkedItems('acct_st');
    expect(stored.map((i) => i.gateway_txn_id)).toEqual(['txn_x', 'txn_r9']);
    const unlinked = byTxn(stored);
    expect(unlinked.map(({ id: _id, ...r }) => r)).toEqual([
      { settlement_id: 'stl_1', kind: 'refund', payment_id: null, refund_id: null, gateway_txn_id: 'txn_r9', amount_minor: -300, currency: 'USD' },
      { settlement_id: 'stl_1', kind: 'payment', payment_id: null, refund_id: null, gateway_txn_id: 'txn_x', amount_minor: 7_000, currency: 'USD' },
    ]);
    expect(reconciliation.unlinkedItems('acct_rl')).toEqual([]);
    const lp = reconciliation.linkedPaymentItems('acct_st');
    expect(lp.map(({ id: _id, ...r }) => r)).toEqual([
      { settlement_id: 'stl_1', payment_id: 'pay_a', refund_id: null, gateway_txn_id: 'txn_a', amount_minor: 124_000, currency: 'USD', expected_currency: 'USD', expected: 125_000 },
    ]);
    // a payment with nothing captured is expected at its amount
    expect(reconciliation.linkedPaymentItems('acct_rl')[0]).toMatchObject({ payment_id: 'pay_c', currency: 'INR', expected_currency: 'INR', expected: 200_000 });
    store().exec(`UPDATE payments SET captured_minor = 0 WHERE id = 'pay_c'`);
    expect(reconciliation.linkedPaymentItems('acct_rl')[0]?.expected).toBe(125_000);
    expect(reconciliation.linkedRefundItems('acct_st').map(({ id: _id, ...r }) => r)).toEqual([
      { settlement_id: 'stl_1', refund_id: 'rf_1', payment_id: 'pay_a', gateway_txn_id: 'txn_r', amount_minor: -10_000, currency: 'USD', expected_currency: 'USD', expected: 10_000 },
    ]);
  });

  it('reads payments and refunds no settlement covers', () => {
    const s = store();
    const { reconciliation } = s.repos;
    expect(reconciliation.unsettledPayments('acct_st', T0 + 10 * HOUR)).toEqual([{ id: 'pay_b', paid_at: T0 + 2 * HOUR, currency: 'USD', captured_minor: 50_000, ref: 'pi_b' }]);
    expect(reconciliation.unsettledPayments('acct_st', T0 + 2 * HOUR)).toEqual([]);
    expect(reconciliation.unsettledRefunds('acct_st', T0 + 10 * HOUR)).toEqual([
      { id: 'rf_2', payment_id: 'pay_a', created_at: T0 + 5 * HOUR, currency: 'USD', amount_minor: 2_500, ref: 're_2' },
    ]);
    expect(reconciliation.unsettledRefunds('acct_st', T0 + 5 * HOUR)).toEqual([]);
    // a payment the gateway does not know is not reported as unsettled too
    expect(reconciliation.addFlag(ST, flag({ flag: 'unknown_at_gateway' }), T0 + 30 * HOUR)).toBe(1);
    expect(reconciliation.unsettledPayments('acct_st', T0 + 10 * HOUR)).toEqual([]);
    s.exec(`UPDATE payments SET gateway_payment_id = NULL, payment_intent_id = NULL WHERE id = 'pay_d'`);
    s.exec(`UPDATE payments SET status = 'paid', paid_at = ${T0 + 3 * HOUR}, captured_minor = 1000 WHERE id = 'pay_d'`);
    expect(reconciliation.unsettledPayments('acct_st', T0 + 10 * HOUR)).toEqual([{ id: 'pay_d', paid_at: T0 + 3 * HOUR, currency: 'USD', captured_minor: 1000, ref: null }]);
  });

  it('adds, reads, updates and removes flags, one per kind and subject', () => {
    const { reconciliation } = store().repos;
    const now = T0 + 31 * HOUR;
    expect(reconciliation.addFlag(ST, flag({}), now)).toBe(1);
    expect(() => reconciliation.addFlag(ST, flag({ detail: '{}' }), now)).toThrow();
    const item = reconciliation.unlinkedItems('acct_st').find((i) => i.gateway_txn_id === 'txn_x')!;
    expect(reconciliation.addFlag(ST, flag({ flag: 'external', subject: `item:${item.id}`, paymentId: null, itemId: item.id, settlementId: 'stl_1', gatewayRef: 'txn_x' }), now)).toBe(1);
    const sorted = (kinds: Parameters<typeof reconciliation.flagsOf>[1]) => reconciliation.flagsOf('acct_st', kinds).map(({ id: _id, ...f }) => f).sort((a, b) => a.flag.localeCompare(b.flag));
    expect(sorted(['not_settled', 'external'])).toEqual([
      { flag: 'external', subject: `item:${item.id}`, detail: '{"days":9}', gateway_ref: 'txn_x', payment_id: null, refund_id: null, settlement_item_id: item.id, settlement_id: 'stl_1' },
      { flag: 'not_settled', subject: 'payment:pay_b', detail: '{"days":9}', gateway_ref: 'pi_b', payment_id: 'pay_b', refund_id: null, settlement_item_id: null, settlement_id: null },
    ]);
    expect(sorted([])).toEqual([]);
    expect(reconciliation.flagsOf('acct_rl', ['not_settled'])).toEqual([]);
    const ns = reconciliation.flagsOf('acct_st', ['not_settled'])[0]!;
    expect(reconciliation.updateFlag(ns.id, { paymentId: 'pay_b', refundId: 'rf_2', itemId: null, settlementId: 'stl_1', gatewayRef: null, detail: '{"days":10}' })).toBe(1);
    expect(reconciliation.flagsOf('acct_st', ['not_settled'])[0]).toMatchObject({ refund_id: 'rf_2', settlement_id: 'stl_1', gateway_ref: null, detail: '{"days":10}' });
    expect(reconciliation.updateFlag(-1, { paymentId: null, refundId: null, itemId: null, settlementId: null, gatewayRef: null, detail: '{}' })).toBe(0);
    expect(reconciliation.removeFlag(ns.id)).toBe(1);
    expect(reconciliation.removeFlag(ns.id)).toBe(0);
    expect(sorted(['not_settled', 'external', 'unknown_at_gateway']).map((f) => f.flag)).toEqual(['external', 'unknown_at_gateway']);
  });

  it('fills the fees of an unfolded payment only when a value changed', () => {
    const { reconciliation, settlements } = store().repos;
    expect(reconciliation.fillFeesOfUnfolded('pay_b', 1_480, 0, 48_520, T0 + 40 * HOUR)).toBe(1);
    expect(reconciliation.fillFeesOfUnfolded('pay_b', 1_480, 0, 48_520, T0 + 41 * HOUR)).toBe(0);
    expect(reconciliation.fillFeesOfUnfolded('pay_b', 1_480, 80, 48_440, T0 + 42 * HOUR)).toBe(1);
    expect(reconciliation.fillFeesOfUnfolded('pay_none', 1, 0, 1, T0)).toBe(0);
    expect(settlements.feelessPaid('acct_st', 10).map((p) => p.id)).toEqual(['pay_d']);
  });
});
