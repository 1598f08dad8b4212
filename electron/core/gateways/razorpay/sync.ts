// Razorpay's side of ports/sync.ts.
import type Razorpay from 'razorpay';
import type { AccountTarget } from '../adapter';
import type { SyncPort } from '../ports/sync';

export function razorpaySync(_client: Razorpay, _target: AccountTarget): SyncPort {
  return {};
}
