// The one place core talks to the embedded Paydesk Sandbox other than as a gateway: its control API,
// which stands in for what a merchant does by hand in a gateway's Dashboard. Core never imports sandbox/
// code (the lint forbids it): it reaches the sandbox through the gateways' base URLs and this client, so
// the real gateways and the sandbox take the same code paths everywhere else. The API is described in
// sandbox/README.md ("Control API"); it answers only its bearer token and JSON bodies.
import type { Gateway } from '../../shared/gateways';

export interface SandboxControl {
  /**
   * Points the sandbox's webhooks of one account at `url`, signed with `secret`: what a merchant does by
   * hand in the Dashboard of a gateway without a webhook API (Razorpay).
   */
  pointWebhooks(gateway: Gateway, accountId: string, url: string, secret: string): Promise<void>;
}

export function sandboxControl(baseUrl: string, controlToken: string): SandboxControl {
  const origin = new URL(baseUrl).origin;
  return {
    async pointWebhooks(gateway, accountId, url, secret) {
      const res = await fetch(`${origin}/__sandbox/webhooks/targets`, {
        method: 'POST',
        headers: { authorization: `Bearer ${controlToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: `paydesk_${accountId}`, gateway, url, secret, events: ['*'], enabled: true }),
      });
      if (!res.ok) throw new Error(`the sandbox refused the webhook target (${res.status})`);
    },
  };
}
