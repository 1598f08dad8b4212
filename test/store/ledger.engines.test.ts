// The ledger repository on both engines: an entry is stored once and updated only when something changed
// (a payout id or a first-known id is kept, never cleared), charges no local payment claims, their checkout
// set once, a payment's fee fact found by any of its ids, and the refs a flag shows.
import { beforeAll, expect, it } from 'vitest';
import type { LedgerEntry } from '../../electron/core/gateways/ports/reports';
import { describeOnBothEngines } from '../fixtures/engines';
import { HOUR, probeText, seedMoney, T0 } from './money-seed';

const entry = (id: string, over: Partial<LedgerEntry> = {}): LedgerEntry => ({
  id, type: 'charge', category: 'charge', sourceId: `ch_${id}`, chargeId: `ch_${id}`, paymentIntentId: `pi_${id}`, refundId: null, paydeskId: null,
  currency: 'USD', amount: 125_000, fee: 3_750, tax: 0, net: 121_250, feeDetails: '[{"amount":3750,"currency":"usd","type":"stripe_fee"}]',
  exchangeRate: null, status: 'pending', payoutId: null, createdAt: T0 + HOUR, availableOn: T0 + 48 * HOUR, ...over,
});

describeOnBothEngines('ledger repository', (store) => {
  beforeAll(() => seedMoney(store()));

  it('stores an entry once and updates only what changed', () => {
    const s = store();
    const { ledger } = s.repos;
    const a = entry('txn_a', { sourceId: 'ch_a', chargeId: 'ch_a', paymentIntentId: 'pi_a' });
    expect(ledger.upsert('acct_st', false, a)).toBe(1);
    expect(ledger.upsert('acct_st', false, a)).toBe(0);
    expect(ledger.upsert('acct_st', false, { ...a, status: 'available' })).toBe(1);
    expect(probeText(s, 'status', `stripe_balance_txns WHERE id = 'txn_a'`)).toBe('available');
    expect(ledger.upsert('acct_st', false, { ...a, status: 'available', fee: 3_800, net: 121_200 })).toBe(1);
    expect(ledger.upsert('acct_st', false, { ...a, status: 'available', fee: 3_800, net: 121_200, feeDetails: '[]' })).toBe(1);
    // a payout id is set once known and kept when a later read does not carry it
    const paid = { ...a, status: 'available', fee: 3_800, net: 121_200, feeDetails: '[]', payoutId: 'po_1' };
    expect(ledger.upsert('acct_st', false, paid)).toBe(1);
    expect(ledger.upsert('acct_st', false, { ...paid, payoutId: null })).toBe(0);
    expect(probeText(s, 'payout_id', `stripe_balance_txns WHERE id = 'txn_a'`)).toBe('po_1');
    expect(ledger.upsert('acct_st', false, { ...paid, availableOn: null })).toBe(1);
    expect(ledger.upsert('acct_st', false, { ...paid, availableOn: null })).toBe(0);
    // the same id under another account is another entry
    expect(ledger.upsert('acct_sl', true, a)).toBe(1);
    expect(probeText(s, 'livemode', `stripe_balance_txns WHERE account_id = 'acct_sl' AND id = 'txn_a'`)).toBe('1');
  });

  it('fills an id once and never replaces it', () => {
    const { ledger } = store().repos;
    const z = entry('txn_z', { chargeId: null, paymentIntentId: null, sourceId: 'src_z' });
    expect(ledger.upsert('acct_st', false, z)).toBe(1);
    expect(ledger.refsOf('acct_st', 'txn_z')).toEqual({ charge_id: null, payment_intent_id: null, refund_id: null, paydesk_id: null, session_id: null, session_ref: null, ref: 'src_z' });
    expect(ledger.upsert('acct_st', false, { ...z, chargeId: 'ch_z', paydeskId: 'pay_d' })).toBe(1);
    expect(ledger.upsert('acct_st', false, { ...z, chargeId: 'ch_other', paydeskId: 'pay_other' })).toBe(0);
    expect(ledger.refsOf('acct_st', 'txn_z')).toMatchObject({ charge_id: 'ch_z', paydesk_id: 'pay_d', ref: 'ch_z' });
    expect(ledger.upsert('acct_st', false, { ...z, paymentIntentId: 'pi_z', refundId: 're_z' })).toBe(1);
    expect(ledger.refsOf('acct_st', 'txn_z')).toMatchObject({ charge_id: 'ch_z', payment_intent_id: 'pi_z', refund_id: 're_z' });
    const r = entry('txn_r', { type: 'refund', category: 'refund', sourceId: 're_1', chargeId: null, paymentIntentId: 'pi_a', refundId: 're_1', amount: -10_000, fee: 0, net: -10_000 });
    expect(ledger.upsert('acct_st', false, r)).toBe(1);
    expect(ledger.refsOf('acct_st', 'txn_r')?.ref).toBe('re_1');
    expect(ledger.refsOf('acct_st', 'nope')).toBeUndefined();
  });

  it('lists unplaced charges latest first, sets a checkout once, and finds a payment\'s charge', () => {
    const { ledger } = store().repos;
    ledger.upsert('acct_st', false, entry('txn_x', { createdAt: T0 + 2 * HOUR }));
    ledger.upsert('acct_st', false, entry('txn_y', { category: 'payment', chargeId: null, createdAt: T0 + 3 * HOUR }));
    ledger.upsert('acct_st', false, entry('txn_w', { paymentIntentId: null, createdAt: T0 + 4 * HOUR }));
    // txn_a is pay_a's (intent), txn_z pay_d's (Paydesk id), txn_w has no intent
    expect(ledger.unplacedCharges('acct_st', 10)).toEqual([{ id: 'txn_y', payment_intent_id: 'pi_txn_y' }, { id: 'txn_x', payment_intent_id: 'pi_txn_x' }]);
    expect(ledger.unplacedCharges('acct_st', 1).map((r) => r.id)).toEqual(['txn_y']);
    expect(ledger.unplacedCharges('acct_rl', 10)).toEqual([]);
    expect(ledger.setCheckout('acct_st', 'txn_y', 'cs_b', 'pay_b')).toBe(1);
    expect(ledger.setCheckout('acct_st', 'txn_y', 'cs_other', null)).toBe(0);
    expect(ledger.refsOf('acct_st', 'txn_y')).toMatchObject({ session_id: 'cs_b', session_ref: 'pay_b' });
    expect(ledger.unplacedCharges('acct_st', 10).map((r) => r.id)).toEqual(['txn_x']);

    const pay = (over: Partial<Parameters<typeof ledger.chargeOf>[1]>) => ({ id: 'pay_none', charge_id: null, payment_intent_id: null, gateway_payment_id: null, session_id: null, ...over });
    expect(ledger.chargeOf('acct_st', pay({ id: 'pay_a', charge_id: 'ch_a', payment_intent_id: 'pi_a', gateway_payment_id: 'pi_a' }))).toEqual({
      id: 'txn_a', charge_id: 'ch_a', payment_intent_id: 'pi_a', currency: 'USD', fee_minor: 3_800, tax_minor: 0, net_minor: 121_200, created_at: T0 + HOUR, available_on: null,
    });
    expect(ledger.chargeOf('acct_st', pay({ id: 'pay_b' }))?.id).toBe('txn_y');
    expect(ledger.chargeOf('acct_st', pay({ session_id: 'cs_b' }))?.id).toBe('txn_y');
    expect(ledger.chargeOf('acct_st', pay({ gateway_payment_id: 'pi_txn_x' }))?.id).toBe('txn_x');
    expect(ledger.chargeOf('acct_st', pay({ id: 'pay_d' }))?.id).toBe('txn_z');
    // a refund entry is no charge; nothing matches all-null ids
    expect(ledger.chargeOf('acct_st', pay({ payment_intent_id: 're_1', charge_id: 're_1' }))).toBeUndefined();
    expect(ledger.chargeOf('acct_st', pay({}))).toBeUndefined();
  });
});
