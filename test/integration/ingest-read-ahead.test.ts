// The ingest reads a batch's payments at once (payments.statesByIds) on both engines: what each event then
// folds is what the events before it in the batch left, a payment of another account is never taken from
// the read-ahead, and a batch that fails is applied again event by event. On PostgreSQL, where each
// statement is a round trip, the payments the batch names by our id are read in one statement and its
// events stored in one; duplicates, of each other or of stored events, are answered as duplicates.
import { beforeAll, expect, it } from 'vitest';
import { ADAPTERS } from '../../electron/core/gateways';
import type { PaymentChange } from '../../electron/core/payments/apply';
import { stateOfRow } from '../../electron/core/store/repos/payments';
import { summarizePayment } from '../../shared/status';
import { createIngest, type Ingest } from '../../electron/core/webhooks/ingest';
import { describeOnBothEngines, type EngineStore } from '../fixtures/engines';
import {
  RAZORPAY_ACCOUNT,
  STRIPE_ACCOUNT,
  fixturePayment,
  getFixtureSecret,
  razorpayCapturedEvent,
  razorpayEventBody,
  razorpayLinkPaidEvent,
  rzPayment,
  signRazorpay,
  signStripe,
  stripePaidEvent,
  type SignedRequest,
} from '../fixtures/webhook-helpers';

function openPayment(s: EngineStore, id: string, gateway: 'stripe' | 'razorpay'): void {
  s.repos.payments.insert(fixturePayment(id, gateway));
  s.exec(`UPDATE payments SET status = 'open' WHERE id = '${id}'`);
}

/** every statement the PostgreSQL connection runs, for counting; none on SQLite (in-process calls) */
function recordStatements(s: EngineStore): string[] {
  const seen: string[] = [];
  const pg = (s as Partial<{ pg: { query: (sql: string, params?: readonly unknown[]) => unknown } }>).pg;
  if (pg) {
    const query = pg.query.bind(pg);
    pg.query = (sql, params) => {
      seen.push(sql);
      return query(sql, params);
    };
  }
  return seen;
}

/** a second Stripe test account of the shop, with the fixture's secret */
const OTHER_STRIPE = 'acc_stripe_other';

function ingestOn(s: EngineStore, onApplied?: (change: PaymentChange) => void): Ingest {
  const { webhookEvents, payments, orders } = s.repos;
  return createIngest({
    events: webhookEvents, payments, orders, transaction: s.transaction, durability: s.durability(), onApplied,
    webhooks: (g) => ADAPTERS[g].webhooks,
    getSecret: (g, account) => (g === 'stripe' && account === OTHER_STRIPE ? getFixtureSecret(g, STRIPE_ACCOUNT) : getFixtureSecret(g, account)),
  });
}

/** delivers the requests in one turn of the event loop, so they form one group commit */
async function oneBatch(ingest: Ingest, requests: SignedRequest[]): Promise<number[]> {
  const answers = requests.map((r) => {
    const m = /^\/webhooks\/(stripe|razorpay)\/(.+)$/.exec(r.path)!;
    return ingest.handle({ gateway: m[1] as 'stripe' | 'razorpay', accountId: m[2]!, headers: r.headers, body: Buffer.from(r.body), receivedAt: Date.now() });
  });
  const done = await Promise.all(answers);
  await ingest.idle();
  return done.map((a) => a.status);
}

const refundProcessed = (eventId: string, paymentId: string, amount: number): SignedRequest =>
  signRazorpay(razorpayEventBody('refund.processed', {
    refund: { entity: { id: `rfnd_${eventId}`, entity: 'refund', amount, currency: 'INR', payment_id: paymentId, notes: [], status: 'processed', created_at: 1 } },
    payment: { entity: rzPayment(paymentId, null) },
  }), eventId);

