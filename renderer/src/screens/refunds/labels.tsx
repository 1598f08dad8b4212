// Words for refunds, shared by the payment's refund panel, the refund dialog and the Refunds screen.
import type { Refund, RefundRowStatus } from '../../../../shared/contract';
import { StatusChip, type ChipTone } from '../../components';

export const REFUND_STATUS_LABEL: Record<RefundRowStatus, string> = {
  requested: 'Sending',
  pending: 'Pending',
  succeeded: 'Refunded',
  failed: 'Failed',
};

const TONE: Record<RefundRowStatus, ChipTone> = { requested: 'info', pending: 'warning', succeeded: 'success', failed: 'danger' };

const STATUS_TITLE: Record<RefundRowStatus, string> = {
  requested: 'Recorded; waiting for the gateway’s answer. Paydesk retries by itself with the same key.',
  pending: 'Accepted by the gateway; the money is on its way back to the customer.',
  succeeded: 'The gateway has sent the money back.',
  failed: 'The gateway did not refund this; no money was sent.',
};

export function RefundStatusChip({ status }: { status: RefundRowStatus }) {
  return (
    <StatusChip tone={TONE[status]} title={STATUS_TITLE[status]}>
      {REFUND_STATUS_LABEL[status]}
    </StatusChip>
  );
}

export const STRIPE_REASON_LABEL = {
  requested_by_customer: 'Requested by customer',
  duplicate: 'Duplicate payment',
  fraudulent: 'Fraudulent',
} as const;

export const SPEED_LABEL = { normal: 'Normal (5–7 days)', optimum: 'Optimum (instant when possible)' } as const;

/** "Requested by customer", "Speed: optimum · note", or "—" */
export function refundReasonText(r: Pick<Refund, 'reason' | 'speed' | 'note'>): string {
  const parts: string[] = [];
  if (r.reason) parts.push(STRIPE_REASON_LABEL[r.reason]);
  if (r.speed) parts.push(r.speed === 'optimum' ? 'Optimum speed' : 'Normal speed');
  if (r.note) parts.push(r.note);
  return parts.length ? parts.join(' · ') : '—';
}

/** a client id for one confirmation dialog: the same id again returns the same refund */
export function newRequestId(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `rq_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}
