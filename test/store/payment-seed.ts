// Rows the payment repositories' engine tests share: accounts (inserted with the SQL both engines take, as
// the accounts repository is another file's) and payment inserts that pass the payments table's CHECKs
// (a 3-letter upper-case currency, order_ref and gateway_ref of 1-100 characters, amount above 0).
import type { PaymentInsert } from '../../electron/core/store/repos/payments';
import type { EngineStore } from '../fixtures/engines';

export const T0 = Date.UTC(2026, 10, 2, 9, 0, 0);

/** a Stripe test account `acct_st`, a Razorpay live one `acct_rl` and a Stripe live one `acct_sl` */
export function seedAccounts(s: EngineStore): void {
  s.exec(`INSERT INTO accounts (id, gateway, mode, livemode, label, created_at, updated_at) VALUES
    ('acct_st', 'stripe', 'test', 0, 'Stripe test', ${T0}, ${T0}),
    ('acct_rl', 'razorpay', 'live', 1, 'Razorpay live', ${T0}, ${T0}),
    ('acct_sl', 'stripe', 'live', 1, 'Stripe live', ${T0}, ${T0})`);
}

/** a Stripe Checkout link of `acct_st` unless `over` says otherwise */
export function paymentInsert(id: string, over: Partial<PaymentInsert> = {}): PaymentInsert {
  return {
    id,
    accountId: 'acct_st',
    gateway: 'stripe',
    livemode: false,
    kind: 'stripe_checkout',
    orderRef: `ORD-${id}`,
    amountMinor: 125_000,
    currency: 'inr',
    description: 'Two cotton kurtas',
    customerName: 'Asha Rao',
    customerEmail: 'asha@example.in',
    customerPhone: '+919800000001',
    notes: { channel: 'counter' },
    idempotencyKey: `idem-${id}`,
    expiresAt: T0 + 86_400_000,
    createdBy: 'console',
    createdAt: T0,
    ...over,
  };
}
