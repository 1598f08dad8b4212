// Paydesk's pay page for a Razorpay Order, over real HTTP against real core and the sandbox: the shop makes
// an order through the API and gets a checkout_url on the edge listener (/pay/<id>); the page is served with
// its own strict CSP and loads the sandbox's stand-in Checkout.js; the three fields Checkout returns are
// verified at /pay/<id>/verify with the account's key secret. A correct signature (computed here with the
// sandbox's key secret) records the payment paid; a forged one is refused with 400 and changes nothing.
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/contract';
import { withCore, type CoreFixture } from '../fixtures/with-core';

let f: CoreFixture;
let edge = '';
let api = '';
let token = '';

beforeAll(async () => {
  f = await withCore();
  edge = `http://127.0.0.1:${f.core.deps!.runtime.webhookListenerPort!}`;
  api = (await f.call<{ url: string }>('api.enable', { port: 0 })).url;
  token = (await f.call<{ secret: string }>('api.tokens.create', { name: 'Shop website' })).secret;
});
afterAll(async () => {
  await f?.dispose();
});

const apiPost = async (path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> => {
  const res = await fetch(`${api}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const verify = (id: string, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }): Promise<Response> =>
  fetch(`${edge}/pay/${id}/verify`, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
const statusOf = async (id: string): Promise<Payment['status']> => (await f.call<{ payment: Payment }>('payments.get', { id })).payment.status;
const sign = (orderId: string, paymentId: string): string =>
  createHmac('sha256', f.sandbox!.keys.RAZORPAY_KEY_SECRET).update(`${orderId}|${paymentId}`).digest('hex');

describe('the pay page of a Razorpay Order', () => {
  let id = '';
  let orderId = '';

  it('the order made over the API is shared as /pay/<id> on the edge, served with a strict CSP', async () => {
    const order = await apiPost('/api/payments/razorpay/orders', { order_id: 'RZP-PAGE-1', amount: 129_900, currency: 'INR' });
    expect(order.status).toBe(201);
    id = order.body.id as string;
    orderId = order.body.razorpay_order_id as string;
    expect(order.body.checkout_url).toBe(`${edge}/pay/${id}`);

    const page = await fetch(`${edge}/pay/${id}`);
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    const sandboxOrigin = new URL(f.sandbox!.url).origin;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain(`script-src 'self' ${sandboxOrigin}`);
    expect(csp).toContain(`frame-src ${sandboxOrigin}`);
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    const html = await page.text();
    expect(html).toContain(`<script src="${sandboxOrigin}/v1/checkout.js" defer></script>`);
    expect(html).toContain('<script src="/pay/assets/pay.js" defer></script>');
    expect(html).toContain('RZP-PAGE-1');
    expect(html).toContain('₹1,299.00');
    expect(html).not.toMatch(/<script>|\son[a-z]+=/i);
    expect(html).not.toContain(f.sandbox!.keys.RAZORPAY_KEY_SECRET);

    const script = await fetch(`${edge}/pay/assets/pay.js`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain('new window.Razorpay(');
    const standIn = await fetch(`${sandboxOrigin}/v1/checkout.js`);
    expect(standIn.status).toBe(200);
    expect(await standIn.text()).toContain('window.Razorpay = Razorpay');
  });

  it('refuses a forged signature with 400 and records nothing', async () => {
    const forged = await verify(id, { razorpay_order_id: orderId, razorpay_payment_id: 'pay_forged00000001', razorpay_signature: sign(orderId, 'pay_other000000001') });
    expect(forged.status).toBe(400);
    expect(await forged.json()).toMatchObject({ error: 'signature_invalid', message: expect.stringMatching(/Nothing was recorded/) });
    expect(await statusOf(id)).toBe('open');
  });

  it('records the payment paid once the signature Checkout returned is verified, then says so', async () => {
    const paid = await f.control<{ payment?: { id: string }; callback: { params: Record<string, string> } }>(`/razorpay/orders/${orderId}/pay`, {});
    const paymentId = paid.callback.params.razorpay_payment_id!;
    const ok = await verify(id, { razorpay_order_id: orderId, razorpay_payment_id: paymentId, razorpay_signature: sign(orderId, paymentId) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toMatchObject({ verified: true, status: 'paid', next: `${edge}/pay/done?ref=RZP-PAGE-1` });
    expect(await statusOf(id)).toBe('paid');
    const again = await fetch(`${edge}/pay/${id}`);
    expect(await again.text()).toMatch(/This order has been paid/);
  });

  it('answers 404 for an unknown id and for a payment that is not an order; only GET/HEAD and POST verify', async () => {
    expect((await fetch(`${edge}/pay/pd_00000000000000000000`)).status).toBe(404);
    const checkout = await apiPost('/api/payments/stripe/checkout', { order_id: 'STRIPE-1', amount: 5000, currency: 'usd' });
    expect(checkout.status).toBe(201);
    const notOrder = await fetch(`${edge}/pay/${checkout.body.id as string}`);
    expect(notOrder.status).toBe(404);
    expect(await notOrder.text()).toMatch(/no payment to make/);
    expect((await fetch(`${edge}/pay/${id}`, { method: 'HEAD' })).status).toBe(200);
    expect((await fetch(`${edge}/pay/${id}`, { method: 'POST' })).status).toBe(405);
    expect((await fetch(`${edge}/pay/${id}/verify`)).status).toBe(405);
  });

  it('bounds verify: JSON only, at most 4 KiB', async () => {
    expect((await verify(id, 'razorpay_order_id=x', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    expect((await verify(id, { razorpay_order_id: 'x'.repeat(5000) })).status).toBe(413);
    expect((await verify(id, { razorpay_order_id: orderId })).status).toBe(400);
  });
});
