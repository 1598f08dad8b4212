// The payment links repository on both engines: an intent with its `created` entry, the duplicate it is
// refused as (idempotency key or order reference: SQLite's message and PostgreSQL's constraint name read
// alike), gateway fields kept when null, and the catch-up sync's reads of open links and known events.
import { beforeAll, expect, it } from 'vitest';
import { pgStatement } from '../../electron/core/store/pg/statement';
import type { PgSync } from '../../electron/core/store/pg/sync-client';
import { DuplicateIntentError, LINK_SQL } from '../../electron/core/store/repos/payment-links';
import { initialPaymentState, type PaymentState } from '../../shared/status';
import { describeOnBothEngines } from '../fixtures/engines';
import { T0, paymentInsert, seedAccounts } from './payment-seed';

const DAY = 86_400_000;

describeOnBothEngines('payment links repository', (store, engine) => {
  beforeAll(() => seedAccounts(store()));

  it('inserts an intent with its created entry and refuses duplicates by what they repeat', () => {
    const { paymentLinks } = store().repos;
    paymentLinks.insertIntent(paymentInsert('pd_l1', { orderRef: 'INV-7' }), '{"notify":true,"createdBy":"console"}');
    expect(paymentLinks.byIdempotencyKey('idem-pd_l1')).toMatchObject({ id: 'pd_l1', status: 'creating', order_ref: 'INV-7' });
    expect(paymentLinks.byIdempotencyKey('idem-none')).toBeUndefined();
    expect(paymentLinks.orderRefUsedBy('acct_st', 'INV-7')).toBe('pd_l1');
    expect(paymentLinks.orderRefUsedBy('acct_sl', 'INV-7')).toBeUndefined();
    expect(paymentLinks.createdDetail('pd_l1')).toBe('{"notify":true,"createdBy":"console"}');
    expect(paymentLinks.createdDetail('pd_none')).toBeUndefined();

    const refusal = (fn: () => void): DuplicateIntentError => {
      try {
        fn();
      } catch (err) {
        expect(err).toBeInstanceOf(DuplicateIntentError);
        return err as DuplicateIntentError;
      }
      throw new Error('the insert was not refused');
    };
    expect(refusal(() => paymentLinks.insertIntent(paymentInsert('pd_l2', { idempotencyKey: 'idem-pd_l1' }), '{}')).on).toBe('idempotency_key');
    expect(refusal(() => paymentLinks.insertIntent(paymentInsert('pd_l3', { orderRef: 'INV-7' }), '{}')).on).toBe('order_ref');
    // another attempt at the order whose gateway reference is taken
    expect(refusal(() => paymentLinks.insertIntent(paymentInsert('pd_l4', { orderRef: 'INV-7', attemptNo: 2, gatewayRef: 'INV-7' }), '{}')).on).toBe('order_ref');
    expect(refusal(() => paymentLinks.insertIntent(paymentInsert('pd_l5', { accountId: 'acct_none' }), '{}')).on).toBe('other');
    expect(() => paymentLinks.insertIntent(paymentInsert('pd_l6', { amountMinor: 0 }), '{}')).toThrow(DuplicateIntentError);
    paymentLinks.insertIntent(paymentInsert('pd_l7', { orderRef: 'INV-7', attemptNo: 2, gatewayRef: 'INV-7/2' }), '{}');
    expect(paymentLinks.byIdempotencyKey('idem-pd_l7')?.gateway_ref).toBe('INV-7/2');
  });

  it('sets gateway fields, keeping each when null, and drops an intent', () => {
    const { paymentLinks, payments } = store().repos;
    paymentLinks.insertIntent(paymentInsert('pd_g1', { expiresAt: null }), '{}');
    paymentLinks.setGatewayFields('pd_g1', 'https://pay.example/g1', T0 + DAY, T0 + 5);
    paymentLinks.setGatewayFields('pd_g1', null, null, T0 + 6);
    expect(payments.byId('pd_g1')).toMatchObject({ url: 'https://pay.example/g1', expires_at: T0 + DAY, updated_at: T0 + 6 });
    paymentLinks.setGatewayFields('pd_g1', 'https://pay.example/g1b', null, T0 + 7);
    expect(payments.byId('pd_g1')).toMatchObject({ url: 'https://pay.example/g1b', expires_at: T0 + DAY });
    // its timeline entry refers to it (ON DELETE CASCADE); a webhook event does not let it go
    paymentLinks.dropIntent('pd_g1');
    expect(payments.byId('pd_g1')).toBeUndefined();
    paymentLinks.insertIntent(paymentInsert('pd_g2'), '{}');
    store().repos.webhookEvents.insert({
      gateway: 'stripe', accountId: 'acct_st', eventId: 'evt_g2', type: 'checkout.session.completed', livemode: false, raw: Buffer.from('{}'),
      bodySha256: null, signature: 'valid', createdAt: T0, receivedAt: T0,
    }, { at: T0, result: 'changed', paymentId: 'pd_g2' });
    expect(() => paymentLinks.dropIntent('pd_g2')).toThrow();
    expect(payments.byId('pd_g2')).toBeDefined();
    expect(paymentLinks.knownEvent('stripe', 'acct_st', 'evt_g2')).toBe(true);
    expect(paymentLinks.knownEvent('stripe', 'acct_sl', 'evt_g2')).toBe(false);
  });

  it('lists intents still creating and the open links the sync reads', () => {
    const s = store();
    // a fresh account so the rows of the other tests do not count
    s.exec(`INSERT INTO accounts (id, gateway, mode, livemode, label, created_at, updated_at) VALUES ('acct_rt', 'razorpay', 'test', 0, 'Razorpay test', ${T0}, ${T0})`);
    const { paymentLinks, payments } = s.repos;
    const rp = { accountId: 'acct_rt', gateway: 'razorpay', kind: 'razorpay_link' } as const;
    expect(paymentLinks.oldestOpenAt('acct_rt')).toBeNull();
    expect(paymentLinks.openOf('acct_rt', 0)).toEqual([]);
    expect(paymentLinks.accountsWithOpen(T0)).not.toContain('acct_rt');
    payments.insert(paymentInsert('pd_o1', { ...rp, createdAt: T0 + 30 }));
    payments.insert(paymentInsert('pd_o2', { ...rp, createdAt: T0 + 10 }));
    payments.insert(paymentInsert('pd_o3', { ...rp, createdAt: T0 + 20 }));
    payments.insert(paymentInsert('pd_o4', { ...rp, createdAt: T0 + 5 }));
    expect(paymentLinks.creating().filter((r) => r.account_id === 'acct_rt').map((r) => r.id)).toEqual(['pd_o4', 'pd_o2', 'pd_o3', 'pd_o1']);
    expect(paymentLinks.anyOpen()).toBe(true);
    // pd_o3 paid without its fee, pd_o4 paid with it, pd_o2 expired
    const paid = (fee: number | null): PaymentState => ({
      ...initialPaymentState(125_000),
      captures: { pay_1: { amount: 125_000, full: true, at: T0 + 2 * DAY } },
      fees: fee === null ? {} : { pay_1: { fee, tax: 0, net: 125_000 - fee } },
    });
    payments.saveState('pd_o3', paid(null), { paymentId: 'pay_o3' }, T0 + 2 * DAY);
    payments.saveState('pd_o4', paid(2500), { paymentId: 'pay_o4' }, T0 + 2 * DAY);
    payments.saveState('pd_o2', { ...initialPaymentState(125_000), base: 'expired' }, {}, T0 + 2 * DAY);
    expect(paymentLinks.openOf('acct_rt', T0).map((r) => r.id)).toEqual(['pd_o3', 'pd_o1']);
    expect(paymentLinks.openOf('acct_rt', T0 + 3 * DAY).map((r) => r.id)).toEqual(['pd_o1']);
    expect(paymentLinks.oldestOpenAt('acct_rt')).toBe(T0 + 30);
    expect(paymentLinks.accountsWithOpen(T0)).toContain('acct_rt');

    // only the paid row without its fee is left to sync: found through the fee half alone
    payments.saveState('pd_o1', { ...initialPaymentState(125_000), base: 'cancelled' }, {}, T0 + 2 * DAY);
    expect(paymentLinks.oldestOpenAt('acct_rt')).toBeNull();
    expect(paymentLinks.accountsWithOpen(T0)).toContain('acct_rt');
    expect(paymentLinks.accountsWithOpen(T0 + 3 * DAY)).not.toContain('acct_rt');
  });

  if (engine === 'postgres') {
    it('reads links by status through the list index, which leads with the mode and the status', () => {
      const s = store();
      const pg = (s as unknown as { pg: PgSync }).pg;
      const plan = (sql: string, ...params: string[]): string => (pgStatement(pg, `EXPLAIN ${sql}`).pluck().all(...params) as string[]).join('\n');
      s.exec('SET enable_seqscan = off');
      try {
        for (const sql of [LINK_SQL.creating, LINK_SQL.anyOpen]) {
          expect(plan(sql)).toMatch(/Index (Only )?Scan using payments_by_list_status/);
          expect(plan(sql)).toMatch(/Index Cond: \(\(livemode = ANY .*\(status = /);
        }
        // an account's own index is as good a way to its oldest open link; the planner weighs the two
        expect(plan(LINK_SQL.oldestOpenOfAccount, 'acct_rt')).toMatch(/Index (Only )?Scan using payments_by_(list_status|account_created)/);
      } finally {
        s.exec('RESET enable_seqscan');
      }
    });
  }

  it('finds no open link once every link has moved on', () => {
    const s = store();
    s.exec("UPDATE payments SET status = 'expired'");
    expect(s.repos.paymentLinks.anyOpen()).toBe(false);
    expect(s.repos.paymentLinks.creating()).toEqual([]);
  });
});
