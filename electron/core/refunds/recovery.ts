// Finishing what was interrupted: a refund left `requested` (crash, timeout, 5xx) is first looked up at the
// gateway by our id, then retried with the SAME key, never as a new refund. Runs on refunds.sync, in the
// periodic pass, at start, and after a webhook taught the payment a refund our rows do not know yet.
import { stateOfRow } from '../store/repos/payments';
import { ROW_RANK, higher } from './amounts';
import { recordAnswers, type Answer } from './answers';
import { resolveUnlocked, syncUnlocked } from './calls';
import { outcomeOf, retryNote, type RefundsCtx } from './context';

/** A pending refund not heard of for this long is asked about again. */
const STALE_PENDING_MS = 60_000;

/** Sync one payment with the gateway, then finish its `requested` rows; throws the sync's error. */
export async function syncPayment(c: RefundsCtx, paymentId: string): Promise<void> {
  await c.queue.run(paymentId, async () => {
    try {
      await syncUnlocked(c, paymentId);
    } catch (err) {
      throw outcomeOf(err).error;
    }
    for (const r of c.d.repos.refunds.ofPayment(paymentId)) if (r.status === 'requested') await resolveUnlocked(c, r.id);
  });
}

/** Sync one payment and finish its interrupted refunds; failures are noted, never thrown. */
export async function recoverPayment(c: RefundsCtx, paymentId: string): Promise<void> {
  const { d } = c;
  await c.queue.run(paymentId, async () => {
    try {
      await syncUnlocked(c, paymentId);
    } catch (err) {
      d.log('warn', 'refund sync failed', { paymentId, error: outcomeOf(err).error.message });
    }
    for (const r of d.repos.refunds.ofPayment(paymentId)) {
      if (r.status !== 'requested') continue;
      try {
        await resolveUnlocked(c, r.id);
      } catch (err) {
        d.repos.refunds.noteError(r.id, retryNote(outcomeOf(err)), d.clock.now());
      }
    }
  });
}

/** The recovery pass: every refund left `requested` and `pending` ones not heard of for a while. Returns how many rows it looked at. */
export async function recoverAll(c: RefundsCtx, isClosed: () => boolean): Promise<number> {
  if (isClosed()) return 0;
  const rows = c.d.repos.refunds.unsettled(c.d.clock.now() - STALE_PENDING_MS);
  for (const id of new Set(rows.map((r) => r.payment_id))) {
    if (isClosed()) break;
    await recoverPayment(c, id);
  }
  return rows.length;
}

/**
 * After a webhook or a sync folded refund facts into the payment (in its transaction): our rows follow the
 * refund statuses the payment's machine learnt.
 * Returns true when the gateway knows a refund we have not matched while one of ours has no answer yet,
 * so the caller finishes it now.
 */
export function reconcileFromPayment(c: RefundsCtx, paymentId: string): boolean {
  const { refunds, payments } = c.d.repos;
  const p = payments.byId(paymentId);
  if (!p) return false;
  const rows = refunds.ofPayment(p.id);
  if (rows.length === 0) return false;
  const state = stateOfRow(p);
  const answers: Answer[] = [];
  for (const r of rows) {
    const fact = r.gateway_refund_id ? state.refunds[r.gateway_refund_id] : undefined;
    if (!fact || ROW_RANK[higher(r.status, fact.status)] === ROW_RANK[r.status]) continue;
    answers.push({
      rowId: r.id,
      g: { id: r.gateway_refund_id as string, amount: fact.amount, status: fact.status, failureReason: null, paydeskRefundId: r.id, gatewayPaymentId: r.gateway_payment_id, at: fact.at },
    });
  }
  if (answers.length > 0) recordAnswers(c, p.id, answers, 'sync', null);
  const known = new Set(rows.map((r) => r.gateway_refund_id).filter((x): x is string => !!x));
  const unknown = Object.keys(state.refunds).some((id) => !known.has(id));
  return unknown && rows.some((r) => r.status === 'requested');
}
