// Stripe's side of ports/webhooks.ts: signature verification and event normalisation.
import type { WebhookPort } from '../ports/webhooks';

export const stripeWebhooks: WebhookPort = {};
