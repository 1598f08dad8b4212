// Payment and refund statuses and the state machine that folds gateway facts into them.
// Pure TS (no node:*, no DOM): core applies it to webhooks and sync results; the UI shows its tables.
//
// The machine is a join-semilattice: every piece of state only grows (a status rank, a set of captures
// keyed by payment id, refunds keyed by refund id, ...), and merging is commutative, associative and
// idempotent. So the events of one payment may arrive in any order, any number of times, and the result
// is the same; a status never moves backwards (paid never returns to open or failed).

import { isNonNegInt, laterFailure, mergeCapture, mergeFee, optText, withOpt } from './status-merge';

export const PAYMENT_STATUSES = [
  'creating', // the intent row is committed; the gateway call is not yet confirmed
  'open', // the link or session is live
  'failed', // the last attempt failed; the link may still be paid later
  'expired',
  'cancelled',
  'authorized', // Razorpay: authorised, not captured yet
  'partially_paid', // Razorpay partial payments on a link: some money captured, not all
  'paid',
] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * The order statuses move in. A later event moves the status only to a higher rank. expired/cancelled
 * rank below authorized and paid: an `expired` that arrives after (or before) the payment's capture is
 * outranked by it, because the money was taken while the link was still live.
 */
export const PAYMENT_STATUS_RANK: Readonly<Record<PaymentStatus, number>> = {
  creating: 0,
  open: 1,
  failed: 2,
  expired: 3,
  cancelled: 4,
  authorized: 5,
  partially_paid: 6,
  paid: 7,
};

