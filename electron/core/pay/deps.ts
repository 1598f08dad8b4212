// What the pay pages under /pay/ need from core's services, built once the services exist (index.ts start()).
import type { CoreDeps } from '../deps';
import { storedSuccessUrl, type PayDeps } from '../webhooks/pay-checkout';

export function payDeps(d: CoreDeps): PayDeps {
  return {
    gateways: d.gateways,
    services: () => d.payments,
    accounts: d.repos.accounts,
    successUrlOf: (id) => storedSuccessUrl(d.repos.paymentLinks.createdDetail(id)),
    log: d.log,
  };
}
