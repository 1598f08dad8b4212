import type Stripe from 'stripe';
import { lazyPackage } from '../../lazy-package';
import { mapStripeError } from '../errors';

export interface StripeClientOptions {
  /** null = api.stripe.com; else e.g. http://127.0.0.1:12111 (the sandbox) */
  baseUrl: string | null;
  timeoutMs?: number;
  version?: string;
}

const stripeSdk = lazyPackage<typeof Stripe>('stripe');

export function makeStripeClient(secret: string, opts: StripeClientOptions): Stripe {
  const config: ConstructorParameters<typeof Stripe>[1] = {
    maxNetworkRetries: 2,
    timeout: opts.timeoutMs ?? 20_000,
    appInfo: { name: 'Paydesk', version: opts.version ?? '0.0.0' },
    telemetry: false,
  };
  if (opts.baseUrl) {
    const u = new URL(opts.baseUrl);
    config.host = u.hostname;
    config.port = u.port || (u.protocol === 'https:' ? '443' : '80');
    config.protocol = u.protocol === 'https:' ? 'https' : 'http';
  }
  const Sdk = stripeSdk();
  return new Sdk(secret, config);
}

/** Read-only key check: balance.retrieve. */
export async function verifyStripe(client: Stripe): Promise<void> {
  try {
    await client.balance.retrieve();
  } catch (err) {
    throw mapStripeError(err);
  }
}
