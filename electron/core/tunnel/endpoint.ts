// Keep one Paydesk webhook endpoint per account pointing at the current public URL:
// <publicUrl>/webhooks/<gateway>/<accountId>, through the gateway's EndpointPort. The gateway returns the
// signing secret only when an endpoint is created, so it goes straight to the vault through
// `storeWebhookSecret` and is never returned, logged or put in an error.
import { AppError } from '../../../shared/errors';
import { gatewayLabel, type Gateway } from '../../../shared/gateways';
import type { EndpointPort, EndpointResult } from '../gateways/ports/endpoints';
import { normalizeBaseUrl } from './provider';

/** The URL the local listener serves for this account, behind the public base URL. */
export const webhookUrlFor = (publicUrl: string, gateway: Gateway, accountId: string): string =>
  `${normalizeBaseUrl(publicUrl)}/webhooks/${gateway}/${encodeURIComponent(accountId)}`;

export interface EnsureEndpointOptions {
  gateway: Gateway;
  accountId: string;
  publicUrl: string;
  /** store the new endpoint's signing secret in the vault; called only when an endpoint is created */
  storeWebhookSecret: (accountId: string, secret: string) => Promise<void> | void;
  /**
   * whether the vault holds this account's signing secret. An existing endpoint whose secret was lost
   * cannot be verified: it is deleted and created anew. Default: assume it is held.
   */
  hasWebhookSecret?: (accountId: string) => Promise<boolean> | boolean;
}

export type EnsureEndpointResult = Omit<EndpointResult, 'secret'> & { accountId: string };

/**
 * Make sure the account has exactly one Paydesk endpoint at its listener URL behind `publicUrl`.
 * Throws AppError (without any secret in it) when the gateway refuses or cannot be reached.
 */
export async function ensureEndpoint(port: EndpointPort, opts: EnsureEndpointOptions): Promise<EnsureEndpointResult> {
  const { accountId } = opts;
  const url = webhookUrlFor(opts.publicUrl, opts.gateway, accountId);
  const { secret, ...result } = await port.ensure(url, () => (opts.hasWebhookSecret ? opts.hasWebhookSecret(accountId) : true));
  if (result.action === 'created' || result.action === 'recreated') {
    try {
      if (!secret) throw new Error('no secret in the create response');
      await opts.storeWebhookSecret(accountId, secret);
    } catch {
      // an endpoint whose secret we do not hold would only produce deliveries we reject: remove it
      await port.remove(result.endpointId).catch(() => undefined);
      throw new AppError('internal', `${gatewayLabel(opts.gateway)} created the webhook endpoint but its signing secret could not be saved, so the endpoint was removed again. Try again.`);
    }
  }
  return { accountId, ...result };
}
