// createGateways: the adapters, and per account a client configured from the accounts table and the vault.
import { createHash } from 'node:crypto';
import { AppError } from '../../../shared/errors';
import type { Gateway } from '../../../shared/gateways';
import type { AccountRow, AccountsRepo } from '../store/repos/accounts';
import type { Vault } from '../vault';
import type { AccountTarget, GatewayAdapter, GatewayClient } from './adapter';
import type { Gateways, KeyTarget } from './gateway';
import { stripeAdapter } from './stripe';
import { razorpayAdapter } from './razorpay';

export type { Gateways, KeyTarget } from './gateway';
export type { AccountTarget, GatewayAdapter, GatewayClient } from './adapter';
export { mapStripeError, mapRazorpayError } from './errors';

/** Every gateway Paydesk speaks. Adding one is one line here and one folder beside this file. */
export const ADAPTERS: Readonly<Record<Gateway, GatewayAdapter>> = { stripe: stripeAdapter, razorpay: razorpayAdapter };

export interface GatewaysDeps {
  accounts: AccountsRepo;
  vault: Vault;
  sandboxUrl: string | null;
  version: string;
  /** per-request timeout; sandbox calls use a shorter one */
  timeoutMs?: number;
  /** the adapters to use (tests pass a fake one) */
  adapters?: Readonly<Record<string, GatewayAdapter>>;
}

const SANDBOX_OFF = 'This account uses the embedded Paydesk Sandbox, which is switched off. Start Paydesk with the sandbox on to use it.';

export function createGateways(deps: GatewaysDeps): Gateways {
  const adapters: Readonly<Record<string, GatewayAdapter>> = deps.adapters ?? ADAPTERS;
  // each account's client, until its keys or base URL change
  const clients = new Map<string, { fingerprint: string; client: GatewayClient }>();
  const timeout = (baseUrl: string | null) => (baseUrl ? 10_000 : (deps.timeoutMs ?? 20_000));

  function adapter(gateway: Gateway): GatewayAdapter {
    const a = adapters[gateway];
    if (!a) throw new AppError('invalid_input', `Paydesk does not support the gateway ${gateway}`);
    return a;
  }

  function resolve(accountId: string) {
    const account = deps.accounts.get(accountId);
    if (!account) throw new AppError('not_found', 'No such account');
    if (account.sandbox && !deps.sandboxUrl) throw new AppError('unavailable', SANDBOX_OFF);
    return { account, baseUrl: account.sandbox ? deps.sandboxUrl : null };
  }

  function targetOf(accountId: string): { account: AccountRow; target: AccountTarget; fingerprint: string } {
    const { account, baseUrl } = resolve(accountId);
    const secret = account.secretKeyRef ? deps.vault.get(account.secretKeyRef) : null;
    if (!secret) throw new AppError('invalid_input', 'This account has no secret key. Add one in Settings.', { field: 'secretKey' });
    if (adapter(account.gateway).keys.callsNeedPublicKey && !account.publicKey) throw new AppError('invalid_input', 'This account has no key id. Add one in Settings.', { field: 'publicKey' });
    const fingerprint = createHash('sha256').update(`${baseUrl ?? ''}\0${account.publicKey ?? ''}\0${secret}`).digest('hex');
    const target: AccountTarget = { accountId, publicKey: account.publicKey, secret, baseUrl, livemode: account.livemode, timeoutMs: timeout(baseUrl), appVersion: deps.version };
    return { account, target, fingerprint };
  }

  return {
    sandboxUrl: deps.sandboxUrl,
    adapter,
    resolve,
    client(accountId) {
      const { account, target, fingerprint } = targetOf(accountId);
      const hit = clients.get(accountId);
      if (hit && hit.fingerprint === fingerprint) return hit.client;
      const client = adapter(account.gateway).connect(target);
      clients.set(accountId, { fingerprint, client });
      return client;
    },
    async verifyKeys(k: KeyTarget) {
      const target: AccountTarget = { accountId: '', publicKey: k.publicKey, secret: k.secret, baseUrl: k.baseUrl, livemode: false, timeoutMs: timeout(k.baseUrl), appVersion: deps.version };
      await adapter(k.gateway).connect(target).verifyKeys();
    },
    forget(accountId) {
      clients.delete(accountId);
    },
  };
}
