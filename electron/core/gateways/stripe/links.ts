// Stripe's side of ports/links.ts.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import type { LinkPort } from '../ports/links';

export function stripeLinks(_client: Stripe, _target: AccountTarget): LinkPort {
  return {};
}
