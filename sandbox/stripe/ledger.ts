// Reads of the Stripe account's money that change nothing: the balance, what a payout would take, and how much
// of a charge may still be refunded. The engine (engine.ts) applies the changes and emits the events.
import type Stripe from 'stripe';
import { StripeApiError } from './form.js';
import type { StripeState } from './state.js';

/** GET /v1/balance: net of every balance transaction, split into available and pending per currency. */
export function balanceOf(state: StripeState): Stripe.Balance {
  const available = new Map<string, number>();
  const pending = new Map<string, number>();
  for (const bt of Object.values(state.balanceTransactions)) {
    const bucket = bt.status === 'available' ? available : pending;
    bucket.set(bt.currency, (bucket.get(bt.currency) ?? 0) + bt.net);
    const other = bt.status === 'available' ? pending : available;
    if (!other.has(bt.currency)) other.set(bt.currency, 0);
  }
  if (available.size === 0) {
    available.set('usd', 0);
    pending.set('usd', 0);
  }
  const list = (m: Map<string, number>) => [...m].map(([currency, amount]) => ({ amount, currency, source_types: { card: amount } }));
  return { object: 'balance', available: list(available), livemode: false, pending: list(pending) };
}

/** The available balance transactions no payout has taken yet, per currency (or of one currency). */
export function unpaidOutByCurrency(state: StripeState, currency?: string): Map<string, Stripe.BalanceTransaction[]> {
  const perCurrency = new Map<string, Stripe.BalanceTransaction[]>();
  for (const bt of Object.values(state.balanceTransactions)) {
    if (bt.status !== 'available' || bt.type === 'payout' || state.btPayout[bt.id]) continue;
    if (currency && bt.currency !== currency) continue;
    const list = perCurrency.get(bt.currency) ?? [];
    list.push(bt);
    perCurrency.set(bt.currency, list);
  }
  return perCurrency;
}

/** The amount a refund of the charge takes (all that is left when none is asked), or Stripe's 400 why it cannot. */
export function refundAmount(charge: Stripe.Charge, requested: number | undefined): number {
  if (charge.status !== 'succeeded') {
    throw new StripeApiError(400, 'invalid_request_error', `Charge ${charge.id} has not succeeded and cannot be refunded.`, 'charge_not_refundable', 'charge');
  }
  const remaining = charge.amount - charge.amount_refunded;
  if (remaining <= 0) {
    throw new StripeApiError(400, 'invalid_request_error', `Charge ${charge.id} has already been refunded.`, 'charge_already_refunded');
  }
  const amount = requested ?? remaining;
  if (amount > remaining) {
    throw new StripeApiError(400, 'invalid_request_error', `Refund amount (${amount}) is greater than unrefunded amount on charge (${remaining})`, 'amount_too_large', 'amount');
  }
  return amount;
}
