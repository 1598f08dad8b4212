// Razorpay's side of ports/webhooks.ts: razorpay-node's validateWebhookSignature over the raw body,
// plus what that signature leaves to the receiver. Razorpay signs the body only: the event id header is
// not signed and there is no signed timestamp, so the body's SHA-256 is the replay key and the event's
// created_at bounds its age (GATEWAYS.md §2).
// the SDK's own function (Razorpay.validateWebhookSignature is this one), without loading the client
import { validateWebhookSignature } from 'razorpay/dist/utils/razorpay-utils';
import type { RazorpayWebhookEvent } from './types';
import { bodySha256, headerOf, isAhead } from '../replay';
import type { ReplayLimits, SignedDelivery, Verification, WebhookPort, WebhookSecrets } from '../ports/webhooks';
import { checkRazorpayWebhookUrl, RAZORPAY_WEBHOOK_EVENTS } from './webhook-url';
import { normalizeRazorpay } from './webhooks-normalize';

export { normalizeRazorpay } from './webhooks-normalize';

/** Razorpay retries for 24 h and the Dashboard replays events up to 7 days old: 7 days + 1 hour. */
const REPLAY_WINDOW_SEC = 7 * 24 * 3600 + 3600;

function matchingSecret(text: string, sig: string, cfg: WebhookSecrets): number {
  for (let i = 0; i < cfg.secrets.length; i++) {
    try {
      if (validateWebhookSignature(text, sig, cfg.secrets[i] as string)) return i;
    } catch {
      // the SDK throws on an empty body or secret: not a match
    }
  }
  return -1;
}

function parse(text: string): { event?: unknown; created_at?: unknown } | null {
  try {
    const parsed = JSON.parse(text) as { event?: unknown; created_at?: unknown } | null;
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    return null;
  }
}

function verify(d: SignedDelivery, cfg: WebhookSecrets, limits: ReplayLimits): Verification {
  const sig = headerOf(d.headers, 'x-razorpay-signature');
  if (!sig) return { ok: false, refusal: 'missing_signature', detail: 'No X-Razorpay-Signature header' };
  const text = d.body.toString('utf8');
  const which = matchingSecret(text, sig, cfg);
  if (which < 0) return { ok: false, refusal: 'bad_signature', detail: 'X-Razorpay-Signature does not match the webhook secret' };
  const parsed = parse(text);
  if (parsed === null) return { ok: false, refusal: 'malformed', detail: 'Signed body is not valid JSON' };
  if (typeof parsed.event !== 'string') return { ok: false, refusal: 'malformed', detail: 'Signed body is not a Razorpay event' };
  const createdAt = typeof parsed.created_at === 'number' ? parsed.created_at * 1000 : null;
  if (createdAt === null || d.receivedAt - createdAt > (limits.maxAgeSec ?? REPLAY_WINDOW_SEC) * 1000) {
    return { ok: false, refusal: 'replayed', detail: createdAt === null ? 'Razorpay event without created_at' : 'Razorpay event older than the replay window' };
  }
  if (isAhead(createdAt / 1000, d.receivedAt, limits.maxSkewSec)) {
    return { ok: false, refusal: 'future_timestamp', detail: `Razorpay event created_at more than ${limits.maxSkewSec} s ahead of Paydesk's clock` };
  }
  const hash = bodySha256(d.body);
  const eventId = headerOf(d.headers, 'x-razorpay-event-id') ?? `sha256:${hash.toString('hex')}`;
  return {
    ok: true,
    event: { eventId: eventId.slice(0, 200), type: parsed.event, livemode: cfg.livemode, bodySha256: hash, secretIndex: which, createdAt, parsed },
  };
}

export const razorpayWebhooks: WebhookPort = {
  setup: { kind: 'manual', events: RAZORPAY_WEBHOOK_EVENTS, checkUrl: checkRazorpayWebhookUrl },
  replayWindowSec: REPLAY_WINDOW_SEC,
  verify,
  normalize: (parsed) => normalizeRazorpay(parsed as RazorpayWebhookEvent),
};
