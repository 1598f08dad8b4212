// Refunds against the real sandbox through the real SDKs, on a real SQLite data dir: partial then the
// rest; refused input sends nothing and stores only the audit entry; staff limit and owner approval;
// double clicks and concurrent requests; Razorpay optimum with X-Refund-Idempotency; a crash mid-call.
import { stripeSdk } from '../../../fixtures/sdk';
import { applyFacts } from '../../../../electron/core/payments/apply';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyRazorpayRefundError } from '../../../../electron/core/gateways/razorpay/refunds-errors';
import { classifyStripeRefundError } from '../../../../electron/core/gateways/stripe/refunds-errors';
import type { Envelope } from '../../../../shared/errors';
import {
  authorizedRazorpayPayment,
  ctx,
  gatewayRefunds,
  paidRazorpayPayment,
  paidStripePayment,
  requestId,
  startHarness,
  type Harness,
} from '../../../fixtures/refund-helpers';

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
});

const ok = <T>(e: Envelope<T>): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message} (${e.error.field ?? '-'})`);
  return e.value;
};
const auditCount = (action: string): number => (h.deps.sql.prepare('SELECT count(*) AS n FROM audit_log WHERE action = ?').get(action) as { n: number }).n;
const refundRows = (paymentId: string): number => (h.deps.sql.prepare('SELECT count(*) AS n FROM refunds WHERE payment_id = ?').get(paymentId) as { n: number }).n;
const payment = (id: string) => h.deps.sql.prepare('SELECT refunded_minor, refund_state, captured_minor FROM payments WHERE id = ?').get(id) as { refunded_minor: number; refund_state: string; captured_minor: number };

describe('refunds (single-user: attributed to owner)', () => {
  it('refunds part of a paid Stripe payment, then the rest; the payment shows partially refunded, then refunded', async () => {
    const p = await paidStripePayment(h, 5000);
    const pre = ok(await h.core.call('refunds.preview', { paymentId: p.id }, ctx));
    expect(pre).toMatchObject({ capturedMinor: 5000, refundedMinor: 0, refundableMinor: 5000, currency: 'USD', customerName: 'Asha Rao', staffLimitMinor: null });

    const first = ok(await h.core.call('refunds.create', { paymentId: p.id, amount: '12.50', reason: 'requested_by_customer', requestId: requestId() }, ctx));
    expect(first).toMatchObject({ status: 'succeeded', amountMinor: 1250, operatorName: 'owner', reason: 'requested_by_customer', gateway: 'stripe' });
    expect(first.gatewayRefundId).toMatch(/^re_/);
    expect(payment(p.id)).toEqual({ refunded_minor: 1250, refund_state: 'partially_refunded', captured_minor: 5000 });

    const rest = ok(await h.core.call('refunds.create', { paymentId: p.id, requestId: requestId() }, ctx));
    expect(rest).toMatchObject({ status: 'succeeded', amountMinor: 3750 });
    expect(payment(p.id)).toEqual({ refunded_minor: 5000, refund_state: 'refunded', captured_minor: 5000 });

    const atGateway = await gatewayRefunds(h, 'stripe', p.pi);
    expect(atGateway.map((r) => r.amount).sort()).toEqual([1250, 3750]);
    expect(new Set(atGateway.map((r) => r.paydeskRefundId))).toEqual(new Set([first.id, rest.id]));
    const list = ok(await h.core.call('refunds.forPayment', { paymentId: p.id }, ctx));
    expect(list.map((r) => r.id)).toEqual([rest.id, first.id]);
    expect(ok(await h.core.call('audit.list', { action: 'refund', limit: 50 }, ctx)).items.filter((e) => e.details.paymentId === p.id).map((e) => e.action).sort())
      .toEqual(['refund.requested', 'refund.requested', 'refund.succeeded', 'refund.succeeded']);
  });

  it('refuses bad input at the field, sends nothing and stores only the audit entry', async () => {
    const p = await paidStripePayment(h, 5000);
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ amount: '0' }, 'amount', /more than zero/],
      [{ amount: '-5' }, 'amount', /more than zero/],
      [{ amount: '1.234' }, 'amount', /at most 2 decimals/],
      [{ amount: '50.01' }, 'amount', /At most \$50\.00 can be refunded/],
      [{ amount: 'abc' }, 'amount', /digits/],
      [{ speed: 'optimum' }, 'speed', /Razorpay option/],
    ];
    const refusedBefore = auditCount('refund.refused');
    for (const [input, field, message] of cases) {
      const env = await h.core.call('refunds.create', { paymentId: p.id, requestId: requestId(), ...input } as never, ctx);
      expect(env.ok).toBe(false);
      if (!env.ok) {
        expect(env.error.field).toBe(field);
        expect(env.error.message).toMatch(message);
      }
    }
    expect(auditCount('refund.refused')).toBe(refusedBefore + cases.length);
    expect(refundRows(p.id)).toBe(0);
    expect(await gatewayRefunds(h, 'stripe', p.pi)).toEqual([]);
  });

  it('refuses a payment that is not captured (Razorpay authorized) and a test payment on a live account', async () => {
    const a = await authorizedRazorpayPayment(h);
    const env = await h.core.call('refunds.create', { paymentId: a.id, requestId: requestId() }, ctx);
    expect(env).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'paymentId', message: expect.stringMatching(/not captured yet/) } });
    expect(refundRows(a.id)).toBe(0);

    const p = await paidStripePayment(h, 2000);
    // the account turns live (keys replaced) while its old test payments remain
    h.deps.sql.prepare("UPDATE accounts SET mode = 'live', livemode = 1, sandbox = 0, builtin = NULL WHERE id = ?").run(h.stripeAccount);
    try {
      const env2 = await h.core.call('refunds.create', { paymentId: p.id, requestId: requestId() }, ctx);
      expect(env2).toMatchObject({ ok: false, error: { field: 'paymentId', message: expect.stringMatching(/test payment/) } });
    } finally {
      h.deps.sql.prepare("UPDATE accounts SET mode = 'test', livemode = 0, sandbox = 1, builtin = 'sandbox-stripe' WHERE id = ?").run(h.stripeAccount);
    }
    expect(refundRows(p.id)).toBe(0);
    expect(await gatewayRefunds(h, 'stripe', p.pi)).toEqual([]);
  });

  it('a double click (two concurrent creates with the same requestId) makes one refund', async () => {
    const p = await paidStripePayment(h, 4000);
    const id = requestId();
    const [a, b] = await Promise.all([
      h.core.call('refunds.create', { paymentId: p.id, amount: '10', requestId: id }, ctx),
      h.core.call('refunds.create', { paymentId: p.id, amount: '10', requestId: id }, ctx),
    ]);
    expect(ok(a).id).toBe(ok(b).id);
    expect(refundRows(p.id)).toBe(1);
    expect((await gatewayRefunds(h, 'stripe', p.pi)).length).toBe(1);
    // the row's key went to Stripe as Idempotency-Key: replaying it returns the same refund
    const row = h.deps.refunds.testing.row(ok(a).id)!;
    const replay = await stripeSdk(h.deps, h.stripeAccount).refunds.create(
      { amount: 1000, payment_intent: p.pi, metadata: { paydesk_id: p.id, paydesk_refund_id: row.id } },
      { idempotencyKey: row.idempotency_key },
    );
    expect(replay.id).toBe(ok(a).gatewayRefundId);
    expect((await gatewayRefunds(h, 'stripe', p.pi)).length).toBe(1);
  });

  it('two concurrent different requests that together exceed the payment: one is refused at the amount', async () => {
    const p = await paidStripePayment(h, 4000);
    const results = await Promise.all([
      h.core.call('refunds.create', { paymentId: p.id, amount: '30', requestId: requestId() }, ctx),
      h.core.call('refunds.create', { paymentId: p.id, amount: '30', requestId: requestId() }, ctx),
    ]);
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const refused = results.find((r) => !r.ok);
    expect(refused).toMatchObject({ ok: false, error: { field: 'amount', message: expect.stringMatching(/At most \$10\.00/) } });
    const atGateway = await gatewayRefunds(h, 'stripe', p.pi);
    expect(atGateway.map((r) => r.amount)).toEqual([3000]);
  });

  it('Razorpay: speed optimum with a note; the sandbox honoured our X-Refund-Idempotency key', async () => {
    const p = await paidRazorpayPayment(h, 50_000);
    const r = ok(await h.core.call('refunds.create', { paymentId: p.id, amount: '100', speed: 'optimum', note: 'Damaged item', requestId: requestId() }, ctx));
    expect(r).toMatchObject({ status: 'succeeded', amountMinor: 10_000, speed: 'optimum', note: 'Damaged item', gateway: 'razorpay' });
    const row = h.deps.refunds.testing.row(r.id)!;
    // replaying the key with the same body returns the original refund: the sandbox saw and stored it
    const res = await fetch(`${h.sandbox.url}/v1/payments/${p.pay}/refund`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Basic ${Buffer.from(`${h.sandbox.keys.RAZORPAY_KEY_ID}:${h.sandbox.keys.RAZORPAY_KEY_SECRET}`).toString('base64')}`,
        'x-refund-idempotency': row.idempotency_key,
      },
      body: JSON.stringify({ amount: 10_000, speed: 'optimum', receipt: r.id, notes: { paydesk_id: p.id, paydesk_refund_id: r.id, note: 'Damaged item' } }),
    });
    const replay = (await res.json()) as { id: string; speed_requested: string };
    expect(replay.id).toBe(r.gatewayRefundId);
    expect(replay.speed_requested).toBe('optimum');
    expect((await gatewayRefunds(h, 'razorpay', p.pay)).length).toBe(1);
    expect(payment(p.id)).toMatchObject({ refunded_minor: 10_000, refund_state: 'partially_refunded' });
  });

  it('a crash after the gateway call, before the answer was recorded: recovery finds the refund, never a second one', async () => {
    for (const gateway of ['stripe', 'razorpay'] as const) {
      const p = gateway === 'stripe' ? await paidStripePayment(h, 6000) : await paidRazorpayPayment(h, 60_000);
      const gp = 'pi' in p ? p.pi : p.pay;
      const svc = h.deps.refunds;
      const row = await svc.testing.commitIntentOnly({ paymentId: p.id, amount: gateway === 'stripe' ? '20' : '200', requestId: requestId() }, { id: null, name: 'owner', role: 'owner' });
      expect(row.status).toBe('requested');
      await svc.testing.sendToGateway(row); // the process "dies" here: the answer is never recorded
      await h.restart();
      await h.deps.refunds.idle(); // start-up recovery
      await h.deps.refunds.recover();
      const after = h.deps.refunds.testing.row(row.id)!;
      expect(after.status).toBe('succeeded');
      const atGateway = await gatewayRefunds(h, gateway, gp);
      expect(atGateway).toHaveLength(1);
      expect(atGateway[0]!.id).toBe(after.gateway_refund_id);
      expect(payment(p.id).refunded_minor).toBe(gateway === 'stripe' ? 2000 : 20_000);
    }
  });

  it('a gateway fault (500) leaves the refund requested; the retry uses the same key and makes one refund', async () => {
    const p = await paidRazorpayPayment(h, 40_000);
    h.sandbox.faults.add({ path: `/v1/payments/${p.pay}/refund`, status: 500, count: 1 });
    const id = requestId();
    const r = ok(await h.core.call('refunds.create', { paymentId: p.id, amount: '100', requestId: id }, ctx));
    expect(r.status).toBe('requested');
    expect(r.lastError).toMatch(/Razorpay had a problem answering \(500\).*same key/);
    // the refundable amount already counts it
    expect(ok(await h.core.call('refunds.preview', { paymentId: p.id }, ctx))).toMatchObject({ pendingMinor: 10_000, refundableMinor: 30_000 });
    // the person clicks again (same confirmation): finished with the same key
    const again = ok(await h.core.call('refunds.create', { paymentId: p.id, amount: '100', requestId: id }, ctx));
    expect(again).toMatchObject({ id: r.id, status: 'succeeded' });
    expect(await gatewayRefunds(h, 'razorpay', p.pay)).toHaveLength(1);
  });

  it('"already refunded" at the gateway is shown as the current state, not as an error', async () => {
    const p = await paidStripePayment(h, 3000);
    // refunded in full elsewhere (the Stripe Dashboard), unknown to Paydesk
    await stripeSdk(h.deps, h.stripeAccount).refunds.create({ payment_intent: p.pi });
    const env = await h.core.call('refunds.create', { paymentId: p.id, amount: '5', requestId: requestId() }, ctx);
    const r = ok(env);
    expect(r.status).toBe('failed');
    expect(r.failureReason).toMatch(/already refunded in full/);
    expect(payment(p.id)).toMatchObject({ refunded_minor: 3000, refund_state: 'refunded' });
    expect(ok(await h.core.call('refunds.preview', { paymentId: p.id }, ctx)).refundableMinor).toBe(0);
  });

  it('captures an authorized Razorpay payment and shows the time left before the automatic refund', async () => {
    const a = await authorizedRazorpayPayment(h, 30_000);
    const pre = ok(await h.core.call('refunds.preview', { paymentId: a.id }, ctx));
    expect(pre.authorization).toEqual({ amountMinor: 30_000, autoRefundAt: a.at + 3 * 24 * 3600_000 });
    const after = ok(await h.core.call('payments.capture', { paymentId: a.id }, ctx));
    expect(after).toMatchObject({ status: 'paid', capturedMinor: 30_000, authorization: null, refundableMinor: 30_000 });
    // a second capture (double click): the current state, not an error
    expect(ok(await h.core.call('payments.capture', { paymentId: a.id }, ctx))).toMatchObject({ status: 'paid', capturedMinor: 30_000 });
    expect(auditCount('payment.captured')).toBeGreaterThanOrEqual(1);
    const r = ok(await h.core.call('refunds.create', { paymentId: a.id, amount: '150', requestId: requestId() }, ctx));
    expect(r.status).toBe('succeeded');
  });

  it('a later webhook fact (Stripe refund.failed after success) moves the refund to failed and the payment back', async () => {
    const p = await paidStripePayment(h, 5000);
    const r = ok(await h.core.call('refunds.create', { paymentId: p.id, amount: '20', requestId: requestId() }, ctx));
    expect(payment(p.id).refunded_minor).toBe(2000);
    const changed = new Promise<void>((resolve) => {
      const off = h.core.onEvent((e) => {
        if (e.name === 'refund.changed' && e.payload.id === r.id) {
          off();
          resolve();
        }
      });
    });
    // what the ingest does for a webhook: fold the fact into the payment and, in the same transaction, let
    // the refund rows follow
    const repo = h.deps.repos.payments;
    h.deps.store.transaction(() => {
      const fact = { type: 'refund_updated', at: Date.now(), refundId: r.gatewayRefundId!, amount: 2000, status: 'failed', paymentId: p.pi } as const;
      applyFacts(repo, repo.byId(p.id)!, [fact], { source: 'webhook', gatewayType: 'charge.refund.updated', now: Date.now() });
      h.deps.refunds.followInCommit(p.id);
    });
    await changed;
    const after = ok(await h.core.call('refunds.forPayment', { paymentId: p.id }, ctx))[0]!;
    expect(after).toMatchObject({ id: r.id, status: 'failed', failureReason: expect.stringMatching(/failed/) });
    expect(payment(p.id)).toMatchObject({ refunded_minor: 0, refund_state: 'none' });
    expect(ok(await h.core.call('refunds.preview', { paymentId: p.id }, ctx)).refundableMinor).toBe(5000);
    expect(ok(await h.core.call('audit.list', { action: 'refund.failed', subjectId: r.id, limit: 5 }, ctx)).items).toHaveLength(1);
  });

  it('lists refunds with filters and search', async () => {
    const page = ok(await h.core.call('refunds.list', { gateway: 'razorpay', limit: 100 }, ctx));
    expect(page.total).toBeGreaterThan(0);
    expect(page.items.every((r) => r.gateway === 'razorpay')).toBe(true);
    const one = page.items[0]!;
    const found = ok(await h.core.call('refunds.list', { search: one.orderRef.slice(4), limit: 10 }, ctx));
    expect(found.items.map((r) => r.id)).toContain(one.id);
    expect(ok(await h.core.call('refunds.list', { status: 'failed', limit: 100 }, ctx)).items.every((r) => r.status === 'failed')).toBe(true);
  });
});

