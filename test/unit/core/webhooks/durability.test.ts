// The group commit's durability (ingest.ts "durability"): a batch is committed with synchronous=NORMAL and
// answered only once an fsync of the WAL file that began after the commit has completed; the connection
// is left at FULL for every other writer; a lone event while no fsync runs, and a database without a WAL
// file (in memory), commit with FULL; a failed fsync answers 500 and goes back to FULL. And the payment writes
// of the lean apply path.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import Database from 'better-sqlite3';
import { fstatSync, statSync, type NoParamCallback } from 'node:fs';
import type * as Fs from 'node:fs';
import { createIngest, type Ingest } from '../../../../electron/core/webhooks/ingest';
import { migrate } from '../../../../electron/core/store/migrate';
import { paymentsRepo } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import { initialPaymentState, foldPaymentEvents } from '../../../../shared/status';
import {
  RAZORPAY_ACCOUNT,
  STRIPE_ACCOUNT,
  getFixtureSecret,
  ingestDeps,
  openFixtureDb,
  razorpayCapturedEvent,
  seedPayment,
  signRazorpay,
  signStripe,
  stripePaidEvent,
  tempDbFile,
  type SignedRequest,
} from '../../../fixtures/webhook-helpers';

// the WAL's fdatasync is held until the test releases it (or fails it); vi.mock is hoisted above the imports
const held: { fd: number; cb: NoParamCallback }[] = [];
let holdFsync = false;
vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>();
  return {
    ...fs,
    fdatasync: (fd: number, cb: NoParamCallback) => {
      if (holdFsync) held.push({ fd, cb });
      else fs.fdatasync(fd, cb);
    },
  };
});

const delivery = (r: SignedRequest) => {
  const m = /^\/webhooks\/(stripe|razorpay)\/(.+)$/.exec(r.path)!;
  return { gateway: m[1] as 'stripe' | 'razorpay', accountId: m[2]!, headers: r.headers, body: Buffer.from(r.body), receivedAt: Date.now() };
};
const tick = () => new Promise((r) => setImmediate(r));

let file: string;
let db: ReturnType<typeof openFixtureDb>;
let ingest: Ingest;
beforeEach(() => {
  held.length = 0;
  holdFsync = false;
  file = tempDbFile();
  db = openFixtureDb(file);
  ingest = createIngest({ ...ingestDeps(db), getSecret: getFixtureSecret });
});
afterEach(async () => {
  holdFsync = false;
  for (const h of held.splice(0)) h.cb(null);
  await ingest.close();
  db.close();
});

