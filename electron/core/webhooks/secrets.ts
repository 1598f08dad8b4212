// Each account's webhook secret for the ingest: read from the vault once per account, dropped when the
// account changes. The ingest asks for every request, so this must be cheap.
import { GATEWAYS, type Gateway } from '../../../shared/gateways';
import type { CoreEvents } from '../events';
import type { WebhookSecrets } from '../gateways/ports/webhooks';
import type { AccountsRepo } from '../store/repos/accounts';
import type { Vault } from '../vault';

export function webhookSecrets(accounts: AccountsRepo, vault: Vault, events: CoreEvents): (gateway: Gateway, accountId: string) => WebhookSecrets | null {
  const cache = new Map<string, WebhookSecrets>();
  events.on((e) => {
    if (e.name === 'account.changed') for (const g of GATEWAYS) cache.delete(`${g}|${e.payload.id}`);
  });
  return (gateway, accountId) => {
    const key = `${gateway}|${accountId}`;
    const hit = cache.get(key);
    if (hit) return hit;
    // unknown ids are not cached (a flood of made-up ids must not grow the cache)
    const a = accounts.get(accountId);
    if (!a || a.gateway !== gateway || !a.webhookSecretRef) return null;
    const secret = vault.get(a.webhookSecretRef);
    if (!secret) return null;
    const v: WebhookSecrets = { secrets: [secret], livemode: a.livemode };
    cache.set(key, v);
    return v;
  };
}
