// The part of the gateway seam for balance transactions, payouts / settlements and their items, and fee facts for reconciliation (reports.*).
// Gateway-neutral: no SDK type appears here; each gateway's implementation is in gateways/<gateway>/reports.ts.

// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- filled in as the service moves behind the seam
export interface ReportPort {}
