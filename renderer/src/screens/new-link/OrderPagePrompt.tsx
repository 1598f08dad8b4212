// Under the kind picker: a Razorpay Order is shared as Paydesk's own pay page (/pay/<id>, which opens Razorpay
// Checkout), so the customer must reach Paydesk through its public address. Without one (a real account, no
// tunnel running) core would refuse the order at `kind`; this says so first and offers a Payment Link, which
// Razorpay hosts itself.
import type { Account, LinkKindInput } from '../../../../shared/contract';
import { useRpcQuery } from '../../api/hooks';
import { Button } from '../../components';

/** true when an Order of `account` would have no page customers can reach */
export function orderNeedsAddress(account: Account, kind: LinkKindInput, publicUrl: string | null | undefined): boolean {
  return account.gateway === 'razorpay' && kind === 'order' && !account.sandbox && !publicUrl;
}

export function OrderPagePrompt({ account, kind, onSwitch }: { account: Account; kind: LinkKindInput; onSwitch(): void }) {
  const tunnel = useRpcQuery('tunnel.status', {});
  if (tunnel.isPending || !orderNeedsAddress(account, kind, tunnel.data?.status.url)) return null;
  return (
    <div className="return-prompt" role="alert" aria-label="Public address needed" data-testid="order-needs-address">
      <p className="strong">An Order needs a public address</p>
      <p className="small">
        The customer pays an Order on Paydesk’s own page, which opens Razorpay Checkout, and reaches it through the
        public address. Start it in Webhooks → Tunnel (a reserved domain or your own URL: ngrok’s free domains show
        visitors a warning page first), or make a Payment Link, which Razorpay hosts.
      </p>
      <div>
        <Button size="sm" variant="primary" onClick={onSwitch}>Make a Payment Link instead</Button>
      </div>
    </div>
  );
}
