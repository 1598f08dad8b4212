// Razorpay's side of ports/reports.ts.
import type Razorpay from 'razorpay';
import type { AccountTarget } from '../adapter';
import type { ReportPort } from '../ports/reports';

export function razorpayReports(_client: Razorpay, _target: AccountTarget): ReportPort {
  return {};
}
