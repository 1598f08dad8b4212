// Replay guards, through the real listener on 127.0.0.1 and a real database file, with bodies signed as the
// gateways sign them: a Razorpay body replayed under a new event id is a duplicate, and a signature or event
// time too far ahead of Paydesk's clock is refused. Paydesk's clock is injected and runs an hour behind real
// time, so a check made against Date.now() instead would let the forward-dated deliveries through.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { Db } from '../../../../electron/core/store/db';
import { paymentsRepo } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import { deliveriesRepo } from '../../../../electron/core/store/repos/deliveries';
import { createIngest, type Ingest, type PaymentChange, type ReceivedSummary } from '../../../../electron/core/webhooks/ingest';
import { startWebhookListener, type WebhookListener } from '../../../../electron/core/webhooks/listener';
import { linksEvents } from '../../../../shared/contract/links';
import {
  RAZORPAY_ACCOUNT,
  getFixtureSecret,
  ingestDeps,
  openFixtureDb,
  razorpayCapturedEvent,
  razorpayLinkPaidEvent,
  seedPayment,
  signRazorpay,
  signStripe,
  stripePaidEvent,
  tempDbFile,
  type SignedRequest,
} from '../../../fixtures/webhook-helpers';

const clockMs = Date.now() - 3_600_000;
const clock = { now: () => clockMs };
const clockSec = Math.floor(clockMs / 1000);

let file: string;
let db: Db;
let ingest: Ingest;
let listener: WebhookListener;
let applied: PaymentChange[];
let received: ReceivedSummary[];

async function start(): Promise<void> {
  ingest = createIngest({ ...ingestDeps(db), getSecret: getFixtureSecret, clock, onApplied: (c) => applied.push(c), onReceived: (s) => received.push(s) });
  listener = await startWebhookListener({ port: 0, now: clock.now, onDelivery: (d) => ingest.handle(d) });
}

async function stop(): Promise<void> {
  await listener.close();
  await ingest.close();
}

beforeEach(async () => {
  file = tempDbFile();
  db = openFixtureDb(file);
  applied = [];
  received = [];
  await start();
});
afterEach(async () => {
  await stop();
  db.close();
});

function post(r: SignedRequest): Promise<{ status: number; body: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: listener.port, method: 'POST', path: r.path, headers: r.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown> }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

const storedIds = (): string[] => (db.prepare('SELECT event_id FROM webhook_events ORDER BY id').all() as { event_id: string }[]).map((r) => r.event_id);
const refusals = (): Record<string, number> =>
  Object.fromEntries((db.prepare('SELECT kind, sum(count) AS n FROM security_events GROUP BY kind').all() as { kind: string; n: number }[]).map((r) => [r.kind, r.n]));
const payment = (id: string) => paymentsRepo(sqliteSql(db)).byId(id)!;

describe('a Razorpay body replayed under a new event id', () => {
  it('is acknowledged as a duplicate and changes nothing: one row, applied once, counted with the duplicates', async () => {
    seedPayment(db, 'pd_r1', 'razorpay');
    const body = razorpayLinkPaidEvent('plink_1', 'pay_1', 'pd_r1', 50_000, clockSec);
    expect(await post(signRazorpay(body, 'evt_rz_original'))).toEqual({ status: 200, body: { received: true } });
    await ingest.idle();
    const timeline = paymentsRepo(sqliteSql(db)).timeline('pd_r1');
    expect(await post(signRazorpay(body, 'evt_rz_replayed'))).toEqual({ status: 200, body: { received: true, duplicate: true } });
    await ingest.idle();
    expect(storedIds()).toEqual(['evt_rz_original']);
    expect(payment('pd_r1')).toMatchObject({ status: 'paid', captured_minor: 50_000 });
    expect(paymentsRepo(sqliteSql(db)).timeline('pd_r1')).toEqual(timeline);
    expect(applied).toHaveLength(1);
    expect(ingest.stats()).toMatchObject({ stored: 1, duplicates: 1 });
    expect(received.reduce((n, s) => n + s.duplicates, 0)).toBe(1);
  });

  it('is a duplicate inside one group commit too (handed to the ingest in one tick)', async () => {
    seedPayment(db, 'pd_r2', 'razorpay');
    const body = razorpayCapturedEvent('pay_2', 'pd_r2', 50_000, clockSec);
    const deliveries = ['evt_rz_a', 'evt_rz_b', 'evt_rz_c'].map((id) => {
      const r = signRazorpay(body, id);
      return { gateway: 'razorpay' as const, accountId: RAZORPAY_ACCOUNT, headers: r.headers, body: Buffer.from(r.body), receivedAt: clockMs };
    });
    const answers = await Promise.all(deliveries.map((d) => ingest.handle(d)));
    expect(answers).toEqual([{ status: 200, body: { received: true } }, ...Array(2).fill({ status: 200, body: { received: true, duplicate: true } })]);
    await ingest.idle();
    expect(storedIds()).toHaveLength(1);
    expect(ingest.stats()).toMatchObject({ batches: 1, stored: 1, duplicates: 2 });
    const hashes = db.prepare('SELECT account_id, length(body_sha256) AS n FROM webhook_events').all();
    expect(hashes).toEqual([{ account_id: RAZORPAY_ACCOUNT, n: 32 }]);
  });

  it('is a duplicate of a row stored before body hashes existed, once the ingest has started again', async () => {
    seedPayment(db, 'pd_r3', 'razorpay');
    const recent = razorpayCapturedEvent('pay_3', 'pd_r3', 50_000, clockSec);
    const old = razorpayCapturedEvent('pay_4', null, 50_000, clockSec - 9 * 24 * 3600);
    expect((await post(signRazorpay(recent, 'evt_rz_before'))).status).toBe(200);
    await stop();
    // as an older version stored them: no hash; one inside the replay window, one far older
    db.prepare(`INSERT INTO webhook_events (gateway, account_id, event_id, type, livemode, raw, signature, created_at, received_at, applied_at, apply_result)
      VALUES ('razorpay', ?, 'evt_rz_old', 'payment.captured', 0, ?, 'valid', ?, ?, ?, 'unmatched')`).run(RAZORPAY_ACCOUNT, Buffer.from(old), (clockSec - 9 * 24 * 3600) * 1000, clockMs, clockMs);
    db.prepare('UPDATE webhook_events SET body_sha256 = NULL').run();
    await start();
    expect(db.prepare('SELECT event_id, body_sha256 IS NOT NULL AS hashed FROM webhook_events ORDER BY id').all()).toEqual([
      { event_id: 'evt_rz_before', hashed: 1 },
      { event_id: 'evt_rz_old', hashed: 0 },
    ]);
    expect((await post(signRazorpay(recent, 'evt_rz_after'))).body).toEqual({ received: true, duplicate: true });
    await ingest.idle();
    expect(storedIds()).toEqual(['evt_rz_before', 'evt_rz_old']);
  });
});

