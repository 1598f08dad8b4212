// Razorpay's side of ports/reports.ts: payments (their fee and tax), settlements, and settlement recon rows
// (`settlements.reports({ year, month, day })`, the SDK's name for settlement recon). Razorpay keeps no
// balance ledger, so it returns no ledger entries.
import type Razorpay from 'razorpay';
import type { AccountTarget } from '../adapter';
import { mapRazorpayError } from '../errors';
import type { GatewayFee, ReportPort, SettlementContents } from '../ports/reports';
import { feeOf, int, istDay, itemOf, settlementOf, type RzpCollection, type RzpPaymentLite, type RzpReconRow, type RzpSettlementLite } from './reports-recon';

const DAY_S = 86_400;
/** fees become known at capture: re-read this much before the cursor */
const OVERLAP_S = 2 * DAY_S;

async function call<T>(p: Promise<unknown>): Promise<T> {
  try {
    return (await p) as T;
  } catch (err) {
    throw mapRazorpayError(err);
  }
}

async function pages<T>(fetchPage: (skip: number) => Promise<RzpCollection<T>>, pageSize: number, max = 100_000): Promise<T[]> {
  const out: T[] = [];
  for (let skip = 0; out.length < max; skip += pageSize) {
    const items = (await fetchPage(skip)).items ?? [];
    out.push(...items);
    if (items.length < pageSize) break;
  }
  return out;
}

const isMissing = (err: unknown): boolean => {
  const e = err as { statusCode?: number | string; error?: { description?: string } } | null;
  const status = Number(e?.statusCode);
  return status === 404 || (status === 400 && /does not exist|not a valid id/i.test(e?.error?.description ?? ''));
};

export function razorpayReports(client: Razorpay, _target: AccountTarget): ReportPort {
  return {
    cursorNames: { activity: 'razorpay.payments', settlements: 'razorpay.settlements' },
    // Razorpay settles INR unless the recon rows say otherwise
    settlementCurrency: 'INR',
    async activitySince(cursorS, nowS) {
      const payments = await pages<RzpPaymentLite>((skip) => call(client.payments.all({ from: cursorS - OVERLAP_S, to: nowS + DAY_S, count: 100, skip })), 100);
      const fees: GatewayFee[] = [];
      let next = cursorS;
      for (const p of payments) {
        const f = feeOf(p);
        if (!f) continue;
        fees.push(f);
        // the cursor moves only past captured payments, whose fee is final
        next = Math.max(next, int(p.created_at));
      }
      return { entries: [], fees, payments: payments.length, cursorS: next };
    },
    async settlementsSince(fromS, toS) {
      const list = await pages<RzpSettlementLite>((skip) => call(client.settlements.all({ from: fromS, to: toS, count: 100, skip })), 100);
      return list.map(settlementOf);
    },
    async settlementContents(settlements) {
      const days = new Map<string, { year: number; month: number; day: number }>();
      const out = new Map<string, SettlementContents>();
      for (const st of settlements) {
        const day = istDay(st.createdAt);
        days.set(day.key, day);
        out.set(st.gatewayId, { entries: [], items: [] });
      }
      for (const day of days.values()) {
        const rows = await pages<RzpReconRow>(
          (skip) => call<RzpCollection<RzpReconRow>>(client.settlements.reports({ year: day.year, month: day.month, day: day.day, count: 1000, skip })), 1000);
        for (const r of rows) out.get(r.settlement_id)?.items.push(itemOf(r));
      }
      return out;
    },
    checkoutOf: () => Promise.resolve({ sessionId: '', ref: null }),
    paymentRef: (p) => p.gateway_payment_id,
    async lookupPayment(ref) {
      try {
        const p = (await client.payments.fetch(ref)) as unknown as RzpPaymentLite;
        const f = feeOf(p);
        return { known: true, entry: null, fee: f && { keys: f.keys, fee: f.fee, tax: f.tax, net: f.net, currency: f.currency, at: f.at, gatewayType: f.gatewayType } };
      } catch (err) {
        if (isMissing(err)) return { known: false, entry: null, fee: null };
        throw mapRazorpayError(err);
      }
    },
  };
}
