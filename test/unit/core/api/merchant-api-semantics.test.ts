// The merchant API's semantics against the real sandbox over real HTTP: the integration document's curl verbatim, attempts
// (an open attempt is returned again, a new one after expiry), Idempotency-Key replay and conflict, each
// row of the error table, a payment by its Paydesk id, refunds with and without the scope, a stale status
// when the gateway cannot be asked, and every call in the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiScope } from '../../../../shared/contract';
import { startPaymentsFixture, type PaymentsFixture } from '../payments/core-fixture';

let f: PaymentsFixture;
let base = '';
let token = '';
let n = 0;
const ref = (p = 'ORD') => `${p}-${Date.now().toString(36)}-${++n}`;

type Body = Record<string, unknown> & { error?: { code: string; message: string; field?: string } };
async function http(path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.token) headers.authorization = `Bearer ${init.token}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : typeof init.body === 'string' ? init.body : JSON.stringify(init.body) });
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : null) as Body };
}
const post = (path: string, body: unknown, t = token, headers: Record<string, string> = {}) => http(path, { method: 'POST', token: t, body, headers });
const checkout = (body: unknown, t = token, headers: Record<string, string> = {}) => post('/api/payments/stripe/checkout', body, t, headers);
const newToken = async (name: string, scopes?: ApiScope[], mode?: 'test' | 'live') =>
  (await f.call('api.tokens.create', { name, ...(scopes ? { scopes } : {}), ...(mode ? { mode } : {}) })).secret;
const clearFaults = () => f.sb('DELETE', '/__sandbox/faults');

beforeAll(async () => {
  f = await startPaymentsFixture();
  base = (await f.call('api.enable', { port: 0 })).url!;
  token = await newToken('Shop backend');
});
afterAll(async () => {
  await f?.close();
});

describe('merchant API: the integration document and attempts', () => {
  it("the integration document's curl body verbatim answers 201 with a checkout_url", async () => {
    const r = await checkout('{"order_id":"ORD123","amount":5000,"currency":"usd"}');
    expect(r.status).toBe(201);
    expect(r.body.checkout_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/c\/pay\/cs_test_/);
    expect(r.body).toMatchObject({ order_id: 'ORD123', amount: 5000, currency: 'usd', status: 'open', attempt: 1 });
    expect(r.body.session_id).toMatch(/^cs_test_/);
  });

  it('asking again while the attempt is open returns that attempt (200, same shape); after it expired a new one (201)', async () => {
    const order = ref();
    const first = await checkout({ order_id: order, amount: 2500, currency: 'usd' });
    expect(first.status).toBe(201);
    const again = await checkout({ order_id: order, amount: 2500, currency: 'usd' });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const other = await checkout({ order_id: order, amount: 9900, currency: 'usd' });
    expect(other.status).toBe(409);
    expect(other.body.error).toMatchObject({ code: 'order_in_progress', field: 'order_id' });

    expect((await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${first.body.session_id as string}/expire`, {})).status).toBe(200);
    const next = await checkout({ order_id: order, amount: 2500, currency: 'usd' });
    expect(next.status).toBe(201);
    expect(next.body).toMatchObject({ order_id: order, attempt: 2, reference: `${order}/2`, status: 'open' });
    expect(next.body.id).not.toBe(first.body.id);
    expect(next.body.session_id).not.toBe(first.body.session_id);
    const old = await http(`/api/payments/${first.body.id as string}`, { token });
    expect(old.body).toMatchObject({ status: 'expired', order_id: order });
  });

  it('a paid order answers 409 order_paid', async () => {
    const order = ref();
    const r = await checkout({ order_id: order, amount: 2500, currency: 'usd' });
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${r.body.session_id as string}/pay`, {});
    expect((await http(`/api/payments/stripe/status/${r.body.id as string}`, { token })).body.status).toBe('paid');
    const again = await checkout({ order_id: order, amount: 2500, currency: 'usd' });
    expect(again.status).toBe(409);
    expect(again.body.error).toMatchObject({ code: 'order_paid', field: 'order_id' });
  });
});

describe('merchant API: Idempotency-Key', () => {
  it('the same key and body replays the first answer; another body or endpoint is a conflict; keys are per token', async () => {
    const key = { 'idempotency-key': `k-${ref()}` };
    const body = { order_id: ref(), amount: 1500, currency: 'eur' };
    const one = await checkout(body, token, key);
    expect(one.status).toBe(201);
    expect(one.headers.get('idempotent-replayed')).toBeNull();
    // the same JSON with its keys in another order and other spacing is the same request
    const two = await checkout(`{ "currency": "eur", "amount": 1500, "order_id": "${body.order_id}" }`, token, key);
    expect(two.status).toBe(201);
    expect(two.headers.get('idempotent-replayed')).toBe('true');
    expect(two.body).toEqual(one.body);

    const changed = await checkout({ ...body, amount: 1600 }, token, key);
    expect(changed.status).toBe(409);
    expect(changed.body.error).toMatchObject({ code: 'idempotency_conflict', field: 'Idempotency-Key' });
    const elsewhere = await post('/api/payments/razorpay/orders', body, token, key);
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error!.code).toBe('idempotency_conflict');

    const other = await newToken('Second shop');
    const theirs = await checkout({ order_id: ref(), amount: 1500, currency: 'eur' }, other, key);
    expect(theirs.status).toBe(201);
    expect(theirs.body.id).not.toBe(one.body.id);
    // kept in the store
    const rows = f.core.deps!.db.prepare('SELECT status FROM api_idempotency WHERE key = ?').all(key['idempotency-key']);
    expect(rows).toEqual([{ status: 201 }, { status: 201 }]);
  });

  it('a refused input keeps no answer: the corrected retry with the same key runs', async () => {
    const key = { 'idempotency-key': `k-${ref()}` };
    const order = ref();
    const bad = await checkout({ order_id: order, amount: '15.00', currency: 'eur' }, token, key);
    expect(bad.status).toBe(400);
    const good = await checkout({ order_id: order, amount: 1500, currency: 'eur' }, token, key);
    expect(good.status).toBe(201);
  });
});

describe('merchant API: the error table', () => {
  it('400 names the field', async () => {
    const r = await checkout({ order_id: ref(), amount: '25.00', currency: 'usd' });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'invalid_input', field: 'amount' });
    const c = await checkout({ order_id: ref(), amount: 2500, currency: 'zzz' });
    expect(r.status).toBe(400);
    expect(c.body.error).toMatchObject({ field: 'currency' });
  });

  it('no account of the gateway in the token\'s mode is 400 at account_id, saying what to do', async () => {
    const live = await newToken('Live shop', undefined, 'live');
    const r = await checkout({ order_id: ref(), amount: 2500, currency: 'usd' }, live);
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'no_account', field: 'account_id' });
    expect(r.body.error!.message).toMatch(/Settings → Accounts/);
    // a test account named by a live token: wrong mode
    const wrongMode = await checkout({ order_id: ref(), amount: 2500, currency: 'usd', account_id: f.stripeId }, live);
    expect(wrongMode.status).toBe(403);
    expect(wrongMode.body.error).toMatchObject({ code: 'mode_mismatch', field: 'account_id' });
  });

  it('401 without a token or with a bad one', async () => {
    expect((await checkout({}, '')).status).toBe(401);
    const bad = await checkout({}, 'pdk_api_nope');
    expect(bad.status).toBe(401);
    expect(bad.body.error!.code).toBe('unauthorized');
  });

  it('402 when the card is declined', async () => {
    await f.sb('POST', '/__sandbox/faults', { path: '/v1/checkout/sessions', status: 402, count: 1, method: 'POST' });
    const r = await checkout({ order_id: ref(), amount: 2500, currency: 'usd' });
    await clearFaults();
    expect(r.status).toBe(402);
    expect(r.body.error!.code).toBe('gateway_declined');
  });

  it('403 when the gateway refuses the account\'s key', async () => {
    // an account whose key was good when added and is refused now (rolled at the gateway): Paydesk checks keys
    // when they are saved, so the refused key is put into the vault underneath
    const keys = f.sandbox.keys;
    const acc = await f.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'Rolled key', publicKey: keys.STRIPE_PUBLISHABLE_KEY, secretKey: keys.STRIPE_SECRET_KEY, sandbox: true });
    const row = f.core.deps!.repos.accounts.get(acc.id)!;
    f.core.deps!.vault.put(row.secretKeyRef!, 'sk_test_wrongwrongwrongwrongwrong', 'test');
    const r = await checkout({ order_id: ref(), amount: 2500, currency: 'usd', account_id: acc.id });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'gateway_auth', field: 'account_id' });
    expect(JSON.stringify(r.body)).not.toContain('wrongwrongwrongwrong');
  });

  it('404 for an unknown payment or endpoint, 405 for a wrong method', async () => {
    const p = await http('/api/payments/pd_doesnotexist', { token });
    expect(p.status).toBe(404);
    expect(p.body.error).toMatchObject({ code: 'not_found', field: 'id' });
    expect((await http('/api/payments/stripe/status/pi_doesnotexist', { token })).status).toBe(404);
    expect((await http('/api/nothing', { token })).status).toBe(404);
    const m = await http('/api/payments/stripe/checkout', { token });
    expect(m.status).toBe(405);
    expect(m.headers.get('allow')).toBe('POST');
  });

  it('503 with Retry-After when the gateway cannot be reached; the retry then returns the same attempt', async () => {
    const order = ref();
    await f.sb('POST', '/__sandbox/faults', { path: '/v1/checkout/sessions', status: 500, count: 10, method: 'POST' });
    const down = await checkout({ order_id: order, amount: 2500, currency: 'usd' });
    await clearFaults();
    expect(down.status).toBe(503);
    expect(down.body.error!.code).toBe('gateway_unreachable');
    expect(down.headers.get('retry-after')).toBe('60');
    const retry = await checkout({ order_id: order, amount: 2500, currency: 'usd' });
    expect(retry.status).toBe(200);
    expect(retry.body).toMatchObject({ order_id: order, status: 'open', attempt: 1 });
    expect(retry.body.checkout_url).toMatch(/cs_test_/);
  });
});

describe('merchant API: payments, status and refunds', () => {
  let paid: Body;
  beforeAll(async () => {
    const r = await checkout({ order_id: ref('PAID'), amount: 5000, currency: 'usd' });
    await f.sb('POST', `/__sandbox/stripe/checkout/sessions/${r.body.session_id as string}/pay`, {});
    paid = (await http(`/api/payments/${r.body.id as string}`, { token })).body;
  });

  it('GET /api/payments/:id answers the payment with its gateway ids', () => {
    expect(paid).toMatchObject({ status: 'paid', amount_captured: 5000, gateway: 'stripe' });
    expect(paid.payment_intent_id).toMatch(/^pi_/);
    expect(paid.session_id).toMatch(/^cs_test_/);
  });

  it('the status is answered stale, with its age, when the gateway cannot be asked', async () => {
    const r = await checkout({ order_id: ref(), amount: 2500, currency: 'usd' });
    await f.sb('POST', '/__sandbox/faults', { path: '/v1/', status: 500, count: 100, method: 'GET' });
    const st = await http(`/api/payments/stripe/status/${r.body.session_id as string}`, { token });
    await clearFaults();
    expect(st.status).toBe(200);
    expect(st.body).toMatchObject({ id: r.body.id, status: 'open', stale: true });
    expect(st.body.age_seconds).toEqual(expect.any(Number));
    const fresh = await http(`/api/payments/stripe/status/${r.body.session_id as string}`, { token });
    expect(fresh.body.stale).toBeUndefined();
  });

  it('a token without the refund scope gets 403 insufficient_scope; a read-only token cannot create', async () => {
    const r = await post(`/api/payments/${paid.id as string}/refunds`, { amount: 1000 });
    expect(r.status).toBe(403);
    expect(r.body.error).toMatchObject({ code: 'insufficient_scope', field: 'scope' });
    expect(r.body.error!.message).toContain('refunds:create');
    const reader = await newToken('Reader', ['payments:read']);
    const c = await checkout({ order_id: ref(), amount: 2500, currency: 'usd' }, reader);
    expect(c.status).toBe(403);
    expect(c.body.error!.message).toContain('payments:create');
    expect((await http(`/api/payments/${paid.id as string}`, { token: reader })).status).toBe(200);
  });

  it('refunds with the scope: within the staff limit, in part, then the rest; then 409', async () => {
    const refunder = await newToken('Refunder', ['payments:read', 'refunds:create']);
    const over = await post(`/api/payments/${paid.id as string}/refunds`, { amount: 1000 }, refunder);
    expect(over.status).toBe(403);
    expect(over.body.error).toMatchObject({ code: 'refund_limit', field: 'amount' });
    await f.call('settings.setRefundPolicy', { staffLimits: { USD: 10_000 }, idleMinutes: 10 });
    const part = await post(`/api/payments/${paid.id as string}/refunds`, { amount: 1000, reason: 'requested_by_customer', note: 'damaged' }, refunder);
    expect(part.status).toBe(201);
    expect(part.body).toMatchObject({ payment_id: paid.id, order_id: paid.order_id, amount: 1000, currency: 'usd', reason: 'requested_by_customer' });
    const badReason = await post(`/api/payments/${paid.id as string}/refunds`, { reason: 'because' }, refunder);
    expect(badReason.status).toBe(400);
    expect(badReason.body.error!.field).toBe('reason');
    const rest = await post(`/api/payments/${paid.id as string}/refunds`, {}, refunder);
    expect(rest.status).toBe(201);
    expect(rest.body.amount).toBe(4000);
    const after = await http(`/api/payments/${paid.id as string}`, { token: refunder });
    expect(after.body).toMatchObject({ amount_refunded: 5000, display_status: 'refunded' });
    const again = await post(`/api/payments/${paid.id as string}/refunds`, {}, refunder);
    expect(again.status).toBe(409);
    expect(again.body.error!.code).toBe('already_refunded');
    const audit = await f.call('audit.list', { action: 'refund.requested', limit: 5 });
    expect(audit.items[0]!.operatorName).toBe('API (Refunder)');
  });

  it('every authenticated call is in the audit log with the token name, endpoint and result status', async () => {
    const r = await http(`/api/payments/${paid.id as string}`, { token });
    expect(r.status).toBe(200);
    const page = await f.call('audit.list', { action: 'api.called', limit: 200 });
    const entry = page.items.find((e) => e.details.path === `/api/payments/${paid.id as string}`);
    expect(entry).toMatchObject({ operatorName: 'API (Shop backend)', subjectType: 'payment', subjectId: paid.id });
    expect(entry!.details).toMatchObject({ tokenName: 'Shop backend', method: 'GET', endpoint: '/api/payments/{id}', status: 200 });
    const refused = page.items.find((e) => e.details.status === 403 && e.details.error === 'insufficient_scope');
    expect(refused).toBeDefined();
    expect(JSON.stringify(page.items)).not.toContain(token);
  });
});
