// Razorpay's side of ports/refunds.ts.
import type Razorpay from 'razorpay';
import type { AccountTarget } from '../adapter';
import type { RefundPort } from '../ports/refunds';

export function razorpayRefunds(_client: Razorpay, _target: AccountTarget): RefundPort {
  return {};
}
