// bench:webhooks — the events, signed before each run and written as raw HTTP requests, so the load
// generator only replays bytes (it signs nothing).
//
// Workload: events alternate Stripe and Razorpay. Each payment of the pool goes through a real lifecycle of
// three events per gateway, in order:
//   Stripe    checkout.session.completed (open -> paid)  payment_intent.succeeded (learns the charge id)  charge.succeeded (a repeat)
//   Razorpay  payment.authorized (open -> authorized)    payment.captured (-> paid, fee known)          order.paid (a repeat)
// so half of the events change what the merchant sees and half are repeats, as in real traffic. The
// payments go in groups of GROUP: the first event of each payment of a group, then the second, then the
// third, so a payment's events are 2 x GROUP requests apart and never share a group commit (one batch is
// at most the 64 connections): each event pays for its own reads and writes, nothing is coalesced by
// luck. Every event id is unique (a run tag and a sequence number) and every Razorpay body too (a
// bench_seq note: the ingest dedupes Razorpay bodies by hash). The pool is reset between runs
// (check.ts), so every run does the same work.
import { createHmac } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { RAZORPAY_ACCOUNT, RAZORPAY_SECRET, STRIPE_ACCOUNT, STRIPE_SECRET } from '../../fixtures/webhook-helpers';

export const KINDS = ['bound', 'groupcommit', 'paydesk', 'tutorial'] as const;
export type Kind = (typeof KINDS)[number];

export const LABEL: Record<Kind, string> = {
  bound: 'bound (bare HMAC, no storage)',
  groupcommit: 'group-commit minimum',
  paydesk: 'Paydesk listener + ingest',
  tutorial: 'tutorial (insert per event)',
};

/** events per payment and gateway (the lifecycle above) */
export const STEPS = 3;
/** payments per group (see above) */
export const GROUP = 128;
export const AMOUNT = 50_000;

export type Gateway = 'stripe' | 'razorpay';

/** What request `seq` of a run is about; a pure function of seq, so nothing per request is kept. */
export interface EventRef {
  gateway: Gateway;
  eventId: string;
  paymentId: string;
  step: number;
}

export function eventRef(runTag: string, seq: number, poolPerGateway: number): EventRef {
  const gateway: Gateway = seq % 2 === 0 ? 'stripe' : 'razorpay';
  const k = seq >> 1; // the k-th event of this gateway
  const group = Math.floor(k / (STEPS * GROUP));
  const r = k % (STEPS * GROUP);
  const index = (group * GROUP + (r % GROUP)) % poolPerGateway;
  return {
    gateway,
    eventId: gateway === 'stripe' ? `evt_${runTag}_${seq}` : `rzevt_${runTag}_${seq}`,
    paymentId: gateway === 'stripe' ? `pd_s${index}` : `pd_r${index}`,
    step: Math.floor(r / GROUP),
  };
}

/** pool payments a run of `count` requests needs per gateway */
export const poolFor = (count: number): number => Math.ceil(count / 2 / (STEPS * GROUP)) * GROUP;

function stripeBody(e: EventRef, ts: number): string {
  const pd = e.paymentId;
  let type: string;
  let object: string;
  if (e.step === 0) {
    type = 'checkout.session.completed';
    object = `{"id":"cs_test_${pd}","object":"checkout.session","amount_total":${AMOUNT},"currency":"usd","client_reference_id":"${pd}","metadata":{"paydesk_id":"${pd}"},"mode":"payment","payment_intent":"pi_${pd}","payment_link":null,"payment_status":"paid","status":"complete"}`;
  } else if (e.step === 1) {
    type = 'payment_intent.succeeded';
    object = `{"id":"pi_${pd}","object":"payment_intent","amount":${AMOUNT},"amount_received":${AMOUNT},"currency":"usd","latest_charge":"ch_${pd}","metadata":{"paydesk_id":"${pd}"},"status":"succeeded"}`;
  } else {
    type = 'charge.succeeded';
    object = `{"id":"ch_${pd}","object":"charge","amount":${AMOUNT},"amount_captured":${AMOUNT},"balance_transaction":"txn_${pd}","captured":true,"currency":"usd","metadata":{"paydesk_id":"${pd}"},"paid":true,"payment_intent":"pi_${pd}","status":"succeeded"}`;
  }
  return `{"id":"${e.eventId}","object":"event","api_version":"2025-09-30.clover","created":${ts},"data":{"object":${object}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"${type}"}`;
}

