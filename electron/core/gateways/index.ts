// createGateways: SDK clients per account, configured from the accounts table and the vault.
import { createHash } from 'node:crypto';
import type Stripe from 'stripe';
import type Razorpay from 'razorpay';
import { AppError } from '../../../shared/errors';
import type { AccountsRepo } from '../store/repos/accounts';
import type { Vault } from '../vault';
import type { Gateways, KeyTarget } from './gateway';
import { makeStripeClient, verifyStripe } from './stripe';
import { makeRazorpayClient, verifyRazorpay } from './razorpay';

export type { Gateways, KeyTarget } from './gateway';
export { mapStripeError, mapRazorpayError } from './errors';

export interface GatewaysDeps {
  accounts: AccountsRepo;
  vault: Vault;
  sandboxUrl: string | null;
  version: string;
  /** per-request timeout; sandbox calls use a shorter one */
  timeoutMs?: number;
}

const SANDBOX_OFF = 'This account uses the embedded Paydesk Sandbox, which is switched off. Start Paydesk with the sandbox on to use it.';

export function createGateways(deps: GatewaysDeps): Gateways {
  const cache = new Map<string, { fingerprint: string; client: Stripe | Razorpay }>();
  const timeout = (baseUrl: string | null) => (baseUrl ? 10_000 : (deps.timeoutMs ?? 20_000));

  function resolve(accountId: string) {
    const account = deps.accounts.get(accountId);
    if (!account) throw new AppError('not_found', 'No such account');
    if (account.sandbox && !deps.sandboxUrl) throw new AppError('unavailable', SANDBOX_OFF);
    return { account, baseUrl: account.sandbox ? deps.sandboxUrl : null };
  }

  function credentials(accountId: string, gateway: 'stripe' | 'razorpay') {
    const { account, baseUrl } = resolve(accountId);
    if (account.gateway !== gateway) throw new AppError('invalid_input', `This is a ${account.gateway === 'stripe' ? 'Stripe' : 'Razorpay'} account`);
    const secret = account.secretKeyRef ? deps.vault.get(account.secretKeyRef) : null;
    if (!secret) throw new AppError('invalid_input', 'This account has no secret key. Add one in Settings.', { field: 'secretKey' });
    const fingerprint = createHash('sha256').update(`${baseUrl ?? ''}\0${account.publicKey ?? ''}\0${secret}`).digest('hex');
    return { account, baseUrl, secret, fingerprint };
  }

  function cached<T extends Stripe | Razorpay>(accountId: string, fingerprint: string, make: () => T): T {
    const hit = cache.get(accountId);
    if (hit && hit.fingerprint === fingerprint) return hit.client as T;
    const client = make();
    cache.set(accountId, { fingerprint, client });
    return client;
  }

  return {
    sandboxUrl: deps.sandboxUrl,
    resolve,
    stripe(accountId) {
      const c = credentials(accountId, 'stripe');
      return cached(accountId, c.fingerprint, () => makeStripeClient(c.secret, { baseUrl: c.baseUrl, timeoutMs: timeout(c.baseUrl), version: deps.version }));
    },
    razorpay(accountId) {
      const c = credentials(accountId, 'razorpay');
      if (!c.account.publicKey) throw new AppError('invalid_input', 'This account has no key id. Add one in Settings.', { field: 'publicKey' });
      const keyId = c.account.publicKey;
      return cached(accountId, c.fingerprint, () => makeRazorpayClient(keyId, c.secret, { baseUrl: c.baseUrl, timeoutMs: timeout(c.baseUrl) }));
    },
    async verifyKeys(t: KeyTarget) {
      if (t.gateway === 'stripe') {
        await verifyStripe(makeStripeClient(t.secret, { baseUrl: t.baseUrl, timeoutMs: timeout(t.baseUrl), version: deps.version }));
      } else {
        await verifyRazorpay(makeRazorpayClient(t.publicKey ?? '', t.secret, { baseUrl: t.baseUrl, timeoutMs: timeout(t.baseUrl) }));
      }
    },
    forget(accountId) {
      cache.delete(accountId);
    },
  };
}
