// The part of the gateway seam for webhooks: verifying a delivery's signature with the account's webhook
// secrets (and the replay window the gateway's signature leaves to the receiver), and normalising its body
// into gateway-neutral facts. Pure: no keys but the webhook secret, no network, no database.
import type { NormalizedEvent } from '../facts';

/** The webhook secret(s) of one account: the current one first, then older ones kept during a rotation. */
export interface WebhookSecrets {
  secrets: readonly string[];
  /** the account's mode: an event that states the other mode is refused */
  livemode: boolean;
}

/** What one delivery brought: the raw body exactly as received (signatures cover these bytes). */
export interface SignedDelivery {
  headers: Readonly<Record<string, string | string[] | undefined>>;
  body: Buffer;
  /** ms since the epoch, from Paydesk's clock */
  receivedAt: number;
}

export interface ReplayLimits {
  /** an event signed or created longer ago than this is refused; undefined: the port's replayWindowSec */
  maxAgeSec?: number | undefined;
  /** a signature or event time more than this ahead of Paydesk's clock is refused */
  maxSkewSec: number;
}

/** Why a delivery was refused (counted per kind, shown on the Webhooks screen). */
export type WebhookRefusal = 'missing_signature' | 'bad_signature' | 'stale_signature' | 'future_timestamp' | 'replayed' | 'malformed' | 'mode_mismatch';

/** A delivery whose signature matched, as it is stored. */
export interface VerifiedEvent {
  eventId: string;
  type: string;
  livemode: boolean;
  /**
   * SHA-256 of the body when the gateway does not sign its event id (a captured body re-sent under a new
   * id is then caught by the hash); null when the id is inside the signed bytes.
   */
  bodySha256: Buffer | null;
  /** which secret matched: 0 = the current one */
  secretIndex: number;
  /** the gateway's event time (ms), when it states one */
  createdAt: number | null;
  /** the parsed body, for normalize() */
  parsed: unknown;
}

export type Verification = { ok: true; event: VerifiedEvent } | { ok: false; refusal: WebhookRefusal; detail: string };

export interface WebhookPort {
  readonly setup: WebhookSetup;
  /** how old an event may be by default before it counts as replayed (seconds) */
  readonly replayWindowSec: number;
  verify(delivery: SignedDelivery, secrets: WebhookSecrets, limits: ReplayLimits): Verification;
  /** the facts of a verified (or stored) event body */
  normalize(parsed: unknown): NormalizedEvent;
}

/** A remark about a webhook URL, in words for the merchant; blocking: the gateway will refuse the URL. */
export interface WebhookUrlWarning {
  code: string;
  message: string;
  blocking: boolean;
}

export interface WebhookUrlCheck {
  /** false when the gateway will refuse the URL (a blocking warning) */
  ok: boolean;
  warnings: WebhookUrlWarning[];
  /** what to do instead, in words; null when all is well */
  recommendation: string | null;
}

export interface WebhookUrlContext {
  /** the URL comes from a tunnel without a reserved domain, so it changes at each restart */
  ephemeral?: boolean;
}

/** How the gateway learns Paydesk's webhook URL and secret. */
export type WebhookSetup =
  /** Paydesk registers the URL through the account's EndpointPort; the gateway makes the secret */
  | { kind: 'api' }
  /** the merchant pastes the URL and a secret Paydesk makes into the gateway's dashboard */
  | { kind: 'manual'; events: readonly string[]; checkUrl(url: string, ctx: WebhookUrlContext): WebhookUrlCheck };
