// Handlers of the payments domain (links.*, payments.*, overview.*), and the one composed set of payment
// services per core (`paymentsOf(deps)`), shared with the merchant HTTP API and the webhook wiring.
import type { CoreDeps } from '../deps';
import type { AllHandlers } from '../rpc';
import { createLinksService, type LinksService } from '../payments/links';
import { createPaymentQueries, type PaymentQueries } from '../payments/overview';
import { qrFor } from '../payments/qr';
import { createSync, type SyncService } from '../payments/sync';
import { AppError } from '../../../shared/errors';

export interface PaymentServices {
  links: LinksService;
  sync: SyncService;
  queries: PaymentQueries;
  /** set by the webhook wiring: re-applies webhooks that arrived before a link's gateway ids were stored */
  reapplyUnmatched: ((accountId: string) => void) | null;
}

const services = new WeakMap<CoreDeps, PaymentServices>();

export function paymentsOf(d: CoreDeps): PaymentServices {
  let s = services.get(d);
  if (!s) {
    const holder: PaymentServices = { links: null as never, sync: null as never, queries: null as never, reapplyUnmatched: null };
    holder.links = createLinksService({
      db: d.db, gateways: d.gateways, events: d.events, clock: d.clock, log: d.log, accounts: d.repos.accounts,
      onGatewayIds: (accountId) => holder.reapplyUnmatched?.(accountId),
    });
    holder.sync = createSync({ db: d.db, gateways: d.gateways, events: d.events, clock: d.clock, log: d.log, accounts: d.repos.accounts, settings: d.repos.settings });
    const links = holder.links;
    holder.queries = createPaymentQueries(d.db, (row) => links.paymentOf(row), (id) => links.notifyOf(id));
    s = holder;
    services.set(d, s);
  }
  return s;
}

/** this domain's methods (payments.capture belongs to the refunds domain) */
type PaymentsDomain = Pick<AllHandlers, 'links.create' | 'links.cancel' | 'links.checkStatus' | 'links.qr' | 'payments.list' | 'payments.get' | 'overview.get'>;

export function paymentsHandlers(d: CoreDeps): PaymentsDomain {
  const p = () => paymentsOf(d);
  return {
    'links.create': (input, ctx) => p().links.create(input, { createdBy: ctx.transport === 'api' ? 'api' : 'console', operator: ctx.operator ?? null }),
    'links.cancel': ({ id }, ctx) => p().links.cancel(id, ctx.operator ?? null),
    'links.checkStatus': async ({ id }) => {
      const s = p();
      const before = s.links.get(id);
      if (before.status === 'creating') await s.links.retryPending();
      try {
        await s.sync.syncPayment(id);
      } catch (err) {
        if (err instanceof AppError && err.code === 'gateway_unreachable') {
          throw new AppError('gateway_unreachable', `${before.gateway === 'stripe' ? 'Stripe' : 'Razorpay'} could not be reached to check this payment. Paydesk keeps checking every minute.`, { retryable: true });
        }
        throw err;
      }
      return s.links.get(id);
    },
    'links.qr': async ({ id }) => qrFor(p().links.get(id).url),
    'payments.list': (input) => p().queries.list(input),
    'payments.get': ({ id }) => p().queries.get(id),
    'overview.get': ({ mode }) => p().queries.overview(mode, d.clock.now()),
  };
}
