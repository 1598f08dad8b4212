// refunds.preview (what can be refunded, and an authorised payment's capture window) and payments.capture.
// The capture shares the payment's queue with refunds, so the two never overlap.
import type { RefundablePayment } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { formatMoney, parseAmount } from '../../../shared/money';
import { summarizePayment, type PaymentEvent } from '../../../shared/status';
import type { CapturedPayment } from '../gateways/ports/refunds';
import { applyFacts, type PaymentChange } from '../payments/apply';
import { stateOfRow, type PaymentRow } from '../store/repos/payments';
import type { OperatorRef } from '../types';
import { amountsOf } from './amounts';
import { lockPayment, outcomeOf, type RefundsCtx } from './context';

const noSuchPayment = (): AppError => new AppError('not_found', 'No such payment.', { field: 'paymentId' });

/** An authorised payment waiting for its capture: how much, and when the gateway refunds it by itself. */
function authorizationOf(c: RefundsCtx, p: PaymentRow): RefundablePayment['authorization'] {
  const state = stateOfRow(p);
  if (summarizePayment(state).status !== 'authorized') return null;
  const port = c.portOf(p.account_id);
  if (!port.canCapture) return null;
  const uncaptured = Object.entries(state.authorizations).filter(([id]) => !state.captures[id]);
  const at = c.d.repos.refunds.firstAuthorizationAt(p.id);
  const window = port.autoRefundAuthorisedAfterMs;
  return { amountMinor: uncaptured.reduce((s, [, v]) => s + v, 0), autoRefundAt: at === null || window === null ? null : at + window };
}

export function preview(c: RefundsCtx, paymentId: string, actor: OperatorRef): RefundablePayment {
  const p = c.d.repos.payments.byId(paymentId);
  if (!p) throw noSuchPayment();
  return {
    paymentId: p.id,
    accountId: p.account_id,
    gateway: p.gateway,
    livemode: p.livemode === 1,
    status: p.status,
    refundState: p.refund_state,
    orderRef: p.order_ref,
    customerName: p.customer_name,
    customerEmail: p.customer_email,
    currency: p.currency,
    amountMinor: p.amount_minor,
    ...amountsOf(p, c.d.repos.refunds.ofPayment(p.id)),
    staffLimitMinor: c.d.operators.limitFor(actor, p.currency),
    authorization: authorizationOf(c, p),
  };
}

/** The amount to capture: all that was authorised, or the part asked for. */
function captureAmount(text: string, authorized: number, currency: string): number {
  if (!text) return authorized;
  const parsed = parseAmount(text, currency);
  if (!parsed.ok) throw new AppError('invalid_input', parsed.reason, { field: 'amount' });
  if (parsed.minor > authorized) throw new AppError('invalid_input', `At most ${formatMoney(authorized, currency)} was authorised.`, { field: 'amount' });
  return parsed.minor;
}

/** Records the capture: the facts folded into the payment and the audit entry, in one transaction. */
function recordCapture(c: RefundsCtx, p: PaymentRow, gatewayPaymentId: string, captured: CapturedPayment, amount: number, authorized: number, actor: OperatorRef): void {
  const { d } = c;
  const { transaction } = d;
  const capturedAmount = captured.captured ? (amount === authorized ? captured.amount : amount) : 0;
  let change: PaymentChange | null = null;
  transaction(() => {
    // another desk may be folding an answer into this payment: its facts and ours both stay
    lockPayment(d, p.id);
    const now = d.clock.now();
    const facts: PaymentEvent[] = [];
    if (capturedAmount > 0) facts.push({ type: 'captured', at: now, paymentId: gatewayPaymentId, amount: capturedAmount, full: false });
    if (captured.fee !== null) facts.push({ type: 'fee_known', at: now, paymentId: gatewayPaymentId, fee: captured.fee, tax: captured.tax ?? 0, net: captured.amount - captured.fee });
    const row = d.repos.payments.byId(p.id);
    if (row) change = applyFacts(d.repos.payments, row, facts, { source: 'local', gatewayType: 'payment.captured', now });
    c.record({
      operator: actor, action: 'payment.captured', subject: { type: 'payment', id: p.id },
      details: { gatewayPaymentId, amountMinor: capturedAmount, currency: p.currency, authorizedMinor: authorized },
      livemode: p.livemode === 1, at: now,
    });
  });
  c.emitPayment(change);
}

export function capture(c: RefundsCtx, paymentId: string, amountText: string | undefined, actor: OperatorRef): Promise<RefundablePayment> {
  return c.queue.run(paymentId, async () => {
    const p = c.d.repos.payments.byId(paymentId);
    if (!p) throw noSuchPayment();
    const port = c.portOf(p.account_id);
    if (!port.canCapture) throw new AppError('invalid_input', port.refusal('capture') ?? 'There is nothing to capture.', { field: 'paymentId' });
    const state = stateOfRow(p);
    const open = Object.entries(state.authorizations).filter(([id]) => !state.captures[id]);
    if (open.length === 0) {
      if (p.captured_minor > 0) return preview(c, p.id, actor); // already captured: the current state
      throw new AppError('invalid_input', 'This payment is not authorised, so there is nothing to capture.', { field: 'paymentId' });
    }
    const [gatewayPaymentId, authorized] = open[0] as [string, number];
    const amount = captureAmount(amountText?.trim() ?? '', authorized, p.currency);
    let captured: CapturedPayment;
    try {
      captured = await port.capture(gatewayPaymentId, amount, p.currency);
    } catch (err) {
      const o = outcomeOf(err);
      if (o.kind !== 'already') throw o.error;
      captured = await port.fetchPayment(gatewayPaymentId);
      if (!captured.captured) throw o.error;
    }
    recordCapture(c, p, gatewayPaymentId, captured, amount, authorized, actor);
    return preview(c, p.id, actor);
  });
}
