// A payment as the merchant API answers it. `order_id` is always the shop's order reference; the gateways'
// ids have names of their own (session_id, payment_intent_id, razorpay_order_id ...).
import type { Payment } from '../../../shared/contract';
import type { Gateway } from '../../../shared/gateways';

export function publicPayment(p: Payment) {
  return {
    id: p.id,
    order_id: p.orderRef,
    attempt: p.attemptNo,
    reference: p.reference,
    gateway: p.gateway,
    status: p.status,
    display_status: p.displayStatus,
    amount: p.amountMinor,
    amount_captured: p.capturedMinor,
    amount_refunded: p.refundedMinor,
    currency: p.currency.toLowerCase(),
    paid_at: p.paidAt === null ? null : Math.floor(p.paidAt / 1000),
    expires_at: p.expiresAt === null ? null : Math.floor(p.expiresAt / 1000),
    checkout_url: p.url,
    failure_reason: p.statusReason,
    mode: p.mode,
  };
}

/** each gateway's own ids, by their own names */
export const GATEWAY_IDS: Readonly<Record<Gateway, (p: Payment) => Record<string, string | null>>> = {
  stripe: (p) => ({ session_id: p.gatewayIds.sessionId, payment_intent_id: p.gatewayIds.paymentIntentId, payment_link_id: p.gatewayIds.plinkId }),
  razorpay: (p) => ({ razorpay_order_id: p.gatewayIds.orderId, payment_link_id: p.gatewayIds.plinkId, razorpay_payment_id: p.gatewayIds.paymentId }),
};

export const paymentView = (p: Payment) => ({ ...publicPayment(p), ...GATEWAY_IDS[p.gateway](p) });
