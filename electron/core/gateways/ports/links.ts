// The part of the gateway seam for creating a link or order for a payment, cancelling / expiring it, and the facts of one link (payments.links).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/links.ts.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the service moves behind the seam
export interface LinkPort {}
