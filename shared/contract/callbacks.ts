// Methods and events of outgoing callbacks: Paydesk POSTs signed events (payment.paid, payment.failed,
// payment.refunded, link.expired) to the shop's server. Owner only: the URL decides where payment news
// goes, and the signing secret is shown exactly once, when it is made (set's first URL, or a rotation).
import { z } from 'zod';
import { EmptySchema, mutation, owner, ownerReads, query } from './define';

export const CALLBACK_TYPES = ['payment.paid', 'payment.failed', 'payment.refunded', 'link.expired'] as const;
export const CALLBACK_STATUSES = ['pending', 'delivered', 'failed'] as const;

export const CallbacksStatusSchema = z.object({
  /** where events are POSTed; null = callbacks off */
  url: z.string().nullable(),
  enabled: z.boolean(),
  /** the current secret's last four characters; null when there is none */
  secretLast4: z.string().nullable(),
  /** while a rotated-out secret still signs: until when (ms) */
  previousSignsUntil: z.number().int().nullable(),
  counts: z.object({ pending: z.number().int(), delivered: z.number().int(), failed: z.number().int() }),
});
export type CallbacksStatus = z.infer<typeof CallbacksStatusSchema>;

export const CallbackDeliverySchema = z.object({
  id: z.string(),
  type: z.enum(CALLBACK_TYPES),
  paymentId: z.string(),
  /** the shop's order reference, as in the event's data.order_id */
  orderId: z.string().nullable(),
  livemode: z.boolean(),
  status: z.enum(CALLBACK_STATUSES),
  attempts: z.number().int(),
  /** the last answer's HTTP status, null when none came */
  lastStatus: z.number().int().nullable(),
  /** why the last attempt was not accepted, in words */
  lastError: z.string().nullable(),
  createdAt: z.number().int(),
  deliveredAt: z.number().int().nullable(),
  /** when the next attempt is due while pending */
  nextAttemptAt: z.number().int().nullable(),
});
export type CallbackDelivery = z.infer<typeof CallbackDeliverySchema>;

/** a new secret, shown this once */
export const CallbackSecretSchema = z.object({ secret: z.string(), previousSignsUntil: z.number().int().nullable() });

export const callbacksMethods = {
  'callbacks.get': query(EmptySchema, CallbacksStatusSchema, ownerReads('see the callback settings')),
  /** null switches callbacks off; the first URL makes the signing secret, returned once */
  'callbacks.set': mutation(
    z.object({ url: z.string().trim().max(2000, 'Keep the address under 2000 characters').nullable() }).strict(),
    z.object({ status: CallbacksStatusSchema, created: CallbackSecretSchema.nullable() }),
    owner('choose where callbacks go'),
  ),
  /** a new secret, returned once; the previous one keeps signing for the overlap window */
  'callbacks.rotateSecret': mutation(EmptySchema, z.object({ status: CallbacksStatusSchema, created: CallbackSecretSchema }), owner('rotate the callback secret')),
  'callbacks.deliveries': query(z.object({ limit: z.number().int().min(1).max(200).optional() }).strict(), z.array(CallbackDeliverySchema), ownerReads('see callback deliveries')),
  /** due again now, even when it was delivered; same event id and body, a fresh signature */
  'callbacks.resend': mutation(z.object({ id: z.string().trim().min(1, 'Choose an event to send again') }).strict(), CallbackDeliverySchema, owner('send a callback again')),
};

export const callbacksEvents = {
  /** the settings or an event's delivery changed: refetch callbacks.get / callbacks.deliveries */
  'callbacks.changed': z.object({}),
};
