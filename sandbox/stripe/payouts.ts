// Payouts as Stripe makes them: automatic ones (the payout schedule: everything available, per currency)
// and manual ones (the merchant's `POST /v1/payouts` with an amount). Stripe links the balance transactions
// an automatic payout took (`balance_transactions?payout=`); it refuses that filter for a manual payout, since
// the merchant chose the amount and Stripe does not say which transactions it took.
import type Stripe from 'stripe';
import { newId } from '../core/ids.js';
import { StripeApiError } from './form.js';
import { balanceOf, unpaidOutByCurrency } from './ledger.js';
import { buildBalanceTransaction, buildPayout } from './money-objects.js';
import type { StripeEngine } from './engine.js';

/** Stripe's answer to `balance_transactions?payout=` for a manual payout. */
export const MANUAL_PAYOUT_FILTER_MESSAGE = 'Balance transaction history can only be filtered on automatic transfers, not manual.';

/** Records a paid payout of `amount` that took `txns`, with its own (negative) balance transaction, and emits its events. */
function record(engine: StripeEngine, input: { amount: number; currency: string; txns: readonly Stripe.BalanceTransaction[]; automatic: boolean; description: string | null; metadata?: Record<string, string> }): Stripe.Payout {
  const state = engine.state;
  const now = engine.now();
  const payoutId = newId('po', 24);
  const bt = buildBalanceTransaction({
    now, availableOn: now, amount: -input.amount, fee: 0, currency: input.currency, source: payoutId, type: 'payout', reportingCategory: 'payout',
    description: input.description ?? 'STRIPE PAYOUT', status: 'available',
  });
  const payout = buildPayout({ now, amount: input.amount, currency: input.currency, balanceTransaction: bt.id, description: input.description });
  payout.id = payoutId;
  payout.automatic = input.automatic;
  if (input.metadata) payout.metadata = input.metadata;
  state.balanceTransactions[bt.id] = bt;
  state.payouts[payout.id] = payout;
  // kept for a manual payout too, only so a later automatic payout does not take the same money again: never shown
  for (const txn of input.txns) state.btPayout[txn.id] = payout.id;
  state.btPayout[bt.id] = payout.id;
  engine.emit('payout.created', { ...payout, status: 'pending' });
  engine.emit('payout.paid', payout);
  return payout;
}

/** Pays out everything available (per currency, or one currency) as automatic payouts. */
export function automaticPayouts(engine: StripeEngine, currency?: string): Stripe.Payout[] {
  const payouts: Stripe.Payout[] = [];
  const available = balanceOf(engine.state).available;
  for (const [cur, txns] of unpaidOutByCurrency(engine.state, currency)) {
    // a partial manual payout before may have taken part of these transactions' money: never more than the balance
    const amount = Math.min(txns.reduce((sum, bt) => sum + bt.net, 0), available.find((b) => b.currency === cur)?.amount ?? 0);
    if (amount > 0) payouts.push(record(engine, { amount, currency: cur, txns, automatic: true, description: null }));
  }
  engine.touch();
  return payouts;
}

/** A manual payout of `amount` (default: the whole available balance) from the available balance of `currency`. */
export function manualPayout(engine: StripeEngine, input: { currency: string; amount?: number; description?: string | null; metadata?: Record<string, string> }): Stripe.Payout {
  const available = balanceOf(engine.state).available.find((b) => b.currency === input.currency)?.amount ?? 0;
  const amount = input.amount ?? available;
  if (amount <= 0 || amount > available) {
    throw new StripeApiError(400, 'invalid_request_error', `You have insufficient funds in your Stripe account for this payout (available: ${available} ${input.currency}).`, 'balance_insufficient');
  }
  // the oldest available transactions that fit in the amount, for the sandbox's own bookkeeping only
  const unpaid = [...(unpaidOutByCurrency(engine.state, input.currency).get(input.currency) ?? [])].sort((a, b) => a.available_on - b.available_on || a.created - b.created);
  const taken: Stripe.BalanceTransaction[] = [];
  let sum = 0;
  for (const bt of unpaid) {
    if (sum + bt.net > amount) break;
    sum += bt.net;
    taken.push(bt);
  }
  const payout = record(engine, { amount, currency: input.currency, txns: taken, automatic: false, description: input.description ?? null, metadata: input.metadata });
  engine.touch();
  return payout;
}
