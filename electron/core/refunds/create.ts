// refunds.create: validate, record the intent (with its idempotency key) in one transaction, then send.
// A refused attempt sends nothing and stores nothing but its audit entry.
import { randomBytes } from 'node:crypto';
import type { Refund, RefundCreateInput } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { gatewayLabel } from '../../../shared/gateways';
import { formatMoney, parseAmount } from '../../../shared/money';
import type { RefundPort } from '../gateways/ports/refunds';
import type { PaymentRow } from '../store/repos/payments';
import type { RefundReason, RefundSpeed } from '../store/repos/refunds';
import type { OperatorRef } from '../types';
import { amountsOf, nothingLeft, overRefund, targetFor } from './amounts';
import { attempt, resolveUnlocked } from './calls';
import { lockPayment, outcomeOf, retryNote, type RefundsCtx } from './context';
import { refundDto } from './dto';

const newRefundId = (): string => `rf_${randomBytes(10).toString('hex')}`;
/** ≥ 10 chars of [A-Za-z0-9_-] (Razorpay), ≤ 255 (Stripe) */
const newIdempotencyKey = (): string => `pdrf_${randomBytes(16).toString('hex')}`;

export interface Intent {
  amount: number;
  target: string;
  approver: OperatorRef | null;
  /** as stored: only the options the gateway takes */
  reason: RefundReason | null;
  speed: RefundSpeed | null;
}

function refuse(c: RefundsCtx, actor: OperatorRef, input: RefundCreateInput, p: PaymentRow | undefined, err: AppError): never {
  c.record({
    operator: actor,
    action: 'refund.refused',
    subject: { type: 'payment', id: input.paymentId },
    details: { amount: input.amount ?? null, field: err.field ?? null, message: err.message, approvalGiven: !!input.approval },
    livemode: p?.livemode === 1,
    at: c.d.clock.now(),
  });
  throw err;
}

const field = (f: string, message: string, code: AppError['code'] = 'invalid_input') => new AppError(code, message, { field: f });

/** The payment, its account and mode, and the gateway options asked for. */
function checkPayment(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef): { p: PaymentRow; port: RefundPort } {
  const no = (p: PaymentRow | undefined, f: string, message: string): never => refuse(c, actor, input, p, field(f, message));
  const p = c.d.repos.payments.byId(input.paymentId);
  if (!p) return no(undefined, 'paymentId', 'No such payment.');
  const account = c.d.repos.accounts.get(p.account_id);
  if (!account) return no(p, 'paymentId', 'The account of this payment was removed.');
  if (account.livemode !== (p.livemode === 1)) {
    no(p, 'paymentId', p.livemode === 1
      ? 'This is a live payment but its account is in test mode: it cannot be refunded from here.'
      : 'This is a test payment but its account is now live: a test payment cannot be refunded with live keys.');
  }
  let port: RefundPort;
  try {
    port = c.portOf(p.account_id);
  } catch (err) {
    if (err instanceof AppError) refuse(c, actor, input, p, err);
    throw err;
  }
  const speedRefusal = port.refusal('speed');
  if (input.speed && speedRefusal) no(p, 'speed', speedRefusal);
  const reasonRefusal = port.refusal('reason');
  if (input.reason && reasonRefusal) no(p, 'reason', reasonRefusal);
  if (p.captured_minor <= 0) {
    no(p, 'paymentId', p.status === 'authorized'
      ? `This payment is authorised but not captured yet: capture it first, or let it lapse (${gatewayLabel(p.gateway)} then refunds it by itself).`
      : 'This payment has not been paid, so there is nothing to refund.');
  }
  return { p, port };
}

/** The amount asked for (all that is left when none), checked against what is left and the gateway's minimum. */
function amountOf(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef, p: PaymentRow, port: RefundPort): number {
  const a = amountsOf(p, c.d.repos.refunds.ofPayment(p.id));
  const money = (n: number) => formatMoney(n, p.currency);
  const no = (message: string): never => refuse(c, actor, input, p, field('amount', message));
  const text = input.amount?.trim() ?? '';
  let amount = a.refundableMinor;
  if (text === '') {
    if (a.refundableMinor <= 0) no(nothingLeft(a, money));
  } else {
    const parsed = parseAmount(text, p.currency);
    if (!parsed.ok) return no(parsed.reason);
    amount = parsed.minor;
    const over = overRefund(a, amount, money);
    if (over) no(over);
  }
  if (amount < port.minRefundMinor) no(`${gatewayLabel(p.gateway)} refunds must be at least ${money(port.minRefundMinor)}.`);
  return amount;
}

/** The staff limit: above it, an owner's approval (their PIN) given on the spot. */
async function approverFor(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef, p: PaymentRow, amount: number): Promise<OperatorRef | null> {
  const limit = c.d.operators.limitFor(actor, p.currency);
  if (limit === null || amount <= limit) return null;
  if (!input.approval) {
    refuse(c, actor, input, p, field('approval', limit > 0
      ? `Refunds above ${formatMoney(limit, p.currency)} need an owner's approval: ask an owner to enter their PIN.`
      : "Refunds in this currency need an owner's approval: ask an owner to enter their PIN.", 'forbidden'));
  }
  try {
    return await c.d.operators.verifyApproval(input.approval.operatorId, input.approval.pin);
  } catch (err) {
    if (err instanceof AppError) refuse(c, actor, input, p, err);
    throw err;
  }
}

