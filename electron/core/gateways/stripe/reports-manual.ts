// The balance transactions of a Stripe payout. Stripe lists them (`balance_transactions?payout=`) for automatic
// payouts only and answers 400 for a manual one: the merchant chose a manual payout's time and amount, and Stripe
// does not record which transactions it took. Those are matched by date here:
//
//   a manual payout took the transactions of its currency that became available (available_on) after the
//   previous payout of that currency was created and no later than it was created itself, that no other
//   payout took (the previous payout's own list when it was automatic, and the automatic payouts read in the
//   same refresh), plus its own `payout` transaction.
//
// That is exact when each payout sweeps the whole available balance, which is what a manual payout from the
// Dashboard does by default. A payout of part of the balance leaves transactions to the next one; then the
// matched net differs from the payout amount and the settlement carries a warning saying so. A failed or
// canceled payout returned its money to the balance, so it takes nothing and is never the "previous" one.
import type Stripe from 'stripe';
import { formatMoney } from '../../../../shared/money';
import { mapStripeError } from '../errors';
import type { GatewaySettlement, LedgerEntry } from '../ports/reports';
import { int, ledgerEntryOf } from './reports-ledger';

const DAY_S = 86_400;
/** the longest Stripe holds a charge before it becomes available (standard schedules are 2-14 days) */
const MAX_AVAILABILITY_DELAY_S = 31 * DAY_S;
/** with no payout before it, a manual payout may hold everything since the first refresh's lookback */
const FIRST_PAYOUT_LOOKBACK_S = 400 * DAY_S;
/** payouts of other currencies scanned at most while looking for the previous one */
const MAX_PAYOUTS_SCANNED = 300;

export const returnedToBalance = (status: string): boolean => status === 'failed' || status === 'canceled';

async function all<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const x of items) out.push(x);
  } catch (err) {
    throw mapStripeError(err);
  }
  return out;
}

/** A payout's transactions as Stripe lists them (automatic payouts only). */
export async function payoutTransactions(client: Stripe, payoutId: string): Promise<Stripe.BalanceTransaction[]> {
  return all(client.balanceTransactions.list({ payout: payoutId, limit: 100, expand: ['data.source'] }));
}

/** The latest payout of the same currency created before `po` that kept its money, or null. */
async function previousPayout(client: Stripe, po: GatewaySettlement): Promise<Stripe.Payout | null> {
  const createdS = Math.floor(po.createdAt / 1000);
  let scanned = 0;
  try {
    // newest first; `lte` with the id check: two payouts may share a second
    for await (const p of client.payouts.list({ created: { lte: createdS }, limit: 100 })) {
      if (p.id !== po.gatewayId && String(p.currency).toUpperCase() === po.currency?.toUpperCase() && !returnedToBalance(String(p.status))
        && (int(p.created) < createdS || p.id < po.gatewayId)) return p;
      if (++scanned >= MAX_PAYOUTS_SCANNED) break;
    }
  } catch (err) {
    throw mapStripeError(err);
  }
  return null;
}

const isPayoutTxn = (bt: Stripe.BalanceTransaction): boolean => String(bt.type).startsWith('payout') || bt.reporting_category === 'payout' || bt.reporting_category === 'payout_reversal';

/**
 * A manual payout's entries, matched by date (see the top of this file), and a warning when their net is not
 * the payout's amount. `claimed`: transactions other payouts of this refresh took.
 */
export async function manualPayoutEntries(client: Stripe, po: GatewaySettlement, claimed: ReadonlySet<string>): Promise<{ entries: LedgerEntry[]; warning?: string }> {
  const createdS = Math.floor(po.createdAt / 1000);
  const prev = await previousPayout(client, po);
  const prevS = prev ? int(prev.created) : null;
  const taken = new Set(claimed);
  if (prev?.automatic) for (const bt of await payoutTransactions(client, prev.id)) taken.add(bt.id);
  const fromS = prevS === null ? createdS - FIRST_PAYOUT_LOOKBACK_S : prevS - MAX_AVAILABILITY_DELAY_S;
  const bts = await all(client.balanceTransactions.list({
    created: { gte: fromS, lte: createdS }, currency: po.currency?.toLowerCase(), limit: 100, expand: ['data.source'],
  }));
  const own = (bt: Stripe.BalanceTransaction) => (typeof bt.source === 'string' ? bt.source : bt.source?.id) === po.gatewayId;
  const picked = bts.filter((bt) => {
    if (own(bt)) return true;
    if (isPayoutTxn(bt) || taken.has(bt.id)) return false;
    const availableS = int(bt.available_on);
    return availableS <= createdS && (prevS === null || availableS > prevS);
  });
  const entries = picked.map((bt) => ledgerEntryOf(bt, po.gatewayId));
  const net = picked.filter((bt) => !own(bt)).reduce((n, bt) => n + int(bt.net), 0);
  if (net === po.amount) return { entries };
  const currency = po.currency ?? entries[0]?.currency ?? 'USD';
  return {
    entries,
    warning: `Manual payout: the transactions that became available since the previous payout come to ${formatMoney(net, currency)}, `
      + `the payout was ${formatMoney(po.amount, currency)}. Stripe does not say which transactions a manual payout took: check them against your Stripe balance.`,
  };
}