export const REFUND_STATUSES = ['pending', 'succeeded', 'failed'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
/** pending -> succeeded | failed. succeeded -> failed is Stripe's rare late failure of a refund (refund.failed after succeeded). */
export const REFUND_STATUS_RANK: Readonly<Record<RefundStatus, number>> = { pending: 0, succeeded: 1, failed: 2 };

/** Derived from the amounts: what the payments table shows next to the status. */
export type RefundState = 'none' | 'partially_refunded' | 'refunded';
/** The status chip the UI shows: the payment status, or a refund state once money went back. */
export type DisplayStatus = PaymentStatus | 'partially_refunded' | 'refunded';

function transitionsFromRank<S extends string>(rank: Readonly<Record<S, number>>): Readonly<Record<S, readonly S[]>> {
  const keys = Object.keys(rank) as S[];
  const out = {} as Record<S, S[]>;
  for (const from of keys) out[from] = keys.filter((to) => rank[to] > rank[from]);
  return out;
}

/** Every allowed status change, for the UI (and the tests): to any higher rank, never lower. */
export const PAYMENT_TRANSITIONS: Readonly<Record<PaymentStatus, readonly PaymentStatus[]>> = transitionsFromRank(PAYMENT_STATUS_RANK);
export const REFUND_TRANSITIONS: Readonly<Record<RefundStatus, readonly RefundStatus[]>> = transitionsFromRank(REFUND_STATUS_RANK);

export const isPaymentStatus = (s: unknown): s is PaymentStatus => typeof s === 'string' && (PAYMENT_STATUSES as readonly string[]).includes(s);
export const canTransition = (from: PaymentStatus, to: PaymentStatus): boolean => PAYMENT_STATUS_RANK[to] > PAYMENT_STATUS_RANK[from];

/** A gateway-neutral fact about one payment. `at` is the gateway's time of the fact in ms (for the timeline and tie-breaks). */
export type PaymentEvent =
  | { type: 'created'; at: number }
  | { type: 'opened'; at: number }
  /** `attemptId`: the gateway's id of the try, when it has one (Stripe: the failed charge; Razorpay: the payment).
   *  One try is often reported twice (two events, or an event and a status check) with times a second apart. */
  | { type: 'attempt_failed'; at: number; reason: string; paymentId?: string | null; attemptId?: string | null }
  | { type: 'authorized'; at: number; paymentId: string; amount: number }
  /** `full`: the gateway says the link/session/order is paid in full (Stripe session paid, Razorpay link/order paid).
   *  `method`: how the customer paid, as the gateway names it (Stripe payment_method_details.type, Razorpay method). */
  | { type: 'captured'; at: number; paymentId: string; amount: number; full: boolean; method?: string | null }
  | { type: 'expired'; at: number }
  | { type: 'cancelled'; at: number }
  | { type: 'refund_updated'; at: number; refundId: string; amount: number; status: RefundStatus; paymentId?: string | null }
  /** `balanceTxnId`, `availableOn` (ms): the Stripe balance transaction the fee was read from */
  | { type: 'fee_known'; at: number; paymentId: string; fee: number; tax: number; net: number | null; balanceTxnId?: string | null; availableOn?: number | null };
export type PaymentEventType = PaymentEvent['type'];

export interface CaptureFact { amount: number; full: boolean; at: number; method?: string }
export interface RefundFact { amount: number; status: RefundStatus; at: number }
export interface FeeFact { fee: number; tax: number; net: number | null; balanceTxnId?: string; availableOn?: number }

/**
 * The whole machine state of one payment. Core stores it as JSON on the payments row and copies the
 * derived fields (status, captured_minor, ...) into columns for queries.
 */
export interface PaymentState {
  /** the link's amount in minor units (fixed at creation): decides paid vs partially_paid */
  amountMinor: number;
  /** the highest-ranked status evidenced by any event so far (before the capture-derived ones) */
  base: 'creating' | 'open' | 'failed' | 'expired' | 'cancelled';
  /** the latest failed attempt (by gateway time, then reason): the reason the UI shows on Failed */
  lastFailure: { at: number; reason: string } | null;
  /** authorised amounts by gateway payment id */
  authorizations: Record<string, number>;
  /** captures by gateway payment id: counted once per payment, whichever event told us */
  captures: Record<string, CaptureFact>;
  refunds: Record<string, RefundFact>;
  fees: Record<string, FeeFact>;
}

/** Columns derived from the state. */
export interface PaymentSummary {
  status: PaymentStatus;
  statusReason: string | null;
  authorizedMinor: number;
  capturedMinor: number;
  refundedMinor: number;
  refundPendingMinor: number;
  refundState: RefundState;
  displayStatus: DisplayStatus;
  /** earliest capture time (ms), null when not paid */
  paidAt: number | null;
  /** the gateway payment id of the first capture (or authorisation) */
  paymentId: string | null;
  feeMinor: number | null;
  taxMinor: number | null;
  netMinor: number | null;
  /** how the first capture was paid (card, upi, netbanking, ...), null until a gateway said */
  method: string | null;
  /** Stripe: the balance transaction of the charge (txn_...) and when its funds become available (ms) */
  balanceTxnId: string | null;
  availableOn: number | null;
}

export function initialPaymentState(amountMinor: number): PaymentState {
  return { amountMinor, base: 'creating', lastFailure: null, authorizations: {}, captures: {}, refunds: {}, fees: {} };
}

const maxBy = <T>(a: T, b: T, key: (x: T) => number): T => (key(b) > key(a) ? b : a);

function mergeRefund(a: RefundFact | undefined, b: RefundFact): RefundFact {
  if (!a) return b;
  const status = maxBy(a.status, b.status, (s) => REFUND_STATUS_RANK[s]);
  return { amount: Math.max(a.amount, b.amount), status, at: Math.max(a.at, b.at) };
}

const BASE_RANK: Record<PaymentState['base'], number> = { creating: 0, open: 1, failed: 2, expired: 3, cancelled: 4 };
const raiseBase = (cur: PaymentState['base'], to: PaymentState['base']): PaymentState['base'] => (BASE_RANK[to] > BASE_RANK[cur] ? to : cur);

export interface ApplyResult {
  state: PaymentState;
  /** what the merchant sees changed (status, reason, amounts, fees, paid time): false for a duplicate, a late
   *  `authorized` after `captured`, an `expired` after `paid`, ... */
  changed: boolean;
  /** the stored state absorbed a new fact (it may still be invisible, e.g. `opened` after `paid`); store it when true */
  stateChanged: boolean;
  /** summarizePayment(state), when stateChanged (it was needed for `changed`) */
  summary?: PaymentSummary;
}

/** authorizedMinor is not shown once captured: a late `authorized` after `captured` is no change */
const VISIBLE: readonly (keyof PaymentSummary)[] = ['status', 'statusReason', 'capturedMinor', 'refundedMinor', 'refundPendingMinor', 'refundState', 'paidAt', 'paymentId', 'feeMinor', 'taxMinor', 'netMinor'];

function sameSummary(a: PaymentSummary, b: PaymentSummary): boolean {
  for (const k of VISIBLE) if (a[k] !== b[k]) return false;
  return a.status !== 'authorized' || a.authorizedMinor === b.authorizedMinor;
}

/**
 * Folds one event into the state. Never mutates `state`; returns the same object when nothing was learnt.
 * `before`: summarizePayment(state) when the caller has it (the previous result's `summary`), to fold
 * several facts without summarising each state twice.
 */
export function applyPaymentEvent(state: PaymentState, event: PaymentEvent, before?: PaymentSummary): ApplyResult {
  const next = foldOne(state, event);
  if (next === state) return { state, changed: false, stateChanged: false };
  const summary = summarizePayment(next);
  return { state: next, changed: !sameSummary(before ?? summarizePayment(state), summary), stateChanged: true, summary };
}

function foldOne(state: PaymentState, event: PaymentEvent): PaymentState {
  let next: PaymentState = state;
  switch (event.type) {
    case 'created':
      break; // the initial state already says `creating`
    case 'opened':
    case 'expired':
    case 'cancelled': {
      const to = event.type === 'opened' ? 'open' : event.type;
      const base = raiseBase(state.base, to);
      if (base !== state.base) next = { ...state, base };
      break;
    }
    case 'attempt_failed': {
      const base = raiseBase(state.base, 'failed');
      const lastFailure = laterFailure(state.lastFailure, { at: event.at, reason: event.reason });
      if (base !== state.base || lastFailure !== state.lastFailure) next = { ...state, base, lastFailure };
      break;
    }
    case 'authorized': {
      if (!isNonNegInt(event.amount)) break;
      const cur = state.authorizations[event.paymentId];
      const amount = Math.max(cur ?? 0, event.amount);
      if (cur !== amount) next = { ...state, authorizations: { ...state.authorizations, [event.paymentId]: amount } };
      break;
    }
    case 'captured': {
      if (!isNonNegInt(event.amount)) break;
      const cur = state.captures[event.paymentId];
      const merged = mergeCapture(cur, withOpt({ amount: event.amount, full: event.full, at: event.at }, 'method', optText(event.method)));
      if (!cur || merged.amount !== cur.amount || merged.full !== cur.full || merged.at !== cur.at || merged.method !== cur.method) {
        next = { ...state, captures: { ...state.captures, [event.paymentId]: merged } };
      }
      break;
    }
    case 'refund_updated': {
      if (!isNonNegInt(event.amount)) break;
      const cur = state.refunds[event.refundId];
      const merged = mergeRefund(cur, { amount: event.amount, status: event.status, at: event.at });
      if (!cur || merged.amount !== cur.amount || merged.status !== cur.status || merged.at !== cur.at) {
        next = { ...state, refunds: { ...state.refunds, [event.refundId]: merged } };
      }
      break;
    }
    case 'fee_known': {
      if (!isNonNegInt(event.fee) || !isNonNegInt(event.tax)) break;
      const cur = state.fees[event.paymentId];
      const availableOn = isNonNegInt(event.availableOn) ? event.availableOn : undefined;
      const merged = mergeFee(cur, withOpt(withOpt({ fee: event.fee, tax: event.tax, net: event.net }, 'balanceTxnId', optText(event.balanceTxnId)), 'availableOn', availableOn));
      if (merged !== cur) next = { ...state, fees: { ...state.fees, [event.paymentId]: merged } };
      break;
    }
    default: {
      const never: never = event;
      void never;
    }
  }
  return next;
}

/** Folds many events (any order). */
export function foldPaymentEvents(state: PaymentState, events: readonly PaymentEvent[]): PaymentState {
  let s = state;
  for (const e of events) s = foldOne(s, e);
  return s;
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);
const sortedValues = <T>(r: Record<string, T>): T[] => Object.keys(r).sort().map((k) => r[k] as T);

export function paymentStatusOf(state: PaymentState): PaymentStatus {
  const captures = sortedValues(state.captures);
  if (captures.length > 0) {
    const captured = sum(captures.map((c) => c.amount));
    if (captures.some((c) => c.full) || captured >= state.amountMinor) return 'paid';
    return 'partially_paid';
  }
  // an authorisation that was captured elsewhere is covered above; one that is refunded is still `authorized` until the refund event says so
  if (Object.keys(state.authorizations).length > 0) return 'authorized';
  return state.base;
}

export function summarizePayment(state: PaymentState): PaymentSummary {
  const status = paymentStatusOf(state);
  const captureIds = Object.keys(state.captures).sort();
  const captures = captureIds.map((k) => state.captures[k] as CaptureFact);
  const capturedMinor = sum(captures.map((c) => c.amount));
  const refunds = sortedValues(state.refunds);
  const refundedMinor = sum(refunds.filter((r) => r.status === 'succeeded').map((r) => r.amount));
  const refundPendingMinor = sum(refunds.filter((r) => r.status === 'pending').map((r) => r.amount));
  const refundState: RefundState = refundedMinor <= 0 ? 'none' : capturedMinor > 0 && refundedMinor >= capturedMinor ? 'refunded' : 'partially_refunded';
  const fees = sortedValues(state.fees);
  const feeMinor = fees.length ? sum(fees.map((f) => f.fee)) : null;
  const taxMinor = fees.length ? sum(fees.map((f) => f.tax)) : null;
  const netMinor = fees.length && fees.every((f) => f.net !== null) ? sum(fees.map((f) => f.net as number)) : fees.length && feeMinor !== null ? capturedMinor - feeMinor : null;
  let paidAt: number | null = null;
  let paymentId: string | null = null;
  for (const id of captureIds) {
    const c = state.captures[id] as CaptureFact;
    if (paidAt === null || c.at < paidAt || (c.at === paidAt && (paymentId === null || id < paymentId))) {
      paidAt = c.at;
      paymentId = id;
    }
  }
  if (paymentId === null) paymentId = Object.keys(state.authorizations).sort()[0] ?? null;
  const withTxn = fees.find((f) => f.balanceTxnId !== undefined);
  return {
    status,
    statusReason: status === 'failed' ? (state.lastFailure?.reason ?? null) : null,
    authorizedMinor: sum(sortedValues(state.authorizations)),
    capturedMinor,
    refundedMinor,
    refundPendingMinor,
    refundState,
    displayStatus: refundState === 'none' ? status : refundState,
    paidAt: status === 'paid' || status === 'partially_paid' ? paidAt : null,
    paymentId,
    feeMinor,
    taxMinor,
    netMinor,
    method: (paymentId !== null ? state.captures[paymentId]?.method : undefined) ?? captures.find((c) => c.method)?.method ?? null,
    balanceTxnId: withTxn?.balanceTxnId ?? null,
    availableOn: withTxn?.availableOn ?? fees.find((f) => f.availableOn !== undefined)?.availableOn ?? null,
  };
}

/** A canonical JSON form of the state (sorted keys), for storage and equality. */
export function serializePaymentState(state: PaymentState): string {
  // The common case is written out directly (it runs for every applied webhook); anything it was not written
  // for (an array-index-like key, whose place JSON.stringify decides itself, toJSON, bigint, ...) takes
  // the general form, which gives the same text.
  const fast = canonicalJson(state);
  return fast ?? canonicalJsonSlow(state);
}

function canonicalJsonSlow(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      return Object.fromEntries(Object.keys(o).sort().map((k) => [k, o[k]]));
    }
    return v;
  });
}

