// Which callback events a payment's state holds, and their bodies. Events are facts, each sent once:
// payment.paid, payment.failed and link.expired once per payment, payment.refunded once per refund the
// gateway confirmed. They are derived from the state as it is after a change, so whichever path told core
// (webhook, sync, a refund's answer) gives the same events, and deriving twice adds nothing.
import { randomBytes } from 'node:crypto';
import { paymentView } from '../api/payment-view';
import { paymentOfRow } from '../payments/link-rows';
import type { CallbackType } from '../store/repos/callbacks';
import { stateOfRow, type PaymentRow } from '../store/repos/payments';


export interface CallbackFact {
  type: CallbackType;
  /** what makes the fact one: the payment id, or payment id and refund id */
  subject: string;
  refund?: { id: string; amount: number; at: number };
}

export const newEventId = (): string => `evt_${randomBytes(12).toString('hex')}`;

/**
 * The facts of one payment now that happened at or after `since` (ms): facts from before callbacks were
 * switched on are the shop's past, not news. A reusable link's own row only expires: its payments are its
 * children.
 */
export function factsOf(row: PaymentRow, since = 0): CallbackFact[] {
  const facts: CallbackFact[] = [];
  const state = stateOfRow(row);
  const recent = (at: number | null | undefined): boolean => (at ?? row.updated_at) >= since;
  if (row.status === 'expired' && recent(row.expires_at)) facts.push({ type: 'link.expired', subject: row.id });
  if (row.reusable === 1) return facts;
  if (row.status === 'paid' && recent(row.paid_at)) facts.push({ type: 'payment.paid', subject: row.id });
  if (row.status === 'failed' && recent(state.lastFailure?.at)) facts.push({ type: 'payment.failed', subject: row.id });
  if (row.refunded_minor > 0) {
    const refunds = Object.entries(state.refunds)
      .filter(([, r]) => r.status === 'succeeded' && recent(r.at))
      .sort(([a, x], [b, y]) => x.at - y.at || a.localeCompare(b));
    for (const [id, r] of refunds) facts.push({ type: 'payment.refunded', subject: `${row.id}:${id}`, refund: { id, amount: r.amount, at: r.at } });
  }
  return facts;
}

/**
 * The JSON body sent for a fact, frozen when the event is enqueued. `data` is the payment as the merchant
 * API shows it (GET /api/payments/:id), `order_id` being the shop's reference; a refund event adds `refund`.
 */
export function payloadOf(eventId: string, fact: CallbackFact, row: PaymentRow, nowMs: number): string {
  const data: Record<string, unknown> = { ...paymentView(paymentOfRow(row)) };
  if (fact.refund) {
    data.refund = { id: fact.refund.id, amount: fact.refund.amount, currency: row.currency.toLowerCase(), created: Math.floor(fact.refund.at / 1000) };
  }
  return JSON.stringify({ id: eventId, object: 'event', type: fact.type, created: Math.floor(nowMs / 1000), livemode: row.livemode === 1, data });
}
