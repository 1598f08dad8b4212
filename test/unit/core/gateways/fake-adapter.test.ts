// The gateway seam, proved from outside: a core whose Stripe adapter is an in-memory fake (no SDK, no
// network) creates an account, makes a link, turns paid by a signed webhook, refunds part of it and
// syncs, all through the RPC. Each step asserts what the fake was asked, so a service that still reaches
// the SDK or branches on the gateway's name fails here.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../../electron/core/index';
import { ADAPTERS } from '../../../../electron/core/gateways';
import type { Envelope } from '../../../../shared/errors';
import { createFakeGateway, fakeKeys, type FakeGateway } from '../../../fixtures/fake-gateway';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

const ctx = { transport: 'ipc' } as const;
const ok = <T>(e: Envelope<T>): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message} (${e.error.field ?? '-'})`);
  return e.value;
};

let f: CoreFixture;
let core: PaydeskCore;
let fake: FakeGateway;
let accountId: string;
const keys = fakeKeys('test');

beforeAll(async () => {
  fake = createFakeGateway({ name: 'stripe' });
  f = await withCore({ sandbox: false, adapters: { stripe: fake.adapter, razorpay: ADAPTERS.razorpay } });
  core = f.core;
});
afterAll(async () => {
  await f?.dispose();
});

const linkIdOf = (p: { gatewayIds: { sessionId: string | null } }): string => {
  const id = p.gatewayIds.sessionId;
  if (!id) throw new Error('the link has no gateway id');
  return id;
};

async function deliver(path: string, d: { headers: Record<string, string>; body: Buffer }): Promise<number> {
  const port = core.deps!.runtime.webhookListenerPort;
  const res = await fetch(`http://127.0.0.1:${port}${path}`, { method: 'POST', headers: d.headers, body: d.body });
  await res.text();
  return res.status;
}