function razorpayBody(e: EventRef, ts: number, seqNote: string): string {
  const pd = e.paymentId;
  const captured = e.step > 0;
  const payment = `{"entity":{"id":"pay_${pd}","entity":"payment","amount":${AMOUNT},"currency":"INR","status":"${captured ? 'captured' : 'authorized'}","order_id":"order_${pd}","method":"upi","captured":${captured},"notes":{"paydesk_id":"${pd}","bench_seq":"${seqNote}"},"fee":${captured ? 1180 : 'null'},"tax":${captured ? 180 : 'null'},"error_code":null,"error_description":null,"created_at":${ts - 5}}}`;
  if (e.step === 2) {
    const order = `{"entity":{"id":"order_${pd}","entity":"order","amount":${AMOUNT},"amount_paid":${AMOUNT},"amount_due":0,"currency":"INR","receipt":"ORD-${pd}","status":"paid","notes":{"paydesk_id":"${pd}"},"created_at":${ts - 60}}}`;
    return `{"entity":"event","account_id":"acc_BenchRzp","event":"order.paid","contains":["payment","order"],"payload":{"payment":${payment},"order":${order}},"created_at":${ts}}`;
  }
  return `{"entity":"event","account_id":"acc_BenchRzp","event":"${captured ? 'payment.captured' : 'payment.authorized'}","contains":["payment"],"payload":{"payment":${payment}},"created_at":${ts}}`;
}

export interface SignedEvent {
  gateway: Gateway;
  path: string;
  /** lower-case names, as node:http hands them to a server */
  headers: Record<string, string>;
  body: string;
}

/** Request `seq` of a run, signed at `ts` (unix seconds). */
export function signedEvent(runTag: string, seq: number, pool: number, ts: number): SignedEvent {
  const e = eventRef(runTag, seq, pool);
  if (e.gateway === 'stripe') {
    const body = stripeBody(e, ts);
    const sig = createHmac('sha256', STRIPE_SECRET).update(`${ts}.${body}`).digest('hex');
    return { gateway: 'stripe', path: `/webhooks/stripe/${STRIPE_ACCOUNT}`, headers: { 'content-type': 'application/json', 'stripe-signature': `t=${ts},v1=${sig}`, 'x-bench-seq': String(seq) }, body };
  }
  const body = razorpayBody(e, ts, `${runTag}.${seq}`);
  const sig = createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex');
  return {
    gateway: 'razorpay',
    path: `/webhooks/razorpay/${RAZORPAY_ACCOUNT}`,
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': sig, 'x-razorpay-event-id': e.eventId, 'x-bench-seq': String(seq) },
    body,
  };
}

/** One signed request as the bytes on the wire. */
function rawRequest(host: string, runTag: string, seq: number, pool: number, ts: number): Buffer {
  const e = signedEvent(runTag, seq, pool, ts);
  let head = `POST ${e.path} HTTP/1.1\r\nHost: ${host}\r\n`;
  for (const [k, v] of Object.entries(e.headers)) head += `${k}: ${v}\r\n`;
  return Buffer.from(`${head}content-length: ${Buffer.byteLength(e.body)}\r\n\r\n${e.body}`);
}

export interface RequestFile {
  /** `<base>.http` holds the requests back to back, `<base>.len` their lengths, one a line */
  base: string;
  count: number;
  runTag: string;
  pool: number;
  signedAtSec: number;
}

/**
 * Signs `count` requests for one run (Stripe's 300 s tolerance covers the run) and writes them to
 * `<base>.http` + `<base>.len`, on tmpfs when there is one, so writing them leaves no dirty pages to be
 * flushed while the servers fsync.
 */
export function writeRequestFile(base: string, port: number, runTag: string, count: number, pool: number): RequestFile {
  const host = `127.0.0.1:${port}`;
  const ts = Math.floor(Date.now() / 1000);
  const parts: Buffer[] = [];
  const lens: string[] = [];
  for (let seq = 0; seq < count; seq++) {
    const r = rawRequest(host, runTag, seq, pool, ts);
    parts.push(r);
    lens.push(String(r.length));
  }
  writeFileSync(`${base}.http`, Buffer.concat(parts));
  writeFileSync(`${base}.len`, `${lens.join('\n')}\n`);
  return { base, count, runTag, pool, signedAtSec: ts };
}
