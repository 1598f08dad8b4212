// The part of the gateway seam for reconciliation (reports.*): what a gateway says about money movements
// (ledger entries, fees), the settlements / payouts that paid them out and their items, and look-ups of single
// payments. Gateway-neutral: plain data in integer minor units and ms since the epoch, AppError for failures;
// each gateway's implementation is in gateways/<gateway>/reports.ts.

export type SettlementItemKind = 'payment' | 'refund' | 'fee' | 'adjustment' | 'dispute';

/** A column of a local payment that identifies it, tried in the order the gateway gives them. */
export type PaymentRefColumn = 'id' | 'charge_id' | 'payment_intent_id' | 'gateway_payment_id' | 'order_id' | 'session_id';
export interface PaymentLookup {
  column: PaymentRefColumn;
  value: string;
}

/**
 * One entry of the gateway's balance ledger (a Stripe balance transaction). Gateways that keep no such
 * ledger return none; the matcher then reads an item's transaction id as the gateway's payment / refund id.
 */
export interface LedgerEntry {
  id: string;
  type: string;
  category: string;
  sourceId: string | null;
  chargeId: string | null;
  paymentIntentId: string | null;
  refundId: string | null;
  paydeskId: string | null;
  currency: string;
  amount: number;
  fee: number;
  tax: number;
  net: number;
  /** JSON array of { amount, currency, type, description } */
  feeDetails: string;
  exchangeRate: string | null;
  status: string;
  payoutId: string | null;
  createdAt: number;
  availableOn: number | null;
}

/** A fee the gateway charged on one payment. */
export interface GatewayFee {
  /** how to find the local payment, in order */
  refs: PaymentLookup[];
  /** the gateway payment ids the fee may be keyed by in the payment's state (the first is the default) */
  keys: string[];
  fee: number;
  tax: number;
  net: number | null;
  currency: string;
  at: number;
  /** the gateway's name for the record the fee came from, shown on the timeline */
  gatewayType: string;
}

/** What happened since a cursor: ledger entries and fees, and where the cursor moves to (seconds). */
export interface Activity {
  entries: LedgerEntry[];
  fees: GatewayFee[];
  /** how many gateway records were read (the refresh result counts them) */
  payments: number;
  cursorS: number;
}

export interface GatewaySettlement {
  gatewayId: string;
  /** null: the gateway's settlement record does not say (its items do) */
  currency: string | null;
  amount: number;
  /** null: the sum of its items */
  fee: number | null;
  tax: number | null;
  utr: string | null;
  status: string;
  createdAt: number;
  arrivalAt: number | null;
  /**
   * true: the gateway does not say which transactions this settlement paid out (a Stripe manual payout), so
   * its items were matched by date; shown as such. Absent: false.
   */
  manual?: boolean;
}

export interface SettlementItem {
  txnId: string;
  kind: SettlementItemKind;
  amount: number;
  fee: number;
  tax: number;
  net: number;
  createdAt: number;
  currency: string | null;
  /** how to find the local payment when the gateway's item names it; null: the matcher links it later */
  refs: PaymentLookup[] | null;
}

/** A settlement's items and the ledger entries it moved (stored as well). */
export interface SettlementContents {
  entries: LedgerEntry[];
  items: SettlementItem[];
  /** why the items could not be read (then there are none; asked again next refresh); absent when they were */
  warning?: string;
}

/** The local ids of a payment the gateway may know it by. */
export interface LocalPaymentIds {
  charge_id: string | null;
  payment_intent_id: string | null;
  gateway_payment_id: string | null;
  session_id: string | null;
}

/** The gateway's answer about one payment: does it exist, and its ledger entry or fee when known. */
export interface PaymentAtGateway {
  known: boolean;
  entry: LedgerEntry | null;
  fee: Omit<GatewayFee, 'refs'> | null;
}

export interface ReportPort {
  /** the names under which the refresh keeps its two cursors (stable: stored in settings) */
  readonly cursorNames: { readonly activity: string; readonly settlements: string };
  /** the currency of a settlement when neither it nor its items say */
  readonly settlementCurrency: string;
  /** ledger entries and fees since `cursorS` (the port re-reads whatever overlap the gateway needs) */
  activitySince(cursorS: number, nowS: number): Promise<Activity>;
  /** settlements / payouts created in [fromS, toS] */
  settlementsSince(fromS: number, toS: number): Promise<GatewaySettlement[]>;
  /** the items of these settlements, by gateway settlement id; one that cannot be read gets a `warning`, never fails the others */
  settlementContents(settlements: readonly GatewaySettlement[]): Promise<Map<string, SettlementContents>>;
  /** the checkout that made a payment the ledger names only by its intent; sessionId '' when there is none */
  checkoutOf(paymentIntentId: string): Promise<{ sessionId: string; ref: string | null }>;
  /** the id to ask the gateway about a local payment with; null: it has none yet */
  paymentRef(p: LocalPaymentIds): string | null;
  lookupPayment(ref: string): Promise<PaymentAtGateway>;
}