const INDEX_LIKE = /^(0|[1-9][0-9]*)$/;
// a key (or string) JSON.stringify leaves as it is between its quotes
const PLAIN = /^[\w .:-]*$/;
const quote = (s: string): string => (PLAIN.test(s) ? `"${s}"` : JSON.stringify(s));

/** JSON with every object's keys sorted, for plain data; null when the value needs canonicalJsonSlow. */
function canonicalJson(v: unknown): string | null {
  if (v === null) return 'null';
  switch (typeof v) {
    case 'string':
      return quote(v);
    case 'number':
      return Number.isFinite(v) ? String(v) : 'null'; // String(-0) is "0", as in JSON
    case 'boolean':
      return v ? 'true' : 'false';
    case 'object': {
      if (Array.isArray(v)) {
        let out = '[';
        for (let i = 0; i < v.length; i++) {
          const item: unknown = v[i];
          const t = item === undefined || typeof item === 'function' || typeof item === 'symbol' ? 'null' : canonicalJson(item);
          if (t === null) return null;
          out += i === 0 ? t : `,${t}`;
        }
        return `${out}]`;
      }
      const proto: unknown = Object.getPrototypeOf(v);
      if ((proto !== Object.prototype && proto !== null) || typeof (v as { toJSON?: unknown }).toJSON === 'function') return null;
      const o = v as Record<string, unknown>;
      const keys = Object.keys(o).sort();
      let out = '{';
      let first = true;
      for (const k of keys) {
        const c = k.charCodeAt(0);
        if (c >= 48 && c <= 57 && INDEX_LIKE.test(k)) return null;
        const item = o[k];
        if (item === undefined || typeof item === 'function' || typeof item === 'symbol') continue;
        const t = canonicalJson(item);
        if (t === null) return null;
        out += `${first ? '' : ','}${quote(k)}:${t}`;
        first = false;
      }
      return `${out}}`;
    }
    default:
      return null; // bigint (JSON.stringify throws), or a top-level undefined / function / symbol
  }
}

/** Parses a stored state; a missing or unreadable one starts over from `amountMinor` (events are kept and can be re-folded). */
export function parsePaymentState(json: string | null | undefined, amountMinor: number): PaymentState {
  if (!json) return initialPaymentState(amountMinor);
  try {
    const v = JSON.parse(json) as Partial<PaymentState>;
    const base = v.base && v.base in BASE_RANK ? v.base : 'creating';
    return {
      amountMinor: typeof v.amountMinor === 'number' ? v.amountMinor : amountMinor,
      base,
      lastFailure: v.lastFailure ?? null,
      authorizations: v.authorizations ?? {},
      captures: v.captures ?? {},
      refunds: v.refunds ?? {},
      fees: v.fees ?? {},
    };
  } catch {
    return initialPaymentState(amountMinor);
  }
}
