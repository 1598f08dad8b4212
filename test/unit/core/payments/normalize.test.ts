import { describe, expect, it } from 'vitest';
import type Stripe from 'stripe';
import { normalizeRazorpay } from '../../../../electron/core/gateways/razorpay/webhooks-normalize';
import { normalizeStripe } from '../../../../electron/core/gateways/stripe/webhooks-normalize';
import type { RazorpayWebhookEvent } from '../../../../electron/core/gateways/razorpay/types';
import { foldPaymentEvents, initialPaymentState, summarizePayment } from '../../../../shared/status';

const T = 1_760_000_000;

function stripeEvent(type: string, object: Record<string, unknown>): Stripe.Event {
  return {
    id: `evt_${type.replace(/\W/g, '_')}`,
    object: 'event',
    api_version: '2025-09-30.clover',
    created: T,
    data: { object },
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
  } as unknown as Stripe.Event;
}

const session = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'cs_test_a1',
  object: 'checkout.session',
  amount_subtotal: 123450,
  amount_total: 123450,
  client_reference_id: 'pd_01',
  currency: 'usd',
  customer_details: { email: 'asha@example.com', name: 'Asha' },
  expires_at: T + 3600,
  livemode: false,
  metadata: { paydesk_id: 'pd_01', order_ref: 'A-1001' },
  mode: 'payment',
  payment_intent: 'pi_3Abc',
  payment_link: null,
  payment_status: 'paid',
  status: 'complete',
  url: null,
  ...over,
});

