// Methods and events of the webhooks domain: the tunnel that gives Paydesk a public URL, and the
// webhook setup of each account (Stripe endpoints registered by API; Razorpay pasted by the merchant).
// Secrets are write-only here: the ngrok authtoken is set through tunnel.configure and read back as
// { configured, last4 }. The one exception is webhooks.razorpaySecret, which returns a freshly
// generated Razorpay webhook secret exactly once, because the merchant must paste it into the
// Razorpay Dashboard (Razorpay offers no API for that to ordinary merchants).
import { z } from 'zod';
import { mutation, query, EmptySchema, STAFF, owner } from './define';
import { GatewaySchema, ModeSchema } from './accounts';

export const TunnelStateSchema = z.enum(['offline', 'connecting', 'online', 'error']);
export type TunnelState = z.infer<typeof TunnelStateSchema>;

export const TunnelProviderKindSchema = z.enum(['ngrok', 'own']);
export type TunnelProviderKind = z.infer<typeof TunnelProviderKindSchema>;

/** what to fix: network, the authtoken, the reserved domain, the ngrok session limit, the URL, ... */
export const TunnelErrorKindSchema = z.enum(['network', 'auth', 'domain', 'limit', 'config', 'unavailable', 'timeout', 'unknown']);
export type TunnelErrorKind = z.infer<typeof TunnelErrorKindSchema>;

export const TunnelStatusSchema = z.object({
  state: TunnelStateSchema,
  provider: TunnelProviderKindSchema.nullable(),
  /** public base URL while online (no trailing slash) */
  url: z.string().nullable(),
  /** the reason in words: why it failed, or why it is reconnecting */
  error: z.string().nullable(),
  errorKind: TunnelErrorKindSchema.nullable(),
  /** epoch ms of the next reconnect attempt while waiting to reconnect */
  retryAt: z.number().int().nullable(),
  /** epoch ms the state was entered */
  since: z.number().int(),
});
export type TunnelStatus = z.infer<typeof TunnelStatusSchema>;

/** What the renderer may know about a secret: never the secret. */
export const SecretPresenceSchema = z.object({ configured: z.boolean(), last4: z.string().nullable() });
export type SecretPresence = z.infer<typeof SecretPresenceSchema>;

export const TunnelOverviewSchema = z.object({
  status: TunnelStatusSchema,
  ngrok: z.object({
    authtoken: SecretPresenceSchema,
    /** reserved domain; not a secret (it is in the public URL) */
    domain: z.string().nullable(),
  }),
  /** the last "URL I run myself" started in this session */
  ownUrl: z.string().nullable(),
});
export type TunnelOverview = z.infer<typeof TunnelOverviewSchema>;

export const TunnelStartInputSchema = z.object({
  provider: TunnelProviderKindSchema,
  /** required for provider 'own': the public https base URL that forwards to Paydesk */
  ownUrl: z.string().trim().max(2000).optional(),
}).superRefine((v, ctx) => {
  if (v.provider === 'own' && !v.ownUrl) ctx.addIssue({ code: 'custom', path: ['ownUrl'], message: 'Enter the public URL that forwards to Paydesk' });
});
export type TunnelStartInput = z.infer<typeof TunnelStartInputSchema>;

