// The merchant HTTP API: off by default, bearer tokens (shown once, stored hashed, revocable), the integration document's
// curl request verbatim, links made through it visible in the console, status checks that ask the gateway.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPaymentsFixture, type PaymentsFixture } from '../payments/core-fixture';

let f: PaymentsFixture;
beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
});

async function http(url: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Record<string, unknown> & { error?: { code: string; message: string; field?: string } } };
}

describe('merchant HTTP API', () => {
  let base = '';
  let token = '';

  it('is off by default', async () => {
    const s = await f.call('api.status', {});
    expect(s).toMatchObject({ enabled: false, running: false, url: null, tokens: 0 });
  });

  it('switched on, it serves on its own loopback port; switched off, the port refuses connections', async () => {
    const on = await f.call('api.enable', { port: 0 });
    expect(on.running).toBe(true);
    expect(on.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const off = await f.call('api.disable', {});
    expect(off).toMatchObject({ enabled: false, running: false });
    await expect(fetch(`${on.url}/api/payments/stripe/checkout`, { method: 'POST' })).rejects.toThrow();
    // on again: the remembered port
    const again = await f.call('api.enable', {});
    expect(again.port).toBe(on.port);
    base = again.url!;
  });

  it('a token is required; the token is shown once and stored hashed', async () => {
    const none = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', body: { order_id: 'X', amount: 100, currency: 'usd' } });
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toMatch(/Bearer/);
    const wrong = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token: 'pdk_api_nope', body: {} });
    expect(wrong.status).toBe(401);

    const created = await f.call('api.tokens.create', { name: 'My shop' });
    token = created.secret;
    expect(token).toMatch(/^pdk_api_/);
    expect(created.token).toMatchObject({ name: 'My shop', mode: 'test', last4: token.slice(-4), lastUsedAt: null });
    const list = await f.call('api.tokens.list', {});
    expect(JSON.stringify(list)).not.toContain(token);
    const stored = f.core.deps!.db.prepare("SELECT value FROM settings WHERE key = 'api.tokens'").get() as { value: string };
    expect(stored.value).not.toContain(token);
  });

  it("the integration document's curl request creates a Stripe checkout that the console lists", async () => {
    // curl -X POST http://localhost:<port>/api/payments/stripe/checkout -H 'Authorization: Bearer <token>'
    //   -H 'Content-Type: application/json' -d '{"order_id":"ORD-1001","amount":2500,"currency":"usd"}'
    const r = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, body: '{"order_id":"ORD-1001","amount":2500,"currency":"usd"}' });
    expect(r.status).toBe(201);
    expect(r.body.checkout_url).toMatch(/\/c\/pay\/cs_test_/);
    expect(r.body.id).toMatch(/^pd_/);
    expect(r.body.session_id).toMatch(/^cs_test_/);
    expect(r.body).toMatchObject({ amount: 2500, currency: 'usd', order_id: 'ORD-1001', status: 'open' });
    const list = await f.call('payments.list', { search: 'ORD-1001' });
    expect(list.rows).toHaveLength(1);
    expect(list.rows[0]).toMatchObject({ id: r.body.id, createdBy: 'api', amountMinor: 2500, currency: 'USD' });
    expect((await f.call('api.tokens.list', {}))[0]!.lastUsedAt).not.toBeNull();

    // status by session id, then paid at the gateway -> the status check asks the gateway
    const st = await http(`${base}/api/payments/stripe/status/${r.body.session_id as string}`, { token });
    expect(st.body).toMatchObject({ id: r.body.id, status: 'open' });
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${r.body.session_id as string}/pay`, {});
    const paid = await http(`${base}/api/payments/stripe/status/${r.body.id as string}`, { token });
    expect(paid.body).toMatchObject({ status: 'paid', amount_captured: 2500 });
    const byPi = await http(`${base}/api/payments/stripe/status/${paid.body.payment_intent_id as string}`, { token });
    expect(byPi.body).toMatchObject({ id: r.body.id, status: 'paid' });
  });

  it('Razorpay orders: the gateway order id under its own name, the checkout URL and key id; the status by payment id', async () => {
    const r = await http(`${base}/api/payments/razorpay/orders`, { method: 'POST', token, body: { order_id: 'ORD-2001', amount: 49900, currency: 'INR' } });
    expect(r.status).toBe(201);
    expect(r.body.order_id).toBe('ORD-2001');
    expect(r.body.razorpay_order_id).toMatch(/^order_/);
    expect(r.body).toMatchObject({ receipt: 'ORD-2001', key_id: f.sandbox.keys.RAZORPAY_KEY_ID, amount: 49900, currency: 'inr' });
    expect(r.body.checkout_url).toMatch(new RegExp(`/pay/${r.body.id as string}$`));
    const pay = await f.sb<{ payment: { id: string } }>('POST', `/__sandbox/razorpay/orders/${r.body.razorpay_order_id as string}/pay`, {});
    const byOrder = await http(`${base}/api/payments/razorpay/status/${r.body.razorpay_order_id as string}`, { token });
    expect(byOrder.body).toMatchObject({ order_id: 'ORD-2001', status: 'paid', razorpay_payment_id: pay.body.payment.id });
    const byPay = await http(`${base}/api/payments/razorpay/status/${pay.body.payment.id}`, { token });
    expect(byPay.body).toMatchObject({ id: r.body.id, status: 'paid', amount_captured: 49900 });
  });

  it('bad input answers at the field; a retried POST with the same Idempotency-Key returns the same payment', async () => {
    const a = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, body: { order_id: 'ORD-3', amount: '25.00', currency: 'usd' } });
    expect(a.status).toBe(400);
    expect(a.body.error).toMatchObject({ field: 'amount' });
    const small = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, body: { order_id: 'ORD-3', amount: 10, currency: 'usd' } });
    expect(small.status).toBe(400);
    expect(small.body.error).toMatchObject({ code: 'invalid_input', field: 'amount' });
    // ORD-1001 was paid above: a new attempt at a paid order is a conflict
    const dup = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, body: { order_id: 'ORD-1001', amount: 2500, currency: 'usd' } });
    expect(dup.status).toBe(409);
    expect(dup.body.error).toMatchObject({ code: 'order_paid', field: 'order_id' });
    const json = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, body: '{nope' });
    expect(json.status).toBe(400);
    const headers = { 'idempotency-key': 'shop-retry-0001' };
    const one = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, headers, body: { order_id: 'ORD-4', amount: 1500, currency: 'eur' } });
    const two = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, headers, body: { order_id: 'ORD-4', amount: 1500, currency: 'eur' } });
    expect(one.status).toBe(201);
    expect(two.status).toBe(201);
    expect(two.headers.get('idempotent-replayed')).toBe('true');
    expect(two.body).toEqual(one.body);
    const notFound = await http(`${base}/api/payments/stripe/status/pi_doesnotexist`, { token });
    expect(notFound.status).toBe(404);
    const wrongMethod = await http(`${base}/api/payments/stripe/checkout`, { token });
    expect(wrongMethod.status).toBe(405);
  });

  it("the order reference follows the console's rule (the contract's schema)", async () => {
    const blank = await http(`${base}/api/payments/stripe/checkout`, { method: 'POST', token, body: { order_id: '   ', amount: 2500, currency: 'usd' } });
    expect(blank.status).toBe(400);
    expect(blank.body.error).toMatchObject({ code: 'invalid_input', field: 'order_id', message: 'Enter the order reference' });
    const control = await http(`${base}/api/payments/razorpay/orders`, { method: 'POST', token, body: { order_id: 'ORD\u0007-5', amount: 49900, currency: 'INR' } });
    expect(control.status).toBe(400);
    expect(control.body.error).toMatchObject({ code: 'invalid_input', field: 'order_id' });
    expect(control.body.error!.message).toMatch(/order reference/);
    const list = await f.call('payments.list', { search: '-5' });
    expect(list.rows.filter((p) => p.orderRef.startsWith('ORD\u0007'))).toHaveLength(0);
  });

  it('a foreign Host header is refused (DNS rebinding)', async () => {
    const port = new URL(base).port;
    const status = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/payments/stripe/status/x', headers: { host: 'evil.example:80', authorization: `Bearer ${token}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('a revoked token gets 401', async () => {
    const [t] = await f.call('api.tokens.list', {});
    await f.call('api.tokens.revoke', { id: t!.id });
    const r = await http(`${base}/api/payments/stripe/status/ORD-1001`, { token });
    expect(r.status).toBe(401);
    await f.call('api.disable', {});
  });
});
