import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { request } from 'node:http';
import type { Db } from '../../../../electron/core/store/db';
import { createIngest, type Ingest, type PaymentChange, type ReceivedSummary } from '../../../../electron/core/webhooks/ingest';
import { startWebhookListener, type WebhookDelivery } from '../../../../electron/core/webhooks/listener';
import { paymentsRepo } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import {
  RAZORPAY_ACCOUNT,
  STRIPE_ACCOUNT,
  getFixtureSecret,
  ingestDeps,
  openFixtureDb,
  razorpayCapturedEvent,
  razorpayEventBody,
  razorpayLinkPaidEvent,
  rzPayment,
  seedPayment,
  signRazorpay,
  signStripe,
  stripeEventBody,
  stripePaidEvent,
  tempDbFile,
  type SignedRequest,
} from '../../../fixtures/webhook-helpers';

let file: string;
let db: Db;
let ingest: Ingest;
let applied: PaymentChange[];
let received: ReceivedSummary[];

beforeEach(() => {
  file = tempDbFile();
  db = openFixtureDb(file);
  applied = [];
  received = [];
  ingest = createIngest({ ...ingestDeps(db), getSecret: getFixtureSecret, onApplied: (c) => applied.push(c), onReceived: (s) => received.push(s) });
});
afterEach(async () => {
  await ingest.close();
  db.close();
});

const delivery = (r: SignedRequest, over: Partial<WebhookDelivery> = {}): WebhookDelivery => {
  const m = /^\/webhooks\/(stripe|razorpay)\/(.+)$/.exec(r.path)!;
  return { gateway: m[1] as 'stripe' | 'razorpay', accountId: m[2]!, headers: r.headers, body: Buffer.from(r.body), receivedAt: Date.now(), ...over };
};
const send = async (r: SignedRequest, over: Partial<WebhookDelivery> = {}) => ingest.handle(delivery(r, over));
const rows = (): { event_id: string; applied_at: number | null; apply_result: string | null; payment_id: string | null }[] =>
  db.prepare('SELECT event_id, applied_at, apply_result, payment_id FROM webhook_events ORDER BY id').all() as never;