describe('group commit durability', () => {
  it('answers only after an fsync of the WAL that began after the commit; the connection stays FULL for other writers', async () => {
    seedPayment(db, 'pd_s1', 'stripe');
    holdFsync = true;
    let answered = false;
    // two events in one turn: one batch, whose fsync can overlap what the event loop does next
    const answer = Promise.resolve(ingest.handle(delivery(signStripe(stripePaidEvent('evt_d1', 'pd_s1'))))).then((r) => {
      answered = true;
      return r;
    });
    const sibling = ingest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_d0', null), 'evt_d0')));
    await tick();
    await tick();
    // committed (a second connection sees the row and the paid payment), not yet answered: the fsync is held
    const other = new Database(file, { readonly: true });
    expect(other.prepare("SELECT apply_result FROM webhook_events WHERE event_id = 'evt_d1'").get()).toEqual({ apply_result: 'changed' });
    expect(other.prepare("SELECT status FROM payments WHERE id = 'pd_s1'").get()).toEqual({ status: 'paid' });
    other.close();
    expect(answered).toBe(false);
    expect(held).toHaveLength(1);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    // the fsync is of the WAL file
    expect(fstatSync(held[0]!.fd).ino).toBe(statSync(`${file}-wal`).ino);

    // a batch committed while that fsync runs (even a lone event) waits for the next one, which covers it
    let second = false;
    const answer2 = Promise.resolve(ingest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_d2', null), 'evt_d2')))).then(() => (second = true));
    await tick();
    await tick();
    expect(held).toHaveLength(1);
    held.shift()!.cb(null);
    expect((await answer).status).toBe(200);
    expect((await sibling).status).toBe(200);
    await tick();
    expect(second).toBe(false);
    expect(held).toHaveLength(1);
    held.shift()!.cb(null);
    await answer2;
    expect(second).toBe(true);
    await ingest.idle();
    expect(ingest.stats()).toMatchObject({ stored: 3, batches: 2, storageErrors: 0 });
  });

  it('a lone event while no fsync runs commits with FULL: on disk when the commit returns, no fsync of its own', async () => {
    seedPayment(db, 'pd_s9', 'stripe');
    holdFsync = true;
    const r = await ingest.handle(delivery(signStripe(stripePaidEvent('evt_lone', 'pd_s9'))));
    expect(r.status).toBe(200);
    expect(held).toHaveLength(0);
    expect(db.pragma('synchronous', { simple: true })).toBe(2); // FULL
    const other = new Database(file, { readonly: true });
    expect(other.prepare("SELECT status FROM payments WHERE id = 'pd_s9'").get()).toEqual({ status: 'paid' });
    other.close();
    expect(ingest.stats()).toMatchObject({ stored: 1, batches: 1 });
  });

  it('idle() and close() wait for the fsync', async () => {
    holdFsync = true;
    const answer = ingest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_i1', null), 'evt_i1')));
    const sibling = ingest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_i2', null), 'evt_i2')));
    await tick();
    await tick();
    let idle = false;
    const waiting = ingest.idle().then(() => (idle = true));
    await tick();
    expect(idle).toBe(false);
    held.shift()!.cb(null);
    await waiting;
    expect((await answer).status).toBe(200);
    expect((await sibling).status).toBe(200);
  });

  it('a failed fsync answers 500 (the gateway retries; the retry is a stored duplicate) and later batches commit with FULL', async () => {
    holdFsync = true;
    const req = signRazorpay(razorpayCapturedEvent('pay_f1', null), 'evt_f1');
    const answer = ingest.handle(delivery(req));
    const sibling = ingest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_f0', null), 'evt_f0')));
    await tick();
    await tick();
    held.shift()!.cb(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    expect(await answer).toMatchObject({ status: 500 });
    expect(await sibling).toMatchObject({ status: 500 });
    expect(ingest.stats().storageErrors).toBe(2);
    // from now on FULL, batches of several events too: nothing waits for a hand-made fsync
    const next = await Promise.all([
      ingest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_f2', null), 'evt_f2'))),
      ingest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_f3', null), 'evt_f3'))),
    ]);
    expect(next.map((n) => n.status)).toEqual([200, 200]);
    expect(held).toHaveLength(0);
    expect(await ingest.handle(delivery(req))).toMatchObject({ status: 200, body: { duplicate: true } });
  });

  it('a database without a WAL file (in memory) commits with FULL and answers without a separate fsync', async () => {
    const mem = new Database(':memory:');
    mem.pragma('foreign_keys = ON');
    migrate(mem);
    mem.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at) VALUES (?, 'razorpay', 'test', 0, 'R', 'rzp_test_x', 0, 1, 1)`).run(RAZORPAY_ACCOUNT);
    const memIngest = createIngest({ ...ingestDeps(mem), getSecret: getFixtureSecret });
    holdFsync = true;
    const r = await memIngest.handle(delivery(signRazorpay(razorpayCapturedEvent('pay_m1', null), 'evt_m1')));
    expect(r.status).toBe(200);
    expect(held).toHaveLength(0);
    await memIngest.close();
    mem.close();
  });
});

describe('payment writes', () => {
  it('saveState with the previous row writes only what changed, and leaves the same row as the full update', () => {
    seedPayment(db, 'pd_a', 'stripe');
    seedPayment(db, 'pd_b', 'stripe');
    const repo = paymentsRepo(sqliteSql(db));
    const state = foldPaymentEvents(initialPaymentState(50_000), [
      { type: 'opened', at: 1 },
      { type: 'captured', at: 2, paymentId: 'pi_x', amount: 50_000, full: true, method: 'card' },
      { type: 'fee_known', at: 3, paymentId: 'pi_x', fee: 1450, tax: 0, net: 48_550, balanceTxnId: 'txn_x', availableOn: 86_400_000 },
    ]);
    const ids = { sessionId: 'cs_x', paymentIntentId: 'pi_x' };
    repo.saveState('pd_a', state, ids, 10);
    const prev = repo.findStateForRef(STRIPE_ACCOUNT, { paydeskId: 'pd_b', ids: {} })!;
    repo.saveState('pd_b', state, ids, 10, prev);
    const strip = (r: Record<string, unknown>) => {
      const { id: _id, order_ref: _o, gateway_ref: _g, idempotency_key: _k, ...rest } = r;
      return rest;
    };
    expect(strip(repo.byId('pd_b') as never)).toEqual(strip(repo.byId('pd_a') as never));
    expect(repo.byId('pd_b')).toMatchObject({ method: 'card', balance_txn_id: 'txn_x', available_on: 86_400_000 });
    // a learnt id never replaces one the row has
    const again = repo.findStateForRef(STRIPE_ACCOUNT, { paydeskId: 'pd_b', ids: {} })!;
    repo.saveState('pd_b', state, { sessionId: 'cs_other', chargeId: 'ch_x' }, 11, again);
    expect(repo.byId('pd_b')).toMatchObject({ session_id: 'cs_x', charge_id: 'ch_x', updated_at: 11, status: 'paid' });
  });
});
