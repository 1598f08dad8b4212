// Razorpay payments, settlements and settlement recon rows as the report port's fees, settlements and items.
import type { GatewayFee, GatewaySettlement, PaymentLookup, SettlementItem } from '../ports/reports';

export interface RzpCollection<T> { items?: T[]; count?: number }
export interface RzpPaymentLite { id: string; amount: number; currency: string; status: string; order_id: string | null; fee?: number | null; tax?: number | null; notes?: unknown; created_at: number; captured?: boolean }
export interface RzpSettlementLite { id: string; amount: number; status: string; fees: number; tax: number; utr: string | null; created_at: number }
export interface RzpReconRow {
  entity_id: string; type: string; debit: number; credit: number; amount: number | string; currency: string; fee: number; tax: number;
  created_at: number; settled_at: number; settlement_id: string; settlement_utr: string | null; payment_id: string | null; order_id: string | null;
  notes: unknown; dispute_id: string | null;
}

const IST_OFFSET_MS = 19_800_000;

const str = (v: unknown): string | null => (typeof v === 'string' && v.length > 0 ? v : null);
export const int = (v: unknown): number => {
  const n = typeof v === 'string' ? Number(v) : v;
  return typeof n === 'number' && Number.isSafeInteger(n) ? n : 0;
};

/** notes as payments or recon rows carry them: an object, [] when empty, or (recon) a string */
export function paydeskIdOfNotes(notes: unknown): string | null {
  if (typeof notes === 'string') {
    if (/^pd_[A-Za-z0-9_-]+$/.test(notes)) return notes;
    try {
      return paydeskIdOfNotes(JSON.parse(notes));
    } catch {
      return null;
    }
  }
  if (notes && typeof notes === 'object' && !Array.isArray(notes)) return str((notes as Record<string, unknown>).paydesk_id);
  return null;
}

/** Finds a local payment by its Razorpay payment id, then its order, then the Paydesk id in its notes. */
export function lookupsOf(paymentId: string, orderId: string | null, notes: unknown): PaymentLookup[] {
  const refs: PaymentLookup[] = [{ column: 'gateway_payment_id', value: paymentId }];
  if (orderId) refs.push({ column: 'order_id', value: orderId });
  const pd = paydeskIdOfNotes(notes);
  if (pd) refs.push({ column: 'id', value: pd });
  return refs;
}

/** A payment's fee once it is captured (null before). */
export function feeOf(p: RzpPaymentLite): GatewayFee | null {
  if (p.fee === null || p.fee === undefined) return null;
  const fee = int(p.fee);
  return {
    refs: lookupsOf(p.id, p.order_id, p.notes), keys: [p.id], fee, tax: int(p.tax), net: int(p.amount) - fee,
    currency: String(p.currency).toUpperCase(), at: int(p.created_at) * 1000, gatewayType: 'payment',
  };
}

export function settlementOf(st: RzpSettlementLite): GatewaySettlement {
  const created = int(st.created_at) * 1000;
  return {
    // the settlement entity has no currency: its recon rows carry it
    gatewayId: st.id, currency: null, amount: int(st.amount), fee: int(st.fees), tax: int(st.tax), utr: str(st.utr), status: String(st.status),
    createdAt: created, arrivalAt: st.status === 'processed' ? created : null,
  };
}

export function itemOf(row: RzpReconRow): SettlementItem {
  const amount = int(row.amount);
  const fee = int(row.fee);
  const tax = int(row.tax);
  const net = int(row.credit) - int(row.debit);
  const base = { txnId: row.entity_id, fee, tax, net, createdAt: int(row.created_at) * 1000, currency: row.currency ? String(row.currency).toUpperCase() : null, refs: null };
  if (row.dispute_id) return { ...base, kind: 'dispute', amount: net + fee };
  if (row.type === 'payment') return { ...base, kind: 'payment', amount, refs: lookupsOf(row.entity_id, row.order_id, row.notes) };
  if (row.type === 'refund') return { ...base, kind: 'refund', amount: -amount };
  return { ...base, kind: 'adjustment', amount: net + fee };
}

/** The IST calendar day a settlement was created on (recon is fetched per day). */
export function istDay(createdMs: number): { year: number; month: number; day: number; key: string } {
  const d = new Date(createdMs + IST_OFFSET_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), key: d.toISOString().slice(0, 10) };
}
