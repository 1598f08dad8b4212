// The pay page of a Razorpay Order and its verify call (routed by pay-routes.ts). The page is served only
// for a payment that is an order with a checkout (anything else is a 404, so ids of other payments reveal
// nothing); verify checks the signature Checkout returned with the account's key secret and records the
// payment through the same code as POST /api/payments/razorpay/verify (pay/checkout-return.ts).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Payment } from '../../../shared/contract';
import type { CheckoutPort } from '../gateways/ports/checkout';
import type { Log } from '../log';
import { recordCheckoutReturn, type CheckoutReturnDeps } from '../pay/checkout-return';
import { payCsp, payPage, statusPage } from './pay-page';
import { sendHtml } from './return-pages';

export interface PayDeps extends CheckoutReturnDeps {
  accounts: { get(id: string): { label: string; publicKey: string | null } | null | undefined };
  /** where the customer goes once paid: the success URL stored with the payment (the shop's, or /pay/done) */
  successUrlOf(paymentId: string): string | null;
  log?: Log;
}

interface Order {
  payment: Payment;
  checkout: CheckoutPort;
  keyId: string;
  shopName: string;
}

const PAID = new Set<Payment['status']>(['paid', 'partially_paid', 'authorized']);
const CLOSED = new Set<Payment['status']>(['expired', 'cancelled']);

/** The order behind /pay/<id>, or null when there is none to pay here. */
export function findOrder(d: PayDeps, id: string): Order | null {
  try {
    const payment = d.services().links.get(id);
    if (payment.kind !== 'razorpay_order' || !payment.gatewayIds.orderId) return null;
    const checkout = d.gateways.client(payment.accountId).checkout;
    const account = d.accounts.get(payment.accountId);
    if (!checkout || !account?.publicKey) return null;
    return { payment, checkout, keyId: account.publicKey, shopName: account.label };
  } catch {
    // no such payment, or its account is gone or has no keys: nothing to pay here
    return null;
  }
}

export function sendNotFound(res: ServerResponse, head: boolean): void {
  sendHtml(res, 404, statusPage('Page not found', 'There is no payment to make at this address. Check the link the shop sent you.'), payCsp(null), head);
}

export function servePayPage(d: PayDeps, id: string, res: ServerResponse, head: boolean): void {
  const order = findOrder(d, id);
  if (!order) return sendNotFound(res, head);
  const { payment } = order;
  if (PAID.has(payment.status) || payment.displayStatus === 'refunded' || payment.displayStatus === 'partially_refunded') {
    return sendHtml(res, 200, statusPage('This order has been paid', `Order ${payment.orderRef} is paid. Nothing more to do: you can close this page.`), payCsp(null), head);
  }
  if (CLOSED.has(payment.status)) {
    return sendHtml(res, 410, statusPage('This payment page is closed', `Order ${payment.orderRef} can no longer be paid here. Ask the shop for a new link.`), payCsp(null), head);
  }
  if (payment.status === 'creating') {
    return sendHtml(res, 503, statusPage('Not ready yet', 'The shop is still setting this payment up. Try again in a minute.'), payCsp(null), head);
  }
  const script = order.checkout.script();
  sendHtml(res, 200, payPage({ payment, shopName: order.shopName, keyId: order.keyId, script }), payCsp(script), head);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(text)),
    'cache-control': 'no-store', 'x-content-type-options': 'nosniff',
  });
  res.end(text);
}

const refuse = (res: ServerResponse, status: number, error: string, message: string): void => sendJson(res, status, { error, message });

/** The three fields, each a short plain string; null when any is missing or odd. */
function fieldsOf(raw: Buffer): { orderId: string; paymentId: string; signature: string } | null {
  let body: unknown;
  try {
    body = JSON.parse(raw.toString('utf8'));
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  const ok = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max && /^[\x21-\x7e]+$/.test(v);
  if (!ok(b.razorpay_order_id, 100) || !ok(b.razorpay_payment_id, 100) || !ok(b.razorpay_signature, 200)) return null;
  return { orderId: b.razorpay_order_id, paymentId: b.razorpay_payment_id, signature: b.razorpay_signature };
}

export async function verifyFromPage(d: PayDeps, id: string, req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void> {
  if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) {
    return refuse(res, 415, 'unsupported_media_type', 'Send the fields Checkout returned as JSON.');
  }
  const order = findOrder(d, id);
  if (!order) return refuse(res, 404, 'not_found', 'There is no payment to make at this address.');
  const fields = fieldsOf(body);
  if (!fields) return refuse(res, 400, 'invalid_input', 'razorpay_order_id, razorpay_payment_id and razorpay_signature are needed, as Checkout returned them.');
  try {
    const result = await recordCheckoutReturn(d, order.payment, fields);
    if (!result.verified) {
      d.log?.('warn', 'pay page: a checkout return with a wrong signature was refused', { paymentId: id });
      return refuse(res, 400, 'signature_invalid', 'This payment could not be confirmed: the answer from the checkout is not signed by Razorpay. Nothing was recorded. If you were charged, contact the shop with your payment id.');
    }
    const next = d.successUrlOf(id) ?? `/pay/done?ref=${encodeURIComponent(result.payment.reference)}`;
    sendJson(res, 200, { verified: true, status: result.payment.status, next });
  } catch (err) {
    d.log?.('warn', 'pay page: a verified checkout return could not be recorded yet', { paymentId: id, error: err instanceof Error ? err.message : String(err) });
    refuse(res, 503, 'unavailable', 'Your payment reached Razorpay, but the shop could not confirm it just now. Do not pay again: the shop will see it shortly.');
  }
}

/** The success URL stored with the payment when it was made (payments/links.ts, the `created` event's detail). */
export function storedSuccessUrl(detail: string | undefined): string | null {
  if (!detail) return null;
  try {
    const success = (JSON.parse(detail) as { returnUrls?: { success?: unknown } | null }).returnUrls?.success;
    return typeof success === 'string' && /^https?:\/\//.test(success) ? success : null;
  } catch {
    return null;
  }
}