const payment = (id: string) => paymentsRepo(sqliteSql(db)).byId(id)!;
const security = (): Record<string, number> =>
  Object.fromEntries((db.prepare('SELECT kind, sum(count) AS n FROM security_events GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));

describe('valid events', () => {
  it('Stripe: committed before the 200, then applied: the payment is paid and payment.changed fires', async () => {
    seedPayment(db, 'pd_s1', 'stripe');
    const r = await send(signStripe(stripePaidEvent('evt_1', 'pd_s1')));
    expect(r.status).toBe(200);
    // committed when the 200 is produced: a second connection sees it
    const other = new Database(file, { readonly: true });
    expect(other.prepare("SELECT count(*) AS n FROM webhook_events WHERE event_id = 'evt_1'").get()).toEqual({ n: 1 });
    other.close();
    await ingest.idle();
    expect(rows()).toEqual([{ event_id: 'evt_1', applied_at: expect.any(Number), apply_result: 'changed', payment_id: 'pd_s1' }]);
    expect(payment('pd_s1')).toMatchObject({ status: 'paid', captured_minor: 50_000, session_id: 'cs_test_pd_s1', payment_intent_id: 'pi_pd_s1', gateway_payment_id: 'pi_pd_s1' });
    expect(applied.map(({ id, accountId, summary }) => ({ id, accountId, status: summary.status, displayStatus: summary.displayStatus }))).toEqual([{ id: 'pd_s1', accountId: STRIPE_ACCOUNT, status: 'paid', displayStatus: 'paid' }]);
    expect(received).toEqual([expect.objectContaining({ gateway: 'stripe', accountId: STRIPE_ACCOUNT, stored: 1, duplicates: 0, lastType: 'checkout.session.completed' })]);
    expect(paymentsRepo(sqliteSql(db)).timeline('pd_s1')).toEqual([expect.objectContaining({ kind: 'captured', changed: 1, status_after: 'paid', gateway_type: 'checkout.session.completed' })]);
  });

  it('Razorpay: valid signature + event id -> stored and applied, with the fee', async () => {
    seedPayment(db, 'pd_r1', 'razorpay');
    const r = await send(signRazorpay(razorpayLinkPaidEvent('plink_1', 'pay_1', 'pd_r1'), 'evt_rz_1'));
    expect(r.status).toBe(200);
    await ingest.idle();
    expect(payment('pd_r1')).toMatchObject({ status: 'paid', captured_minor: 50_000, fee_minor: 1180, tax_minor: 180, net_minor: 48_820, plink_id: 'plink_1', order_id: 'order_pay_1', gateway_payment_id: 'pay_1' });
  });

  it('a duplicate is acknowledged and ignored: one row, applied once', async () => {
    seedPayment(db, 'pd_s1', 'stripe');
    const req = signStripe(stripePaidEvent('evt_dup', 'pd_s1'));
    expect((await send(req)).status).toBe(200);
    await ingest.idle();
    const again = await send(req);
    expect(again).toMatchObject({ status: 200, body: { received: true, duplicate: true } });
    const rz = signRazorpay(razorpayCapturedEvent('pay_9', null), 'evt_rz_dup');
    expect((await send(rz)).status).toBe(200);
    expect((await send(rz)).body).toMatchObject({ duplicate: true });
    await ingest.idle();
    expect(rows().map((r) => r.event_id)).toEqual(['evt_dup', 'evt_rz_dup']);
    expect(paymentsRepo(sqliteSql(db)).timeline('pd_s1')).toHaveLength(1);
    expect(ingest.stats()).toMatchObject({ stored: 2, duplicates: 2 });
  });

  it('a repeat (a new event id for a fact already applied) is stored and linked to the payment, applied as unchanged, and adds no timeline row', async () => {
    seedPayment(db, 'pd_s1', 'stripe');
    expect((await send(signStripe(stripePaidEvent('evt_first', 'pd_s1')))).status).toBe(200);
    expect((await send(signStripe(stripePaidEvent('evt_repeat', 'pd_s1')))).status).toBe(200);
    await ingest.idle();
    expect(rows()).toEqual([
      { event_id: 'evt_first', applied_at: expect.any(Number), apply_result: 'changed', payment_id: 'pd_s1' },
      { event_id: 'evt_repeat', applied_at: expect.any(Number), apply_result: 'unchanged', payment_id: 'pd_s1' },
    ]);
    expect(paymentsRepo(sqliteSql(db)).timeline('pd_s1')).toEqual([expect.objectContaining({ kind: 'captured', changed: 1, webhook_event_id: expect.any(Number) })]);
    // applied in the commit that stored it: nothing is ever left in the index of unapplied events
    expect(db.prepare('SELECT count(*) AS n FROM webhook_events WHERE applied_at IS NULL').get()).toEqual({ n: 0 });
  });

  it('an event whose apply fails is stored with the error and acknowledged; the rest of its batch is applied', async () => {
    seedPayment(db, 'pd_bad', 'stripe');
    seedPayment(db, 'pd_ok', 'stripe');
    db.exec(`CREATE TRIGGER test_boom BEFORE INSERT ON payment_events WHEN new.payment_id = 'pd_bad' BEGIN SELECT RAISE(ABORT, 'boom'); END`);
    const answers = await Promise.all([send(signStripe(stripePaidEvent('evt_bad', 'pd_bad'))), send(signStripe(stripePaidEvent('evt_ok', 'pd_ok')))]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
    await ingest.idle();
    expect(ingest.stats()).toMatchObject({ batches: 1, stored: 2, applyErrors: 1 });
    expect(db.prepare('SELECT event_id, apply_result, payment_id, error FROM webhook_events ORDER BY id').all()).toEqual([
      { event_id: 'evt_bad', apply_result: 'error', payment_id: null, error: expect.stringContaining('boom') },
      { event_id: 'evt_ok', apply_result: 'changed', payment_id: 'pd_ok', error: null },
    ]);
    // the failed apply left nothing behind: no timeline row, the payment as it was
    expect(paymentsRepo(sqliteSql(db)).timeline('pd_bad')).toEqual([]);
    expect(payment('pd_bad')).toMatchObject({ status: 'open', captured_minor: 0 });
    expect(payment('pd_ok')).toMatchObject({ status: 'paid' });
  });

  it('events that arrive together share one commit (group commit); each still gets its own answer', async () => {
    const reqs = Array.from({ length: 50 }, (_, i) => signStripe(stripeEventBody(`evt_g${i}`, 'customer.created', { id: `cus_${i}`, object: 'customer' })));
    const answers = await Promise.all(reqs.map((r) => send(r)));
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(ingest.stats()).toMatchObject({ stored: 50, batches: 1, largestBatch: 50 });
    await ingest.idle();
    expect(rows().every((r) => r.apply_result === 'ignored')).toBe(true);
    // and a lone event commits on its own, without waiting for company
    expect((await send(signStripe(stripeEventBody('evt_alone', 'customer.created', { id: 'cus_x', object: 'customer' })))).status).toBe(200);
    expect(ingest.stats().batches).toBe(2);
  });
});

describe('refused events change nothing', () => {
  const unchanged = async (r: SignedRequest, over: Partial<WebhookDelivery> = {}, kind: string) => {
    const before = security()[kind] ?? 0;
    const ans = await send(r, over);
    expect(ans.status).toBe(400);
    await ingest.idle();
    expect(rows()).toEqual([]);
    expect(security()[kind]).toBe(before + 1);
    expect(payment('pd_s1').status).toBe('open');
    expect(payment('pd_r1').status).toBe('open');
    expect(applied).toEqual([]);
  };
  beforeEach(() => {
    seedPayment(db, 'pd_s1', 'stripe');
    seedPayment(db, 'pd_r1', 'razorpay');
  });

  it('Stripe: wrong secret, tampered body, missing header, garbage header', async () => {
    await unchanged(signStripe(stripePaidEvent('evt_bad', 'pd_s1'), { secret: 'whsec_wrong' }), {}, 'bad_signature');
    const good = signStripe(stripePaidEvent('evt_tamper', 'pd_s1'));
    await unchanged({ ...good, body: good.body.replace('50000', '5') }, {}, 'bad_signature');
    await unchanged({ ...good, headers: { 'content-type': 'application/json' } }, {}, 'missing_signature');
    await unchanged({ ...good, headers: { 'stripe-signature': 'nonsense' } }, {}, 'bad_signature');
  });

  it('Stripe: stale timestamp (beyond the 300 s tolerance)', async () => {
    const body = stripePaidEvent('evt_stale', 'pd_s1');
    await unchanged(signStripe(body, { timestampSec: Math.floor(Date.now() / 1000) - 301 }), {}, 'stale_signature');
  });

  it('Stripe: a live-mode event at a test account', async () => {
    const body = stripePaidEvent('evt_live', 'pd_s1').replace('"livemode":false', '"livemode":true');
    await unchanged(signStripe(body), {}, 'mode_mismatch');
  });

  it('Razorpay: wrong secret, missing signature, replayed (too old)', async () => {
    const body = razorpayLinkPaidEvent('plink_1', 'pay_1', 'pd_r1');
    await unchanged(signRazorpay(body, 'evt_rz_bad', { secret: 'other' }), {}, 'bad_signature');
    const good = signRazorpay(body, 'evt_rz_nosig');
    const { 'x-razorpay-signature': _sig, ...noSig } = good.headers;
    await unchanged({ ...good, headers: noSig }, {}, 'missing_signature');
    const old = razorpayLinkPaidEvent('plink_1', 'pay_1', 'pd_r1', 50_000, Math.floor(Date.now() / 1000) - 8 * 24 * 3600);
    await unchanged(signRazorpay(old, 'evt_rz_old'), {}, 'replayed');
  });

  it('a signed body that is not JSON is refused as malformed', async () => {
    await unchanged(signRazorpay('not json', 'evt_rz_nj'), {}, 'malformed');
  });

  it('no secret configured: 503 + Retry-After (the gateway retries), counted so the UI can say what to configure', async () => {
    const r = await send(signStripe(stripePaidEvent('evt_x', 'pd_s1'), { account: 'acc_unknown' }));
    expect(r.status).toBe(503);
    expect(r.headers?.['retry-after']).toBe('60');
    await ingest.idle();
    expect(rows()).toEqual([]);
    expect(security().secret_missing).toBe(1);
    expect(received.at(-1)).toMatchObject({ accountId: 'acc_unknown', rejected: 1, lastRejection: 'secret_missing' });
    const detail = db.prepare('SELECT detail FROM security_events').get() as { detail: string };
    expect(detail.detail).not.toMatch(/whsec|fixture_secret/);
  });

  it('a flood of bad signatures adds to a count, not to rows', async () => {
    const bad = signStripe(stripePaidEvent('evt_bad', 'pd_s1'), { secret: 'whsec_wrong' });
    await Promise.all(Array.from({ length: 200 }, () => send(bad)));
    await ingest.idle();
    const n = db.prepare('SELECT count(*) AS rows, sum(count) AS total FROM security_events').get() as { rows: number; total: number };
    expect(n.total).toBe(200);
    expect(n.rows).toBeLessThanOrEqual(2); // one per minute bucket
  });
});

describe('order and counting', () => {
  it('Stripe events in any order converge: failure and expiry after payment change nothing', async () => {
    seedPayment(db, 'pd_s2', 'stripe');
    const failed = stripeEventBody('evt_f', 'payment_intent.payment_failed', {
      id: 'pi_pd_s2',
      object: 'payment_intent',
      amount: 50_000,
      metadata: { paydesk_id: 'pd_s2' },
      last_payment_error: { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' },
      status: 'requires_payment_method',
    });
    const expired = stripeEventBody('evt_e', 'checkout.session.expired', { id: 'cs_test_pd_s2', object: 'checkout.session', client_reference_id: 'pd_s2', payment_status: 'unpaid', status: 'expired', payment_link: null });
    for (const body of [stripePaidEvent('evt_p', 'pd_s2'), failed, expired]) expect((await send(signStripe(body))).status).toBe(200);
    await ingest.idle();
    expect(payment('pd_s2')).toMatchObject({ status: 'paid', status_reason: null });
    expect(applied.map((c) => c.summary.status)).toEqual(['paid']);
  });

  it('a failure first, then payment: failed -> paid with the reason shown meanwhile', async () => {
    seedPayment(db, 'pd_s3', 'stripe');
    const failed = stripeEventBody('evt_f3', 'payment_intent.payment_failed', {
      id: 'pi_pd_s3',
      object: 'payment_intent',
      metadata: { paydesk_id: 'pd_s3' },
      last_payment_error: { code: 'card_declined', decline_code: 'insufficient_funds', message: 'Your card has insufficient funds.' },
    });
    await send(signStripe(failed));
    await ingest.idle();
    expect(payment('pd_s3')).toMatchObject({ status: 'failed', status_reason: 'insufficient_funds: Your card has insufficient funds.' });
    await send(signStripe(stripePaidEvent('evt_p3', 'pd_s3')));
    await ingest.idle();
    expect(payment('pd_s3')).toMatchObject({ status: 'paid', status_reason: null });
    expect(applied.map((c) => c.summary.status)).toEqual(['failed', 'paid']);
  });

  it('Razorpay payment.captured before payment_link.paid: unmatched first, then counted once when the link event teaches the ids', async () => {
    seedPayment(db, 'pd_r2', 'razorpay');
    // both facts carry the same gateway time, so the second adds nothing the merchant sees (an earlier capture time would refine paid_at)
    const t = Math.floor(Date.now() / 1000);
    expect((await send(signRazorpay(razorpayCapturedEvent('pay_77', null, 50_000, t), 'evt_cap'))).status).toBe(200);
    await ingest.idle();
    expect(rows()[0]).toMatchObject({ apply_result: 'unmatched', payment_id: null });
    expect(payment('pd_r2').status).toBe('open');
    expect((await send(signRazorpay(razorpayLinkPaidEvent('plink_77', 'pay_77', 'pd_r2', 50_000, t), 'evt_link'))).status).toBe(200);
    await ingest.idle();
    expect(rows().map((r) => [r.event_id, r.apply_result, r.payment_id])).toEqual([
      ['evt_cap', 'unchanged', 'pd_r2'],
      ['evt_link', 'changed', 'pd_r2'],
    ]);
    expect(payment('pd_r2')).toMatchObject({ status: 'paid', captured_minor: 50_000, gateway_payment_id: 'pay_77' });
    // a late payment.authorized for the same payment changes nothing
    const auth = razorpayEventBody('payment.authorized', { payment: { entity: rzPayment('pay_77', null, 50_000, { status: 'authorized', captured: false, fee: null }) } });
    await send(signRazorpay(auth, 'evt_auth'));
    await ingest.idle();
    expect(payment('pd_r2')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    expect(rows().at(-1)).toMatchObject({ event_id: 'evt_auth', apply_result: 'unchanged' });
    expect(applied.filter((c) => c.id === 'pd_r2').map((c) => c.summary.status)).toEqual(['paid']);
  });

  it('payment_link.paid and payment.captured in either order, delivered twice each: captured once', async () => {
    seedPayment(db, 'pd_r3', 'razorpay');
    seedPayment(db, 'pd_r4', 'razorpay');
    const a3 = signRazorpay(razorpayLinkPaidEvent('plink_3', 'pay_3', 'pd_r3'), 'e_a3');
    const b3 = signRazorpay(razorpayCapturedEvent('pay_3', 'pd_r3'), 'e_b3');
    const a4 = signRazorpay(razorpayLinkPaidEvent('plink_4', 'pay_4', 'pd_r4'), 'e_a4');
    const b4 = signRazorpay(razorpayCapturedEvent('pay_4', 'pd_r4'), 'e_b4');
    for (const r of [a3, b3, a3, b4, a4, b4]) expect((await send(r)).status).toBe(200);
    await ingest.idle();
    for (const id of ['pd_r3', 'pd_r4']) expect(payment(id)).toMatchObject({ status: 'paid', captured_minor: 50_000, fee_minor: 1180 });
  });

  it('refunds through webhooks: partially refunded, never back', async () => {
    seedPayment(db, 'pd_r5', 'razorpay');
    await send(signRazorpay(razorpayLinkPaidEvent('plink_5', 'pay_5', 'pd_r5'), 'e5'));
    const refund = (status: string, id: string) =>
      signRazorpay(razorpayEventBody(`refund.${status === 'processed' ? 'processed' : 'created'}`, { refund: { entity: { id: 'rfnd_5', entity: 'refund', amount: 20_000, currency: 'INR', payment_id: 'pay_5', notes: [], status, created_at: 1 } }, payment: { entity: rzPayment('pay_5', null) } }), id);
    await send(refund('processed', 'e5r2'));
    await send(refund('pending', 'e5r1')); // the older event arrives last
    await ingest.idle();
    expect(payment('pd_r5')).toMatchObject({ status: 'paid', refunded_minor: 20_000, refund_state: 'partially_refunded' });
  });

  it('a refund fact reaches our refund rows inside the commit that stores the event, and only a refund fact does', async () => {
    await ingest.close();
    const followed: { paymentId: string; inTransaction: boolean; refunded: number }[] = [];
    ingest = createIngest({
      ...ingestDeps(db), getSecret: getFixtureSecret,
      followRefunds: (paymentId) => followed.push({ paymentId, inTransaction: db.inTransaction, refunded: payment(paymentId).refunded_minor }),
    });
    seedPayment(db, 'pd_r6', 'razorpay');
    await send(signRazorpay(razorpayLinkPaidEvent('plink_6', 'pay_6', 'pd_r6'), 'e6'));
    await ingest.idle();
    expect(followed).toEqual([]);
    await send(signRazorpay(razorpayEventBody('refund.processed', { refund: { entity: { id: 'rfnd_6', entity: 'refund', amount: 5_000, currency: 'INR', payment_id: 'pay_6', notes: [], status: 'processed', created_at: 1 } }, payment: { entity: rzPayment('pay_6', null) } }), 'e6r'));
    await ingest.idle();
    // called once, inside the transaction, after the fold wrote the payment: the follower sees the refund
    expect(followed).toEqual([{ paymentId: 'pd_r6', inTransaction: true, refunded: 5_000 }]);
  });
});

describe('durability', () => {
  it('every 2xx through the real listener corresponds to a committed row', async () => {
    for (let i = 0; i < 20; i++) seedPayment(db, `pd_c${i}`, i % 2 ? 'razorpay' : 'stripe');
    const l = await startWebhookListener({ port: 0, onDelivery: (d) => ingest.handle(d) });
    try {
      const reqs: SignedRequest[] = [];
      for (let i = 0; i < 200; i++) {
        const p = `pd_c${i % 20}`;
        reqs.push(i % 2 ? signRazorpay(razorpayCapturedEvent(`pay_c${i}`, p, 1_000), `evt_rz_c${i}`) : signStripe(stripePaidEvent(`evt_c${i}`, p, 1_000)));
      }
      reqs.push(signStripe(stripePaidEvent('evt_forged', 'pd_c0'), { secret: 'whsec_nope' }));
      const statuses = await Promise.all(
        reqs.map(
          (r) =>
            new Promise<{ id: string; status: number }>((resolve, reject) => {
              const req = request({ host: '127.0.0.1', port: l.port, method: 'POST', path: r.path, headers: r.headers }, (res) => {
                res.resume();
                res.on('end', () => resolve({ id: r.eventId, status: res.statusCode ?? 0 }));
              });
              req.on('error', reject);
              req.end(r.body);
            }),
        ),
      );
      const reader = new Database(file, { readonly: true });
      const stored = new Set((reader.prepare('SELECT event_id FROM webhook_events').all() as { event_id: string }[]).map((r) => r.event_id));
      reader.close();
      const acked = statuses.filter((s) => s.status >= 200 && s.status < 300);
      expect(acked).toHaveLength(200);
      for (const a of acked) expect(stored.has(a.id)).toBe(true);
      expect(statuses.find((s) => s.id === 'evt_forged')?.status).toBe(400);
      expect(stored.has('evt_forged')).toBe(false);
      await ingest.idle();
      const sums = db.prepare('SELECT count(*) AS n, sum(captured_minor) AS c FROM payments').get() as { n: number; c: number };
      // Stripe: one checkout session id per payment; Razorpay: ten distinct captured payments per payment
      expect(sums.n).toBe(20);
      const rzTotal = (db.prepare("SELECT sum(captured_minor) AS c FROM payments WHERE gateway = 'razorpay'").get() as { c: number }).c;
      expect(rzTotal).toBe(100 * 1_000);
    } finally {
      await l.close();
    }
  });

  it('applyPending applies rows a crash left unapplied, exactly once', async () => {
    seedPayment(db, 'pd_s9', 'stripe');
    const body = stripePaidEvent('evt_crash', 'pd_s9');
    db.prepare(`INSERT INTO webhook_events (gateway, account_id, event_id, type, livemode, raw, signature, received_at)
      VALUES ('stripe', ?, 'evt_crash', 'checkout.session.completed', 0, ?, 'valid', 1)`).run(STRIPE_ACCOUNT, Buffer.from(body));
    expect(ingest.applyPending()).toBe(1);
    expect(ingest.applyPending()).toBe(0);
    expect(payment('pd_s9').status).toBe('paid');
    expect(paymentsRepo(sqliteSql(db)).timeline('pd_s9')).toHaveLength(1);
  });

  it('a secret rotation: an event signed with the previous secret is accepted and marked so', async () => {
    const rotating = createIngest({ ...ingestDeps(db), getSecret: (g, a) => (a === RAZORPAY_ACCOUNT ? { secrets: ['new_secret_xyz', 'rzp_webhook_fixture_secret_0001'], livemode: false } : getFixtureSecret(g, a)) });
    const r = await rotating.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_rot', null), 'evt_rot')));
    expect(r.status).toBe(200);
    expect(db.prepare("SELECT signature FROM webhook_events WHERE event_id = 'evt_rot'").get()).toEqual({ signature: 'valid_previous_secret' });
    await rotating.close();
  });

  it('after close(), new deliveries get 503 and nothing is stored', async () => {
    await ingest.close();
    const r = await send(signStripe(stripePaidEvent('evt_late', 'pd_x')));
    expect(r.status).toBe(503);
    expect(rows()).toEqual([]);
  });
});
