// The part of the gateway seam for registering Paydesk's public webhook URL with the gateway, where the gateway has an API for it (tunnel).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/endpoints.ts.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the service moves behind the seam
export interface EndpointPort {}
