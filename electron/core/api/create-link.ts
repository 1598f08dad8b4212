// Creating a payment for the shop's order over the API, with the attempt rule of the console
// (payments/attempts.ts): while an attempt at the order can still be paid, asking again returns that
// attempt (200) instead of an error, so a shop that retries after a timeout or a 503 gets the same
// checkout; once the earlier attempt expired or was cancelled, a new attempt is made (201); a paid order
// answers 409.
import type { Payment } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import type { Gateway, LinkKind } from '../../../shared/gateways';
import { formatMoney } from '../../../shared/money';
import { API_ACTOR } from '../operators';
import type { LinkCreateParsed } from '../payments/links';
import type { AccountRow } from '../store/repos/accounts';
import { HttpError } from './errors';
import { requestIdOf } from './idempotency';
import { linkInput } from './link-input';
import type { RouteCall, RouteDeps } from './route-types';

const ENDED = new Set(['expired', 'cancelled']);
const PAID = new Set(['paid']);

export interface Created {
  payment: Payment;
  account: AccountRow;
  /** false: an open attempt at the order was returned */
  created: boolean;
}

/** The attempt at the order that still blocks a new one (open or paid), or undefined. */
function blockingAttempt(d: RouteDeps, accountId: string, orderRef: string): Payment | undefined {
  const rows = d.services().queries.list({ search: orderRef, accountId, limit: 200, withTotal: false }).rows;
  return rows
    .filter((p) => p.orderRef === orderRef && p.linkId === null && !ENDED.has(p.status))
    .sort((a, b) => b.attemptNo - a.attemptNo)[0];
}

async function reuse(d: RouteDeps, open: Payment, input: LinkCreateParsed, asked: number): Promise<Payment> {
  if (PAID.has(open.status) || open.displayStatus === 'refunded' || open.displayStatus === 'partially_refunded') {
    throw new HttpError(409, 'order_paid', `Order ${input.orderRef} is already paid (${open.id}). Use a new order_id for a new order, or refund the payment.`, 'order_id');
  }
  if (open.currency !== input.currency || open.amountMinor !== asked) {
    throw new HttpError(409, 'order_in_progress', `Order ${input.orderRef} already has an open attempt (${open.id}) for ${formatMoney(open.amountMinor, open.currency)}. Pay that one, or cancel it in Paydesk before asking for another amount.`, 'order_id');
  }
  const s = d.services();
  // an attempt left `creating` (the gateway was unreachable): finish it now rather than answer without a URL
  if (open.status === 'creating') await s.links.retryPending().catch(() => undefined);
  return s.links.get(open.id);
}

export async function createOrReuse(d: RouteDeps, gateway: Gateway, kind: LinkKind, call: RouteCall): Promise<Created> {
  const requestId = call.idempotencyKey ? requestIdOf(call.token.id, call.idempotencyKey) : undefined;
  const { input, account, amountMinor } = linkInput(d, call.body, gateway, kind, call.token, requestId);
  for (let round = 0; ; round++) {
    let open = blockingAttempt(d, account.id, input.orderRef);
    if (open && open.status !== 'paid') {
      // the store may not know yet that the attempt expired at the gateway (no webhook yet): ask first
      await d.services().sync.syncPayment(open.id).catch(() => undefined);
      open = blockingAttempt(d, account.id, input.orderRef);
    }
    if (open) return { payment: await reuse(d, open, input, amountMinor), account, created: false };
    try {
      const operator = { ...API_ACTOR, name: `API (${call.token.name})` };
      return { payment: await d.services().links.create(input, { createdBy: 'api', operator }), account, created: true };
    } catch (err) {
      // another request made an attempt at this order between the look-up and the insert: answer with it
      if (round === 0 && err instanceof AppError && err.code === 'invalid_input' && err.field === 'orderRef' && /can still be paid|already paid/.test(err.message)) continue;
      throw err;
    }
  }
}
