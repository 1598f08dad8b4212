// Stripe's side of ports/reports.ts.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import type { ReportPort } from '../ports/reports';

export function stripeReports(_client: Stripe, _target: AccountTarget): ReportPort {
  return {};
}