/** the webhook ingest answers before it has applied (group commit): wait until the payment shows it */
async function until<T>(read: () => Promise<T>, done: (v: T) => boolean, timeoutMs = 5_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await read();
    if (done(v) || Date.now() > end) return v;
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('a core on the fake gateway adapter', () => {
  it('accounts.create checks the keys with the fake key port and verifies them through the fake client', async () => {
    const bad = await core.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'Fake', publicKey: 'pk_test_abcdefgh123', secretKey: keys.secretKey }, ctx);
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.field).toBe('publicKey');
    expect(fake.calls.verifyKeys).toHaveLength(0);

    const a = ok(await core.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'Fake shop', publicKey: keys.publicKey, secretKey: keys.secretKey }, ctx));
    accountId = a.id;
    expect(a).toMatchObject({ gateway: 'stripe', verification: { status: 'verified' }, secretKey: { configured: true } });
    expect(fake.calls.verifyKeys).toHaveLength(1);
    expect(fake.calls.verifyKeys[0]).toMatchObject({ secret: keys.secretKey, publicKey: keys.publicKey, baseUrl: null });
  });

  it('a refused key is reported at the secret field and nothing is saved', async () => {
    fake.refusedSecrets.add('fake_sk_test_revoked01');
    const before = ok(await core.call('accounts.list', {}, ctx)).length;
    const env = await core.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'Revoked', publicKey: keys.publicKey, secretKey: 'fake_sk_test_revoked01' }, ctx);
    expect(env.ok).toBe(false);
    if (!env.ok) expect(env.error).toMatchObject({ code: 'gateway_auth', field: 'secretKey' });
    expect(ok(await core.call('accounts.list', {}, ctx))).toHaveLength(before);
  });

  it('links.create sends the stored intent to the fake and shows its URL; a signed webhook turns it paid', async () => {
    const p = ok(await core.call('links.create', { accountId, amount: '40.00', currency: 'USD', orderRef: 'FAKE-1', customerEmail: 'a@example.com' }, ctx));
    expect(fake.calls.linkCreate).toHaveLength(1);
    const sent = fake.calls.linkCreate[0]!.request;
    expect(sent).toMatchObject({ paymentId: p.id, kind: 'stripe_checkout', amountMinor: 4000, currency: 'USD', customerEmail: 'a@example.com' });
    expect(sent.idempotencyKey).toEqual(expect.any(String));
    const linkId = linkIdOf(p);
    expect(p).toMatchObject({ status: 'open', url: `https://fake.gateway.test/pay/${linkId}` });

    ok(await core.call('accounts.update', { id: accountId, webhookSecret: keys.webhookSecret }, ctx));
    const paid = fake.pay(linkId, 4000);
    const path = `/webhooks/stripe/${accountId}`;
    // signed with another secret: refused, and the payment stays open
    expect(await deliver(path, fake.signedDelivery('fake_whsec_someoneelse', linkId, paid.facts))).toBe(400);
    expect(ok(await core.call('payments.get', { id: p.id }, ctx)).payment.status).toBe('open');

    expect(await deliver(path, fake.signedDelivery(keys.webhookSecret, linkId, paid.facts, 'fake.link.paid'))).toBe(200);
    const d = await until(() => core.call('payments.get', { id: p.id }, ctx).then(ok), (v) => v.payment.status === 'paid');
    expect(d.payment).toMatchObject({ status: 'paid', capturedMinor: 4000 });
    expect(d.events.map((e) => e.type)).toEqual(['fake.link.paid']);
    expect(d.timeline.some((t) => t.source === 'webhook' && t.kind === 'captured')).toBe(true);
  });

  it('refunds.create sends one refund with its idempotency key and amount; the refund row succeeds', async () => {
    const p = ok(await core.call('links.create', { accountId, amount: '50.00', currency: 'USD', orderRef: 'FAKE-2' }, ctx));
    const paid = fake.pay(linkIdOf(p), 5000);
    ok(await core.call('links.checkStatus', { id: p.id }, ctx));

    const r = ok(await core.call('refunds.create', { paymentId: p.id, amount: '12.50', reason: 'requested_by_customer', requestId: 'fake-refund-0001' }, ctx));
    expect(fake.calls.refundCreate).toHaveLength(1);
    const req = fake.calls.refundCreate[0]!;
    expect(req).toMatchObject({ refundId: r.id, paymentId: p.id, gatewayPaymentId: paid.gatewayPaymentId, amountMinor: 1250, reason: 'requested_by_customer', speed: null });
    expect(req.idempotencyKey).toEqual(expect.any(String));
    expect(req.idempotencyKey.length).toBeGreaterThan(0);
    expect(r).toMatchObject({ status: 'succeeded', amountMinor: 1250, gateway: 'stripe' });
    expect(r.gatewayRefundId).toMatch(/^fake_re_/);

    // the same request again (a double click) sends nothing more
    ok(await core.call('refunds.create', { paymentId: p.id, amount: '12.50', reason: 'requested_by_customer', requestId: 'fake-refund-0001' }, ctx));
    expect(fake.calls.refundCreate).toHaveLength(1);
    const after = ok(await core.call('payments.get', { id: p.id }, ctx)).payment;
    expect(after).toMatchObject({ status: 'paid', capturedMinor: 5000, refundedMinor: 1250 });
  });

  it('links.checkStatus asks the fake for the link facts and folds them', async () => {
    const p = ok(await core.call('links.create', { accountId, amount: '7.00', currency: 'USD', orderRef: 'FAKE-3' }, ctx));
    const linkId = linkIdOf(p);
    const asked = fake.calls.linkFacts.length;
    expect(ok(await core.call('links.checkStatus', { id: p.id }, ctx)).status).toBe('open');
    expect(fake.calls.linkFacts.length).toBeGreaterThan(asked);
    expect(fake.calls.linkFacts.at(-1)).toMatchObject({ sessionId: linkId });

    fake.pay(linkId, 700);
    const synced = ok(await core.call('links.checkStatus', { id: p.id }, ctx));
    expect(synced).toMatchObject({ status: 'paid', capturedMinor: 700 });
  });

  it('links.cancel goes to the fake with the link it made', async () => {
    const p = ok(await core.call('links.create', { accountId, amount: '3.00', currency: 'USD', orderRef: 'FAKE-4' }, ctx));
    const cancelled = ok(await core.call('links.cancel', { id: p.id }, ctx));
    expect(fake.calls.linkCancel.at(-1)).toMatchObject({ sessionId: linkIdOf(p) });
    expect(fake.links.get(linkIdOf(p))?.cancelled).toBe(true);
    expect(cancelled.status).toBe('cancelled');
  });
});
