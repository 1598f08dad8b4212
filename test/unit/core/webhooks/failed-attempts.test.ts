// Counting a payment's failed attempts when one try is reported more than once: Stripe sends
// charge.failed and payment_intent.payment_failed for one declined card, each with its own event time,
// and a status check reports it again with the charge's time. Those times can fall in different seconds;
// the try is still one.
import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Db } from '../../../../electron/core/store/db';
import { createIngest, type Ingest } from '../../../../electron/core/webhooks/ingest';
import type { WebhookDelivery } from '../../../../electron/core/webhooks/listener';
import { paymentsRepo } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import {
  getFixtureSecret,
  ingestDeps,
  openFixtureDb,
  razorpayEventBody,
  rzPayment,
  seedPayment,
  signRazorpay,
  signStripe,
  stripeEventBody,
  tempDbFile,
  type SignedRequest,
} from '../../../fixtures/webhook-helpers';

let db: Db;
let ingest: Ingest;

beforeEach(() => {
  db = openFixtureDb(tempDbFile());
  ingest = createIngest({ ...ingestDeps(db), getSecret: getFixtureSecret });
});
afterEach(async () => {
  await ingest.close();
  db.close();
});

async function send(r: SignedRequest): Promise<void> {
  const m = /^\/webhooks\/(stripe|razorpay)\/(.+)$/.exec(r.path)!;
  const d: WebhookDelivery = { gateway: m[1] as 'stripe' | 'razorpay', accountId: m[2]!, headers: r.headers, body: Buffer.from(r.body), receivedAt: Date.now() };
  expect((await ingest.handle(d)).status).toBe(200);
}
const failedAttempts = (id: string): number | undefined => paymentsRepo(sqliteSql(db)).byId(id)?.failed_attempts;

const DECLINE = { code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.' };

/** one declined card on payment `pd`: its charge and the intent's payment_failed, at `chargeSec` and `intentSec` */
function stripeDecline(pd: string, charge: string, chargeSec: number, intentSec: number): SignedRequest[] {
  const ch = stripeEventBody(`evt_ch_${charge}`, 'charge.failed', {
    id: charge, object: 'charge', amount: 50_000, captured: false, paid: false, status: 'failed', payment_intent: `pi_${pd}`, metadata: { paydesk_id: pd },
    failure_code: 'card_declined', failure_message: DECLINE.message, outcome: { reason: 'generic_decline' },
  }, chargeSec);
  const pi = stripeEventBody(`evt_pi_${charge}`, 'payment_intent.payment_failed', {
    id: `pi_${pd}`, object: 'payment_intent', amount: 50_000, metadata: { paydesk_id: pd }, latest_charge: charge,
    last_payment_error: { ...DECLINE, charge }, status: 'requires_payment_method',
  }, intentSec);
  return [signStripe(ch), signStripe(pi)];
}

it('Stripe: a declined card reported by two events a second apart is one failed attempt', async () => {
  seedPayment(db, 'pd_d1', 'stripe');
  const t = Math.floor(Date.now() / 1000) - 10;
  for (const r of stripeDecline('pd_d1', 'ch_d1a', t, t + 1)) await send(r);
  await ingest.idle();
  expect(failedAttempts('pd_d1')).toBe(1);
});

it('Stripe: two declined cards within one second are two failed attempts', async () => {
  seedPayment(db, 'pd_d2', 'stripe');
  const t = Math.floor(Date.now() / 1000) - 10;
  for (const r of [...stripeDecline('pd_d2', 'ch_d2a', t, t), ...stripeDecline('pd_d2', 'ch_d2b', t, t)]) await send(r);
  await ingest.idle();
  expect(failedAttempts('pd_d2')).toBe(2);
});

it('Razorpay: one failed payment reported again later is one failed attempt; another payment is another', async () => {
  seedPayment(db, 'pd_d3', 'razorpay');
  const t = Math.floor(Date.now() / 1000) - 10;
  const failed = (pay: string, sec: number, eventId: string) => signRazorpay(razorpayEventBody('payment.failed', {
    payment: { entity: rzPayment(pay, 'pd_d3', 50_000, { status: 'failed', captured: false, fee: null, error_code: 'BAD_REQUEST_ERROR', error_reason: 'payment_failed', error_description: 'Payment failed' }) },
  }, sec), eventId);
  await send(failed('pay_d3a', t, 'evt_d3a'));
  await send(failed('pay_d3a', t + 2, 'evt_d3a_again'));
  await ingest.idle();
  expect(failedAttempts('pd_d3')).toBe(1);
  await send(failed('pay_d3b', t + 3, 'evt_d3b'));
  await ingest.idle();
  expect(failedAttempts('pd_d3')).toBe(2);
});
