// Step 1 of the ingest: the delivery's gateway adapter checks its signature with the account's webhook
// secrets and the replay limits; a refusal is counted (security_events) and answered, and changes nothing.
import type { Gateway } from '../../../shared/gateways';
import type { ReplayLimits, WebhookPort, WebhookSecrets } from '../gateways/ports/webhooks';
import type { WebhookEventInsert } from '../store/repos/webhook-events';
import type { IngestCounters } from './ingest-counters';
import type { DeliveryResponse, WebhookDelivery } from './listener';

export const OK: DeliveryResponse = { status: 200, body: { received: true } };
export const DUPLICATE: DeliveryResponse = { status: 200, body: { received: true, duplicate: true } };
export const STORAGE_FAILED: DeliveryResponse = { status: 500, body: { error: 'storage_failed' } };
export const CLOSED: DeliveryResponse = { status: 503, body: { error: 'shutting_down' }, headers: { 'retry-after': '30' } };
const REJECTED: DeliveryResponse = { status: 400, body: { error: 'signature_verification_failed' } };
const MALFORMED: DeliveryResponse = { status: 400, body: { error: 'malformed_event' } };
// 503 + Retry-After: the gateway keeps retrying while the merchant configures the secret (a 4xx would make
// some gateways disable the webhook sooner)
const NOT_CONFIGURED: DeliveryResponse = {
  status: 503,
  body: { error: 'webhook_secret_not_configured', message: 'Paydesk has no webhook signing secret for this account yet.' },
  headers: { 'retry-after': '60' },
};

/** what applying an event needs; its row id comes when it is stored, or is known for a stored event */
export interface ApplyItem {
  gateway: Gateway;
  accountId: string;
  type: string;
  parsed: unknown;
}

export type Verified = { ok: true; row: WebhookEventInsert; item: ApplyItem } | { ok: false; response: DeliveryResponse };

export interface VerifierDeps {
  webhooks: (gateway: Gateway) => WebhookPort;
  /** null: no secret configured (or no such account) */
  getSecret: (gateway: Gateway, accountId: string) => WebhookSecrets | null;
  counters: IngestCounters;
  /** per gateway: how old an event may be; absent: the adapter's own window */
  maxAgeSec: Partial<Record<Gateway, number>>;
  maxSkewSec: number;
  /** called after a refusal was counted (it is written with the next commit) */
  onRefused: () => void;
}

export function createVerifier(d: VerifierDeps): (delivery: WebhookDelivery) => Verified {
  const limits = new Map<Gateway, ReplayLimits>();
  const limitsOf = (g: Gateway): ReplayLimits => {
    let l = limits.get(g);
    if (!l) limits.set(g, (l = { maxAgeSec: d.maxAgeSec[g], maxSkewSec: d.maxSkewSec }));
    return l;
  };

  return (delivery) => {
    const cfg = d.getSecret(delivery.gateway, delivery.accountId);
    if (!cfg || cfg.secrets.length === 0) {
      d.counters.refuse('secret_missing', delivery, 'No webhook signing secret is configured for this account');
      d.onRefused();
      return { ok: false, response: NOT_CONFIGURED };
    }
    const v = d.webhooks(delivery.gateway).verify(delivery, cfg, limitsOf(delivery.gateway));
    if (!v.ok) {
      d.counters.refuse(v.refusal, delivery, v.detail);
      d.onRefused();
      return { ok: false, response: v.refusal === 'malformed' ? MALFORMED : REJECTED };
    }
    const e = v.event;
    const row: WebhookEventInsert = {
      gateway: delivery.gateway,
      accountId: delivery.accountId,
      eventId: e.eventId,
      type: e.type,
      livemode: e.livemode,
      raw: delivery.body,
      bodySha256: e.bodySha256,
      signature: e.secretIndex === 0 ? 'valid' : 'valid_previous_secret',
      createdAt: e.createdAt,
      receivedAt: delivery.receivedAt,
    };
    return { ok: true, row, item: { gateway: delivery.gateway, accountId: delivery.accountId, type: e.type, parsed: e.parsed } };
  };
}
