// Recording the gateway's answers. Each answer (one refund, or one list of a payment's refunds) is one
// transaction: the rows' statuses and gateway ids, the audit entry of a final status, and the facts folded
// into the payment (payments/apply.ts), so the payment never shows a refund its row does not.
import type { PaymentEvent } from '../../../shared/status';
import type { GatewayRefund } from '../gateways/ports/refunds';
import { applyFacts, type FactSource, type PaymentChange } from '../payments/apply';
import type { RefundRow } from '../store/repos/refunds';
import type { OperatorRef } from '../types';
import { higher } from './amounts';
import { lockPayment, type RefundsCtx } from './context';

export type Actor = Pick<OperatorRef, 'id' | 'name'> | null;

/** One refund the gateway told us about, matched to our row when it is one of ours. */
export interface Answer {
  /** our row, or null for a refund made elsewhere (the Dashboard) */
  rowId: string | null;
  g: GatewayRefund;
}

export const refundFact = (g: GatewayRefund): PaymentEvent => ({
  type: 'refund_updated', at: g.at, refundId: g.id, amount: g.amount, status: g.status, paymentId: g.gatewayPaymentId,
});

/**
 * Applies the answer to our row, inside the caller's transaction. Returns whether the row changed, or
 * null when the answer belongs to another gateway refund than the one recorded (then nothing is applied).
 */
function applyToRow(c: RefundsCtx, cur: RefundRow, g: GatewayRefund, source: FactSource, actor: Actor): boolean | null {
  const { d } = c;
  if (cur.gateway_refund_id && cur.gateway_refund_id !== g.id) {
    d.log('error', 'a gateway refund does not match the refund it was recorded for', { refundId: cur.id });
    return null;
  }
  const status = higher(cur.status, g.status);
  const failure = status === 'failed' ? (cur.failure_reason ?? g.failureReason ?? 'The gateway reported the refund as failed.') : null;
  const now = d.clock.now();
  let changed = false;
  if (status !== cur.status || cur.gateway_refund_id !== g.id || cur.last_error !== null) {
    d.repos.refunds.setState({ id: cur.id, status, failureReason: failure, gatewayRefundId: g.id, now });
    changed = true;
  }
  if (status !== cur.status && (status === 'succeeded' || status === 'failed')) {
    c.record({
      operator: actor ?? { id: cur.operator_id, name: cur.operator_name },
      action: status === 'succeeded' ? 'refund.succeeded' : 'refund.failed',
      subject: { type: 'refund', id: cur.id },
      details: { paymentId: cur.payment_id, amountMinor: cur.amount_minor, currency: cur.currency, gatewayRefundId: g.id, source, ...(failure ? { failureReason: failure } : {}) },
      livemode: cur.livemode === 1,
      at: now,
    });
  }
  return changed;
}

/**
 * Records the answers about one payment in one transaction, then announces what changed. Answers whose
 * row belongs to another payment are skipped.
 */
export function recordAnswers(c: RefundsCtx, paymentId: string, answers: readonly Answer[], source: FactSource, actor: Actor): void {
  const { d } = c;
  const { transaction } = d;
  const changedRows: string[] = [];
  let change: PaymentChange | null = null;
  transaction(() => {
    // the row and the payment as they are now, with no other desk folding into the payment meanwhile
    lockPayment(d, paymentId);
    const facts: PaymentEvent[] = [];
    for (const a of answers) {
      const cur = a.rowId ? d.repos.refunds.byId(a.rowId) : undefined;
      if (a.rowId && !cur) continue;
      if (cur) {
        if (cur.payment_id !== paymentId) continue;
        const changed = applyToRow(c, cur, a.g, source, actor);
        if (changed === null) continue;
        if (changed) changedRows.push(cur.id);
      }
      facts.push(refundFact(a.g));
    }
    const p = d.repos.payments.byId(paymentId);
    if (p && facts.length > 0) change = applyFacts(d.repos.payments, p, facts, { source, gatewayType: null, now: d.clock.now() });
  });
  for (const id of changedRows) c.emitRefund(id);
  c.emitPayment(change);
}

/** The answer to one call about one of our rows. */
export function recordAnswer(c: RefundsCtx, row: Pick<RefundRow, 'id' | 'payment_id'>, g: GatewayRefund, source: FactSource, actor: Actor): void {
  recordAnswers(c, row.payment_id, [{ rowId: row.id, g }], source, actor);
}

/** A definite refusal of a `requested` row: failed with the reason, audited. */
export function markFailed(c: RefundsCtx, rowId: string, reason: string, actor: Actor): void {
  const { d } = c;
  const { transaction } = d;
  let changed = false;
  transaction(() => {
    const cur = d.repos.refunds.byId(rowId);
    if (!cur || cur.status !== 'requested') return;
    const now = d.clock.now();
    d.repos.refunds.setState({ id: cur.id, status: 'failed', failureReason: reason, gatewayRefundId: null, now });
    c.record({
      operator: actor ?? { id: cur.operator_id, name: cur.operator_name },
      action: 'refund.failed',
      subject: { type: 'refund', id: cur.id },
      details: { paymentId: cur.payment_id, amountMinor: cur.amount_minor, currency: cur.currency, failureReason: reason },
      livemode: cur.livemode === 1,
      at: now,
    });
    changed = true;
  });
  if (changed) c.emitRefund(rowId);
}
