// The part of the gateway seam for refunds (create with an idempotency key, list, look up by key) and capture of an authorised payment (refunds.*).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/refunds.ts.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the service moves behind the seam
export interface RefundPort {}
