// The orders repository on both engines: an order's attempts in order, whether a reference is taken, a
// reusable link's children (insert copies the link, counts it, lists newest first, finds by gateway
// payment) and filling in the payer only where the row has no value yet.
import { expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';
import { seedAccounts, T0 } from './payment-seed';

const LINK = `INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, description,
  notes, idempotency_key, created_by, created_at, updated_at, parent_id, attempt_no, gateway_ref, reusable, status) VALUES`;

describeOnBothEngines('orders repository', (store) => {
  it('lists an order\'s attempts oldest first and knows a taken reference', () => {
    const s = store();
    seedAccounts(s);
    s.exec(`${LINK}
      ('pay_2', 'acct_st', 'stripe', 0, 'stripe_checkout', 'ORD-1', 500, 'INR', NULL, '{}', 'ik_2', 'console', ${T0 + 2}, ${T0 + 2}, NULL, 2, 'ORD-1-2', 0, 'open'),
      ('pay_1', 'acct_st', 'stripe', 0, 'stripe_checkout', 'ORD-1', 500, 'INR', NULL, '{}', 'ik_1', 'console', ${T0 + 1}, ${T0 + 1}, NULL, 1, 'ORD-1', 0, 'failed'),
      ('lnk', 'acct_st', 'stripe', 0, 'stripe_payment_link', 'ORD-L', 900, 'INR', 'Gift card', '{"channel":"web"}', 'ik_l', 'console', ${T0}, ${T0}, NULL, 1, 'ORD-L', 1, 'open')`);
    const { orders } = s.repos;
    expect(orders.attempts('acct_st', 'ORD-1')).toEqual([
      { id: 'pay_1', attempt_no: 1, gateway_ref: 'ORD-1', status: 'failed', reusable: 0, created_at: T0 + 1 },
      { id: 'pay_2', attempt_no: 2, gateway_ref: 'ORD-1-2', status: 'open', reusable: 0, created_at: T0 + 2 },
    ]);
    expect(orders.attempts('acct_rl', 'ORD-1')).toEqual([]);
    expect(orders.referenceTaken('acct_st', 'ORD-1-2')).toBe(true);
    expect(orders.referenceTaken('acct_rl', 'ORD-1-2')).toBe(false);
    expect(orders.referenceTaken('acct_st', 'ORD-9')).toBe(false);
  });

  it('adds a reusable link\'s payments, counts and finds them', () => {
    const s = store();
    const { orders, payments } = s.repos;
    const link = payments.byId('lnk')!;
    const child = { link, amountMinor: 900, customerName: null, customerEmail: 'a@example.in', customerPhone: null };
    orders.insertChild({ ...child, id: 'pay_c1', key: 'pi_1', createdAt: T0 + 10 });
    orders.insertChild({ ...child, id: 'pay_c2', key: 'pi_2', createdAt: T0 + 20, amountMinor: 450 });
    expect(payments.byId('lnk')).toMatchObject({ payment_count: 2 });
    // a child is not an attempt, and its reference is the link's
    expect(orders.attempts('acct_st', 'ORD-L').map((a) => a.id)).toEqual(['lnk']);
    const children = orders.children('lnk');
    expect(children.map((c) => c.id)).toEqual(['pay_c2', 'pay_c1']);
    expect(children[1]).toMatchObject({
      account_id: 'acct_st', gateway: 'stripe', livemode: 0, kind: 'stripe_payment_link', order_ref: 'ORD-L', amount_minor: 900,
      currency: 'INR', description: 'Gift card', notes: '{"channel":"web"}', idempotency_key: 'ik_l:pi_1', gateway_payment_id: 'pi_1',
      created_by: 'console', created_at: T0 + 10, updated_at: T0 + 10, parent_id: 'lnk', attempt_no: 1, gateway_ref: 'ORD-L',
      reusable: 0, status: 'creating', customer_email: 'a@example.in', customer_name: null,
    });
    expect(orders.children('pay_1')).toEqual([]);
    expect(orders.childState('lnk', 'pi_2')).toMatchObject({ id: 'pay_c2', amount_minor: 450, parent_id: 'lnk', gateway_payment_id: 'pi_2' });
    expect(orders.childState('lnk', 'pi_9')).toBeUndefined();
    expect(() => orders.insertChild({ ...child, id: 'pay_c3', key: 'pi_1', createdAt: T0 + 30 })).toThrow();
  });

  it('fills in the payer only where the row has none', () => {
    const { orders, payments } = store().repos;
    orders.fillCustomer('pay_c1', 'Asha Rao', 'other@example.in', null);
    expect(payments.byId('pay_c1')).toMatchObject({ customer_name: 'Asha Rao', customer_email: 'a@example.in', customer_phone: null });
    orders.fillCustomer('pay_c1', null, null, '+919800000001');
    orders.fillCustomer('pay_c1', 'Someone Else', null, '+910000000000');
    expect(payments.byId('pay_c1')).toMatchObject({ customer_name: 'Asha Rao', customer_email: 'a@example.in', customer_phone: '+919800000001' });
    orders.fillCustomer('pay_c2', null, null, null);
    expect(payments.byId('pay_c2')).toMatchObject({ customer_name: null, customer_phone: null });
  });
});