const HOSTNAME = /^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export const TunnelConfigureInputSchema = z.object({
  /** a new authtoken; null removes it; undefined leaves it */
  authtoken: z.string().trim().min(10, 'That does not look like an ngrok authtoken').max(200).regex(/^\S+$/, 'Paste the authtoken without spaces').nullable().optional(),
  /** a reserved ngrok domain such as shop-paydesk.ngrok.app; null removes it */
  domain: z.string().trim().toLowerCase()
    .transform((d) => d.replace(/^https?:\/\//, '').replace(/\/+$/, ''))
    .pipe(z.string().regex(HOSTNAME, 'Enter the domain only, for example shop-paydesk.ngrok.app'))
    .nullable().optional(),
});
export type TunnelConfigureInput = z.infer<typeof TunnelConfigureInputSchema>;

export const UrlWarningSchema = z.object({
  code: z.string(),
  message: z.string(),
  /** true when the gateway will refuse the URL outright */
  blocking: z.boolean(),
});
export type UrlWarning = z.infer<typeof UrlWarningSchema>;

export const StripeWebhookSetupSchema = z.object({
  accountId: z.string(),
  label: z.string(),
  mode: ModeSchema,
  /** the endpoint URL Paydesk wants: <publicUrl>/webhooks/stripe/<accountId>; null while offline */
  url: z.string().nullable(),
  registration: z.enum(['not_started', 'pending', 'registered', 'failed']),
  /** the URL the registered endpoint points at */
  registeredUrl: z.string().nullable(),
  endpointId: z.string().nullable(),
  error: z.string().nullable(),
  checkedAt: z.number().int().nullable(),
  webhookSecret: SecretPresenceSchema,
});
export type StripeWebhookSetup = z.infer<typeof StripeWebhookSetupSchema>;

export const RazorpayWebhookSetupSchema = z.object({
  accountId: z.string(),
  label: z.string(),
  mode: ModeSchema,
  /** the URL to paste into Razorpay Dashboard → Webhooks; null while offline */
  url: z.string().nullable(),
  /** the events to tick in the Razorpay Dashboard */
  events: z.array(z.string()),
  webhookSecret: SecretPresenceSchema,
  warnings: z.array(UrlWarningSchema),
  /** what to do about the warnings, in words */
  recommendation: z.string().nullable(),
});
export type RazorpayWebhookSetup = z.infer<typeof RazorpayWebhookSetupSchema>;

export const WebhooksSetupSchema = z.object({
  publicUrl: z.string().nullable(),
  tunnel: TunnelStatusSchema,
  stripe: z.array(StripeWebhookSetupSchema),
  razorpay: z.array(RazorpayWebhookSetupSchema),
});
export type WebhooksSetup = z.infer<typeof WebhooksSetupSchema>;

export const RazorpaySecretSchema = z.object({
  accountId: z.string(),
  /** shown once for pasting into the Razorpay Dashboard; stored in the vault, never returned again */
  secret: z.string(),
  last4: z.string(),
});
export type RazorpaySecret = z.infer<typeof RazorpaySecretSchema>;

// ---- received deliveries ------------------------------------------------------------------------------
// Metadata only: never a body, a header value or a secret. Verified events come from webhook_events;
// refused ones from security_events (counted per kind, account and minute, so one row may stand for many).

export const DeliveryResultSchema = z.enum(['applied', 'no_change', 'unmatched', 'ignored', 'error', 'pending', 'refused']);
export type DeliveryResult = z.infer<typeof DeliveryResultSchema>;

export const DeliveryRowSchema = z.object({
  /** 'e<id>' for a stored event, 'r<id>' for a refused-delivery counter */
  id: z.string(),
  gateway: GatewaySchema,
  accountId: z.string(),
  /** null when the URL named no account Paydesk knows */
  accountLabel: z.string().nullable(),
  /** when it arrived (refused: the last one in that minute), ms */
  at: z.number().int(),
  /** e.g. checkout.session.completed, payment_link.paid; null for refused deliveries */
  eventType: z.string().nullable(),
  eventId: z.string().nullable(),
  /** valid (current secret), valid_previous_secret (an older secret during a rotation), or invalid/refused */
  signature: z.enum(['valid', 'valid_previous_secret', 'refused']),
  /** why it was refused: bad_signature, stale_signature, secret_missing, ... */
  refusal: z.string().nullable(),
  result: DeliveryResultSchema,
  /** refused deliveries in that minute (1 for stored events) */
  count: z.number().int(),
  paymentId: z.string().nullable(),
  /** why applying failed, or the refusal in words; never a body or a secret */
  detail: z.string().nullable(),
  livemode: z.boolean().nullable(),
});
export type DeliveryRow = z.infer<typeof DeliveryRowSchema>;

export const DeliveriesInputSchema = z.object({
  limit: z.number().int().min(1).max(200).optional(),
  /** nextCursor of the previous page */
  cursor: z.string().trim().max(80).optional(),
  accountId: z.string().trim().min(1).optional(),
}).strict();

export const DeliveriesSchema = z.object({
  rows: z.array(DeliveryRowSchema),
  nextCursor: z.string().nullable(),
  /** the local webhook listener (127.0.0.1) the tunnel forwards to */
  listener: z.object({ port: z.number().int().nullable(), url: z.string().nullable() }),
  /** repeated deliveries of an event already stored (acknowledged and ignored) since Paydesk started */
  duplicatesSinceStart: z.number().int(),
});
export type Deliveries = z.infer<typeof DeliveriesSchema>;

export const webhooksMethods = {
  'tunnel.status': query(EmptySchema, TunnelOverviewSchema, STAFF),
  'tunnel.start': mutation(TunnelStartInputSchema, TunnelStatusSchema, owner('start the public tunnel')),
  'tunnel.stop': mutation(EmptySchema, TunnelStatusSchema, owner('stop the public tunnel')),
  'tunnel.configure': mutation(TunnelConfigureInputSchema, TunnelOverviewSchema, owner('set up the tunnel')),
  'webhooks.setup': query(EmptySchema, WebhooksSetupSchema, STAFF),
  /** register (or re-check) the Stripe endpoints now: one account, or all */
  'webhooks.registerStripe': mutation(z.object({ accountId: z.string().optional() }), WebhooksSetupSchema, owner('register Stripe webhook endpoints')),
  /** generate a new Razorpay webhook secret for one account, store it, return it once */
  'webhooks.razorpaySecret': mutation(z.object({ accountId: z.string() }), RazorpaySecretSchema, owner('generate a Razorpay webhook secret')),
  /** received webhook deliveries, newest first: verified events and refused ones (metadata only) */
  'webhooks.deliveries': query(DeliveriesInputSchema, DeliveriesSchema, STAFF),
};

export const webhooksEvents = {
  'tunnel.changed': TunnelStatusSchema,
  /** the webhook setup of an account (or all, when null) changed: refetch webhooks.setup */
  'webhooks.changed': z.object({ accountId: z.string().nullable() }),
};