describe('normalizeStripe', () => {
  it('checkout.session.completed (paid) -> captured in full, found by client_reference_id and ids', () => {
    const n = normalizeStripe(stripeEvent('checkout.session.completed', session()));
    expect(n).toMatchObject({ gateway: 'stripe', handled: true, livemode: false });
    expect(n.ref).toEqual({ paydeskId: 'pd_01', ids: { sessionId: 'cs_test_a1', paymentIntentId: 'pi_3Abc' } });
    expect(n.events).toEqual([{ type: 'captured', at: T * 1000, paymentId: 'pi_3Abc', amount: 123450, full: true }]);
  });
  it('an unpaid (async) completion says nothing yet; async_payment_succeeded captures; _failed fails', () => {
    expect(normalizeStripe(stripeEvent('checkout.session.completed', session({ payment_status: 'unpaid' }))).events).toEqual([]);
    expect(normalizeStripe(stripeEvent('checkout.session.async_payment_succeeded', session())).events[0]).toMatchObject({ type: 'captured', full: true });
    expect(normalizeStripe(stripeEvent('checkout.session.async_payment_failed', session({ payment_status: 'unpaid' }))).events[0]).toMatchObject({ type: 'attempt_failed' });
  });
  it('metadata.paydesk_id is used when client_reference_id is absent', () => {
    const n = normalizeStripe(stripeEvent('checkout.session.completed', session({ client_reference_id: null })));
    expect(n.ref?.paydeskId).toBe('pd_01');
  });
  it('checkout.session.expired expires a one-off session but not a reusable Payment Link', () => {
    expect(normalizeStripe(stripeEvent('checkout.session.expired', session({ status: 'expired', payment_status: 'unpaid', payment_intent: null }))).events).toEqual([{ type: 'expired', at: T * 1000 }]);
    const pl = normalizeStripe(stripeEvent('checkout.session.expired', session({ status: 'expired', payment_status: 'unpaid', payment_link: 'plink_1' })));
    expect(pl.events).toEqual([]);
    expect(pl.ref?.ids.plinkId).toBe('plink_1');
  });
  it('payment_intent.payment_failed carries decline_code and message as the reason', () => {
    const n = normalizeStripe(
      stripeEvent('payment_intent.payment_failed', {
        id: 'pi_3Abc',
        object: 'payment_intent',
        amount: 123450,
        amount_received: 0,
        currency: 'usd',
        latest_charge: 'ch_3Abc',
        metadata: {},
        status: 'requires_payment_method',
        last_payment_error: { type: 'card_error', code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.', charge: 'ch_3Abc' },
      }),
    );
    expect(n.ref).toEqual({ paydeskId: null, ids: { paymentIntentId: 'pi_3Abc', chargeId: 'ch_3Abc' } });
    expect(n.events).toEqual([{ type: 'attempt_failed', at: T * 1000, reason: 'insufficient_funds: Your card has insufficient funds.', paymentId: 'pi_3Abc', attemptId: 'ch_3Abc' }]);
  });
  it('payment_intent.succeeded and charge.succeeded key the capture by the payment intent (counted once)', () => {
    const pi = normalizeStripe(stripeEvent('payment_intent.succeeded', { id: 'pi_3Abc', object: 'payment_intent', amount: 123450, amount_received: 123450, metadata: { paydesk_id: 'pd_01' }, latest_charge: 'ch_3Abc', status: 'succeeded' }));
    const ch = normalizeStripe(
      stripeEvent('charge.succeeded', {
        id: 'ch_3Abc',
        object: 'charge',
        amount: 123450,
        amount_captured: 123450,
        captured: true,
        payment_intent: 'pi_3Abc',
        metadata: { paydesk_id: 'pd_01' },
        balance_transaction: { id: 'txn_1', object: 'balance_transaction', fee: 3610, net: 119840 },
        refunds: { object: 'list', data: [] },
      }),
    );
    expect(ch.ref?.ids).toEqual({ paymentIntentId: 'pi_3Abc', chargeId: 'ch_3Abc' });
    const cs = normalizeStripe(stripeEvent('checkout.session.completed', session()));
    const s = summarizePayment(foldPaymentEvents(initialPaymentState(123450), [...pi.events, ...ch.events, ...cs.events]));
    expect(s).toMatchObject({ status: 'paid', capturedMinor: 123450, feeMinor: 3610, netMinor: 119840 });
  });
  it('refund.* and charge.refund.updated map statuses; charge.refunded lists its refunds', () => {
    const refund = { id: 're_1', object: 'refund', amount: 5000, charge: 'ch_3Abc', payment_intent: 'pi_3Abc', currency: 'usd', metadata: { paydesk_id: 'pd_01' }, status: 'pending' };
    expect(normalizeStripe(stripeEvent('refund.created', refund)).events).toEqual([{ type: 'refund_updated', at: T * 1000, refundId: 're_1', amount: 5000, status: 'pending', paymentId: 'pi_3Abc' }]);
    expect(normalizeStripe(stripeEvent('charge.refund.updated', { ...refund, status: 'succeeded' })).events[0]).toMatchObject({ status: 'succeeded' });
    expect(normalizeStripe(stripeEvent('refund.failed', { ...refund, status: 'failed' })).events[0]).toMatchObject({ status: 'failed' });
    expect(normalizeStripe(stripeEvent('refund.updated', { ...refund, status: 'canceled' })).events[0]).toMatchObject({ status: 'failed' });
    const ch = normalizeStripe(stripeEvent('charge.refunded', { id: 'ch_3Abc', object: 'charge', amount: 123450, captured: true, amount_captured: 123450, amount_refunded: 5000, payment_intent: 'pi_3Abc', metadata: {}, refunds: { object: 'list', data: [{ ...refund, status: 'succeeded' }] } }));
    expect(ch.events).toEqual([{ type: 'refund_updated', at: T * 1000, refundId: 're_1', amount: 5000, status: 'succeeded', paymentId: 'pi_3Abc' }]);
  });
  it('payment_link.updated active=false cancels; unknown types are not handled', () => {
    expect(normalizeStripe(stripeEvent('payment_link.updated', { id: 'plink_1', object: 'payment_link', active: false, metadata: { paydesk_id: 'pd_02' } })).events).toEqual([{ type: 'cancelled', at: T * 1000 }]);
    expect(normalizeStripe(stripeEvent('customer.created', { id: 'cus_1', object: 'customer' }))).toMatchObject({ handled: false, ref: null, events: [] });
  });
});

// --- Razorpay (payload shapes from razorpay/markdown-docs webhooks/payloads) ---

const payment = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'pay_29QQoUBi66xm2f',
  entity: 'payment',
  amount: 50000,
  currency: 'INR',
  status: 'captured',
  order_id: 'order_9A33XWu170gUtm',
  invoice_id: null,
  international: false,
  method: 'upi',
  amount_refunded: 0,
  refund_status: null,
  captured: true,
  description: '#plink_Jz1',
  email: 'asha@example.com',
  contact: '+919876543210',
  notes: [],
  fee: 1180,
  tax: 180,
  error_code: null,
  error_description: null,
  error_reason: null,
  created_at: T,
  ...over,
});

