// The part of the gateway seam for catching up with the gateway: its recent events or each open link's facts, as gateway-neutral facts (payments.sync).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/sync.ts.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the service moves behind the seam
export interface SyncPort {}
