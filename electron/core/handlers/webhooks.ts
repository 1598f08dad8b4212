import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { duplicateCounter, listDeliveries } from '../webhooks/deliveries';

/** The tunnel (public URL) and gateway webhook set-up; the work is in tunnel/service.ts. */
export function webhooksHandlers(d: CoreDeps): Handlers<'tunnel.'> & Handlers<'webhooks.'> {
  const t = d.tunnel;
  // start counting acknowledged duplicates now, not at the first deliveries query
  duplicateCounter(d.events);
  return {
    'tunnel.status': () => t.overview(),
    'tunnel.start': (input) => t.start(input),
    'tunnel.stop': () => t.stop(),
    'tunnel.configure': (input) => t.configure(input),
    'webhooks.setup': () => t.setup(),
    'webhooks.registerStripe': ({ accountId }) => t.registerStripe(accountId),
    'webhooks.razorpaySecret': ({ accountId }) => t.razorpaySecret(accountId),
    'webhooks.deliveries': (input) => listDeliveries(d.db, d.events, d.runtime.webhookListenerPort, input),
  };
}
