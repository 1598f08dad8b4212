// The Razorpay adapter: razorpay-node configured per account, each port in its own file. Razorpay has no
// API to register a webhook URL, so it has no endpoints port.
import { GATEWAY_LIMITS } from '../../../../shared/gateways';
import type { GatewayAdapter } from '../adapter';
import { mapRazorpayError } from '../errors';
import { makeRazorpayClient, verifyRazorpay } from './client';
import { razorpayKeys } from './keys';
import { razorpayCheckout } from './checkout';
import { razorpayLinks } from './links';
import { razorpayRefunds } from './refunds';
import { razorpayReports } from './reports';
import { razorpaySync } from './sync';
import { razorpayWebhooks } from './webhooks';

export const razorpayAdapter: GatewayAdapter = {
  name: 'razorpay',
  limits: GATEWAY_LIMITS.razorpay,
  webhooks: razorpayWebhooks,
  keys: razorpayKeys,
  mapError: mapRazorpayError,
  connect(target) {
    const client = makeRazorpayClient(target.publicKey ?? '', target.secret, { baseUrl: target.baseUrl, timeoutMs: target.timeoutMs });
    return {
      gateway: 'razorpay',
      links: razorpayLinks(client, target),
      sync: razorpaySync(client, target),
      refunds: razorpayRefunds(client, target),
      reports: razorpayReports(client, target),
      endpoints: null,
      checkout: razorpayCheckout(target),
      verifyKeys: () => verifyRazorpay(client),
    };
  },
};