describe('times ahead of Paydesk’s clock', () => {
  beforeEach(() => {
    seedPayment(db, 'pd_s1', 'stripe');
    seedPayment(db, 'pd_r1', 'razorpay');
  });

  const refusedAndNothingStored = async (r: SignedRequest) => {
    const ans = await post(r);
    expect(ans).toEqual({ status: 400, body: { error: 'signature_verification_failed' } });
    await ingest.idle();
    expect(storedIds()).toEqual([]);
    expect(refusals()).toEqual({ future_timestamp: 1 });
    expect(payment('pd_s1').status).toBe('open');
    expect(payment('pd_r1').status).toBe('open');
    expect(applied).toEqual([]);
    const summary = received.at(-1)!;
    expect(summary).toMatchObject({ rejected: 1, lastRejection: 'future_timestamp' });
    // the contract's webhook.received event accepts the new reason
    expect(() => linksEvents['webhook.received'].parse(summary)).not.toThrow();
  };

  it('Stripe: a signature `t` 10 minutes ahead is refused (400), nothing is stored, and the deliveries list says why', async () => {
    await refusedAndNothingStored(signStripe(stripePaidEvent('evt_future', 'pd_s1'), { timestampSec: clockSec + 600 }));
    const { rows } = deliveriesRepo(sqliteSql(db)).list({});
    expect(rows).toEqual([
      expect.objectContaining({ gateway: 'stripe', result: 'refused', signature: 'refused', refusal: 'future_timestamp', count: 1, detail: expect.stringMatching(/ahead of this computer's clock/) }),
    ]);
  });

  it('Stripe: `t` up to 5 minutes ahead is accepted (clock skew), one second more is refused', async () => {
    expect((await post(signStripe(stripePaidEvent('evt_skew_301', 'pd_s1'), { timestampSec: clockSec + 301 }))).status).toBe(400);
    expect((await post(signStripe(stripePaidEvent('evt_skew_120', 'pd_s1'), { timestampSec: clockSec + 120 }))).status).toBe(200);
    expect((await post(signStripe(stripePaidEvent('evt_skew_300', 'pd_s1'), { timestampSec: clockSec + 300 }))).status).toBe(200);
    await ingest.idle();
    expect(storedIds()).toEqual(['evt_skew_120', 'evt_skew_300']);
    expect(refusals()).toEqual({ future_timestamp: 1 });
    expect(payment('pd_s1').status).toBe('paid');
  });

  it('Razorpay: created_at far ahead is refused (400); a couple of minutes ahead is accepted', async () => {
    await refusedAndNothingStored(signRazorpay(razorpayLinkPaidEvent('plink_1', 'pay_1', 'pd_r1', 50_000, clockSec + 3600), 'evt_rz_future'));
    expect(deliveriesRepo(sqliteSql(db)).list({}).rows[0]).toMatchObject({ gateway: 'razorpay', refusal: 'future_timestamp' });
    expect((await post(signRazorpay(razorpayLinkPaidEvent('plink_1', 'pay_1', 'pd_r1', 50_000, clockSec + 120), 'evt_rz_skew'))).status).toBe(200);
    await ingest.idle();
    expect(payment('pd_r1').status).toBe('paid');
  });
});
