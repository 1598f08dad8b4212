// The official razorpay SDK against a fresh Paydesk Sandbox: refunds (idempotency keys, over-refunds, lists)
// and settlements with their recon rows and signed settlement.processed webhook.
import Razorpay from 'razorpay';
import { beforeAll, describe, expect, it } from 'vitest';
import { RECON_FIELDS, REFUND_FIELDS, SETTLEMENT_FIELDS } from '../../sandbox/razorpay/types';
import { control, sdkAxios } from '../fixtures/razorpay-sandbox';
import { expectFields, sdkError, useRazorpaySandbox, WEBHOOK_SECRET, type Received } from './sandbox-razorpay-kit';

const ctx = useRazorpaySandbox();
const { received } = ctx;

const events = (type: string): Received[] => received.filter((r) => r.body.event === type);

describe('settlements', () => {
  it('settles captured payments minus refunds, with recon rows, and emits settlement.processed', async () => {
    // settle whatever is left, so this test starts from a clean balance (a negative balance carries its fees over)
    await control(ctx.sb, 'POST', '/__sandbox/razorpay/settlements', {});
    const nothing = await control<{ error: { code: string } }>(ctx.sb, 'POST', '/__sandbox/razorpay/settlements', {});
    expect(nothing.status).toBe(400);

    const order = await ctx.rzp.orders.create({ amount: 250000, currency: 'INR', receipt: 'setl_rcpt' });
    const paid = await control<{ payment: { id: string } }>(ctx.sb, 'POST', `/__sandbox/razorpay/orders/${order.id}/pay`, { card_number: '4100280000001007' });
    const refund = await ctx.rzp.payments.refund(paid.body.payment.id, { amount: 50000 });
    const res = await control<{ id: string }>(ctx.sb, 'POST', '/__sandbox/razorpay/settlements', {});
    expect(res.status).toBe(200);
    const st = await ctx.rzp.settlements.fetch(res.body.id);
    expectFields(st, SETTLEMENT_FIELDS);
    // fee 2% = 5000 + 18% GST 900 = 5900; 250000 - 5900 - 50000
    expect(st).toMatchObject({ entity: 'settlement', status: 'processed', amount: 194100, fees: 5900, tax: 900 });
    expect(st.utr).toMatch(/^\d{10}[a-z0-9]{6}$/);
    const list = await ctx.rzp.settlements.all();
    expect(list.items.some((s) => s.id === st.id)).toBe(true);

    const ist = new Date((Number(st.created_at) + 19800) * 1000);
    const recon = await ctx.rzp.settlements.reports({ year: ist.getUTCFullYear(), month: ist.getUTCMonth() + 1, day: ist.getUTCDate() } as never) as unknown as { entity: string; items: Array<Record<string, unknown>> };
    expect(recon.entity).toBe('collection');
    const mine = recon.items.filter((r) => r.settlement_id === st.id);
    expect(mine).toHaveLength(2);
    for (const row of mine) expectFields(row, RECON_FIELDS);
    expect(mine.find((r) => r.type === 'payment')).toMatchObject({
      entity_id: paid.body.payment.id, credit: 244100, debit: 0, amount: 250000, fee: 5900, tax: 900, settled: true,
      settlement_utr: st.utr, order_id: order.id, order_receipt: 'setl_rcpt', method: 'card', card_network: 'Visa', payment_id: null,
    });
    expect(mine.find((r) => r.type === 'refund')).toMatchObject({ entity_id: refund.id, debit: 50000, credit: 0, payment_id: paid.body.payment.id });
    const badMonth = await sdkError(ctx.rzp.settlements.reports({ year: 2025, month: 13 } as never));
    expect(badMonth.error).toMatchObject({ field: 'month', description: 'The month is not a valid month.' });

    await ctx.sb.webhooks.idle();
    const ev = events('settlement.processed').find((e) => e.body.payload.settlement?.entity.id === st.id);
    expect(ev).toBeTruthy();
    expect(Razorpay.validateWebhookSignature(ev!.raw, String(ev!.headers['x-razorpay-signature']), WEBHOOK_SECRET)).toBe(true);
  });
});

