// Stripe's side of ports/endpoints.ts.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import type { EndpointPort } from '../ports/endpoints';

export function stripeEndpoints(_client: Stripe, _target: AccountTarget): EndpointPort {
  return {};
}
