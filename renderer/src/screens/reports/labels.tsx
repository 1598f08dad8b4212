// Words for reconciliation flags, settlement statuses and export presets.
import type { ExportPreset, Gateway, ReconFlag } from '../../../../shared/contract';
import { StatusChip, type ChipTone } from '../../components';

export const FLAG_LABEL: Readonly<Record<ReconFlag, string>> = {
  unknown_at_gateway: 'Unknown at the gateway',
  amount_mismatch: 'Amount differs',
  currency_mismatch: 'Currency differs',
  external: 'Not created in Paydesk',
  not_settled: 'Not settled yet',
};

export const FLAG_HELP: Readonly<Record<ReconFlag, string>> = {
  unknown_at_gateway: 'Paid here, but the gateway does not list it. Check the payment in the gateway’s dashboard.',
  amount_mismatch: 'The gateway settled a different amount than Paydesk recorded.',
  currency_mismatch: 'The gateway settled it in another currency than Paydesk recorded.',
  external: 'Settled by the gateway, but not made in Paydesk (for example, a payment taken in the gateway’s dashboard). Counted, never dropped.',
  not_settled: 'Paid, but in no payout or settlement after the number of days set in Settings → Reports.',
};

const FLAG_TONE: Readonly<Record<ReconFlag, ChipTone>> = {
  unknown_at_gateway: 'danger',
  amount_mismatch: 'danger',
  currency_mismatch: 'danger',
  external: 'info',
  not_settled: 'warning',
};

export function FlagChip({ flag }: { flag: ReconFlag }) {
  return (
    <StatusChip tone={FLAG_TONE[flag]} title={FLAG_HELP[flag]}>
      {FLAG_LABEL[flag]}
    </StatusChip>
  );
}

/** Razorpay created|processed|failed; Stripe pending|in_transit|paid|failed|canceled */
export function SettlementStatusChip({ status }: { status: string }) {
  const done = status === 'paid' || status === 'processed';
  const bad = status === 'failed' || status === 'canceled';
  const word: Record<string, string> = { paid: 'Paid out', processed: 'Settled', in_transit: 'In transit', pending: 'Pending', created: 'Created', failed: 'Failed', canceled: 'Cancelled' };
  return <StatusChip tone={done ? 'success' : bad ? 'danger' : 'neutral'}>{word[status] ?? status}</StatusChip>;
}

export const PRESETS: readonly { value: ExportPreset; label: string; gateway: Gateway | null; hint: string }[] = [
  { value: 'paydesk', label: 'Paydesk (both gateways)', gateway: null, hint: 'One row per money movement: payments, refunds, fees, payouts, with amounts in major and minor units.' },
  { value: 'stripe_balance', label: 'Stripe: balance change from activity', gateway: 'stripe', hint: 'The columns of Stripe’s itemized “Balance change from activity” report, so sheets built for it keep working.' },
  { value: 'razorpay_recon', label: 'Razorpay: settlement recon', gateway: 'razorpay', hint: 'The columns of Razorpay’s Settlement Recon report, so sheets built for it keep working.' },
];

export const KIND_LABEL: Readonly<Record<string, string>> = {
  payment: 'Payment',
  refund: 'Refund',
  fee: 'Fee',
  adjustment: 'Adjustment',
  dispute: 'Dispute',
};
