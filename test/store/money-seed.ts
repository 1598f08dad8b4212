// Rows the money repositories' engine tests share (refunds, ledger, settlements, reconciliation, report views):
// two operators, paid / open / reusable payments with the gateway ids the look-ups use, and refund intents
// that pass the refunds table's CHECKs (Stripe rows carry a reason and no speed, Razorpay ones the reverse;
// a row past `requested` has a gateway refund id). Set-up SQL is written once, in the subset both engines read.
import { z } from 'zod';
import type { RefundIntentInsert } from '../../electron/core/store/repos/refunds';
import type { EngineStore } from '../fixtures/engines';
import { paymentInsert, seedAccounts, T0 } from './payment-seed';

export { T0 };
export const HOUR = 3_600_000;

/** `pay_a` paid (fee known), `pay_b` paid without a fee, `pay_c` Razorpay live paid, `pay_d` open, `pay_link` a reusable link */
export function seedMoney(s: EngineStore): void {
  seedAccounts(s);
  s.exec(`INSERT INTO operators (id, name, role, pin_hash, created_at, updated_at) VALUES
    ('op_owner', 'Meera', 'owner', 'scrypt$a$b', ${T0}, ${T0}), ('op_staff', 'Ravi', 'staff', 'scrypt$c$d', ${T0}, ${T0})`);
  const { payments } = s.repos;
  payments.insert(paymentInsert('pay_a', { currency: 'usd', customerName: 'Asha Rao' }));
  payments.insert(paymentInsert('pay_b', { currency: 'usd', customerName: 'Deal 50%_off', customerEmail: 'b@example.com' }));
  payments.insert(paymentInsert('pay_c', { accountId: 'acct_rl', gateway: 'razorpay', livemode: true, kind: 'razorpay_link', customerName: 'Kiran Zoë', customerEmail: 'kiran@example.in' }));
  payments.insert(paymentInsert('pay_d', { currency: 'usd' }));
  payments.insert(paymentInsert('pay_link', { currency: 'usd', reusable: true }));
  s.exec(`UPDATE payments SET status = 'paid', paid_at = ${T0 + HOUR}, captured_minor = 125000, fee_minor = 3750, tax_minor = 0, net_minor = 121250,
    charge_id = 'ch_a', payment_intent_id = 'pi_a', gateway_payment_id = 'pi_a' WHERE id = 'pay_a'`);
  s.exec(`UPDATE payments SET status = 'partially_paid', paid_at = ${T0 + 2 * HOUR}, captured_minor = 50000,
    charge_id = 'ch_b', payment_intent_id = 'pi_b', gateway_payment_id = 'pi_b', session_id = 'cs_b' WHERE id = 'pay_b'`);
  s.exec(`UPDATE payments SET status = 'paid', paid_at = ${T0 + 3 * HOUR}, captured_minor = 200000, fee_minor = 4720, tax_minor = 720, net_minor = 195280,
    gateway_payment_id = 'pay_RZC', order_id = 'order_RZC' WHERE id = 'pay_c'`);
  s.exec(`UPDATE payments SET status = 'open', paid_at = ${T0 + HOUR}, captured_minor = 0 WHERE id = 'pay_link'`);
}

/** a Stripe refund intent of `pay_a` unless `over` says otherwise */
export function refundIntent(id: string, over: Partial<RefundIntentInsert> = {}): RefundIntentInsert {
  return {
    id,
    paymentId: 'pay_a',
    accountId: 'acct_st',
    gateway: 'stripe',
    livemode: 0,
    gatewayPaymentId: 'pi_a',
    amountMinor: 10_000,
    currency: 'USD',
    reason: 'requested_by_customer',
    speed: null,
    note: null,
    idempotencyKey: `rk-${id}`,
    requestId: `req-${id}`,
    operatorId: 'op_staff',
    operatorName: 'Ravi',
    approvedBy: null,
    createdAt: T0 + 4 * HOUR,
    ...over,
  };
}

/**
 * One text value read with SQL both engines take, for columns no repository method returns: copied into a
 * settings row as a JSON string and read back through the settings repository. null: no row or a null value.
 */
export function probeText(s: EngineStore, column: string, fromWhere: string): string | null {
  s.exec(`DELETE FROM settings WHERE key = 'test.probe'`);
  s.exec(`INSERT INTO settings (key, value, updated_at) SELECT 'test.probe', '"' || ${column} || '"', 0 FROM ${fromWhere} AND ${column} IS NOT NULL`);
  return s.repos.settings.get('test.probe', z.string().nullable(), null);
}
