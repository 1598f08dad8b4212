// The facts the accountant's export reads of a payment: how it was paid (method), and for Stripe the
// balance transaction of the charge and when its funds become available. From the gateway objects
// (normalizers, the sync's expanded session), through the fold (set once, any order), into the columns.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { normalizeRazorpay } from '../../../../electron/core/gateways/razorpay/webhooks-normalize';
import type { RazorpayWebhookEvent } from '../../../../electron/core/gateways/razorpay/types';
import { sessionFacts } from '../../../../electron/core/gateways/stripe/sync-facts';
import { normalizeStripe } from '../../../../electron/core/gateways/stripe/webhooks-normalize';
import { applyFacts } from '../../../../electron/core/payments/apply';
import { paymentsRepo } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import { applyPaymentEvent, foldPaymentEvents, initialPaymentState, summarizePayment, type PaymentEvent } from '../../../../shared/status';
import { createReportDb, insertAccount, insertPayment } from '../../../fixtures/report-schema';

const T = 1_760_000_000;
const AVAILABLE = 1_760_400_000;
const bt = { id: 'txn_1', object: 'balance_transaction', fee: 103, net: 2397, available_on: AVAILABLE };
const charge = (over: Record<string, unknown> = {}) => ({
  id: 'ch_1', object: 'charge', amount: 2500, amount_captured: 2500, captured: true, created: T, payment_intent: 'pi_1', metadata: { paydesk_id: 'pd_1' },
  payment_method_details: { type: 'card', card: { brand: 'visa' } }, balance_transaction: bt, refunds: { object: 'list', data: [] }, ...over,
});
const stripeEvent = (type: string, object: unknown) => ({ id: 'evt_1', object: 'event', created: T, livemode: false, data: { object }, type }) as unknown as Stripe.Event;

describe('from the gateways', () => {
  it('Stripe charge: method from payment_method_details, fee with its balance transaction and available_on in ms', () => {
    const n = normalizeStripe(stripeEvent('charge.succeeded', charge()));
    expect(n.events).toEqual([
      { type: 'captured', at: T * 1000, paymentId: 'pi_1', amount: 2500, full: false, method: 'card' },
      { type: 'fee_known', at: T * 1000, paymentId: 'pi_1', fee: 103, tax: 0, net: 2397, balanceTxnId: 'txn_1', availableOn: AVAILABLE * 1000 },
    ]);
    // a webhook names the balance transaction by id only: the fee (and its transaction) come later
    expect(normalizeStripe(stripeEvent('charge.succeeded', charge({ balance_transaction: 'txn_1' }))).events.map((e) => e.type)).toEqual(['captured']);
  });

  it('Stripe sync: the retrieved session with its charge and balance transaction expanded says the same', () => {
    const session = {
      id: 'cs_1', object: 'checkout.session', status: 'complete', payment_status: 'paid', amount_total: 2500,
      payment_intent: { id: 'pi_1', object: 'payment_intent', created: T, latest_charge: charge() },
    } as unknown as Stripe.Checkout.Session;
    const { facts } = sessionFacts(session, false, T * 1000);
    expect(facts).toEqual([
      { type: 'captured', at: T * 1000, paymentId: 'pi_1', amount: 2500, full: true, method: 'card' },
      { type: 'fee_known', at: T * 1000, paymentId: 'pi_1', fee: 103, tax: 0, net: 2397, balanceTxnId: 'txn_1', availableOn: AVAILABLE * 1000 },
    ]);
  });

  it('Razorpay: the payment method as Razorpay names it (upi, netbanking, ...)', () => {
    for (const method of ['upi', 'netbanking', 'card', 'wallet', 'emi']) {
      const payment = { id: 'pay_1', entity: 'payment', amount: 50000, currency: 'INR', status: 'captured', order_id: null, method, notes: { paydesk_id: 'pd_2' }, fee: null, created_at: T };
      const e = { entity: 'event', event: 'payment.captured', contains: ['payment'], payload: { payment: { entity: payment } }, created_at: T } as unknown as RazorpayWebhookEvent;
      expect(normalizeRazorpay(e).events).toEqual([{ type: 'captured', at: T * 1000, paymentId: 'pay_1', amount: 50000, full: false, method }]);
    }
  });
});

