// Stripe routes:
//   POST /api/payments/stripe/checkout   { order_id, amount, currency, account_id?, description?, customer_email?,
//        customer_name?, expires_in_minutes? } -> 201 { id, checkout_url, session_id, status, order_id, ... };
//        200 with the same shape when the order has an open attempt (create-link.ts)
//   GET  /api/payments/stripe/status/:id a Checkout Session cs_..., a PaymentIntent pi_... or a Paydesk id pd_...
// plus the status lookup shared with Razorpay's status route.
import type { ApiToken, Payment } from '../../../shared/contract';
import type { Gateway } from '../../../shared/gateways';
import { createOrReuse } from './create-link';
import { HttpError } from './errors';
import { paymentView } from './payment-view';
import { freshPayment, freshView } from './routes-payments';
import type { Route, RouteDeps } from './route-types';

export const STATUS_ID = '([A-Za-z0-9_-]{1,100})';

/** a payment of `gateway` in the token's mode by any id it is known by */
export function findPayment(d: RouteDeps, gateway: Gateway, id: string, token: ApiToken): Payment {
  const found = d.services().queries.list({ search: id, gateway, mode: token.mode, limit: 5, withTotal: false }).rows.find((p) =>
    p.id === id || p.gatewayIds.sessionId === id || p.gatewayIds.paymentIntentId === id || p.gatewayIds.paymentId === id
    || p.gatewayIds.orderId === id || p.gatewayIds.plinkId === id || p.gatewayIds.chargeId === id);
  if (!found) throw new HttpError(404, 'not_found', `No ${gateway} payment ${id} made through Paydesk in ${token.mode} mode.`, 'id');
  return found;
}

export function statusRoute(d: RouteDeps, gateway: Gateway): Route {
  return {
    method: 'GET', path: `/api/payments/${gateway}/status/{id}`, pattern: new RegExp(`^/api/payments/${gateway}/status/${STATUS_ID}$`), scope: 'payments:read',
    async handle({ token, params }) {
      return { status: 200, body: freshView(await freshPayment(d, findPayment(d, gateway, params[0] as string, token))) };
    },
  };
}

export function stripeRoutes(d: RouteDeps): Route[] {
  return [
    {
      method: 'POST', path: '/api/payments/stripe/checkout', pattern: /^\/api\/payments\/stripe\/checkout$/, scope: 'payments:create',
      async handle(call) {
        const { payment, created } = await createOrReuse(d, 'stripe', 'checkout_session', call);
        return { status: created ? 201 : 200, body: paymentView(payment) };
      },
    },
    statusRoute(d, 'stripe'),
  ];
}
