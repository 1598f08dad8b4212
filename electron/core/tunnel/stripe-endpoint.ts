// Keep one Paydesk webhook endpoint per Stripe account pointing at the current public URL:
// <publicUrl>/webhooks/stripe/<accountId>, with the events Paydesk consumes (GATEWAYS.md §2).
// An existing Paydesk endpoint is updated, never piled up; Stripe returns the signing secret only
// when an endpoint is created, so it goes straight to the vault through `storeWebhookSecret` and is
// never returned, logged or put in an error.
import type Stripe from 'stripe';
import { AppError } from '../../../shared/errors';
import { normalizeBaseUrl } from './provider';

/** Every Stripe event Paydesk subscribes to. */
export const STRIPE_WEBHOOK_EVENTS = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.processing',
  'payment_intent.canceled',
  'payment_intent.requires_action',
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.refunded',
  'charge.refund.updated',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'charge.dispute.created',
  'charge.dispute.updated',
  'charge.dispute.closed',
  'charge.dispute.funds_withdrawn',
  'charge.dispute.funds_reinstated',
  'payment_link.created',
  'payment_link.updated',
  'payout.created',
  'payout.updated',
  'payout.paid',
  'payout.failed',
  'payout.canceled',
  'payout.reconciliation_completed',
] as const satisfies ReadonlyArray<Stripe.WebhookEndpointCreateParams.EnabledEvent>;

export const PAYDESK_ENDPOINT_DESCRIPTION = 'Paydesk';
export const PAYDESK_METADATA_KEY = 'paydesk_account_id';

/** The URL the local listener serves for this account, behind the public base URL. */
export const webhookUrlFor = (publicUrl: string, gateway: 'stripe' | 'razorpay', accountId: string): string =>
  `${normalizeBaseUrl(publicUrl)}/webhooks/${gateway}/${encodeURIComponent(accountId)}`;

export interface EnsureStripeEndpointOptions {
  /** the official SDK, already pointed at Stripe or the sandbox */
  stripe: Stripe;
  accountId: string;
  publicUrl: string;
  /** store the new endpoint's signing secret in the vault; called only when an endpoint is created */
  storeWebhookSecret: (accountId: string, secret: string) => Promise<void> | void;
  /**
   * whether the vault holds this account's signing secret. An existing endpoint whose secret was lost
   * (data folder restored, vault reset) cannot be verified: it is deleted and created anew.
   * Default: assume it is held.
   */
  hasWebhookSecret?: (accountId: string) => Promise<boolean> | boolean;
  events?: ReadonlyArray<Stripe.WebhookEndpointCreateParams.EnabledEvent>;
}

export interface EnsureStripeEndpointResult {
  accountId: string;
  endpointId: string;
  url: string;
  action: 'created' | 'updated' | 'unchanged' | 'recreated';
  /** other Paydesk endpoints of the same account found and deleted (left over from earlier runs) */
  removedDuplicates: number;
}

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

async function listAllEndpoints(stripe: Stripe): Promise<Stripe.WebhookEndpoint[]> {
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

/**
 * Make sure `accountId` has exactly one Paydesk endpoint at `<publicUrl>/webhooks/stripe/<accountId>`.
 * Throws AppError (without any secret in it) when Stripe refuses or cannot be reached.
 */
export async function ensureStripeEndpoint(opts: EnsureStripeEndpointOptions): Promise<EnsureStripeEndpointResult> {
  const { stripe, accountId } = opts;
  const url = webhookUrlFor(opts.publicUrl, 'stripe', accountId);
  const events = [...(opts.events ?? STRIPE_WEBHOOK_EVENTS)];
  const metadata = { [PAYDESK_METADATA_KEY]: accountId };
  const description = `${PAYDESK_ENDPOINT_DESCRIPTION} (account ${accountId})`;

  let existing: Stripe.WebhookEndpoint[];
  try {
    existing = (await listAllEndpoints(stripe)).filter((ep) => isPaydeskEndpoint(ep, accountId));
  } catch (e) {
    throw stripeEndpointError(e, 'listing webhook endpoints');
  }
  // prefer the one already at the right URL, then the oldest
  existing.sort((a, b) => Number(b.url === url) - Number(a.url === url) || a.created - b.created);
  const [keep, ...duplicates] = existing;

  let removedDuplicates = 0;
  for (const dup of duplicates) {
    try {
      await stripe.webhookEndpoints.del(dup.id);
      removedDuplicates++;
    } catch (e) {
      throw stripeEndpointError(e, 'removing a duplicate Paydesk webhook endpoint');
    }
  }

  const create = async (): Promise<string> => {
    let created: Stripe.WebhookEndpoint;
    try {
      created = await stripe.webhookEndpoints.create({ url, enabled_events: events, description, metadata });
    } catch (e) {
      throw stripeEndpointError(e, 'creating the webhook endpoint');
    }
    const secret = created.secret;
    try {
      if (!secret) throw new Error('no secret in the create response');
      await opts.storeWebhookSecret(accountId, secret);
    } catch {
      // an endpoint whose secret we do not hold would only produce deliveries we reject: remove it
      await stripe.webhookEndpoints.del(created.id).catch(() => undefined);
      throw new AppError('internal', 'Stripe created the webhook endpoint but its signing secret could not be saved, so the endpoint was removed again. Try again.');
    }
    return created.id;
  };

  if (!keep) {
    const endpointId = await create();
    return { accountId, endpointId, url, action: 'created', removedDuplicates };
  }

  const haveSecret = opts.hasWebhookSecret ? await opts.hasWebhookSecret(accountId) : true;
  if (!haveSecret) {
    try {
      await stripe.webhookEndpoints.del(keep.id);
    } catch (e) {
      throw stripeEndpointError(e, 'replacing the webhook endpoint whose secret was lost');
    }
    const endpointId = await create();
    return { accountId, endpointId, url, action: 'recreated', removedDuplicates };
  }

  const upToDate = keep.url === url && keep.status === 'enabled' && sameEvents(keep.enabled_events, events)
    && keep.metadata?.[PAYDESK_METADATA_KEY] === accountId;
  if (upToDate) return { accountId, endpointId: keep.id, url, action: 'unchanged', removedDuplicates };

  try {
    await stripe.webhookEndpoints.update(keep.id, { url, enabled_events: events, disabled: false, description, metadata });
  } catch (e) {
    throw stripeEndpointError(e, 'updating the webhook endpoint');
  }
  return { accountId, endpointId: keep.id, url, action: 'updated', removedDuplicates };
}
