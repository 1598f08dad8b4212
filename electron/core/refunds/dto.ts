// A refund row as the contract's Refund.
import type { Refund } from '../../../shared/contract';
import type { RefundsRepo, RefundView } from '../store/repos/refunds';

export const toDto = (r: RefundView): Refund => ({
  id: r.id,
  paymentId: r.payment_id,
  accountId: r.account_id,
  gateway: r.gateway,
  livemode: r.livemode === 1,
  amountMinor: r.amount_minor,
  currency: r.currency,
  reason: r.reason,
  speed: r.speed,
  note: r.note,
  status: r.status,
  failureReason: r.failure_reason,
  lastError: r.last_error,
  gatewayRefundId: r.gateway_refund_id,
  operatorId: r.operator_id,
  operatorName: r.operator_name,
  approvedById: r.approved_by,
  approvedByName: r.approved_by_name,
  orderRef: r.order_ref,
  customerName: r.customer_name,
  customerEmail: r.customer_email,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** The refund `id` as the screens show it (it exists: the caller just read or wrote it). */
export const refundDto = (repo: Pick<RefundsRepo, 'view'>, id: string): Refund => toDto(repo.view(id) as RefundView);
