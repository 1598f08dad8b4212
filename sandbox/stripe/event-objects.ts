// Builders of webhook endpoints and the events delivered to them. Typed with the `stripe` package's own types, so drift between the SDK and the
// emulator fails `tsc` (as in objects.ts).
import type Stripe from 'stripe';
import { newId } from '../core/ids.js';
import { API_VERSION, sec } from './objects.js';

export function buildWebhookEndpoint(input: {
  now: number; url: string; enabledEvents: string[]; description: string | null; metadata: Record<string, string>; apiVersion: string | null;
}): Stripe.WebhookEndpoint {
  return {
    id: newId('we', 24),
    object: 'webhook_endpoint',
    api_version: input.apiVersion,
    application: null,
    created: sec(input.now),
    description: input.description,
    enabled_events: input.enabledEvents,
    livemode: false,
    metadata: input.metadata,
    status: 'enabled',
    url: input.url,
  };
}

/** Objects that can be the subject of an event the sandbox emits. */
export type EventSubject = Stripe.Checkout.Session | Stripe.PaymentIntent | Stripe.Charge | Stripe.Refund | Stripe.Payout | Stripe.PaymentLink;

export type SandboxEventType =
  | 'checkout.session.completed' | 'checkout.session.expired'
  | 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'payment_intent.requires_action' | 'payment_intent.canceled'
  | 'charge.succeeded' | 'charge.failed' | 'charge.refunded'
  | 'refund.created' | 'refund.updated'
  | 'payout.created' | 'payout.paid'
  | 'payment_link.created' | 'payment_link.updated';

export type SandboxEvent = Extract<Stripe.Event, { type: SandboxEventType }>;

/** The event's `data.object` type for each event type, straight from the SDK's event union. */
export type EventObject<T extends SandboxEventType> = Extract<Stripe.Event, { type: T }>['data']['object'];

export function buildEvent<T extends SandboxEventType>(input: {
  type: T; object: EventObject<T>; previousAttributes?: Partial<EventObject<T>>; now: number; pendingWebhooks: number; idempotencyKey: string | null;
}): SandboxEvent {
  const event = {
    id: newId('evt', 24),
    object: 'event',
    api_version: API_VERSION,
    created: sec(input.now),
    data: input.previousAttributes ? { object: input.object, previous_attributes: input.previousAttributes } : { object: input.object },
    livemode: false,
    pending_webhooks: input.pendingWebhooks,
    request: { id: input.idempotencyKey ? newId('req', 14) : null, idempotency_key: input.idempotencyKey },
    type: input.type,
  } satisfies Stripe.EventBase & { type: T; data: Stripe.Event.Data };
  // TypeScript cannot narrow a union member from a generic `T`; the fields above are checked by `satisfies`
  return event as SandboxEvent;
}