describe('the fold', () => {
  const captured: PaymentEvent = { type: 'captured', at: 1, paymentId: 'pi_1', amount: 2500, full: true };
  const withMethod: PaymentEvent = { ...captured, at: 2, full: false, method: 'card' };
  const fee: PaymentEvent = { type: 'fee_known', at: 3, paymentId: 'pi_1', fee: 103, tax: 0, net: 2397 };
  const feeTxn: PaymentEvent = { ...fee, balanceTxnId: 'txn_1', availableOn: AVAILABLE * 1000 };

  it('learns method and balance transaction whichever fact says them, in any order, once', () => {
    const orders = [[captured, withMethod, fee, feeTxn], [feeTxn, fee, withMethod, captured], [fee, captured, feeTxn, withMethod]];
    const states = orders.map((o) => foldPaymentEvents(initialPaymentState(2500), o));
    for (const s of states) {
      expect(summarizePayment(s)).toMatchObject({ status: 'paid', feeMinor: 103, netMinor: 2397, method: 'card', balanceTxnId: 'txn_1', availableOn: AVAILABLE * 1000 });
      expect(s).toEqual(states[0]);
    }
    // repeats and facts without them change nothing
    for (const e of [captured, withMethod, fee, feeTxn]) expect(applyPaymentEvent(states[0]!, e).stateChanged).toBe(false);
  });

  it('until a gateway says, they are null; a fee without its transaction leaves the transaction null', () => {
    expect(summarizePayment(foldPaymentEvents(initialPaymentState(2500), [captured, fee]))).toMatchObject({ method: null, balanceTxnId: null, availableOn: null, feeMinor: 103 });
    expect(summarizePayment(foldPaymentEvents(initialPaymentState(2500), [captured]))).toMatchObject({ feeMinor: null, netMinor: null });
  });

  it('refuses values that are not what a gateway sends (empty method, negative time)', () => {
    const s = foldPaymentEvents(initialPaymentState(2500), [{ ...captured, method: '' }, { ...fee, balanceTxnId: '', availableOn: -5 }]);
    expect(summarizePayment(s)).toMatchObject({ method: null, balanceTxnId: null, availableOn: null });
  });
});

describe('into the payments row', () => {
  it('saveState writes method, balance_txn_id and available_on once known and never erases them', () => {
    const db = createReportDb(':memory:');
    insertAccount(db, { id: 'acc', gateway: 'stripe', mode: 'test', label: 'S' });
    insertPayment(db, { id: 'pd_1', account_id: 'acc', gateway: 'stripe', livemode: 0, amount_minor: 2500, currency: 'USD', status: 'open', paid_at: null });
    const repo = paymentsRepo(sqliteSql(db));
    const cols = () => db.prepare('SELECT method, balance_txn_id, available_on, fee_minor FROM payments WHERE id = ?').get('pd_1');
    const n = normalizeStripe(stripeEvent('charge.succeeded', charge({ balance_transaction: 'txn_1' })));
    applyFacts(repo, repo.findStateForRef('acc', n.ref!)!, n.events, { source: 'webhook', gatewayType: n.type, now: 1, ids: n.ref!.ids });
    expect(cols()).toEqual({ method: 'card', balance_txn_id: null, available_on: null, fee_minor: null });
    const later = normalizeStripe(stripeEvent('charge.updated', charge()));
    applyFacts(repo, repo.findStateForRef('acc', later.ref!)!, later.events, { source: 'sync', gatewayType: later.type, now: 2 });
    expect(cols()).toEqual({ method: 'card', balance_txn_id: 'txn_1', available_on: AVAILABLE * 1000, fee_minor: 103 });
    // a state that does not hold them (a row filled before its facts did), written in full: the columns stay
    db.prepare(`UPDATE payments SET method = 'upi' WHERE id = 'pd_1'`).run();
    repo.saveState('pd_1', foldPaymentEvents(initialPaymentState(2500), [{ type: 'captured', at: 1, paymentId: 'pi_1', amount: 2500, full: true }]), {}, 3);
    expect(cols()).toMatchObject({ method: 'upi', balance_txn_id: 'txn_1', available_on: AVAILABLE * 1000 });
    db.close();
  });
});