describe('refunds', () => {
  let paymentId = '';
  beforeAll(async () => {
    const order = await ctx.rzp.orders.create({ amount: 100000, currency: 'INR', receipt: 'rf_1' });
    const res = await control<{ payment: { id: string } }>(ctx.sb, 'POST', `/__sandbox/razorpay/orders/${order.id}/pay`, { card_number: '5267 3181 8797 5449' });
    paymentId = res.body.payment.id;
  });

  it('refunds partially, replays with the same X-Refund-Idempotency key and refuses a different body with 409', async () => {
    const ax = sdkAxios(ctx.rzp);
    let key = 'refund-key-0001';
    const id = ax.interceptors.request.use((config) => {
      if (config.headers.set) config.headers.set('X-Refund-Idempotency', key);
      else config.headers['X-Refund-Idempotency'] = key;
      return config;
    });
    try {
      const first = await ctx.rzp.payments.refund(paymentId, { amount: 30000, speed: 'normal', notes: { why: 'damaged' }, receipt: 'r1' });
      expectFields(first, REFUND_FIELDS);
      expect(first).toMatchObject({ entity: 'refund', amount: 30000, payment_id: paymentId, status: 'processed', speed_requested: 'normal', receipt: 'r1' });
      expect(first.id).toMatch(/^rfnd_/);
      const replay = await ctx.rzp.payments.refund(paymentId, { amount: 30000, speed: 'normal', notes: { why: 'damaged' }, receipt: 'r1' });
      expect(replay.id).toBe(first.id);
      const conflict = await sdkError(ctx.rzp.payments.refund(paymentId, { amount: 20000 }));
      expect(conflict.statusCode).toBe(409);
      expect(conflict.error.description).toBe('Different request with the same idempotency key has already been processed.');
      key = 'short';
      const short = await sdkError(ctx.rzp.payments.refund(paymentId, { amount: 20000 }));
      expect(short.statusCode).toBe(400);
      key = 'has spaces in it!';
      const chars = await sdkError(ctx.rzp.payments.refund(paymentId, { amount: 20000 }));
      expect(chars.statusCode).toBe(400);
    } finally {
      ax.interceptors.request.eject(id);
    }
    const p = await ctx.rzp.payments.fetch(paymentId);
    expect(p).toMatchObject({ amount_refunded: 30000, refund_status: 'partial', status: 'captured' });
  });

  it('refuses an over-refund, then refunds the rest; lists and fetches refunds', async () => {
    const over = await sdkError(ctx.rzp.payments.refund(paymentId, { amount: 70001 }));
    expect(over.statusCode).toBe(400);
    expect(over.error).toMatchObject({ code: 'BAD_REQUEST_ERROR', field: 'amount', description: 'The refund amount provided is greater than amount captured.' });
    const speed = await sdkError(ctx.rzp.payments.refund(paymentId, { amount: 1000, speed: 'turbo' } as never));
    expect(speed.error.field).toBe('speed');
    const rest = await ctx.rzp.payments.refund(paymentId, { speed: 'optimum' });
    expect(rest).toMatchObject({ amount: 70000, speed_requested: 'optimum', speed_processed: 'instant' });
    const p = await ctx.rzp.payments.fetch(paymentId);
    expect(p).toMatchObject({ status: 'refunded', refund_status: 'full', amount_refunded: 100000 });
    const full = await sdkError(ctx.rzp.payments.refund(paymentId, { amount: 100 }));
    expect(full.error.description).toBe('The payment has been fully refunded already');

    const forPayment = await ctx.rzp.payments.fetchMultipleRefund(paymentId);
    expect(forPayment).toMatchObject({ entity: 'collection', count: 2 });
    for (const r of forPayment.items) expectFields(r, REFUND_FIELDS);
    expect((await ctx.rzp.refunds.fetch(rest.id)).id).toBe(rest.id);
    expect((await ctx.rzp.payments.fetchRefund(paymentId, rest.id)).id).toBe(rest.id);
    const all = await ctx.rzp.refunds.all({ count: 100 });
    expect(all.items.some((r) => r.id === rest.id)).toBe(true);
    const viaSdk = (await ctx.rzp.refunds.all({ payment_id: paymentId } as never)) as unknown as { count: number };
    expect(viaSdk.count).toBe(2);
    await ctx.sb.webhooks.idle();
    expect(events('refund.created').some((e) => e.body.payload.refund?.entity.id === rest.id)).toBe(true);
    expect(events('refund.processed').some((e) => e.body.payload.refund?.entity.id === rest.id)).toBe(true);
  });
});
