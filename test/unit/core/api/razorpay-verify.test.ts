// The Razorpay Orders flow the integration document describes, over real HTTP against the sandbox: the shop
// creates an order through the API, the customer pays it in (the sandbox's stand-in for) Checkout, and the
// shop's backend verifies the three fields Checkout returned. A genuine signature records the payment at
// once; a forged or altered one is refused at razorpay_signature and changes nothing.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaymentsFixture, type PaymentsFixture } from '../payments/core-fixture';

let f: PaymentsFixture;
let base = '';
let token = '';

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> & { error?: { code: string; field?: string } } }> {
  const res = await fetch(`${base}${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as never };
}

beforeAll(async () => {
  f = await startPaymentsFixture();
  base = (await f.call('api.enable', { port: 0 })).url!;
  token = (await f.call('api.tokens.create', { name: 'Shop backend' })).secret;
});
afterAll(async () => {
  await f?.close();
});

describe('Razorpay order → Checkout → verify', () => {
  it('verifies the signature Checkout returned and shows the payment paid; a forged one is refused', async () => {
    const order = await post('/api/payments/razorpay/orders', { order_id: 'RZP-VERIFY-1', amount: 49_900, currency: 'INR' });
    expect(order.status).toBe(201);
    expect(order.body).toMatchObject({ order_id: 'RZP-VERIFY-1', receipt: 'RZP-VERIFY-1', amount: 49_900 });
    const orderId = order.body.razorpay_order_id as string;
    expect(orderId).toMatch(/^order_/);

    const paid = await f.sb<{ callback: { params: Record<string, string> } }>('POST', `/__sandbox/razorpay/orders/${orderId}/pay`, {});
    const returned = paid.body.callback.params;
    expect(returned.razorpay_order_id).toBe(orderId);

    const forged = { ...returned, razorpay_signature: returned.razorpay_signature!.replace(/^./, (c) => (c === '0' ? '1' : '0')) };
    const refused = await post('/api/payments/razorpay/verify', forged);
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'signature_invalid', field: 'razorpay_signature' });
    const otherPayment = await post('/api/payments/razorpay/verify', { ...returned, razorpay_payment_id: 'pay_someoneelse000' });
    expect(otherPayment.status).toBe(400);

    const ok = await post('/api/payments/razorpay/verify', returned);
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ verified: true, status: 'paid', order_id: 'RZP-VERIFY-1', razorpay_order_id: orderId });
    expect((await f.call('payments.get', { id: order.body.id as string })).payment).toMatchObject({ status: 'paid', capturedMinor: 49_900 });

    const missing = await post('/api/payments/razorpay/verify', { razorpay_order_id: orderId, razorpay_payment_id: returned.razorpay_payment_id });
    expect(missing.status).toBe(400);
    expect(missing.body.error).toMatchObject({ field: 'razorpay_signature' });
  });
});
