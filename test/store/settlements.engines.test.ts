// The settlements repository on both engines: a settlement stored once and updated only when something
// changed (its warning only when its items were asked for), items added once, their sums, links set once,
// and the payment look-ups that place an item or a fee.
import { beforeAll, expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';
import type { SettlementUpsert } from '../../electron/core/store/repos/settlements';
import { HOUR, probeText, refundIntent, seedMoney, T0 } from './money-seed';

const settlement = (over: Partial<SettlementUpsert> = {}): SettlementUpsert => ({
  id: 'stl_1', accountId: 'acct_st', gateway: 'stripe', livemode: false, gatewayId: 'po_1', currency: 'USD', amount: 121_250, fee: 0, tax: 0,
  utr: null, status: 'in_transit', createdAt: T0 + 24 * HOUR, arrivalAt: T0 + 48 * HOUR, ...over,
});

describeOnBothEngines('settlements repository', (store) => {
  beforeAll(() => {
    const s = store();
    seedMoney(s);
    s.repos.refunds.insertIntent(refundIntent('rf_1'));
    s.repos.refunds.setState({ id: 'rf_1', status: 'succeeded', failureReason: null, gatewayRefundId: 're_1', now: T0 + 5 * HOUR });
  });

  it('stores a settlement once and updates what changed', () => {
    const s = store();
    const { settlements } = s.repos;
    const now = T0 + 30 * HOUR;
    expect(settlements.upsert(settlement({ warning: null }), now)).toBe(1);
    expect(settlements.upsert(settlement(), now + 1)).toBe(0);
    expect(settlements.upsert(settlement({ status: 'paid' }), now + 2)).toBe(1);
    expect(probeText(s, 'status', `settlements WHERE id = 'stl_1'`)).toBe('paid');
    expect(settlements.upsert(settlement({ status: 'paid', utr: 'UTR9' }), now + 3)).toBe(1);
    expect(settlements.upsert(settlement({ status: 'paid', utr: 'UTR9', arrivalAt: null }), now + 4)).toBe(1);
    expect(settlements.upsert(settlement({ status: 'paid', utr: 'UTR9', arrivalAt: null, manual: true }), now + 5)).toBe(1);
    expect(probeText(s, 'manual', `settlements WHERE id = 'stl_1'`)).toBe('1');
    expect(probeText(s, 'fetched_at', `settlements WHERE id = 'stl_1'`)).toBe(String(now + 5));
    const same = settlement({ status: 'paid', utr: 'UTR9', arrivalAt: null, manual: true });
    // a warning is written only when the items were asked for (warning not undefined)
    expect(settlements.upsert({ ...same, warning: 'Items could not be read: 429' }, now + 6)).toBe(1);
    expect(settlements.upsert(same, now + 7)).toBe(0);
    expect(settlements.upsert({ ...same, amount: 1 }, now + 8)).toBe(1);
    expect(probeText(s, 'warning', `settlements WHERE id = 'stl_1'`)).toBe('Items could not be read: 429');
    expect(settlements.upsert({ ...same, warning: null }, now + 9)).toBe(1);
    expect(probeText(s, 'warning', `settlements WHERE id = 'stl_1'`)).toBeNull();
    expect(settlements.upsert({ ...same, warning: null }, now + 10)).toBe(0);
    // the row keeps its first id under a second one for the same gateway settlement
    expect(settlements.upsert({ ...same, id: 'stl_other', currency: 'EUR', warning: null }, now + 11)).toBe(1);
    expect(settlements.storedCurrency('acct_st', 'po_1')).toBe('EUR');
    expect(probeText(s, 'id', `settlements WHERE gateway_settlement_id = 'po_1'`)).toBe('stl_1');
    expect(settlements.storedCurrency('acct_rl', 'po_1')).toBeNull();
  });

  it('adds items once, sums them, and links each payment and refund once', () => {
    const s = store();
    const { settlements } = s.repos;
    expect(settlements.isItemized('stl_1')).toBe(false);
    expect(settlements.storedSums('stl_1')).toEqual({ fee: 0, tax: 0 });
    const item = { settlementId: 'stl_1', paymentId: null, amount: 125_000, fee: 3_750, tax: 0, net: 121_250, createdAt: T0 + HOUR };
    expect(settlements.addItem({ ...item, kind: 'payment', txn: 'txn_a' })).toBe(1);
    expect(settlements.addItem({ ...item, kind: 'payment', txn: 'txn_a', amount: 5 })).toBe(0);
    expect(settlements.addItem({ ...item, kind: 'refund', txn: 'txn_r', amount: -10_000, fee: 0, net: -10_000 })).toBe(1);
    expect(settlements.addItem({ ...item, kind: 'fee', txn: 'txn_fee', amount: -200, fee: 36, tax: 36, net: -236, createdAt: T0 + 2 * HOUR })).toBe(1);
    expect(settlements.isItemized('stl_1')).toBe(true);
    expect(settlements.storedSums('stl_1')).toEqual({ fee: 3_786, tax: 36 });

    const [pItem, rItem] = s.repos.reportViews.settlementItems('stl_1');
    expect(pItem?.kind).toBe('payment');
    expect(settlements.paymentSettled('pay_a')).toBe(false);
    expect(settlements.linkPayment(pItem!.id, 'pay_a')).toBe(1);
    expect(settlements.linkPayment(pItem!.id, 'pay_b')).toBe(0);
    expect(settlements.paymentSettled('pay_a')).toBe(true);
    expect(settlements.paymentSettled('pay_b')).toBe(false);
    expect(settlements.refundSettled('rf_1')).toBe(false);
    expect(settlements.linkRefund(rItem!.id, 'rf_1')).toBe(1);
    expect(settlements.linkRefund(rItem!.id, 'rf_1')).toBe(0);
    expect(settlements.refundSettled('rf_1')).toBe(true);
  });

  it('finds a payment by its ids in order, within the account', () => {
    const { settlements } = store().repos;
    expect(settlements.findPayment('acct_st', [{ column: 'id', value: 'pay_b' }])).toBe('pay_b');
    expect(settlements.findPayment('acct_st', [{ column: 'charge_id', value: 'ch_x' }, { column: 'payment_intent_id', value: 'pi_a' }])).toBe('pay_a');
    expect(settlements.findPayment('acct_st', [{ column: 'gateway_payment_id', value: 'pi_b' }, { column: 'id', value: 'pay_a' }])).toBe('pay_b');
    expect(settlements.findPayment('acct_st', [{ column: 'session_id', value: 'cs_b' }])).toBe('pay_b');
    expect(settlements.findPayment('acct_rl', [{ column: 'order_id', value: 'order_RZC' }])).toBe('pay_c');
    expect(settlements.findPayment('acct_st', [{ column: 'order_id', value: 'order_RZC' }, { column: 'id', value: 'pay_c' }])).toBeNull();
    expect(settlements.findPayment('acct_st', [])).toBeNull();
    expect(settlements.refundByGatewayId('acct_st', 're_1')).toBe('rf_1');
    expect(settlements.refundByGatewayId('acct_rl', 're_1')).toBeNull();
  });

  it('lists paid payments without a fee, latest paid first', () => {
    const s = store();
    const { settlements } = s.repos;
    expect(settlements.feelessPaid('acct_st', 10).map((p) => p.id)).toEqual(['pay_b']);
    s.exec(`UPDATE payments SET fee_minor = NULL WHERE id = 'pay_a'`);
    const rows = settlements.feelessPaid('acct_st', 10);
    expect(rows.map((p) => p.id)).toEqual(['pay_b', 'pay_a']);
    expect(rows[0]).toMatchObject({ currency: 'USD', captured_minor: 50_000, fee_minor: null, livemode: 0, reusable: 0, paid_at: T0 + 2 * HOUR });
    expect(settlements.feelessPaid('acct_st', 1).map((p) => p.id)).toEqual(['pay_b']);
    expect(settlements.feelessPaid('acct_rl', 10)).toEqual([]);
  });
});
