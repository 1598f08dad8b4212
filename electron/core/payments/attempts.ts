// The attempt rule: an order (the shop's order reference in an account) may be tried again with a new
// link once every earlier link expired or was cancelled; while one can still be paid, or once one was paid,
// a new link is refused with words that say which and what to do. A link that the gateway refused to
// create is dropped, so it never blocks a retry. Each attempt shows the customer and the gateway its own
// reference: the order reference, then "/2", "/3" ... (Razorpay refuses a reused reference_id).
import { invalid } from '../../../shared/errors';
import type { PaymentStatus } from '../../../shared/status';
import type { AttemptRow, OrdersRepo } from '../store/repos/orders';

/** The longest reference a gateway takes (Razorpay reference_id and receipt). */
export const MAX_REFERENCE = 40;

const STILL_PAYABLE: ReadonlySet<PaymentStatus> = new Set(['creating', 'open', 'failed', 'authorized', 'partially_paid']);
const ENDED: ReadonlySet<PaymentStatus> = new Set(['expired', 'cancelled']);

export interface NextAttempt {
  attemptNo: number;
  gatewayRef: string;
}

const referenceFor = (orderRef: string, n: number): string => (n === 1 ? orderRef : `${orderRef}/${n}`);

function refuse(orderRef: string, blocking: AttemptRow): never {
  const which = blocking.attempt_no === 1 ? '' : ` (attempt ${blocking.attempt_no}, ${blocking.gateway_ref})`;
  if (STILL_PAYABLE.has(blocking.status) || blocking.reusable === 1) {
    throw invalid('orderRef', `Order ${orderRef} already has a link that can still be paid${which}. Share that link again, or cancel it first to make a new one.`);
  }
  throw invalid('orderRef', `Order ${orderRef} is already paid${which}. Use a new order reference for a new order, or refund the payment.`);
}

/**
 * The number and reference of a new attempt at `orderRef`, or an `invalid_input` error at `orderRef`. Call
 * inside the transaction that inserts it (the unique indexes catch a race with another desk).
 */
export function nextAttempt(orders: OrdersRepo, accountId: string, orderRef: string): NextAttempt {
  const earlier = orders.attempts(accountId, orderRef);
  const blocking = earlier.find((a) => !ENDED.has(a.status));
  if (blocking) refuse(orderRef, blocking);
  let n = (earlier.at(-1)?.attempt_no ?? 0) + 1;
  // a reference can already be taken by an order literally named "ORD-1/2"
  while (orders.referenceTaken(accountId, referenceFor(orderRef, n))) n++;
  const gatewayRef = referenceFor(orderRef, n);
  if (gatewayRef.length > MAX_REFERENCE) {
    throw invalid('orderRef', `A new link for order ${orderRef} would be shown as "${gatewayRef}", longer than the ${MAX_REFERENCE} characters gateways accept. Use a shorter order reference.`);
  }
  return { attemptNo: n, gatewayRef };
}

