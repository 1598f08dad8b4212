// The one fold: every gateway fact (a webhook, a sync, a link just created, a refund's answer, a settlement's
// fee) reaches a payment row through here, in the transaction that stores it. One rule decides which facts
// get a timeline row, one rule decides which columns are written, and one change record says what the
// screens must show, so no consumer reads the payment again.
import { applyPaymentEvent, paymentStatusOf, type PaymentEvent, type PaymentState, type PaymentSummary } from '../../../shared/status';
import { GATEWAY_ID_KEYS, type GatewayIds } from '../gateways/facts';
import { ID_COLUMNS, stateOfRow, type PaymentStateRow, type PaymentsRepo, type TimelineInsert } from '../store/repos/payments';

export type FactSource = TimelineInsert['source'];

export interface FoldOptions {
  source: FactSource;
  /** the gateway's name for what happened (an event type, `payment.captured`), shown on the timeline */
  gatewayType: string | null;
  /** when Paydesk learnt the facts (ms) */
  now: number;
}

/** A payment whose visible state changed: what the screens need to redraw it without reading it again. */
export interface PaymentChange {
  id: string;
  accountId: string;
  summary: PaymentSummary;
}

/** The facts folded into one payment's state, not yet written. */
export interface Fold {
  row: PaymentStateRow;
  state: PaymentState;
  /** summarizePayment(state), once a fact changed the state */
  summary: PaymentSummary | undefined;
  /** what the merchant sees changed */
  changed: boolean;
  /** the stored state absorbed a new fact (maybe invisible, such as `opened` after `paid`) */
  stateChanged: boolean;
  timeline: TimelineInsert[];
}

/**
 * Folds facts into the row's state. Pure. The timeline keeps the facts that changed what the merchant
 * sees, and every failed attempt (the drawer lists each; the repository records a try reported twice
 * once); a repeat or a late fact leaves none (for a webhook, its stored event, linked to the payment, is
 * the record).
 */
export function foldFacts(row: PaymentStateRow, facts: readonly PaymentEvent[], opts: FoldOptions): Fold {
  let state = stateOfRow(row);
  let summary: PaymentSummary | undefined;
  let changed = false;
  let stateChanged = false;
  const timeline: TimelineInsert[] = [];
  for (const ev of facts) {
    const r = applyPaymentEvent(state, ev, summary);
    state = r.state;
    if (r.summary) summary = r.summary;
    changed ||= r.changed;
    stateChanged ||= r.stateChanged;
    if (!r.changed && ev.type !== 'attempt_failed') continue;
    timeline.push({
      paymentId: row.id, at: ev.at, recordedAt: opts.now, event: ev, source: opts.source, webhookEventId: null,
      gatewayType: opts.gatewayType, changed: r.changed, statusAfter: r.summary?.status ?? paymentStatusOf(r.state),
    });
  }
  return { row, state, summary, changed, stateChanged, timeline };
}

/** true when `ids` holds a gateway id the row does not have yet */
export function learnsIds(row: PaymentStateRow, ids: GatewayIds): boolean {
  for (const k of GATEWAY_ID_KEYS) {
    const v = ids[k];
    if (v && (row as unknown as Record<string, unknown>)[ID_COLUMNS[k]] == null) return true;
  }
  return false;
}

/**
 * Writes a fold: its timeline rows (tied to `webhookEventId` when a webhook taught them), then the state
 * when it changed, the row learns a gateway id, or no machine state was stored yet. Only the columns whose
 * value changes are written (the row was read in this transaction). Returns the change to announce, or null.
 */
export function commitFold(repo: PaymentsRepo, fold: Fold, ids: GatewayIds, now: number, webhookEventId: number | null = null): PaymentChange | null {
  const { row } = fold;
  for (const t of fold.timeline) {
    t.webhookEventId = webhookEventId;
    repo.addTimeline(t);
  }
  if (!fold.stateChanged && !learnsIds(row, ids) && row.machine !== null) return null;
  const s = repo.saveState(row.id, fold.state, ids, now, row, fold.summary);
  return fold.changed || s.status !== row.status ? { id: row.id, accountId: row.account_id, summary: s } : null;
}

/** A refund fact reached the payment: the refund rows that follow it must change in the same commit. */
export type FollowRefunds = (paymentId: string) => void;

export const hasRefundFact = (facts: readonly PaymentEvent[]): boolean => facts.some((f) => f.type === 'refund_updated');

/** foldFacts then commitFold. Call inside store.transaction, with `row` read in that transaction. */
export function applyFacts(repo: PaymentsRepo, row: PaymentStateRow, facts: readonly PaymentEvent[], opts: FoldOptions & { ids?: GatewayIds }): PaymentChange | null {
  return commitFold(repo, foldFacts(row, facts, opts), opts.ids ?? {}, opts.now);
}