export async function validate(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef): Promise<{ p: PaymentRow; intent: Intent }> {
  const { p, port } = checkPayment(c, input, actor);
  const amount = amountOf(c, input, actor, p, port);
  const target = targetFor(p, amount, c.d.repos.refunds.ofPayment(p.id), port);
  if (!target) {
    refuse(c, actor, input, p, field('paymentId', 'Paydesk does not know which gateway payment to refund for this amount yet. Press Check status on the payment first, or refund a smaller amount.'));
  }
  const approver = await approverFor(c, input, actor, p, amount);
  const reason = port.refusal('reason') === null ? (input.reason ?? null) : null;
  const speed = port.refusal('speed') === null ? (input.speed ?? 'normal') : null;
  return { p, intent: { amount, target, approver, reason, speed } };
}

/** Re-checks the refundable amount and inserts the intent row with its audit entry, in one transaction. */
export function commitIntent(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef, paymentId: string, intent: Intent): string {
  return commitOrFind(c, input, actor, paymentId, intent).id;
}

/**
 * commitIntent, telling whether the row is another desk's: one that committed the same request while this
 * desk was validating it (a resend to both desks). Under the payment's row lock, so what is read here
 * includes every intent another desk committed for this payment.
 */
function commitOrFind(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef, paymentId: string, intent: Intent): { id: string; existing: boolean } {
  const { d } = c;
  const { transaction } = d;
  let id = newRefundId();
  let existing = false;
  let refused: AppError | null = null;
  transaction(() => {
    lockPayment(d, paymentId);
    const same = d.repos.refunds.byRequest(input.requestId);
    if (same) {
      if (same.payment_id !== paymentId) refused = usedForAnother();
      [id, existing] = [same.id, true];
      return;
    }
    const p = d.repos.payments.byId(paymentId) as PaymentRow;
    const over = overRefund(amountsOf(p, d.repos.refunds.ofPayment(p.id)), intent.amount, (n) => formatMoney(n, p.currency));
    const now = d.clock.now();
    if (over) {
      refused = field('amount', over);
      c.record({
        operator: actor, action: 'refund.refused', subject: { type: 'payment', id: p.id },
        details: { amount: input.amount ?? null, field: 'amount', message: over, approvalGiven: !!input.approval },
        livemode: p.livemode === 1, at: now,
      });
      return;
    }
    d.repos.refunds.insertIntent({
      id, paymentId: p.id, accountId: p.account_id, gateway: p.gateway, livemode: p.livemode, gatewayPaymentId: intent.target,
      amountMinor: intent.amount, currency: p.currency, reason: intent.reason, speed: intent.speed, note: input.note?.trim() || null,
      idempotencyKey: newIdempotencyKey(), requestId: input.requestId, operatorId: actor.id, operatorName: actor.name,
      approvedBy: intent.approver?.id ?? null, createdAt: now,
    });
    c.record({
      operator: actor,
      action: 'refund.requested',
      subject: { type: 'refund', id },
      details: {
        paymentId: p.id, orderRef: p.order_ref, amountMinor: intent.amount, currency: p.currency, gateway: p.gateway,
        reason: input.reason ?? null, speed: intent.speed, note: input.note ?? null,
        ...(intent.approver ? { approvedBy: intent.approver.name, approvedById: intent.approver.id } : {}),
      },
      livemode: p.livemode === 1,
      at: now,
    });
  });
  if (refused) throw refused;
  if (!existing) c.emitRefund(id);
  return { id, existing };
}

const usedForAnother = (): AppError => new AppError('conflict', 'This confirmation was already used for another refund. Close the form and start again.');

/** A double click or a resend: the same refund (an interrupted one is finished with its key). */
async function answerExisting(c: RefundsCtx, input: RefundCreateInput, existing: { id: string; payment_id: string; status: string }): Promise<Refund> {
  const { d } = c;
  if (existing.payment_id !== input.paymentId) throw usedForAnother();
  if (existing.status === 'requested') {
    try {
      await resolveUnlocked(c, existing.id);
    } catch (err) {
      d.repos.refunds.noteError(existing.id, retryNote(outcomeOf(err)), d.clock.now());
    }
  }
  return refundDto(d.repos.refunds, existing.id);
}

/** validate, unless another desk accepted this same request meanwhile (its refund then fills what validate checks) */
async function validateOrFind(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef): Promise<Awaited<ReturnType<typeof validate>> | { existing: Refund }> {
  try {
    return await validate(c, input, actor);
  } catch (err) {
    const other = err instanceof AppError ? c.d.repos.refunds.byRequest(input.requestId) : undefined;
    if (other && other.payment_id === input.paymentId) return { existing: refundDto(c.d.repos.refunds, other.id) };
    throw err;
  }
}

export function create(c: RefundsCtx, input: RefundCreateInput, actor: OperatorRef): Promise<Refund> {
  const { d } = c;
  return c.queue.run(input.paymentId, async () => {
    const existing = d.repos.refunds.byRequest(input.requestId);
    if (existing) return answerExisting(c, input, existing);
    const checked = await validateOrFind(c, input, actor);
    if ('existing' in checked) return checked.existing;
    const { p, intent } = checked;
    const committed = commitOrFind(c, input, actor, p.id, intent);
    // another desk's row for this request: that desk sends it (recovery finishes it if that desk stops)
    if (!committed.existing) await attempt(c, committed.id, actor);
    return refundDto(d.repos.refunds, committed.id);
  });
}
