// The official razorpay SDK against a fresh Paydesk Sandbox: every emulated endpoint, its shapes and errors,
// signatures (webhooks and payment-link callbacks), orders, payment links, capture and auto-refund. Refunds
// and settlements: sandbox-razorpay-money.test.ts.
import Razorpay from 'razorpay';
import { validatePaymentVerification } from 'razorpay/dist/utils/razorpay-utils';
import { describe, expect, it } from 'vitest';
import { ERROR_FIELDS, EVENT_FIELDS, ORDER_FIELDS, PAYMENT_LINK_FIELDS, PAYMENT_LINK_PAYMENT_FIELDS } from '../../sandbox/razorpay/types';
import { control, rzpClient } from '../fixtures/razorpay-sandbox';
import { DAY, expectFields, expectPayment, sdkError, useRazorpaySandbox, WEBHOOK_SECRET, type Received } from './sandbox-razorpay-kit';

const ctx = useRazorpaySandbox();
const { received } = ctx;

const nowSec = (): number => Math.floor(ctx.sb.clock.now() / 1000);
const events = (type: string): Received[] => received.filter((r) => r.body.event === type);
const basic = (): string => `Basic ${Buffer.from(`${ctx.sb.keys.RAZORPAY_KEY_ID}:${ctx.sb.keys.RAZORPAY_KEY_SECRET}`).toString('base64')}`;

async function newLink(extra: Record<string, unknown> = {}) {
  return ctx.rzp.paymentLink.create({
    amount: 50000,
    currency: 'INR',
    description: 'Invoice #42',
    customer: { name: 'Asha Rao', email: 'asha@example.com', contact: '+919876543210' },
    notify: { sms: true, email: true },
    reference_id: `ref_${Math.random().toString(36).slice(2, 12)}`,
    ...extra,
  } as never);
}