describe('refunds with operators: staff limit and owner approval', () => {
  it('a staff refund above the limit needs an owner PIN, given on the spot', async () => {
    const owner = ok(await h.core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    ok(await h.core.call('settings.setRefundPolicy', { staffLimits: { USD: 2000 }, idleMinutes: 30 }, ctx));
    const staff = ok(await h.core.call('operators.create', { name: 'Arjun', role: 'staff', pin: '1357' }, ctx));
    ok(await h.core.call('desk.signIn', { operatorId: staff.id, pin: '1357' }, ctx));
    const p = await paidStripePayment(h, 5000);

    const small = ok(await h.core.call('refunds.create', { paymentId: p.id, amount: '15', requestId: requestId() }, ctx));
    expect(small).toMatchObject({ status: 'succeeded', operatorName: 'Arjun', operatorId: staff.id, approvedById: null });

    const big = await h.core.call('refunds.create', { paymentId: p.id, amount: '25', requestId: requestId() }, ctx);
    expect(big).toMatchObject({ ok: false, error: { code: 'forbidden', field: 'approval', message: expect.stringMatching(/above \$20\.00 need an owner/) } });
    const wrong = await h.core.call('refunds.create', { paymentId: p.id, amount: '25', requestId: requestId(), approval: { operatorId: owner.id, pin: '000000' } }, ctx);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthorized', field: 'approval.pin' } });
    const notOwner = await h.core.call('refunds.create', { paymentId: p.id, amount: '25', requestId: requestId(), approval: { operatorId: staff.id, pin: '1357' } }, ctx);
    expect(notOwner).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await gatewayRefunds(h, 'stripe', p.pi)).toHaveLength(1);

    const approved = ok(await h.core.call('refunds.create', { paymentId: p.id, amount: '25', requestId: requestId(), approval: { operatorId: owner.id, pin: '482913' } }, ctx));
    expect(approved).toMatchObject({ status: 'succeeded', operatorName: 'Arjun', approvedById: owner.id, approvedByName: 'Meera' });
    const audit = ok(await h.core.call('audit.list', { action: 'refund.requested', limit: 1 }, ctx)).items[0]!;
    expect(audit).toMatchObject({ operatorName: 'Arjun', details: { approvedBy: 'Meera' } });
    // staff may not change keys
    const keys = await h.core.call('accounts.remove', { id: h.stripeAccount }, ctx);
    expect(keys).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    const refused = ok(await h.core.call('audit.list', { action: 'refund.refused', operatorId: staff.id, limit: 10 }, ctx)).items;
    expect(refused.length).toBe(3);
    expect(JSON.stringify(refused.map((e) => e.details))).not.toMatch(/000000|1357|482913/);
  });
});

