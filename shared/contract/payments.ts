// Methods of the payments domain (payment links: create, list, detail, cancel, check status; overview).
// The events of this domain (payment.changed, webhook.received) live in ./links.ts beside the webhook ingest.
export const paymentsMethods = {};
export const paymentsEvents = {};
