// The gateway calls of a refund, each run inside the payment's queue: send a row with its key (first
// attempt or retry), learn every refund of a payment (sync), and finish a row left without an answer.
import { AppError } from '../../../shared/errors';
import { stateOfRow } from '../store/repos/payments';
import type { RefundRow } from '../store/repos/refunds';
import type { GatewayRefund } from '../gateways/ports/refunds';
import { markFailed, recordAnswer, recordAnswers, type Actor, type Answer } from './answers';
import { outcomeOf, retryNote, type RefundsCtx } from './context';

/** The raw gateway call for a row, with its key. Records nothing (tests use it to simulate a crash after the call). */
export function sendToGateway(c: RefundsCtx, row: RefundRow): Promise<GatewayRefund> {
  return Promise.resolve().then(() =>
    c.portOf(row.account_id).create({
      refundId: row.id,
      paymentId: row.payment_id,
      gatewayPaymentId: row.gateway_payment_id,
      amountMinor: row.amount_minor,
      reason: row.reason,
      speed: row.speed,
      note: row.note,
      idempotencyKey: row.idempotency_key,
    }),
  );
}

/** Learns every refund of the payment from the gateway: statuses of ours (matched by gateway id or our id), and refunds made elsewhere. */
export async function syncUnlocked(c: RefundsCtx, paymentId: string): Promise<void> {
  const { refunds, payments } = c.d.repos;
  const p = payments.byId(paymentId);
  if (!p) return;
  const port = c.portOf(p.account_id);
  const targets = new Set<string>(refunds.ofPayment(p.id).map((r) => r.gateway_payment_id));
  for (const id of Object.keys(stateOfRow(p).captures)) if (port.listsRefundsOf(id)) targets.add(id);
  if (targets.size === 0) {
    const fallback = port.refundTarget(null, { paymentIntentId: p.payment_intent_id, chargeId: p.charge_id, paymentId: p.gateway_payment_id });
    if (fallback && port.listsRefundsOf(fallback)) targets.add(fallback);
  }
  const answers: Answer[] = [];
  for (const target of targets) {
    for (const g of await port.list(target)) {
      const mine = refunds.byGatewayId(g.id) ?? (g.paydeskRefundId ? refunds.byId(g.paydeskRefundId) : undefined);
      answers.push({ rowId: mine && mine.payment_id === p.id ? mine.id : null, g });
    }
  }
  if (answers.length > 0) recordAnswers(c, p.id, answers, 'sync', null);
}

/**
 * Sends a `requested` row (its first attempt, or a retry with the same key) and records the answer.
 * Throws only for a definite refusal the person must see at a field (declined, 400); a missing
 * answer leaves the row `requested` with lastError, for recovery.
 */
export async function attempt(c: RefundsCtx, rowId: string, actor: Actor): Promise<void> {
  const { d } = c;
  const row = d.repos.refunds.byId(rowId);
  if (!row || row.status !== 'requested') return;
  d.repos.refunds.countAttempt(row.id, d.clock.now());
  let g: GatewayRefund;
  try {
    g = await sendToGateway(c, row);
  } catch (err) {
    const o = outcomeOf(err);
    if (o.kind === 'retry') {
      d.repos.refunds.noteError(row.id, retryNote(o), d.clock.now());
      c.emitRefund(row.id);
      return;
    }
    if (o.kind === 'already') {
      // shown as the current state, not as an error: learn what the gateway has
      await syncUnlocked(c, row.payment_id).catch((e: unknown) => d.log('warn', 'refund sync failed', { paymentId: row.payment_id, error: outcomeOf(e).error.message }));
      markFailed(c, row.id, `${o.error.message} Nothing more was sent.`, actor);
      return;
    }
    markFailed(c, row.id, o.error.message, actor);
    if (o.error.field === 'amount') await syncUnlocked(c, row.payment_id).catch(() => undefined);
    throw o.error;
  }
  recordAnswer(c, row, g, 'local', actor);
}

/** A `requested` row: look it up at the gateway; if it is not there, retry with the same key. */
export async function resolveUnlocked(c: RefundsCtx, rowId: string): Promise<void> {
  const row = c.d.repos.refunds.byId(rowId);
  if (!row || row.status !== 'requested') return;
  const found = await c.portOf(row.account_id).find(row.gateway_payment_id, row.id);
  if (found) {
    recordAnswer(c, row, found, 'sync', null);
    return;
  }
  await attempt(c, row.id, null).catch((err: unknown) => {
    // the refusal is recorded on the row (failed, with the reason); nobody is waiting for this call
    if (!(err instanceof AppError)) throw err;
  });
}
