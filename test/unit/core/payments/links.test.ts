// links.create / cancel / qr against the real sandbox: every validation message at its field, amounts in
// JPY/KWD/INR, the order reference unique per account, and "never two links for one intent" (double submit,
// injected gateway faults, a crash between the intent's commit and the gateway's answer).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkCreateInput } from '../../../../shared/contract';
import { razorpayLinksFor, startPaymentsFixture, stripeSessionsFor, type PaymentsFixture } from './core-fixture';

let f: PaymentsFixture;
let n = 0;
const ref = (p = 'ORD') => `${p}-${Date.now().toString(36)}-${++n}`;

beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
});

const stripe = (over: Partial<LinkCreateInput> = {}): LinkCreateInput => ({ accountId: f.stripeId, amount: '25.00', currency: 'USD', orderRef: ref(), description: 'Blue mug', ...over });
const rzp = (over: Partial<LinkCreateInput> = {}): LinkCreateInput => ({ accountId: f.razorpayId, amount: '1,234.50', currency: 'INR', orderRef: ref(), description: 'Tea', ...over });

describe('validation: a message at the field', () => {
  const cases: [string, () => LinkCreateInput, string, RegExp][] = [
    ['unknown account', () => stripe({ accountId: 'acc_nope' }), 'accountId', /does not exist/],
    ['console mode differs', () => stripe({ mode: 'live' }), 'accountId', /test account.*live mode/],
    ['amount not a number', () => stripe({ amount: 'ten' }), 'amount', /digits/],
    ['amount zero', () => stripe({ amount: '0' }), 'amount', /more than zero/],
    ['Stripe minimum USD 0.50', () => stripe({ amount: '0.49' }), 'amount', /at least \$0\.50/],
    ['Stripe maximum', () => stripe({ amount: '1,000,000.00' }), 'amount', /at most \$999,999\.99/],
    ['JPY has no decimals', () => stripe({ amount: '1.5', currency: 'JPY' }), 'amount', /JPY has no decimals/],
    ['Stripe minimum JPY 50', () => stripe({ amount: '49', currency: 'JPY' }), 'amount', /at least ¥50/],
    ['KWD at most 3 decimals', () => stripe({ amount: '1.2345', currency: 'KWD' }), 'amount', /at most 3 decimals/],
    ['KWD in steps of 0.010', () => stripe({ amount: '1.005', currency: 'KWD' }), 'amount', /last decimal must be 0/],
    ['Razorpay minimum INR 1.00', () => rzp({ amount: '0.99' }), 'amount', /at least ₹1\.00/],
    ['unknown currency', () => stripe({ currency: 'XYZ' }), 'currency', /not a currency/],
    ['currency the gateway lacks', () => rzp({ currency: 'XOF' }), 'currency', /Razorpay does not take payments in XOF/],
    ['bad currency code', () => stripe({ currency: 'US' }), 'currency', /3-letter/],
    ['bad email', () => stripe({ customerEmail: 'not-an-email' }), 'customerEmail', /email address/],
    ['bad phone', () => rzp({ customerPhone: '12345' }), 'customerPhone', /country code/],
    ['Stripe checkout too short', () => stripe({ expiresInMinutes: 10 }), 'expiresInMinutes', /at least 30 minutes/],
    ['Stripe checkout too long', () => stripe({ expiresInMinutes: 25 * 60 }), 'expiresInMinutes', /24 hours/],
    ['Razorpay link too short', () => rzp({ expiresInMinutes: 5 }), 'expiresInMinutes', /at least 15 minutes/],
    ['Razorpay orders do not expire', () => rzp({ kind: 'order', expiresInMinutes: 60 }), 'expiresInMinutes', /orders do not expire/],
    ['Stripe Payment Links do not expire', () => stripe({ kind: 'payment_link', expiresInMinutes: 60 }), 'expiresInMinutes', /do not expire/],
    ['absolute expiry too soon', () => stripe({ expiresAt: Date.now() + 60_000 }), 'expiresAt', /at least 30 minutes/],
    ['both expiry forms', () => stripe({ expiresAt: Date.now() + 3_600_000, expiresInMinutes: 60 }), 'expiresAt', /not both/],
    ['kind of the other gateway', () => stripe({ kind: 'order' }), 'kind', /Razorpay/],
    ['missing order reference', () => stripe({ orderRef: '  ' }), 'orderRef', /order reference/],
    ['empty amount', () => stripe({ amount: '' }), 'amount', /Enter an amount/],
    ['description too long', () => stripe({ description: 'x'.repeat(251) }), 'description', /250/],
  ];
  for (const [name, input, field, message] of cases) {
    it(name, async () => {
      const e = await f.fail('links.create', input());
      expect(e.code).toBe('invalid_input');
      expect(e.field).toBe(field);
      expect(e.message).toMatch(message);
    });
  }

  it('a live account is refused while the console is in test mode', async () => {
    const d = f.core.deps!;
    const now = Date.now();
    d.repos.accounts.insert({
      id: 'acc_live1', gateway: 'stripe', mode: 'live', livemode: true, label: 'Live shop', publicKey: 'pk_live_x', secretKeyRef: 'account:acc_live1:secretKey',
      webhookSecretRef: null, sandbox: false, builtin: null, verificationStatus: 'verified', verifiedAt: now, verificationMessage: null, createdAt: now, updatedAt: now,
    });
    const e = await f.fail('links.create', stripe({ accountId: 'acc_live1', mode: 'test' }));
    expect(e).toMatchObject({ code: 'invalid_input', field: 'accountId' });
    expect(e.message).toMatch(/live account.*test mode/);
  });

  it('an account whose keys were refused is not usable', async () => {
    const d = f.core.deps!;
    const now = Date.now();
    d.repos.accounts.insert({
      id: 'acc_bad1', gateway: 'stripe', mode: 'test', livemode: false, label: 'Broken', publicKey: 'pk_test_x', secretKeyRef: 'account:acc_bad1:secretKey',
      webhookSecretRef: null, sandbox: false, builtin: null, verificationStatus: 'failed', verifiedAt: now, verificationMessage: 'Invalid API key', createdAt: now, updatedAt: now,
    });
    const e = await f.fail('links.create', stripe({ accountId: 'acc_bad1' }));
    expect(e).toMatchObject({ field: 'accountId' });
    expect(e.message).toMatch(/refused this account's keys/);
  });

  it('nothing is stored for a refused input', async () => {
    const before = f.core.deps!.db.prepare('SELECT count(*) AS n FROM payments').get() as { n: number };
    await f.fail('links.create', stripe({ amount: '0.10' }));
    const after = f.core.deps!.db.prepare('SELECT count(*) AS n FROM payments').get() as { n: number };
    expect(after.n).toBe(before.n);
  });
});

describe('amounts with the currency exponent', () => {
  it('JPY 0 decimals, KWD 3, INR 2 (grouping commas)', async () => {
    const jpy = await f.call('links.create', stripe({ amount: '1,234', currency: 'JPY' }));
    expect(jpy).toMatchObject({ amountMinor: 1234, currency: 'JPY', status: 'open' });
    const kwd = await f.call('links.create', stripe({ amount: '1.500', currency: 'KWD' }));
    expect(kwd).toMatchObject({ amountMinor: 1500, currency: 'KWD', status: 'open' });
    const inr = await f.call('links.create', rzp({ amount: '1,234.50' }));
    expect(inr).toMatchObject({ amountMinor: 123450, currency: 'INR', status: 'open', kind: 'razorpay_link' });
    expect(inr.url).toMatch(/\/rzp\/l\/plink_/);
  });
  it('Indian grouping (lakh) and a phone typed without +91 are stored in one form', async () => {
    const a = await f.call('links.create', rzp({ amount: '1,00,000.50', customerPhone: '98765 00000' }));
    expect(a).toMatchObject({ amountMinor: 10000050, customerPhone: '+919876500000' });
    const b = await f.call('links.create', stripe({ amount: '1,00,000.50', currency: 'INR', customerPhone: '+91 98765-00000' }));
    expect(b).toMatchObject({ amountMinor: 10000050, customerPhone: '+919876500000' });
    const e = await f.fail('links.create', rzp({ customerPhone: '98765 0000' }));
    expect(e).toMatchObject({ code: 'invalid_input', field: 'customerPhone', message: expect.stringMatching(/not a phone number that exists/) });
  });
});

describe('creating', () => {
  it('a Stripe Checkout Session carries the Paydesk id, order reference and expiry; receipts go to the email', async () => {
    const p = await f.call('links.create', stripe({ customerEmail: 'ann@example.com', expiresInMinutes: 60 }));
    expect(p).toMatchObject({ kind: 'stripe_checkout', status: 'open', createdBy: 'console', pendingReason: null });
    expect(p.gatewayIds.sessionId).toMatch(/^cs_test_/);
    expect(p.url).toContain('/c/pay/');
    expect(p.expiresAt! - Date.now()).toBeGreaterThan(55 * 60_000);
    const s = await f.sb<{ client_reference_id: string; metadata: Record<string, string>; customer_email: string; expires_at: number; payment_intent_data?: unknown }>('GET', `/v1/checkout/sessions/${p.gatewayIds.sessionId}`, undefined, 'stripe');
    expect(s.body).toMatchObject({ client_reference_id: p.id, metadata: { paydesk_id: p.id, order_ref: p.orderRef }, customer_email: 'ann@example.com' });
    expect(s.body.expires_at).toBe(Math.floor(p.expiresAt! / 1000));
    expect(f.events.some((e) => e.name === 'payment.changed' && e.payload.id === p.id && e.payload.status === 'open')).toBe(true);
  });

  it('receipts can be switched off (no customer_email sent)', async () => {
    const p = await f.call('links.create', stripe({ customerEmail: 'bob@example.com', notify: false }));
    const [s] = await stripeSessionsFor(f, p.id);
    expect(s?.customer_email ?? null).toBeNull();
    const detail = await f.call('payments.get', { id: p.id });
    expect(detail.notify).toBe(false);
  });

  it('a reusable Stripe Payment Link', async () => {
    const p = await f.call('links.create', stripe({ kind: 'payment_link' }));
    expect(p).toMatchObject({ kind: 'stripe_payment_link', status: 'open', expiresAt: null });
    expect(p.gatewayIds.plinkId).toMatch(/^plink_/);
    const l = await f.sb<{ metadata: Record<string, string>; active: boolean }>('GET', `/v1/payment_links/${p.gatewayIds.plinkId}`, undefined, 'stripe');
    expect(l.body).toMatchObject({ active: true, metadata: { paydesk_id: p.id } });
  });

  it("a Razorpay link with reference_id = the shop's reference, the Paydesk id in notes, and notify on", async () => {
    const p = await f.call('links.create', rzp({ customerEmail: 'cy@example.com', customerPhone: '+91 98765 43210', expiresInMinutes: 120 }));
    expect(p.customerPhone).toBe('+919876543210');
    const [l] = await razorpayLinksFor(f, p.id);
    expect(l).toMatchObject({ reference_id: p.orderRef, notes: { paydesk_id: p.id }, notify: { email: true, sms: true } });
    const sent = await f.sb<{ items: unknown[] }>('GET', `/__sandbox/razorpay/notifications?payment_link_id=${l!.id}`);
    expect(sent.body.items.length).toBeGreaterThan(0);
  });

  it("a Razorpay order, shared as Paydesk's own pay page on the listener", async () => {
    const p = await f.call('links.create', rzp({ kind: 'order' }));
    expect(p).toMatchObject({ kind: 'razorpay_order', status: 'open' });
    expect(p.gatewayIds.orderId).toMatch(/^order_/);
    expect(p.url).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:\\d+/pay/${p.id}$`));
  });

  it('an order has one payable link at a time; a new attempt once the earlier one was cancelled, shown as ORDER/2', async () => {
    const orderRef = ref('DUP');
    const first = await f.call('links.create', stripe({ orderRef }));
    expect(first).toMatchObject({ attemptNo: 1, reference: orderRef, linkState: 'open', reusable: false, linkId: null });
    const e = await f.fail('links.create', stripe({ orderRef }));
    expect(e).toMatchObject({ code: 'invalid_input', field: 'orderRef' });
    expect(e.message).toMatch(/can still be paid/);
    // another account may use it
    await f.call('links.create', rzp({ orderRef }));
    await f.call('links.cancel', { id: first.id });
    const second = await f.call('links.create', stripe({ orderRef }));
    expect(second).toMatchObject({ attemptNo: 2, reference: `${orderRef}/2`, orderRef, linkState: 'open' });
    const detail = await f.call('payments.get', { id: second.id });
    expect(detail.attempts.map((a) => [a.attemptNo, a.reference, a.linkState])).toEqual([[1, orderRef, 'cancelled'], [2, `${orderRef}/2`, 'open']]);
  });

  it('a paid order refuses a new link and says so', async () => {
    const orderRef = ref('PAID');
    const p = await f.call('links.create', stripe({ orderRef }));
    f.core.deps!.db.prepare("UPDATE payments SET status = 'paid' WHERE id = ?").run(p.id);
    const e = await f.fail('links.create', stripe({ orderRef }));
    expect(e).toMatchObject({ code: 'invalid_input', field: 'orderRef' });
    expect(e.message).toMatch(/already paid/);
  });

  it('cancel expires the session at the gateway; QR drawn locally', async () => {
    const p = await f.call('links.create', stripe());
    const qr = await f.call('links.qr', { id: p.id });
    expect(qr.url).toBe(p.url);
    expect(qr.svg).toMatch(/^<svg/);
    expect(qr.dataUrl).toMatch(/^data:image\/svg\+xml;base64,/);
    const c = await f.call('links.cancel', { id: p.id });
    expect(c.status).toBe('cancelled');
    const [s] = await stripeSessionsFor(f, p.id);
    expect(s?.status).toBe('expired');
    const r = await f.call('links.create', rzp());
    expect((await f.call('links.cancel', { id: r.id })).status).toBe('cancelled');
    expect((await razorpayLinksFor(f, r.id))[0]?.status).toBe('cancelled');
  });
});

describe('never two links for one intent', () => {
  it('the same requestId twice (a double click) -> one payment, one session', async () => {
    const input = stripe({ requestId: `req_${ref('dbl')}` });
    const [a, b] = await Promise.all([f.call('links.create', input), f.call('links.create', input)]);
    expect(a.id).toBe(b.id);
    const again = await f.call('links.create', input);
    expect(again.id).toBe(a.id);
    expect(await stripeSessionsFor(f, a.id)).toHaveLength(1);
    const rInput = rzp({ requestId: `req_${ref('dblr')}` });
    const [x, y] = await Promise.all([f.call('links.create', rInput), f.call('links.create', rInput)]);
    expect(x.id).toBe(y.id);
    expect(await razorpayLinksFor(f, x.id)).toHaveLength(1);
  });

  it('the same requestId with a corrected form is a new intent (the key covers the input)', async () => {
    const requestId = `req_${ref('fix')}`;
    const orderRef = ref('FIX');
    const bad = await f.fail('links.create', stripe({ requestId, orderRef, amount: '0.10' }));
    expect(bad.field).toBe('amount');
    const good = await f.call('links.create', stripe({ requestId, orderRef, amount: '1.00' }));
    expect(good).toMatchObject({ amountMinor: 100, status: 'open' });
  });

  it('a 500 at the gateway is retried with the same key: one session', async () => {
    await f.sb('POST', '/__sandbox/faults', { path: '/v1/checkout/sessions', status: 500, count: 1, method: 'POST' });
    const p = await f.call('links.create', stripe());
    expect(p.status).toBe('open');
    expect(await stripeSessionsFor(f, p.id)).toHaveLength(1);
    await f.sb('DELETE', '/__sandbox/faults');
  });

  it('a 429 at the gateway is retried with the same key: one session', async () => {
    await f.sb('POST', '/__sandbox/faults', { path: '/v1/checkout/sessions', status: 429, count: 1, method: 'POST' });
    const p = await f.call('links.create', stripe());
    expect(p.status).toBe('open');
    expect(await stripeSessionsFor(f, p.id)).toHaveLength(1);
    await f.sb('DELETE', '/__sandbox/faults');
  });

  it('a 500 at Razorpay: looked up by reference_id, then retried: one link', async () => {
    await f.sb('POST', '/__sandbox/faults', { path: '/v1/payment_links', status: 500, count: 1, method: 'POST' });
    const p = await f.call('links.create', rzp());
    expect(p.status).toBe('open');
    expect(await razorpayLinksFor(f, p.id)).toHaveLength(1);
    await f.sb('DELETE', '/__sandbox/faults');
  });

  it('gateway unreachable after the retries: the intent stays creating and the background retry finishes it once', async () => {
    await f.sb('POST', '/__sandbox/faults', { path: '/v1/checkout/sessions', status: 500, count: 10, method: 'POST' });
    const input = stripe({ requestId: `req_${ref('down')}` });
    const e = await f.fail('links.create', input);
    expect(e).toMatchObject({ code: 'gateway_unreachable', retryable: true });
    expect(e.message).toMatch(/could not be reached/);
    const list = await f.call('payments.list', { search: input.orderRef });
    expect(list.rows[0]).toMatchObject({ status: 'creating' });
    expect(list.rows[0]!.pendingReason).toMatch(/retries every minute/);
    await f.sb('DELETE', '/__sandbox/faults');
    await f.core.deps!.payments.links.retryPending();
    const done = await f.call('payments.get', { id: list.rows[0]!.id });
    expect(done.payment.status).toBe('open');
    expect(await stripeSessionsFor(f, done.payment.id)).toHaveLength(1);
    // the same requestId afterwards returns it, still one session
    expect((await f.call('links.create', input)).id).toBe(done.payment.id);
  });

  it('a crash between the intent commit and the gateway answer: recovery creates no second link', async () => {
    const links = f.core.deps!.payments.links;
    const ids: string[] = [];
    for (const input of [stripe(), rzp(), rzp({ kind: 'order' }), stripe({ kind: 'payment_link' })]) {
      const parsed = { ...input, notify: true } as Parameters<typeof links.commitIntent>[0];
      const { row } = links.commitIntent(parsed, { createdBy: 'console' });
      // the gateway made it, but the answer is lost with the process
      await links.sendToGateway(row, { fresh: true });
      ids.push(row.id);
    }
    await f.restart();
    const after = f.core.deps!.payments.links;
    await after.retryPending();
    const [s, r, o, pl] = ids as [string, string, string, string];
    expect((await f.call('payments.get', { id: s })).payment.status).toBe('open');
    expect(await stripeSessionsFor(f, s)).toHaveLength(1);
    expect(await razorpayLinksFor(f, r)).toHaveLength(1);
    const orders = await f.sb<{ items: { notes: Record<string, string> }[] }>('GET', '/v1/orders?count=100', undefined, 'razorpay');
    expect(orders.body.items.filter((x) => x.notes.paydesk_id === o)).toHaveLength(1);
    expect((await f.call('payments.get', { id: o })).payment.status).toBe('open');
    const plinks = await f.sb<{ data: { metadata: Record<string, string> }[] }>('GET', '/v1/payment_links?limit=100', undefined, 'stripe');
    expect(plinks.body.data.filter((l) => l.metadata.paydesk_id === pl)).toHaveLength(1);
  });
});

describe('where the customer comes back to', () => {
  it("a Checkout Session sends the customer to Paydesk's own pages on the address they can reach, naming the order", async () => {
    const p = await f.call('links.create', stripe({ orderRef: 'BACK-1' }));
    const s = await f.sb<{ success_url: string | null; cancel_url: string | null }>('GET', `/v1/checkout/sessions/${p.gatewayIds.sessionId}`, undefined, 'stripe');
    const listener = `http://127.0.0.1:${f.core.deps!.runtime.webhookListenerPort}`;
    expect(s.body).toMatchObject({ success_url: `${listener}/pay/done?ref=BACK-1`, cancel_url: `${listener}/pay/cancelled?ref=BACK-1` });
    const done = await fetch(s.body.success_url!);
    expect(done.status).toBe(200);
    expect(done.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    const html = await done.text();
    expect(html).toContain('Thank you');
    expect(html).toContain('for order BACK-1');
    expect(html).not.toMatch(/<script/i);
    const forged = await (await fetch(`${listener}/pay/cancelled?ref=${encodeURIComponent('<img src=x onerror=alert(1)>')}`)).text();
    expect(forged).toContain('Nothing was charged');
    expect(forged).not.toContain('<img');
  });

  it("the shop's own pages when it gives them; a page that is not https is refused at its field", async () => {
    const p = await f.call('links.create', stripe({ orderRef: 'BACK-2', successUrl: 'https://shop.example.com/thanks', cancelUrl: 'https://shop.example.com/cart' }));
    const s = await f.sb<{ success_url: string; cancel_url: string }>('GET', `/v1/checkout/sessions/${p.gatewayIds.sessionId}`, undefined, 'stripe');
    expect(s.body).toMatchObject({ success_url: 'https://shop.example.com/thanks', cancel_url: 'https://shop.example.com/cart' });
    const e = await f.fail('links.create', stripe({ orderRef: 'BACK-3', successUrl: 'http://shop.example.com/thanks' }));
    expect(e).toMatchObject({ code: 'invalid_input', field: 'successUrl' });
  });
});
