// Stripe balance transactions as the report port's ledger entries and settlement items.
import type Stripe from 'stripe';
import type { LedgerEntry, SettlementItem, SettlementItemKind } from '../ports/reports';

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
export const idOf = (v: unknown): string | null => (typeof v === 'string' ? str(v) : v && typeof v === 'object' ? str((v as { id?: unknown }).id) : null);
export const int = (v: unknown): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : 0;
};
export { str };

/** The charge / intent / refund / Paydesk id a transaction's source names (expanded, or only its id). */
function sourceRefs(src: unknown, sourceId: string | null) {
  const refs = { chargeId: null as string | null, paymentIntentId: null as string | null, refundId: null as string | null, paydeskId: null as string | null };
  if (src && typeof src === 'object') {
    const o = src as { object?: string; payment_intent?: unknown; charge?: unknown; metadata?: Record<string, string> | null };
    if (o.object === 'charge') {
      refs.chargeId = sourceId;
      refs.paymentIntentId = idOf(o.payment_intent);
      refs.paydeskId = str(o.metadata?.paydesk_id);
    } else if (o.object === 'refund') {
      refs.refundId = sourceId;
      refs.chargeId = idOf(o.charge);
      refs.paymentIntentId = idOf(o.payment_intent);
    }
  } else if (sourceId) {
    if (/^(ch|py)_/.test(sourceId)) refs.chargeId = sourceId;
    else if (/^(re|pyr)_/.test(sourceId)) refs.refundId = sourceId;
  }
  return refs;
}

export function ledgerEntryOf(bt: Stripe.BalanceTransaction, payoutId: string | null): LedgerEntry {
  const sourceId = idOf(bt.source as unknown);
  const details = Array.isArray(bt.fee_details) ? bt.fee_details : [];
  const tax = details.filter((f) => f.type === 'tax').reduce((s, f) => s + int(f.amount), 0);
  return {
    id: bt.id,
    type: String(bt.type),
    category: String(bt.reporting_category ?? bt.type),
    sourceId,
    ...sourceRefs(bt.source as unknown, sourceId),
    currency: String(bt.currency).toUpperCase(),
    amount: int(bt.amount),
    fee: int(bt.fee),
    tax,
    net: int(bt.net),
    feeDetails: JSON.stringify(details.map((f) => ({ amount: int(f.amount), currency: String(f.currency).toUpperCase(), type: f.type, description: f.description ?? null }))),
    exchangeRate: bt.exchange_rate == null ? null : String(bt.exchange_rate),
    status: String(bt.status),
    payoutId,
    createdAt: int(bt.created) * 1000,
    availableOn: bt.available_on ? int(bt.available_on) * 1000 : null,
  };
}

const PAYMENT_CATEGORIES = new Set(['charge', 'payment']);

/** The settlement item kind of a reporting category; null: not an item (the payout itself, top-ups). */
export function itemKindOf(category: string): SettlementItemKind | null {
  if (category === 'payout' || category === 'payout_reversal' || category === 'topup' || category === 'topup_reversal') return null;
  if (PAYMENT_CATEGORIES.has(category)) return 'payment';
  if (category === 'refund' || category === 'refund_failure' || category === 'partial_capture_reversal') return 'refund';
  if (category === 'dispute' || category === 'dispute_reversal') return 'dispute';
  if (category === 'fee' || category === 'network_cost') return 'fee';
  return 'adjustment';
}

/** A payout's transactions as items; Stripe's items name no payment (the matcher links them through the ledger). */
export function itemsOf(entries: readonly LedgerEntry[]): SettlementItem[] {
  const out: SettlementItem[] = [];
  for (const r of entries) {
    const kind = r.type === 'payout' ? null : itemKindOf(r.category);
    if (kind) out.push({ txnId: r.id, kind, amount: r.amount, fee: r.fee, tax: r.tax, net: r.net, createdAt: r.createdAt, currency: r.currency, refs: null });
  }
  return out;
}
