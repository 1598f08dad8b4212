// The part of the gateway seam for verifying a webhook delivery's signature and normalising its body into gateway-neutral facts; pure, no network (webhooks/ingest).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/webhooks.ts.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the service moves behind the seam
export interface WebhookPort {}
