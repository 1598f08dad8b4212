// Webhooks: the public address (tunnel) that lets Stripe and Razorpay reach Paydesk, the set-up of each
// account (Stripe registered automatically, Razorpay walked through), and every delivery received.
import type { DeliveryRow } from '../../../../shared/contract';
import { useRpcQuery } from '../../api/hooks';
import { Banner, Page } from '../../components';
import { RazorpaySetupCard, StripeSetupCard } from './AccountSetup';
import { DeliveriesCard } from './DeliveriesCard';
import { TunnelCard } from './TunnelCard';

/** the newest delivery a gateway got through with (a refused one still reached the listener, but proves no set-up works) */
const lastDeliveryAt = (rows: readonly DeliveryRow[] | undefined): number | null =>
  rows?.reduce<number | null>((max, r) => (r.signature !== 'refused' && (max === null || r.at > max) ? r.at : max), null) ?? null;

export function WebhooksScreen() {
  const tunnel = useRpcQuery('tunnel.status', {});
  const setup = useRpcQuery('webhooks.setup', {});
  const deliveries = useRpcQuery('webhooks.deliveries', { limit: 50 }, { refetchInterval: 15_000 });
  const info = useRpcQuery('system.info', {}, { staleTime: Infinity });
  const error = tunnel.error ?? setup.error;
  return (
    <Page title="Webhooks" wide description="How Stripe and Razorpay tell Paydesk about payments the moment they happen. Without webhooks Paydesk still catches up by asking the gateways.">
      {error && (
        <Banner tone="danger" title="Couldn’t load the webhook set-up" className="main-banner">
          {error.message}
        </Banner>
      )}
      <div className="stack-lg">
        {tunnel.data && <TunnelCard overview={tunnel.data} listenerUrl={deliveries.data?.listener.url ?? null} sandbox={!!info.data?.sandboxUrl} lastDeliveryAt={lastDeliveryAt(deliveries.data?.rows)} />}
        {setup.data && setup.data.stripe.length > 0 && <StripeSetupCard accounts={setup.data.stripe} />}
        {setup.data && setup.data.razorpay.length > 0 && <RazorpaySetupCard accounts={setup.data.razorpay} />}
        <DeliveriesCard />
      </div>
    </Page>
  );
}
