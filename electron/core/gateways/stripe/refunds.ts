// Stripe's side of ports/refunds.ts.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import type { RefundPort } from '../ports/refunds';

export function stripeRefunds(_client: Stripe, _target: AccountTarget): RefundPort {
  return {};
}
