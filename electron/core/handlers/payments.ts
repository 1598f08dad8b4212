// Handlers of the payments domain (links.*, payments.*, overview.*), and the payment services the
// composition root builds once (shared with the merchant HTTP API and the webhook wiring).
import type { CoreBase, CoreDeps } from '../deps';
import type { AllHandlers } from '../rpc';
import { recordAudit } from '../audit';
import type { AnnouncePayment } from '../payments/announce';
import type { FollowRefunds } from '../payments/apply';
import { createLinksService, type LinksService } from '../payments/links';
import { readReportsSettings } from '../reports/settings';
import type { AccountRow } from '../store/repos/accounts';
import type { ShopReturn } from '../payments/return-urls';
import { createPaymentQueries, type PaymentQueries } from '../payments/overview';
import { qrFor } from '../payments/qr';
import { createSync, type SyncService } from '../payments/sync';
import { AppError } from '../../../shared/errors';
import { gatewayLabel } from '../../../shared/gateways';

export interface PaymentServices {
  links: LinksService;
  sync: SyncService;
  queries: PaymentQueries;
}

export interface PaymentServicesOptions {
  /** payment.changed, with the payment as it is now */
  announce: AnnouncePayment;
  /** our refund rows follow a refund fact a sync folded, in the same commit */
  followRefunds?: FollowRefunds;
  /** after a link's gateway ids are stored: re-apply webhooks that arrived before them (ingest.reapplyUnmatched) */
  onIdsLearned?: (accountId: string) => void;
  /** where Paydesk's return pages are reachable for the account's customers (links.ts) */
  returnBase?: (account: AccountRow) => string | null;
  /** the account's own "return to shop" pages, preferred to Paydesk's (return-urls.ts) */
  shopReturn?: (account: AccountRow) => ShopReturn | null;
}

/** Builds the payment services from core's parts. */
export function createPaymentServices(d: CoreBase, opts: PaymentServicesOptions): PaymentServices {
  const { store } = d;
  const { payments, paymentLinks } = store.repos;
  const links = createLinksService({
    payments, paymentLinks, orders: store.repos.orders, transaction: store.transaction, accounts: store.repos.accounts, gateways: d.gateways,
    shopPlace: () => ({ timeZone: readReportsSettings(store.repos.settings).timeZone }),
    events: d.events, announce: opts.announce, clock: d.clock, log: d.log,
    audit: (entry) => recordAudit(store.repos.audit, entry),
    ...(opts.onIdsLearned ? { onIdsLearned: opts.onIdsLearned } : {}),
    ...(opts.returnBase ? { returnBase: opts.returnBase } : {}),
    ...(opts.shopReturn ? { shopReturn: opts.shopReturn } : {}),
  });
  const sync = createSync({
    payments, paymentLinks, orders: store.repos.orders, transaction: store.transaction, accounts: store.repos.accounts, settings: store.repos.settings,
    gateways: d.gateways, events: d.events, announce: opts.announce, clock: d.clock, log: d.log, beforeTick: () => links.retryPending(), ...(opts.followRefunds ? { followRefunds: opts.followRefunds } : {}),
  });
  const queries = createPaymentQueries(store.repos.paymentList, store.repos.orders, (row) => links.paymentOf(row), (id) => links.notifyOf(id));
  return { links, sync, queries };
}

/** this domain's methods (payments.capture belongs to the refunds domain) */
type PaymentsDomain = Pick<AllHandlers, 'links.create' | 'links.cancel' | 'links.checkStatus' | 'links.qr' | 'payments.list' | 'payments.get' | 'overview.get'>;

export function paymentsHandlers(d: CoreDeps): PaymentsDomain {
  const p = () => d.payments;
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
          throw new AppError('gateway_unreachable', `${gatewayLabel(before.gateway)} could not be reached to check this payment. Paydesk keeps checking every minute.`, { retryable: true });
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
