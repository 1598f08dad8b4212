// One refunds service per composed core, reached through `refundsOf(deps)` (CoreDeps needs no new field).
import type { CoreDeps } from '../deps';
import { operatorsOf } from '../operators';
import { createRefundsService, type RefundsService } from './service';

export { createRefundsService, RAZORPAY_AUTO_REFUND_MS, type RefundsService, type RefundRow } from './service';

const services = new WeakMap<CoreDeps, RefundsService>();

export function refundsOf(d: CoreDeps): RefundsService {
  let s = services.get(d);
  if (!s) {
    s = createRefundsService({ db: d.db, gateways: d.gateways, accounts: d.repos.accounts, operators: operatorsOf(d), events: d.events, clock: d.clock, log: d.log });
    services.set(d, s);
    // finish what a previous run left behind (a crash or timeout mid-call): lookup, then the same key
    s.recoverInBackground();
  }
  return s;
}

/** core/index.ts close(): stop the timers and wait for refund work in flight (before the database closes). */
export async function closeRefundsAndDesk(d: CoreDeps): Promise<void> {
  await services.get(d)?.close();
  operatorsOf(d).close();
}
