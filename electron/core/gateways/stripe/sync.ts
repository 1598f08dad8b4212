// Stripe's side of ports/sync.ts.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import type { SyncPort } from '../ports/sync';

export function stripeSync(_client: Stripe, _target: AccountTarget): SyncPort {
  return {};
}
