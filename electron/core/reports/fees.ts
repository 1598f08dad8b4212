// Fees a gateway reports, folded into their payments through the one fold (payments/apply.ts), like the
// webhook ingest and the sync do, so nothing double counts.
import type { PaymentEvent, PaymentStatus } from '../../../shared/status';
import type { GatewayFee } from '../gateways/ports/reports';
import { applyFacts } from '../payments/apply';
import type { Transact } from '../store';
import type { PaymentRow, PaymentsRepo } from '../store/repos/payments';
import type { ReconciliationRepo } from '../store/repos/reconciliation';
import { stateOfRow } from '../store/repos/payments';

/** A gateway's fee, once the local payment it belongs to is known; Stripe: with its balance transaction. */
export type FeeFact = Omit<GatewayFee, 'refs'> & { paymentId: string; balanceTxnId?: string | null; availableOn?: number | null };

export interface FeeDeps {
  payments: PaymentsRepo;
  reconciliation: ReconciliationRepo;
  transaction: Transact;
  now: () => number;
}

/** Fills fees in one transaction; returns the payments whose visible state changed. */
export function applyFees(d: FeeDeps, accountId: string, facts: readonly FeeFact[]): { id: string; status: PaymentStatus }[] {
  if (facts.length === 0) return [];
  return d.transaction(() => {
    const now = d.now();
    const changed: { id: string; status: PaymentStatus }[] = [];
    for (const f of facts) {
      const row: PaymentRow | undefined = d.payments.byId(f.paymentId);
      if (!row || row.account_id !== accountId) continue;
      // a settlement in another currency (conversion) is flagged by the matcher, never mixed into this payment
      if (row.currency !== f.currency) continue;
      if (!row.machine) {
        // a row no state machine has touched yet (imported / seeded): only fill the columns of a paid row
        if (row.status === 'paid' || row.status === 'partially_paid') {
          if (d.reconciliation.fillFeesOfUnfolded(row.id, f.fee, f.tax, f.net ?? row.captured_minor - f.fee, now) > 0) changed.push({ id: row.id, status: row.status });
        }
        continue;
      }
      const state = stateOfRow(row);
      const key = f.keys.find((k) => state.fees[k] !== undefined) ?? f.keys[0]!;
      const event: PaymentEvent = { type: 'fee_known', at: f.at, paymentId: key, fee: f.fee, tax: f.tax, net: f.net, balanceTxnId: f.balanceTxnId, availableOn: f.availableOn };
      const c = applyFacts(d.payments, row, [event], { source: 'sync', gatewayType: f.gatewayType, now });
      if (c) changed.push({ id: c.id, status: c.summary.status });
    }
    return changed;
  });
}