describe('authentication and errors', () => {
  it('refuses a wrong key secret with 401 Authentication failed', async () => {
    const bad = rzpClient(ctx.sb, ctx.sb.keys.RAZORPAY_KEY_ID, 'wrong-secret');
    const err = await sdkError(bad.orders.all());
    expect(err.statusCode).toBe(401);
    expect(err.error.code).toBe('BAD_REQUEST_ERROR');
    expect(err.error.description).toBe('Authentication failed');
    expectFields(err.error, ERROR_FIELDS);
  });

  it('answers unknown ids with 400 "The id provided does not exist" and malformed ids with "is not a valid id"', async () => {
    const err = await sdkError(ctx.rzp.payments.fetch('pay_AAAAAAAAAAAAAA'));
    expect(err.statusCode).toBe(400);
    expect(err.error).toMatchObject({ code: 'BAD_REQUEST_ERROR', description: 'The id provided does not exist' });
    expectFields(err.error, ERROR_FIELDS);
    const bad = await sdkError(ctx.rzp.orders.fetch('nope'));
    expect(bad.statusCode).toBe(400);
    expect(bad.error.description).toBe('nope is not a valid id');
  });

  it('validates order input: amount, type, currency, unknown fields, JSON', async () => {
    const cases: Array<[Record<string, unknown>, string, RegExp]> = [
      [{ amount: 50, currency: 'INR' }, 'amount', /atleast INR 1\.00/],
      [{ amount: 100.5, currency: 'INR' }, 'amount', /must be an integer/],
      [{ amount: -500, currency: 'INR' }, 'amount', /positive/],
      [{ amount: 'abc', currency: 'INR' }, 'amount', /must be an integer/],
      [{ amount: 5000, currency: 'XYZ' }, 'currency', /not supported/],
      [{ amount: 5000, currency: 'INR', receipt: 42 }, 'receipt', /must be a string/],
      [{ amount: 5000, currency: 'INR', colour: 'red' }, 'colour', /is\/are not required and should not be sent/],
      [{ amount: 5000, currency: 'INR', receipt: 'x'.repeat(41) }, 'receipt', /may not be greater than 40/],
    ];
    for (const [body, field, msg] of cases) {
      const err = await sdkError(ctx.rzp.orders.create(body as never));
      expect(err.statusCode, JSON.stringify(body)).toBe(400);
      expect(err.error.field).toBe(field);
      expect(String(err.error.description)).toMatch(msg);
    }
    // razorpay-node fills in INR itself; the API does not
    const noCurrency = await fetch(`${ctx.sb.url}/v1/orders`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/json' }, body: '{"amount": 5000}' });
    expect(noCurrency.status).toBe(400);
    expect(((await noCurrency.json()) as { error: Record<string, unknown> }).error).toMatchObject({ code: 'BAD_REQUEST_ERROR', field: 'currency', description: 'The currency field is required.' });
    const res = await fetch(`${ctx.sb.url}/v1/orders`, { method: 'POST', headers: { authorization: basic(), 'content-type': 'application/json' }, body: '{"amount": 5000,' });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: Record<string, unknown> };
    expect(json.error.code).toBe('BAD_REQUEST_ERROR');
    expect(JSON.stringify(json)).not.toMatch(/at \w+ \(|node_modules/);
  });
});

describe('orders', () => {
  it('creates, fetches and lists orders with Razorpay entity fields', async () => {
    const order = await ctx.rzp.orders.create({ amount: 129900, currency: 'INR', receipt: 'rcpt_1', notes: { cart: 'A1' } });
    expectFields(order, ORDER_FIELDS);
    expect(order).toMatchObject({ entity: 'order', amount: 129900, amount_paid: 0, amount_due: 129900, currency: 'INR', receipt: 'rcpt_1', status: 'created', attempts: 0, notes: { cart: 'A1' } });
    expect(order.id).toMatch(/^order_[A-Za-z0-9]{14}$/);
    expect(Math.abs(Number(order.created_at) - nowSec())).toBeLessThan(5);
    const plain = await ctx.rzp.orders.create({ amount: 5000, currency: 'INR' });
    expect(plain.notes).toEqual([]);

    expect(await ctx.rzp.orders.fetch(order.id)).toEqual(order);
    const list = await ctx.rzp.orders.all({ count: 1 });
    expect(list).toMatchObject({ entity: 'collection', count: 1 });
    expect(list.items[0]!.id).toBe(plain.id); // newest first
    const byReceipt = await ctx.rzp.orders.all({ receipt: 'rcpt_1' });
    expect(byReceipt.items.map((o) => o.id)).toEqual([order.id]);
    const skipped = await ctx.rzp.orders.all({ count: 1, skip: 1 });
    expect(skipped.items[0]!.id).toBe(order.id);
    const payments = await ctx.rzp.orders.fetchPayments(order.id);
    expect(payments).toEqual({ entity: 'collection', count: 0, items: [] });
  });
});

describe('payment links', () => {
  it('creates a link with Razorpay fields, a hosted short_url, and records the notifications', async () => {
    const expireBy = nowSec() + 3600;
    const link = await newLink({ expire_by: expireBy, callback_url: 'https://merchant.example/thanks', callback_method: 'get', notes: { invoice: '42' } });
    expectFields(link, PAYMENT_LINK_FIELDS);
    expect(link).toMatchObject({ amount: 50000, amount_paid: 0, currency: 'INR', status: 'created', payments: null, expire_by: expireBy, callback_method: 'get' });
    expect(link.id).toMatch(/^plink_[A-Za-z0-9]{14}$/);
    expect(link.short_url).toBe(`${ctx.sb.url}/rzp/l/${link.id}`);
    const page = await fetch(link.short_url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('₹500.00');

    const notes = await control<{ items: Array<{ channel: string; to: string; payment_link_id: string }> }>(ctx.sb, 'GET', `/__sandbox/razorpay/notifications?payment_link_id=${link.id}`);
    expect(notes.body.items.map((n) => [n.channel, n.to]).sort()).toEqual([['email', 'asha@example.com'], ['sms', '+919876543210']]);

    expect(await ctx.rzp.paymentLink.fetch(link.id)).toEqual(link);
    const all = await ctx.rzp.paymentLink.all();
    expect(Object.keys(all)).toEqual(['payment_links']);
    expect(all.payment_links.some((l) => l.id === link.id)).toBe(true);
    const byRef = await ctx.rzp.paymentLink.all({ reference_id: link.reference_id } as never);
    expect(byRef.payment_links.map((l) => l.id)).toEqual([link.id]);
  });

  it('refuses a repeated reference_id, a too-near expire_by and a bad callback', async () => {
    const link = await newLink();
    const dup = await sdkError(newLink({ reference_id: link.reference_id }));
    expect(dup.statusCode).toBe(400);
    expect(dup.error).toMatchObject({ code: 'BAD_REQUEST_ERROR', description: 'payment link creation with reference ID already attempted', field: 'reference_id' });
    const soon = await sdkError(newLink({ expire_by: nowSec() + 60 }));
    expect(soon.error).toMatchObject({ field: 'expire_by', description: 'timestamp must be atleast 15 minutes in future' });
    const cb = await sdkError(newLink({ callback_url: 'https://merchant.example/x' }));
    expect(cb.error.field).toBe('callback_method');
    const cbBad = await sdkError(newLink({ callback_url: 'not a url', callback_method: 'get' }));
    expect(cbBad.error.field).toBe('callback_url');
    const extra = await sdkError(newLink({ customer: { name: 'A', age: 3 } }));
    expect(extra.error.field).toBe('customer.age');
  });

  it('cancels a link and emits payment_link.cancelled; a cancelled link cannot be paid', async () => {
    const link = await newLink();
    const cancelled = await ctx.rzp.paymentLink.cancel(link.id);
    expect(cancelled.status).toBe('cancelled');
    expect(cancelled.cancelled_at).toBeGreaterThan(0);
    await ctx.sb.webhooks.idle();
    expect(events('payment_link.cancelled').some((e) => e.body.payload.payment_link?.entity.id === link.id)).toBe(true);
    const again = await sdkError(ctx.rzp.paymentLink.cancel(link.id));
    expect(again.statusCode).toBe(400);
    const pay = await control(ctx.sb, 'POST', `/__sandbox/razorpay/payment_links/${link.id}/pay`, { vpa: 'success@razorpay' });
    expect(pay.status).toBe(400);
  });

  it('pays a link by UPI: payment captured with fee and tax, link paid, signed callback, both webhooks', async () => {
    const link = await newLink({ callback_url: 'https://merchant.example/thanks', callback_method: 'get' });
    const res = await control<{ payment: { id: string }; callback: { params: Record<string, string>; redirect: string } }>(
      ctx.sb, 'POST', `/__sandbox/razorpay/payment_links/${link.id}/pay`, { method: 'upi', vpa: 'success@razorpay' },
    );
    expect(res.status).toBe(200);
    const payment = await ctx.rzp.payments.fetch(res.body.payment.id);
    expectPayment(payment);
    // 2% of 50000 = 1000, GST 18% of that = 180; Razorpay's fee includes the GST
    expect(payment).toMatchObject({ status: 'captured', captured: true, method: 'upi', vpa: 'success@razorpay', amount: 50000, fee: 1180, tax: 180, email: 'asha@example.com' });
    expect(payment.order_id).toMatch(/^order_/);

    const paid = await ctx.rzp.paymentLink.fetch(link.id);
    expect(paid.status).toBe('paid');
    expect(paid.amount_paid).toBe(50000);
    expect(paid.payments).toHaveLength(1);
    expectFields((paid.payments as unknown as unknown[])[0], PAYMENT_LINK_PAYMENT_FIELDS);

    const p = res.body.callback.params;
    expect(p).toMatchObject({ razorpay_payment_id: payment.id, razorpay_payment_link_id: link.id, razorpay_payment_link_reference_id: link.reference_id, razorpay_payment_link_status: 'paid' });
    expect(validatePaymentVerification({
      payment_link_id: p.razorpay_payment_link_id, payment_link_reference_id: p.razorpay_payment_link_reference_id,
      payment_link_status: p.razorpay_payment_link_status, payment_id: p.razorpay_payment_id,
    } as never, p.razorpay_signature!, ctx.sb.keys.RAZORPAY_KEY_SECRET)).toBe(true);
    const redirect = new URL(res.body.callback.redirect);
    expect(redirect.origin + redirect.pathname).toBe('https://merchant.example/thanks');
    expect(redirect.searchParams.get('razorpay_signature')).toBe(p.razorpay_signature);

    await ctx.sb.webhooks.idle();
    const linkPaid = events('payment_link.paid').find((e) => e.body.payload.payment_link?.entity.id === link.id);
    const captured = events('payment.captured').find((e) => e.body.payload.payment?.entity.id === payment.id);
    expect(linkPaid && captured).toBeTruthy();
    expect(linkPaid!.headers['x-razorpay-event-id']).not.toBe(captured!.headers['x-razorpay-event-id']);
    expect(linkPaid!.body.contains).toEqual(['payment_link', 'order', 'payment']);
    for (const e of [linkPaid!, captured!]) {
      expectFields(e.body, EVENT_FIELDS);
      expect(e.body.entity).toBe('event');
      expect(Razorpay.validateWebhookSignature(e.raw, String(e.headers['x-razorpay-signature']), WEBHOOK_SECRET)).toBe(true);
      expect(Razorpay.validateWebhookSignature(e.raw, String(e.headers['x-razorpay-signature']), 'other-secret')).toBe(false);
    }
    expectPayment(captured!.body.payload.payment!.entity);
    expect(events('payment.authorized').some((e) => e.body.payload.payment?.entity.id === payment.id)).toBe(true);
    const ids = received.map((r) => r.headers['x-razorpay-event-id']);
    expect(new Set(ids).size).toBe(ids.length);

    const second = await control(ctx.sb, 'POST', `/__sandbox/razorpay/payment_links/${link.id}/pay`, {});
    expect(second.status).toBe(400);
  });

  it('fails a link payment with failure@razorpay and an error card; the link stays payable', async () => {
    const link = await newLink();
    const res = await control<{ payment: { id: string } }>(ctx.sb, 'POST', `/__sandbox/razorpay/payment_links/${link.id}/fail`, {});
    const failed = await ctx.rzp.payments.fetch(res.body.payment.id);
    expectPayment(failed);
    expect(failed).toMatchObject({ status: 'failed', captured: false, fee: null, error_code: 'BAD_REQUEST_ERROR' });
    const card = await control<{ payment: { id: string; status: string; error_reason: string } }>(
      ctx.sb, 'POST', `/__sandbox/razorpay/payment_links/${link.id}/pay`, { card_number: '4100 2800 0008 0001' },
    );
    expect(card.body.payment).toMatchObject({ status: 'failed', error_reason: 'insufficient_fund' });
    expect((await ctx.rzp.paymentLink.fetch(link.id)).status).toBe('created');
    await ctx.sb.webhooks.idle();
    expect(events('payment.failed').some((e) => e.body.payload.payment?.entity.id === failed.id)).toBe(true);
  });

  it('expires a link when its expire_by passes on the sandbox clock', async () => {
    const link = await newLink({ expire_by: nowSec() + 20 * 60 });
    ctx.sb.clock.advance(21 * 60 * 1000);
    const expired = await ctx.rzp.paymentLink.fetch(link.id);
    expect(expired.status).toBe('expired');
    expect(expired.expired_at).toBeGreaterThan(0);
    await ctx.sb.webhooks.idle();
    expect(events('payment_link.expired').some((e) => e.body.payload.payment_link?.entity.id === link.id)).toBe(true);
    const page = await fetch(link.short_url);
    expect(await page.text()).toContain('expired');
  });
});

describe('payments: capture and auto-refund', () => {
  it('leaves a payment authorized when payment_capture is off, and captures only the exact amount', async () => {
    const order = await ctx.rzp.orders.create({ amount: 20000, currency: 'INR', receipt: 'cap_1', payment_capture: false } as never);
    const res = await control<{ payment: { id: string }; callback: { params: Record<string, string> } }>(
      ctx.sb, 'POST', `/__sandbox/razorpay/orders/${order.id}/pay`, { card_number: '4100 2800 0000 1007' },
    );
    const auth = await ctx.rzp.payments.fetch(res.body.payment.id);
    expectPayment(auth);
    expect(auth).toMatchObject({ status: 'authorized', captured: false, fee: null, method: 'card', order_id: order.id });
    expect(auth.card).toMatchObject({ last4: '1007', network: 'Visa', entity: 'card' });
    expect((await ctx.rzp.orders.fetch(order.id)).status).toBe('attempted');

    const p = res.body.callback.params;
    expect(validatePaymentVerification({ order_id: order.id, payment_id: p.razorpay_payment_id } as never, p.razorpay_signature!, ctx.sb.keys.RAZORPAY_KEY_SECRET)).toBe(true);

    const wrong = await sdkError(ctx.rzp.payments.capture(auth.id, 19000, 'INR'));
    expect(wrong.statusCode).toBe(400);
    expect(wrong.error.field).toBe('amount');
    const wrongCur = await sdkError(ctx.rzp.payments.capture(auth.id, 20000, 'USD'));
    expect(wrongCur.error.field).toBe('currency');
    const refundFirst = await sdkError(ctx.rzp.payments.refund(auth.id, { amount: 1000 }));
    expect(refundFirst.statusCode).toBe(400);

    const captured = await ctx.rzp.payments.capture(auth.id, 20000, 'INR');
    expectPayment(captured);
    expect(captured).toMatchObject({ status: 'captured', captured: true, fee: 472, tax: 72 });
    const again = await sdkError(ctx.rzp.payments.capture(auth.id, 20000, 'INR'));
    expect(again.error.description).toBe('This payment has already been captured');
    const paidOrder = await ctx.rzp.orders.fetch(order.id);
    expect(paidOrder).toMatchObject({ status: 'paid', amount_paid: 20000, amount_due: 0, attempts: 1 });
    const orderPayments = await ctx.rzp.orders.fetchPayments(order.id);
    expect(orderPayments.items.map((x) => x.id)).toEqual([auth.id]);
    await ctx.sb.webhooks.idle();
    expect(events('order.paid').some((e) => e.body.payload.order?.entity.id === order.id)).toBe(true);
  });

  it('auto-refunds a payment left authorized for 3 days of sandbox time', async () => {
    const order = await ctx.rzp.orders.create({ amount: 30000, currency: 'INR', payment_capture: false } as never);
    const res = await control<{ payment: { id: string } }>(ctx.sb, 'POST', `/__sandbox/razorpay/orders/${order.id}/pay`, { vpa: 'success@razorpay' });
    ctx.sb.clock.advance(2 * DAY);
    expect((await ctx.rzp.payments.fetch(res.body.payment.id)).status).toBe('authorized');
    ctx.sb.clock.advance(DAY + 1000);
    const refunded = await ctx.rzp.payments.fetch(res.body.payment.id);
    expect(refunded).toMatchObject({ status: 'refunded', captured: false, amount_refunded: 30000, refund_status: 'full' });
    const refunds = await ctx.rzp.payments.fetchMultipleRefund(refunded.id);
    expect(refunds.count).toBe(1);
    await ctx.sb.webhooks.idle();
    expect(events('refund.processed').some((e) => e.body.payload.payment?.entity.id === refunded.id)).toBe(true);
  });

  it('lists payments with count and skip', async () => {
    const all = await ctx.rzp.payments.all({ count: 2 });
    expect(all.entity).toBe('collection');
    expect(all.items).toHaveLength(2);
    for (const p of all.items) expectPayment(p);
    const next = await ctx.rzp.payments.all({ count: 2, skip: 2 });
    expect(next.items[0]!.id).not.toBe(all.items[0]!.id);
    const tooMany = await sdkError(ctx.rzp.payments.all({ count: 101 }));
    expect(tooMany.error.field).toBe('count');
  });
});
