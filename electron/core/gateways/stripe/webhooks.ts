// Stripe's side of ports/webhooks.ts: stripe-node's own signature check (constructEvent), plus what it
// leaves to the receiver (a `t` ahead of the clock, the event's mode), and event normalisation.
import type Stripe from 'stripe';
import { lazyPackage } from '../../lazy-package';
import { headerOf, isAhead } from '../replay';
import type { ReplayLimits, SignedDelivery, Verification, WebhookPort, WebhookSecrets } from '../ports/webhooks';
import { normalizeStripe } from './webhooks-normalize';

export { normalizeStripe } from './webhooks-normalize';

/** stripe-node's DEFAULT_TOLERANCE */
const TOLERANCE_SEC = 300;

// verification only: no API key is used and no request is ever sent
const stripeSdk = lazyPackage<typeof Stripe>('stripe');

/**
 * The `t` of a Stripe-Signature header, read the way stripe-node reads it (the last `t=` wins, parseInt),
 * so it is the timestamp the verified HMAC covered. NaN when there is none.
 */
export function stripeSignedAtSec(header: string): number {
  let t = Number.NaN;
  for (const item of header.split(',')) {
    const [key, value] = item.split('=');
    if (key === 't') t = Number.parseInt(value ?? '', 10);
  }
  return t;
}

type Checked = { event: Stripe.Event; index: number } | { refusal: 'malformed' | 'stale_signature' | 'bad_signature'; detail: string };

/** Tries each secret with constructEvent; the first error says why none matched. */
function construct(body: Buffer, sig: string, cfg: WebhookSecrets, tolerance: number, receivedAt: number): Checked {
  let firstError: unknown = null;
  for (let i = 0; i < cfg.secrets.length; i++) {
    try {
      return { event: stripeSdk().webhooks.constructEvent(body, sig, cfg.secrets[i] as string, tolerance, undefined, receivedAt), index: i };
    } catch (err) {
      // the signature matched but the body is not JSON
      if (err instanceof SyntaxError) return { refusal: 'malformed', detail: 'Signed body is not valid JSON' };
      firstError ??= err;
    }
  }
  const msg = firstError instanceof Error ? firstError.message : '';
  if (/tolerance/i.test(msg)) return { refusal: 'stale_signature', detail: `Stripe-Signature timestamp older than ${tolerance} s` };
  if (/timestamp and signatures|no signatures found with expected scheme/i.test(msg)) return { refusal: 'bad_signature', detail: 'Stripe-Signature header is malformed' };
  return { refusal: 'bad_signature', detail: 'Stripe-Signature does not match the webhook secret' };
}

function verify(d: SignedDelivery, cfg: WebhookSecrets, limits: ReplayLimits): Verification {
  const sig = headerOf(d.headers, 'stripe-signature');
  if (!sig) return { ok: false, refusal: 'missing_signature', detail: 'No Stripe-Signature header' };
  const c = construct(d.body, sig, cfg, limits.maxAgeSec ?? TOLERANCE_SEC, d.receivedAt);
  if ('refusal' in c) return { ok: false, refusal: c.refusal, detail: c.detail };
  const { event } = c;
  // the SDK checks only how old `t` is
  if (isAhead(stripeSignedAtSec(sig), d.receivedAt, limits.maxSkewSec)) {
    return { ok: false, refusal: 'future_timestamp', detail: `Stripe-Signature timestamp more than ${limits.maxSkewSec} s ahead of Paydesk's clock` };
  }
  if (typeof event.id !== 'string' || typeof event.type !== 'string' || !event.data || typeof event.data.object !== 'object') {
    return { ok: false, refusal: 'malformed', detail: 'Signed body is not a Stripe event' };
  }
  if (typeof event.livemode === 'boolean' && event.livemode !== cfg.livemode) {
    return { ok: false, refusal: 'mode_mismatch', detail: event.livemode ? 'A live-mode event reached a test account' : 'A test-mode event reached a live account' };
  }
  return {
    ok: true,
    event: {
      eventId: event.id,
      type: event.type,
      livemode: event.livemode,
      bodySha256: null, // the event id is inside the signed body
      secretIndex: c.index,
      createdAt: typeof event.created === 'number' ? event.created * 1000 : null,
      parsed: event,
    },
  };
}

export const stripeWebhooks: WebhookPort = {
  setup: { kind: 'api' },
  replayWindowSec: TOLERANCE_SEC,
  verify,
  normalize: (parsed) => normalizeStripe(parsed as Stripe.Event),
};
