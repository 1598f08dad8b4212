// How much of a payment is refunded, waiting and left, counting our rows (including ones the gateway has
// not confirmed) and refunds made elsewhere; and which gateway payment a refund goes to.
import type { RefundPort } from '../gateways/ports/refunds';
import { stateOfRow, type PaymentRow } from '../store/repos/payments';
import type { RefundRow, RefundRowStatus } from '../store/repos/refunds';

export interface RefundAmounts {
  capturedMinor: number;
  refundedMinor: number;
  pendingMinor: number;
  refundableMinor: number;
}

/** requested < pending < succeeded < failed (Stripe can fail a refund after it succeeded; nothing moves back) */
export const ROW_RANK: Record<RefundRowStatus, number> = { requested: 0, pending: 1, succeeded: 2, failed: 3 };
export const higher = (a: RefundRowStatus, b: RefundRowStatus): RefundRowStatus => (ROW_RANK[b] > ROW_RANK[a] ? b : a);

type AmountsRow = Pick<PaymentRow, 'machine' | 'amount_minor' | 'status' | 'status_reason' | 'captured_minor'>;

/** captured − refunded − pending */
export function amountsOf(p: AmountsRow, rows: readonly RefundRow[]): RefundAmounts {
  const state = stateOfRow(p);
  let refunded = 0;
  let pending = 0;
  const seen = new Set<string>();
  for (const r of rows) {
    const fact = r.gateway_refund_id ? state.refunds[r.gateway_refund_id] : undefined;
    if (r.gateway_refund_id) seen.add(r.gateway_refund_id);
    const status = fact ? higher(r.status, fact.status) : r.status;
    if (status === 'succeeded') refunded += r.amount_minor;
    else if (status === 'requested' || status === 'pending') pending += r.amount_minor;
  }
  for (const [id, f] of Object.entries(state.refunds)) {
    if (seen.has(id)) continue;
    if (f.status === 'succeeded') refunded += f.amount;
    else if (f.status === 'pending') pending += f.amount;
  }
  const captured = p.captured_minor;
  return { capturedMinor: captured, refundedMinor: refunded, pendingMinor: pending, refundableMinor: Math.max(0, captured - refunded - pending) };
}

/** The gateway payment a refund of `amount` goes to: the capture with enough left (Razorpay links may have several). */
export function targetFor(p: PaymentRow, amount: number, rows: readonly RefundRow[], port: Pick<RefundPort, 'refundTarget'>): string | null {
  const state = stateOfRow(p);
  const ids = { paymentIntentId: p.payment_intent_id, chargeId: p.charge_id, paymentId: p.gateway_payment_id };
  const captures = Object.entries(state.captures).sort((a, b) => a[1].at - b[1].at || (a[0] < b[0] ? -1 : 1));
  if (captures.length <= 1) return port.refundTarget(captures[0]?.[0] ?? null, ids);
  for (const [id, c] of captures) {
    const target = port.refundTarget(id, ids);
    if (!target) continue;
    const used = rows.filter((r) => r.gateway_payment_id === target && r.status !== 'failed').reduce((s, r) => s + r.amount_minor, 0);
    if (c.amount - used >= amount) return target;
  }
  return null;
}

export function nothingLeft(a: RefundAmounts, money: (n: number) => string): string {
  return a.pendingMinor > 0
    ? `Nothing left to refund: ${money(a.refundedMinor)} refunded and ${money(a.pendingMinor)} waiting for the gateway.`
    : `Nothing left to refund: ${money(a.refundedMinor)} of ${money(a.capturedMinor)} is refunded already.`;
}

export function overMessage(a: RefundAmounts, money: (n: number) => string): string {
  return `At most ${money(a.refundableMinor)} can be refunded (paid ${money(a.capturedMinor)}, refunded ${money(a.refundedMinor)}${a.pendingMinor ? `, waiting ${money(a.pendingMinor)}` : ''}).`;
}

/** The amount check shared by validation and the intent's re-check: the message, or null when it fits. */
export function overRefund(a: RefundAmounts, amount: number, money: (n: number) => string): string | null {
  if (amount <= a.refundableMinor) return null;
  return a.refundableMinor <= 0 ? nothingLeft(a, money) : overMessage(a, money);
}