describeOnBothEngines('the ingest reads a batch\'s payments ahead', (store, engine) => {
  beforeAll(() => store().exec(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at) VALUES
    ('${STRIPE_ACCOUNT}', 'stripe', 'test', 0, 'Stripe test', 'pk_test_fixture', 0, 1, 1),
    ('${RAZORPAY_ACCOUNT}', 'razorpay', 'test', 0, 'Razorpay test', 'rzp_test_fixture', 0, 1, 1),
    ('${OTHER_STRIPE}', 'stripe', 'test', 0, 'Stripe test, second shop', 'pk_test_other', 0, 1, 1)`));

  it('each event folds what the events before it in the batch left', async () => {
    const s = store();
    for (const id of ['pd_s1', 'pd_s2']) openPayment(s, id, 'stripe');
    openPayment(s, 'pd_r1', 'razorpay');
    const ingest = ingestOn(s);
    const statements = recordStatements(s);
    const answers = await oneBatch(ingest, [
      signStripe(stripePaidEvent('evt_s1', 'pd_s1')),
      signStripe(stripePaidEvent('evt_s2', 'pd_s2')),
      signRazorpay(razorpayLinkPaidEvent('plink_r1', 'pay_r1', 'pd_r1'), 'e_paid'),
      // names the payment by Razorpay's id only, which the event before taught it
      refundProcessed('e_refund', 'pay_r1', 20_000),
      // names it by our id again: folded on the row as read before the batch, it would lose the refund
      signRazorpay(razorpayCapturedEvent('pay_r1', 'pd_r1'), 'e_captured'),
    ]);
    expect(answers).toEqual([200, 200, 200, 200, 200]);
    expect(ingest.stats()).toMatchObject({ batches: 1, applied: 5 });
    const { payments } = s.repos;
    expect(payments.byId('pd_s1')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    expect(payments.byId('pd_s2')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    const r1 = payments.byId('pd_r1')!;
    expect(r1).toMatchObject({ status: 'paid', captured_minor: 50_000, refunded_minor: 20_000, refund_state: 'partially_refunded', gateway_payment_id: 'pay_r1' });
    // the stored state machine, which the next event folds on, holds the refund too
    expect(summarizePayment(stateOfRow(r1))).toMatchObject({ capturedMinor: 50_000, refundedMinor: 20_000 });
    if (engine === 'postgres') {
      // the three payments named by our id in one read; then pd_r1 once more, after an event wrote to it
      expect(statements.filter((q) => q.includes('= ANY('))).toHaveLength(1);
      expect(statements.filter((q) => /FROM payments WHERE id = \$1 AND account_id = \$2/.test(q))).toHaveLength(1);
    }
    await ingest.close();
  });

  it('a payment of another account, named by our id, is not the event\'s payment', async () => {
    const s = store();
    openPayment(s, 'pd_s9', 'stripe');
    const ingest = ingestOn(s);
    // the same id, sent to the other Stripe account's URL first, then to its own
    const answers = await oneBatch(ingest, [
      signStripe(stripePaidEvent('evt_other', 'pd_s9', 1_000), { account: OTHER_STRIPE }),
      signStripe(stripePaidEvent('evt_own', 'pd_s9')),
    ]);
    expect(answers).toEqual([200, 200]);
    expect(s.repos.webhookEvents.byEventId('stripe', OTHER_STRIPE, 'evt_other')).toMatchObject({ apply_result: 'unmatched', payment_id: null });
    expect(s.repos.webhookEvents.byEventId('stripe', STRIPE_ACCOUNT, 'evt_own')).toMatchObject({ apply_result: 'changed', payment_id: 'pd_s9' });
    expect(s.repos.payments.byId('pd_s9')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    await ingest.close();
  });

  it('duplicates in a batch, of each other or of stored events, are answered as duplicates and applied once', async () => {
    const s = store();
    openPayment(s, 'pd_d1', 'stripe');
    openPayment(s, 'pd_d2', 'stripe');
    openPayment(s, 'pd_d3', 'razorpay');
    const ingest = ingestOn(s);
    expect(await oneBatch(ingest, [signStripe(stripePaidEvent('evt_d1', 'pd_d1'))])).toEqual([200]);
    const statements = recordStatements(s);
    const captured = razorpayCapturedEvent('pay_d3', 'pd_d3');
    expect(await oneBatch(ingest, [
      signStripe(stripePaidEvent('evt_d1', 'pd_d1')),
      signStripe(stripePaidEvent('evt_d2', 'pd_d2')),
      signStripe(stripePaidEvent('evt_d2', 'pd_d2')),
      signRazorpay(captured, 'e_d3'),
      // the same signed body under another event id: a replay
      signRazorpay(captured, 'e_d3_again'),
    ])).toEqual([200, 200, 200, 200, 200]);
    const batchStatements = statements.splice(0);
    expect(ingest.stats()).toMatchObject({ batches: 2, stored: 3, duplicates: 3, applied: 3 });
    const { payments, webhookEvents } = s.repos;
    expect(payments.byId('pd_d2')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    expect(payments.byId('pd_d3')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    expect(payments.timeline('pd_d2')).toHaveLength(1);
    expect(webhookEvents.byEventId('stripe', STRIPE_ACCOUNT, 'evt_d2')).toMatchObject({ apply_result: 'changed', payment_id: 'pd_d2' });
    expect(webhookEvents.byEventId('razorpay', RAZORPAY_ACCOUNT, 'e_d3')).toMatchObject({ apply_result: 'changed', payment_id: 'pd_d3' });
    expect(webhookEvents.byEventId('razorpay', RAZORPAY_ACCOUNT, 'e_d3_again')).toBeUndefined();
    if (engine === 'postgres') {
      // the batch's payments in one read, its rows in one statement, a look for unmatched events per account;
      // what applying them wrote went out with the commit
      expect(batchStatements.map((q) => q.replace(/\s+/g, ' ').slice(0, 40))).toEqual([
        'SELECT id, account_id, gateway, amount_m',
        'INSERT INTO webhook_events (gateway, acc',
        'SELECT 1 FROM webhook_events WHERE accou',
        'SELECT 1 FROM webhook_events WHERE accou',
      ]);
      expect(batchStatements[1]).toContain('unnest(');
    }
    await ingest.close();
  });

  it('a batch with an event that cannot be applied is applied again event by event', async () => {
    const s = store();
    openPayment(s, 'pd_bad', 'stripe');
    openPayment(s, 'pd_ok', 'stripe');
    s.exec(engine === 'sqlite'
      ? `CREATE TRIGGER test_boom BEFORE INSERT ON payment_events WHEN new.payment_id = 'pd_bad' BEGIN SELECT RAISE(ABORT, 'boom'); END`
      : `CREATE FUNCTION test_boom() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN IF NEW.payment_id = 'pd_bad' THEN RAISE EXCEPTION 'boom'; END IF; RETURN NEW; END $$;
         CREATE TRIGGER test_boom BEFORE INSERT ON payment_events FOR EACH ROW EXECUTE FUNCTION test_boom()`);
    const announced: string[] = [];
    const ingest = ingestOn(s, (c) => announced.push(`${c.id} ${c.summary.status}`));
    expect(await oneBatch(ingest, [signStripe(stripePaidEvent('evt_bad', 'pd_bad')), signStripe(stripePaidEvent('evt_ok', 'pd_ok'))])).toEqual([200, 200]);
    // on PostgreSQL the failing write goes out as late as the end of the event's savepoint, after the JS that
    // followed it: what that JS counted and found is dropped with the savepoint
    expect(ingest.stats()).toMatchObject({ batches: 1, stored: 2, applied: 1, applyErrors: 1 });
    expect(announced).toEqual(['pd_ok paid']);
    expect(s.repos.webhookEvents.byEventId('stripe', STRIPE_ACCOUNT, 'evt_bad')).toMatchObject({ apply_result: 'error', error: expect.stringContaining('boom') });
    expect(s.repos.payments.byId('pd_bad')).toMatchObject({ status: 'open', captured_minor: 0 });
    expect(s.repos.payments.byId('pd_ok')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    s.exec(engine === 'sqlite' ? 'DROP TRIGGER test_boom' : 'DROP TRIGGER test_boom ON payment_events; DROP FUNCTION test_boom()');
    await ingest.close();
  });
});
