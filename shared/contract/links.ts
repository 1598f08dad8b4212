// Methods and events of the links domain. Filled by the issue that builds links.
// Events so far (webhook ingest): payment.changed and webhook.received. Methods come later.
import { z } from 'zod';
import { PAYMENT_STATUSES } from '../status';
import { GatewaySchema } from './accounts';

export const PaymentStatusSchema = z.enum(PAYMENT_STATUSES);

export const WebhookRejectionSchema = z.enum(['missing_signature', 'bad_signature', 'stale_signature', 'future_timestamp', 'replayed', 'malformed', 'mode_mismatch', 'secret_missing']);
export type WebhookRejection = z.infer<typeof WebhookRejectionSchema>;

export const linksMethods = {};
export const linksEvents = {
  /** a payment's status, amounts or fees changed (a webhook, a sync or a local action): refetch it */
  'payment.changed': z.object({ id: z.string(), status: PaymentStatusSchema }),
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
