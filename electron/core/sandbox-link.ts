// With the embedded sandbox on: point each sandbox account's webhooks at the local listener, as a real
// gateway's would be pointed at the tunnel. A gateway with an endpoint API (Stripe) registers through its
// adapter, as against the real gateway, and the signing secret goes straight into the vault; one without
// (Razorpay: the merchant types the URL and a secret into its Dashboard) gets a secret Paydesk generates,
// given to the sandbox through its control API.
import type { CoreDeps } from './deps';
import type { SandboxControl } from './sandbox-control';
import { ensureEndpoint } from './tunnel/endpoint';
import { generateWebhookSecret } from './tunnel/webhook-secret';
import type { WebhookListener } from './webhooks/listener';

type SandboxLinkDeps = Pick<CoreDeps, 'repos' | 'gateways' | 'vault' | 'accounts' | 'log' | 'tunnel'>;

const hasWebhookSecret = (d: SandboxLinkDeps, accountId: string): boolean => {
  const row = d.repos.accounts.get(accountId);
  return !!(row?.webhookSecretRef && d.vault.get(row.webhookSecretRef));
};

export async function registerWithSandbox(d: SandboxLinkDeps, listener: WebhookListener, control: SandboxControl): Promise<void> {
  for (const a of d.repos.accounts.list().filter((x) => x.sandbox)) {
    try {
      const endpoints = d.gateways.adapter(a.gateway).webhooks.setup.kind === 'api' ? d.gateways.client(a.id).endpoints : null;
      if (endpoints) {
        const r = await ensureEndpoint(endpoints, {
          gateway: a.gateway,
          accountId: a.id,
          publicUrl: listener.url,
          storeWebhookSecret: async (id, secret) => {
            await d.accounts.update({ id, webhookSecret: secret });
          },
          hasWebhookSecret: (id) => hasWebhookSecret(d, id),
        });
        d.tunnel.recordRegistration(a.id, { url: r.url, endpointId: r.endpointId });
      } else {
        let secret = a.webhookSecretRef ? d.vault.get(a.webhookSecretRef) : null;
        if (!secret) {
          secret = generateWebhookSecret();
          await d.accounts.update({ id: a.id, webhookSecret: secret });
        }
        await control.pointWebhooks(a.gateway, a.id, listener.urlFor(a.gateway, a.id), secret);
      }
    } catch (err) {
      d.log('warn', `could not point the sandbox's webhooks at Paydesk for account ${a.id}`, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}
