// The gateway seam. Everything Paydesk does with a gateway goes through one GatewayAdapter per gateway
// (gateways/<gateway>/index.ts); services see only these interfaces and gateway-neutral facts, never an
// SDK type and never a gateway's name to branch on. docs/adding-a-gateway.md says how to add one.
import type { CheckoutPort } from './ports/checkout';
import type { AppError } from '../../../shared/errors';
import type { Gateway, GatewayLimits } from '../../../shared/gateways';
import type { EndpointPort } from './ports/endpoints';
import type { KeyPort } from './ports/keys';
import type { LinkPort } from './ports/links';
import type { RefundPort } from './ports/refunds';
import type { ReportPort } from './ports/reports';
import type { SyncPort } from './ports/sync';
import type { WebhookPort } from './ports/webhooks';

/** One account's keys and where its calls go. */
export interface AccountTarget {
  accountId: string;
  /** Stripe publishable key / Razorpay key id */
  publicKey: string | null;
  secret: string;
  /** null: the gateway's real API; else the embedded sandbox's base URL */
  baseUrl: string | null;
  livemode: boolean;
  /** per-request timeout */
  timeoutMs: number;
  /** Paydesk's version, sent where the gateway takes app info */
  appVersion: string;
}

/** A gateway's operations bound to one account's keys (a configured SDK client inside). */
export interface GatewayClient {
  readonly gateway: Gateway;
  readonly links: LinkPort;
  readonly sync: SyncPort;
  readonly refunds: RefundPort;
  readonly reports: ReportPort;
  /** null: the gateway has no API to register a webhook URL (Razorpay: the merchant types it in its Dashboard) */
  readonly endpoints: EndpointPort | null;
  /** null: the gateway has no checkout run on the shop's own page whose return the shop must verify */
  readonly checkout: CheckoutPort | null;
  /** a read-only call proving the keys work; throws the mapped AppError */
  verifyKeys(): Promise<void>;
}

export interface GatewayAdapter {
  readonly name: Gateway;
  /** what the gateway accepts (shared with the New link form) */
  readonly limits: GatewayLimits;
  /** signature checks and event normalisation: pure, no keys but the webhook secret */
  readonly webhooks: WebhookPort;
  /** the shape of its keys: which key goes in which field, and its mode */
  readonly keys: KeyPort;
  connect(target: AccountTarget): GatewayClient;
  /** any error from this gateway's SDK as an AppError in the merchant's words (never a key) */
  mapError(err: unknown): AppError;
}
