// The Stripe adapter: stripe-node configured per account, each port in its own file.
import { GATEWAY_LIMITS } from '../../../../shared/gateways';
import type { GatewayAdapter } from '../adapter';
import { mapStripeError } from '../errors';
import { makeStripeClient, verifyStripe } from './client';
import { stripeEndpoints } from './endpoints';
import { stripeKeys } from './keys';
import { stripeLinks } from './links';
import { stripeRefunds } from './refunds';
import { stripeReports } from './reports';
import { stripeSync } from './sync';
import { stripeWebhooks } from './webhooks';

export const stripeAdapter: GatewayAdapter = {
  name: 'stripe',
  limits: GATEWAY_LIMITS.stripe,
  webhooks: stripeWebhooks,
  keys: stripeKeys,
  mapError: mapStripeError,
  connect(target) {
    const client = makeStripeClient(target.secret, { baseUrl: target.baseUrl, timeoutMs: target.timeoutMs, version: target.appVersion });
    return {
      gateway: 'stripe',
      links: stripeLinks(client, target),
      sync: stripeSync(client, target),
      refunds: stripeRefunds(client, target),
      reports: stripeReports(client, target),
      endpoints: stripeEndpoints(client, target),
      // Stripe's hosted pages report back through webhooks; no signature passes through the shop
      checkout: null,
      verifyKeys: () => verifyStripe(client),
    };
  },
};