function rzEvent(event: string, payload: RazorpayWebhookEvent['payload']): RazorpayWebhookEvent {
  return { entity: 'event', account_id: 'acc_BFQ7uQEaa7j2z7', event, contains: Object.keys(payload), payload, created_at: T };
}

const link = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'plink_Jz1',
  amount: 50000,
  amount_paid: 50000,
  currency: 'INR',
  reference_id: 'pd_07',
  status: 'paid',
  order_id: 'order_9A33XWu170gUtm',
  short_url: 'https://rzp.io/i/abc',
  notes: { paydesk_id: 'pd_07' },
  created_at: T - 100,
  ...over,
});

describe('normalizeRazorpay', () => {
  it('payment_link.paid -> captured in full + fee; found by reference_id and learns order/payment ids', () => {
    const n = normalizeRazorpay(rzEvent('payment_link.paid', { payment_link: { entity: link() as never }, payment: { entity: payment() as never }, order: { entity: { id: 'order_9A33XWu170gUtm', entity: 'order', amount: 50000, amount_paid: 50000, amount_due: 0, currency: 'INR', receipt: null, status: 'paid', created_at: T } } }));
    expect(n.ref).toEqual({ paydeskId: 'pd_07', ids: { plinkId: 'plink_Jz1', orderId: 'order_9A33XWu170gUtm', paymentId: 'pay_29QQoUBi66xm2f' } });
    expect(n.events).toEqual([
      { type: 'captured', at: T * 1000, paymentId: 'pay_29QQoUBi66xm2f', amount: 50000, full: true, method: 'upi' },
      { type: 'fee_known', at: T * 1000, paymentId: 'pay_29QQoUBi66xm2f', fee: 1180, tax: 180, net: 48820 },
    ]);
  });
  it('payment_link.paid and payment.captured for one payment count once', () => {
    const a = normalizeRazorpay(rzEvent('payment_link.paid', { payment_link: { entity: link() as never }, payment: { entity: payment() as never } }));
    const b = normalizeRazorpay(rzEvent('payment.captured', { payment: { entity: payment() as never } }));
    expect(b.ref).toEqual({ paydeskId: null, ids: { paymentId: 'pay_29QQoUBi66xm2f', orderId: 'order_9A33XWu170gUtm' } });
    const s = summarizePayment(foldPaymentEvents(initialPaymentState(50000), [...b.events, ...a.events, ...b.events]));
    expect(s).toMatchObject({ status: 'paid', capturedMinor: 50000, feeMinor: 1180, taxMinor: 180 });
  });
  it('payment.failed carries error_reason and error_description; payment.authorized authorises', () => {
    const f = normalizeRazorpay(rzEvent('payment.failed', { payment: { entity: payment({ status: 'failed', captured: false, fee: null, tax: null, error_code: 'BAD_REQUEST_ERROR', error_description: 'Payment failed due to insufficient balance', error_reason: 'insufficient_funds', notes: { paydesk_id: 'pd_07' } }) as never } }));
    expect(f.ref?.paydeskId).toBe('pd_07');
    expect(f.events).toEqual([{ type: 'attempt_failed', at: T * 1000, reason: 'insufficient_funds: Payment failed due to insufficient balance', paymentId: 'pay_29QQoUBi66xm2f', attemptId: 'pay_29QQoUBi66xm2f' }]);
    const au = normalizeRazorpay(rzEvent('payment.authorized', { payment: { entity: payment({ status: 'authorized', captured: false, fee: null }) as never } }));
    expect(au.events).toEqual([{ type: 'authorized', at: T * 1000, paymentId: 'pay_29QQoUBi66xm2f', amount: 50000 }]);
  });
  it('order.paid captures in full, found by order notes', () => {
    const n = normalizeRazorpay(rzEvent('order.paid', { order: { entity: { id: 'order_X', entity: 'order', amount: 50000, amount_paid: 50000, amount_due: 0, currency: 'INR', receipt: 'pd_08', status: 'paid', notes: { paydesk_id: 'pd_08' }, created_at: T } }, payment: { entity: payment({ order_id: 'order_X' }) as never } }));
    expect(n.ref).toEqual({ paydeskId: 'pd_08', ids: { orderId: 'order_X', paymentId: 'pay_29QQoUBi66xm2f' } });
    expect(n.events[0]).toMatchObject({ type: 'captured', full: true, amount: 50000 });
  });
  it('payment_link.cancelled / .expired / .partially_paid', () => {
    expect(normalizeRazorpay(rzEvent('payment_link.cancelled', { payment_link: { entity: link({ status: 'cancelled' }) as never } })).events).toEqual([{ type: 'cancelled', at: T * 1000 }]);
    expect(normalizeRazorpay(rzEvent('payment_link.expired', { payment_link: { entity: link({ status: 'expired' }) as never } })).events).toEqual([{ type: 'expired', at: T * 1000 }]);
    const pp = normalizeRazorpay(rzEvent('payment_link.partially_paid', { payment_link: { entity: link({ status: 'partially_paid', amount_paid: 20000 }) as never }, payment: { entity: payment({ amount: 20000, fee: null }) as never } }));
    expect(pp.events).toEqual([{ type: 'captured', at: T * 1000, paymentId: 'pay_29QQoUBi66xm2f', amount: 20000, full: false, method: 'upi' }]);
  });
  it('refund.created/.processed/.failed', () => {
    const r = (status: string) => ({ refund: { entity: { id: 'rfnd_1', entity: 'refund', amount: 10000, currency: 'INR', payment_id: 'pay_29QQoUBi66xm2f', notes: { paydesk_id: 'pd_07' }, status, created_at: T } as never }, payment: { entity: payment() as never } });
    expect(normalizeRazorpay(rzEvent('refund.created', r('pending'))).events[0]).toMatchObject({ type: 'refund_updated', status: 'pending', amount: 10000, refundId: 'rfnd_1' });
    expect(normalizeRazorpay(rzEvent('refund.processed', r('processed'))).events[0]).toMatchObject({ status: 'succeeded' });
    const f = normalizeRazorpay(rzEvent('refund.failed', r('failed')));
    expect(f.events[0]).toMatchObject({ status: 'failed' });
    expect(f.ref).toEqual({ paydeskId: 'pd_07', ids: { paymentId: 'pay_29QQoUBi66xm2f', orderId: 'order_9A33XWu170gUtm' } });
  });
  it('settlement.processed is not about one payment', () => {
    const n = normalizeRazorpay(rzEvent('settlement.processed', { settlement: { entity: { id: 'setl_1', entity: 'settlement', amount: 98000, status: 'processed', fees: 2360, tax: 360, utr: 'UTR123', created_at: T } } }));
    expect(n).toMatchObject({ ref: null, events: [], handled: true, settlement: { id: 'setl_1', amountMinor: 98000, feeMinor: 2360, taxMinor: 360, utr: 'UTR123' } });
  });
});
