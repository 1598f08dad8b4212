// Routes about one payment, whatever its gateway:
//   GET  /api/payments/:id               a Paydesk id (pd_...): the payment, asked of the gateway when not final
//   POST /api/payments/:id/refunds       { amount?, reason?, speed?, note? }: a refund through the refunds
//        service (amount in minor units, omitted = all that is left), as a staff member named after the token
// and the freshness rule every status answer shares: when the gateway cannot be asked, the stored status is
// answered with `stale: true` and its age.
import { randomBytes } from 'node:crypto';
import { RefundCreateInputSchema, type ApiToken, type Payment, type Refund } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { toMajorString } from '../../../shared/money';
import { API_ACTOR } from '../operators';
import { API_FIELD, HttpError } from './errors';
import { requestIdOf } from './idempotency';
import { positiveInt, str } from './link-input';
import { paymentView } from './payment-view';
import type { Route, RouteDeps } from './route-types';

const NOT_FINAL = new Set(['creating', 'open', 'failed', 'authorized', 'partially_paid']);

export interface Fresh {
  payment: Payment;
  /** set when the gateway could not be asked: the stored status is this many seconds old */
  stale?: { age_seconds: number };
}

/** The payment as the gateway has it now when it is not final; the stored one, marked stale, when the gateway cannot be asked. */
export async function freshPayment(d: RouteDeps, p: Payment): Promise<Fresh> {
  if (!NOT_FINAL.has(p.status)) return { payment: p };
  const s = d.services();
  try {
    if (p.status === 'creating') await s.links.retryPending();
    await s.sync.syncPayment(p.id);
    return { payment: s.links.get(p.id) };
  } catch (err) {
    d.log('warn', 'status check could not reach the gateway', { id: p.id, error: err instanceof AppError ? err.message : String(err) });
    const stored = s.links.get(p.id);
    return { payment: stored, stale: { age_seconds: Math.max(0, Math.floor((d.now() - stored.updatedAt) / 1000)) } };
  }
}

export const freshView = (f: Fresh) => ({ ...paymentView(f.payment), ...(f.stale ? { stale: true, age_seconds: f.stale.age_seconds } : {}) });

/** a Paydesk id of the token's mode, or 404 */
export function paymentOf(d: RouteDeps, id: string, token: ApiToken): Payment {
  let p: Payment;
  try {
    p = d.services().links.get(id);
  } catch (err) {
    if (err instanceof AppError && err.code === 'not_found') throw new HttpError(404, 'not_found', `No payment ${id} in ${token.mode} mode.`, 'id');
    throw err;
  }
  if (p.mode !== token.mode) throw new HttpError(404, 'not_found', `No payment ${id} in ${token.mode} mode.`, 'id');
  return p;
}

function refundView(r: Refund) {
  return {
    id: r.id,
    payment_id: r.paymentId,
    order_id: r.orderRef,
    amount: r.amountMinor,
    currency: r.currency.toLowerCase(),
    status: r.status,
    reason: r.reason,
    speed: r.speed,
    note: r.note,
    gateway_refund_id: r.gatewayRefundId,
    failure_reason: r.failureReason,
    created_at: Math.floor(r.createdAt / 1000),
  };
}

const ID = '(pd_[A-Za-z0-9]{1,60})';

export function paymentRoutes(d: RouteDeps): Route[] {
  return [
    {
      method: 'GET', path: '/api/payments/{id}', pattern: new RegExp(`^/api/payments/${ID}$`), scope: 'payments:read',
      async handle({ token, params }) {
        return { status: 200, body: freshView(await freshPayment(d, paymentOf(d, params[0] as string, token))) };
      },
    },
    {
      method: 'POST', path: '/api/payments/{id}/refunds', pattern: new RegExp(`^/api/payments/${ID}/refunds$`), scope: 'refunds:create',
      async handle({ token, params, body, idempotencyKey }) {
        const refunds = d.refunds();
        if (!refunds) throw new HttpError(503, 'unavailable', 'Refunds are not available on this desk right now. Try again later.');
        const p = paymentOf(d, params[0] as string, token);
        if (p.capturedMinor > 0 && p.refundedMinor >= p.capturedMinor) {
          throw new HttpError(409, 'already_refunded', `Payment ${p.id} is already refunded in full.`, 'id');
        }
        const amount = positiveInt(body.amount, 'amount', 'a positive integer in minor units (e.g. 800 for 8.00), or left out for all that is left');
        const parsed = RefundCreateInputSchema.safeParse({
          paymentId: p.id,
          ...(amount !== undefined ? { amount: toMajorString(amount, p.currency) } : {}),
          reason: str(body.reason, 'reason', 40),
          speed: str(body.speed, 'speed', 20),
          note: str(body.note, 'note', 200),
          requestId: idempotencyKey ? requestIdOf(token.id, idempotencyKey) : `api_${randomBytes(16).toString('hex')}`,
        });
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          const key = typeof issue?.path[0] === 'string' ? issue.path[0] : undefined;
          throw new HttpError(400, 'invalid_input', issue?.message ?? 'The refund is not valid.', key === undefined ? undefined : (API_FIELD[key] ?? key));
        }
        try {
          const refund = await refunds.create(parsed.data, { ...API_ACTOR, name: `API (${token.name})` });
          return { status: 201, body: refundView(refund) };
        } catch (err) {
          // no one can enter an owner's PIN over the API: say what the owner can change instead
          if (err instanceof AppError && err.field === 'approval') {
            throw new HttpError(403, 'refund_limit', `${err.message.replace(/:.*$/, '')}. API tokens refund as staff: an owner can raise the staff refund limit in Paydesk → Settings → People, or make this refund in Paydesk.`, 'amount');
          }
          throw err;
        }
      },
    },
  ];
}
