// Events of the links domain: payment.changed (a payment the merchant sees changed) and webhook.received.
// It has no methods of its own: the links.* methods live with the payments domain (contract/payments.ts), whose schemas they share.
import { z } from 'zod';
import { PAYMENT_STATUSES } from '../status';
import { GatewaySchema } from './accounts';

export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);

export const WebhookRejectionSchema = z.enum(['missing_signature', 'bad_signature', 'stale_signature', 'future_timestamp', 'replayed', 'malformed', 'mode_mismatch', 'secret_missing']);
export type WebhookRejection = z.infer<typeof WebhookRejectionSchema>;

export const linksMethods = {};
export const linksEvents = {
  /** webhooks arrived for an account since the last such event (coalesced per commit batch) */
  'webhook.received': z.object({
    gateway: GatewaySchema,
    accountId: z.string(),
    stored: z.number().int().nonnegative(),
    duplicates: z.number().int().nonnegative(),
    /** refused: bad, missing, stale, forward-dated or replayed signature, or no secret configured (see lastRejection) */
    rejected: z.number().int().nonnegative(),
    lastType: z.string().nullable(),
    lastRejection: WebhookRejectionSchema.nullable(),
  }),
};
