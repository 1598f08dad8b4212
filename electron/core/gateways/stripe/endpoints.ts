// Stripe's side of ports/endpoints.ts: one Paydesk webhook endpoint per account through the
// webhook_endpoints API (GATEWAYS.md §2: the secret is returned only when an endpoint is created).
import type Stripe from 'stripe';
import { AppError } from '../../../../shared/errors';
import type { AccountTarget } from '../adapter';
import type { EndpointPort, EndpointResult } from '../ports/endpoints';

/** Every Stripe event Paydesk subscribes to. */
export const STRIPE_WEBHOOK_EVENTS = [
  'checkout.session.completed', 'checkout.session.async_payment_succeeded', 'checkout.session.async_payment_failed', 'checkout.session.expired',
  'payment_intent.succeeded', 'payment_intent.payment_failed', 'payment_intent.processing', 'payment_intent.canceled', 'payment_intent.requires_action',
  'charge.succeeded', 'charge.failed', 'charge.captured', 'charge.refunded', 'charge.refund.updated',
  'refund.created', 'refund.updated', 'refund.failed',
  'charge.dispute.created', 'charge.dispute.updated', 'charge.dispute.closed', 'charge.dispute.funds_withdrawn', 'charge.dispute.funds_reinstated',
  'payment_link.created', 'payment_link.updated',
  'payout.created', 'payout.updated', 'payout.paid', 'payout.failed', 'payout.canceled', 'payout.reconciliation_completed',
] as const satisfies ReadonlyArray<Stripe.WebhookEndpointCreateParams.EnabledEvent>;

export const PAYDESK_ENDPOINT_DESCRIPTION = 'Paydesk';
export const PAYDESK_METADATA_KEY = 'paydesk_account_id';

const isPaydeskEndpoint = (ep: Stripe.WebhookEndpoint, accountId: string): boolean => {
  const tagged = ep.metadata?.[PAYDESK_METADATA_KEY];
  if (tagged !== undefined) return tagged === accountId;
  // untagged, older or hand-made: ours only if described as Paydesk AND pointing at this account's path
  if (!(ep.description ?? '').startsWith(PAYDESK_ENDPOINT_DESCRIPTION)) return false;
  try {
    return new URL(ep.url).pathname.endsWith(`/webhooks/stripe/${encodeURIComponent(accountId)}`);
  } catch {
    return false;
  }
};

const sameEvents = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => {
  const sa = new Set(a);
  return sa.size === new Set(b).size && b.every((e) => sa.has(e));
};

/** Stripe SDK error → AppError with words, never the key or the secret. */
export function stripeEndpointError(e: unknown, what: string): AppError {
  const err = e as { type?: string; statusCode?: number; message?: string } | null;
  const type = err?.type ?? '';
  if (type === 'StripeAuthenticationError' || err?.statusCode === 401) {
    return new AppError('gateway_auth', `Stripe refused the secret key while ${what}. Check the key in Accounts.`, { cause: e });
  }
  if (type === 'StripePermissionError' || err?.statusCode === 403) {
    return new AppError('gateway_auth', `This Stripe key may not manage webhook endpoints (${what}). Use a secret key, or a restricted key with "Webhook Endpoints: write".`, { cause: e });
  }
  if (type === 'StripeConnectionError' || type === 'StripeAPIError' || type === 'StripeRateLimitError' || (err?.statusCode ?? 0) >= 500) {
    return new AppError('gateway_unreachable', `Could not reach Stripe while ${what}; Paydesk will try again when the tunnel reconnects.`, { cause: e });
  }
  if (type === 'StripeInvalidRequestError') {
    // Stripe's own message names the bad parameter (e.g. a URL it cannot reach); it holds no secret
    const msg = (err?.message ?? '').replace(/whsec_[A-Za-z0-9]+/g, '[redacted]').replace(/[sr]k_(test|live)_[A-Za-z0-9]+/g, '[redacted]');
    return new AppError('gateway_invalid', `Stripe refused the webhook endpoint while ${what}: ${msg.slice(0, 200)}`, { cause: e });
  }
  return new AppError('internal', `Something went wrong while ${what}.`, { cause: e });
}

/** Runs a Stripe call, mapping its failure to the AppError for `what`. */
async function call<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw stripeEndpointError(e, what);
  }
}

async function listAll(stripe: Stripe): Promise<Stripe.WebhookEndpoint[]> {
  const out: Stripe.WebhookEndpoint[] = [];
  let startingAfter: string | undefined;
  // Stripe allows at most 16 endpoints per account; bound the loop all the same
  for (let page = 0; page < 20; page++) {
    const res = await stripe.webhookEndpoints.list(startingAfter ? { limit: 100, starting_after: startingAfter } : { limit: 100 });
    out.push(...res.data);
    const last = res.data[res.data.length - 1];
    if (!res.has_more || !last) break;
    startingAfter = last.id;
  }
  return out;
}

export function stripeEndpoints(client: Stripe, target: Pick<AccountTarget, 'accountId'>): EndpointPort {
  const { accountId } = target;
  const events = [...STRIPE_WEBHOOK_EVENTS];
  const metadata = { [PAYDESK_METADATA_KEY]: accountId };
  const description = `${PAYDESK_ENDPOINT_DESCRIPTION} (account ${accountId})`;

  const create = (url: string) => call('creating the webhook endpoint', () => client.webhookEndpoints.create({ url, enabled_events: events, description, metadata }));

  return {
    async ensure(url, haveSecret): Promise<EndpointResult> {
      const existing = (await call('listing webhook endpoints', () => listAll(client))).filter((ep) => isPaydeskEndpoint(ep, accountId));
      // prefer the one already at the right URL, then the oldest
      existing.sort((a, b) => Number(b.url === url) - Number(a.url === url) || a.created - b.created);
      const [keep, ...duplicates] = existing;
      for (const dup of duplicates) await call('removing a duplicate Paydesk webhook endpoint', () => client.webhookEndpoints.del(dup.id));
      const removedDuplicates = duplicates.length;

      if (!keep) {
        const made = await create(url);
        return { endpointId: made.id, url, action: 'created', removedDuplicates, secret: made.secret ?? null };
      }
      if (!(await haveSecret())) {
        await call('replacing the webhook endpoint whose secret was lost', () => client.webhookEndpoints.del(keep.id));
        const made = await create(url);
        return { endpointId: made.id, url, action: 'recreated', removedDuplicates, secret: made.secret ?? null };
      }
      const upToDate = keep.url === url && keep.status === 'enabled' && sameEvents(keep.enabled_events, events) && keep.metadata?.[PAYDESK_METADATA_KEY] === accountId;
      if (upToDate) return { endpointId: keep.id, url, action: 'unchanged', removedDuplicates, secret: null };
      await call('updating the webhook endpoint', () => client.webhookEndpoints.update(keep.id, { url, enabled_events: events, disabled: false, description, metadata }));
      return { endpointId: keep.id, url, action: 'updated', removedDuplicates, secret: null };
    },
    async remove(endpointId) {
      await client.webhookEndpoints.del(endpointId);
    },
  };
}
