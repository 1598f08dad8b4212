// Razorpay's side of ports/links.ts.
import type Razorpay from 'razorpay';
import type { AccountTarget } from '../adapter';
import type { LinkPort } from '../ports/links';

export function razorpayLinks(_client: Razorpay, _target: AccountTarget): LinkPort {
  return {};
}