describe('gateway answers in cashier words', () => {
  /** each gateway's classification, as the outcome and the error core shows */
  const classifyGatewayError = (gateway: 'stripe' | 'razorpay', err: unknown, what: 'refund' | 'capture') => {
    const e = gateway === 'stripe' ? classifyStripeRefundError(err, what) : classifyRazorpayRefundError(err, what);
    return { kind: e.outcome, error: e };
  };
  it('402 / card errors are declines; 409 already refunded is the current state; 400 names the field; 5xx/429/409-in-progress retry', () => {
    const stripeErr = (type: string, extra: Record<string, unknown> = {}) => ({ type, message: 'Your card was declined.', ...extra });
    expect(classifyGatewayError('stripe', stripeErr('StripeCardError', { statusCode: 402, code: 'card_declined' }), 'refund'))
      .toMatchObject({ kind: 'refused', error: { code: 'gateway_declined', message: expect.stringMatching(/^Stripe declined the refund.*No money was sent\.$/) } });
    expect(classifyGatewayError('stripe', stripeErr('StripeInvalidRequestError', { statusCode: 400, code: 'charge_already_refunded' }), 'refund')).toMatchObject({ kind: 'already' });
    expect(classifyGatewayError('stripe', stripeErr('StripeInvalidRequestError', { statusCode: 400, code: 'amount_too_large', param: 'amount' }), 'refund'))
      .toMatchObject({ kind: 'refused', error: { field: 'amount' } });
    expect(classifyGatewayError('stripe', stripeErr('StripeAPIError', { statusCode: 500 }), 'refund')).toMatchObject({ kind: 'retry' });
    expect(classifyGatewayError('stripe', stripeErr('StripeInvalidRequestError', { statusCode: 409, code: 'idempotency_key_in_use' }), 'refund')).toMatchObject({ kind: 'retry' });
    const rzp = (statusCode: number, error: Record<string, unknown>) => ({ statusCode, error });
    expect(classifyGatewayError('razorpay', rzp(402, { code: 'BAD_REQUEST_ERROR', description: 'Refund declined by the bank', source: 'bank', reason: 'refund_declined' }), 'refund'))
      .toMatchObject({ kind: 'refused', error: { code: 'gateway_declined', message: expect.stringMatching(/^Razorpay declined the refund.*No money was sent\.$/) } });
    expect(classifyGatewayError('razorpay', rzp(400, { description: 'The payment has been fully refunded already' }), 'refund')).toMatchObject({ kind: 'already' });
    expect(classifyGatewayError('razorpay', rzp(400, { description: 'This payment has already been captured' }), 'capture')).toMatchObject({ kind: 'already' });
    expect(classifyGatewayError('razorpay', rzp(400, { description: 'The refund amount provided is greater than amount captured.', field: 'amount' }), 'refund'))
      .toMatchObject({ kind: 'refused', error: { code: 'gateway_invalid', field: 'amount' } });
    expect(classifyGatewayError('razorpay', rzp(409, { description: 'request in progress' }), 'refund')).toMatchObject({ kind: 'retry' });
    expect(classifyGatewayError('razorpay', rzp(0, { description: 'ECONNRESET' }), 'refund')).toMatchObject({ kind: 'retry' });
    expect(classifyGatewayError('razorpay', rzp(429, {}), 'refund')).toMatchObject({ kind: 'retry' });
  });
});
