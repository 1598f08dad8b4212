// Stripe's side of ports/reports.ts: balance transactions (the ledger), payouts and their transactions,
// and look-ups of single charges, intents and Checkout Sessions.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import { mapStripeError } from '../errors';
import type { GatewaySettlement, LedgerEntry, PaymentAtGateway, ReportPort, SettlementContents } from '../ports/reports';
import { int, itemsOf, ledgerEntryOf, str } from './reports-ledger';
import { manualPayoutEntries, payoutTransactions, returnedToBalance } from './reports-manual';

async function list<T>(items: AsyncIterable<T>, max = 1_000_000): Promise<T[]> {
  const out: T[] = [];
  try {
    for await (const x of items) {
      out.push(x);
      if (out.length >= max) break;
    }
  } catch (err) {
    throw mapStripeError(err);
  }
  return out;
}

const isMissing = (err: unknown): boolean => {
  const e = err as { type?: string; statusCode?: number; code?: string } | null;
  return !!e && e.type === 'StripeInvalidRequestError' && (e.statusCode === 404 || e.code === 'resource_missing');
};

export function stripeReports(client: Stripe, _target: AccountTarget): ReportPort {
  /** the balance transaction behind a charge, an intent or a session; `known` false when the session was never paid */
  async function transactionOf(ref: string): Promise<{ known: boolean; bt: unknown }> {
    if (ref.startsWith('ch_') || ref.startsWith('py_')) {
      return { known: true, bt: (await client.charges.retrieve(ref, { expand: ['balance_transaction'] })).balance_transaction };
    }
    if (ref.startsWith('pi_')) {
      const pi = await client.paymentIntents.retrieve(ref, { expand: ['latest_charge.balance_transaction'] });
      return { known: true, bt: (pi.latest_charge as Stripe.Charge | null)?.balance_transaction ?? null };
    }
    const s = await client.checkout.sessions.retrieve(ref, { expand: ['payment_intent.latest_charge.balance_transaction'] });
    const pi = s.payment_intent as Stripe.PaymentIntent | null;
    if (!pi || typeof pi !== 'object') return { known: s.payment_status === 'paid', bt: null };
    return { known: true, bt: (pi.latest_charge as Stripe.Charge | null)?.balance_transaction ?? null };
  }

  /** a payout's entries and items: listed by Stripe for an automatic payout, matched by date for a manual one */
  async function contentsOf(po: GatewaySettlement, claimed: Set<string>): Promise<SettlementContents> {
    if (!po.manual) {
      const entries = (await payoutTransactions(client, po.gatewayId)).map((bt) => ledgerEntryOf(bt, po.gatewayId));
      for (const e of entries) claimed.add(e.id);
      return { entries, items: itemsOf(entries) };
    }
    if (returnedToBalance(po.status)) return { entries: [], items: [] };
    const { entries, warning } = await manualPayoutEntries(client, po, claimed);
    for (const e of entries) claimed.add(e.id);
    return { entries, items: itemsOf(entries), ...(warning ? { warning } : {}) };
  }

  return {
    cursorNames: { activity: 'stripe.bt', settlements: 'stripe.payout' },
    // never needed: a payout always states its currency
    settlementCurrency: 'USD',
    async activitySince(cursorS) {
      // the same second again: storing is an upsert, so that is harmless
      const bts = await list(client.balanceTransactions.list({ created: { gt: cursorS - 1 }, limit: 100, expand: ['data.source'] }));
      const entries = bts.map((bt) => ledgerEntryOf(bt, null));
      return { entries, fees: [], payments: 0, cursorS: bts.reduce((m, bt) => Math.max(m, int(bt.created)), cursorS) };
    },
    async settlementsSince(fromS) {
      const payouts = await list(client.payouts.list({ created: { gte: fromS }, limit: 100 }));
      return payouts.map((po) => ({
        gatewayId: po.id, currency: String(po.currency).toUpperCase(), amount: int(po.amount), fee: null, tax: null, utr: null,
        status: String(po.status), createdAt: int(po.created) * 1000, arrivalAt: po.arrival_date ? int(po.arrival_date) * 1000 : null,
        // Stripe lists the transactions of automatic payouts only; a manual one's are matched by date
        manual: po.automatic === false,
      }));
    },
    async settlementContents(settlements) {
      const out = new Map<string, SettlementContents>();
      // automatic ones first: the transactions they took are not a manual payout's; manual ones oldest first
      const ordered = [...settlements].sort((a, b) => Number(a.manual ?? false) - Number(b.manual ?? false) || a.createdAt - b.createdAt);
      const claimed = new Set<string>();
      for (const po of ordered) {
        try {
          out.set(po.gatewayId, await contentsOf(po, claimed));
        } catch (err) {
          // one payout that cannot be read must not keep the others from being stored
          out.set(po.gatewayId, { entries: [], items: [], warning: `Couldn’t read this payout’s transactions: ${mapStripeError(err).message}` });
        }
      }
      return out;
    },
    async checkoutOf(paymentIntentId) {
      const s = (await list(client.checkout.sessions.list({ payment_intent: paymentIntentId, limit: 1 }), 1))[0];
      return { sessionId: s?.id ?? '', ref: s ? (str(s.client_reference_id) ?? str(s.metadata?.paydesk_id)) : null };
    },
    paymentRef: (p) => p.charge_id ?? p.payment_intent_id ?? (p.gateway_payment_id?.startsWith('pi_') ? p.gateway_payment_id : null) ?? p.session_id,
    async lookupPayment(ref): Promise<PaymentAtGateway> {
      try {
        const { known, bt } = await transactionOf(ref);
        let entry: LedgerEntry | null = null;
        if (bt && typeof bt === 'object') {
          // the retrieved transaction's source is the charge id only: read it again with the charge for the intent
          entry = ledgerEntryOf(await client.balanceTransactions.retrieve((bt as Stripe.BalanceTransaction).id, { expand: ['source'] }), null);
        }
        return { known, entry, fee: null };
      } catch (err) {
        if (isMissing(err)) return { known: false, entry: null, fee: null };
        throw mapStripeError(err);
      }
    },
  };
}
