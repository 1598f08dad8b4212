// An account's "return to shop" pages, end to end against the real sandbox: saved by accounts.update (checked
// at their fields, audited, shown on the account), sent as the sandbox session's success_url / cancel_url for
// links made in the console and over the merchant API, the caller's own pages still first.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkCreateInput } from '../../../shared/contract';
import { startPaymentsFixture, type PaymentsFixture } from './payments/core-fixture';

let f: PaymentsFixture;
let n = 0;
const ref = (p = 'RET') => `${p}-${Date.now().toString(36)}-${++n}`;
const stripe = (over: Partial<LinkCreateInput> = {}): LinkCreateInput => ({ accountId: f.stripeId, amount: '25.00', currency: 'USD', orderRef: ref(), ...over });

beforeAll(async () => {
  f = await startPaymentsFixture();
});
afterAll(async () => {
  await f?.close();
});

async function sessionOf(sessionId: string | null): Promise<{ success_url: string | null; cancel_url: string | null }> {
  const s = await f.sb<{ success_url: string | null; cancel_url: string | null }>('GET', `/v1/checkout/sessions/${sessionId}`, undefined, 'stripe');
  expect(s.status).toBe(200);
  return s.body;
}

describe("an account's return pages", () => {
  it('are saved by accounts.update, shown on the account, and audited', async () => {
    const a = await f.call('accounts.update', { id: f.stripeId, returnSuccessUrl: 'https://shop.example.com/thanks?order={ref}' });
    expect(a).toMatchObject({ returnSuccessUrl: 'https://shop.example.com/thanks?order={ref}', returnCancelUrl: null });
    const listed = (await f.call('accounts.list', {})).find((x) => x.id === f.stripeId);
    expect(listed).toMatchObject({ returnSuccessUrl: 'https://shop.example.com/thanks?order={ref}' });
    const audit = f.core.deps!.repos.audit.newestFirst({ action: 'account.key_changed', limit: 1 })[0];
    expect(audit?.details).toMatchObject({ changed: ['returnSuccessUrl'], returnPages: { success: 'https://shop.example.com/thanks?order={ref}', cancel: null } });
  });

  it("become the sandbox session's success_url and cancel_url, {ref} replaced by the order reference", async () => {
    const p = await f.call('links.create', stripe({ orderRef: 'SHOP 1/A' }));
    expect(await sessionOf(p.gatewayIds.sessionId)).toMatchObject({ success_url: 'https://shop.example.com/thanks?order=SHOP%201%2FA', cancel_url: 'https://shop.example.com/thanks?order=SHOP%201%2FA' });
    await f.call('accounts.update', { id: f.stripeId, returnCancelUrl: 'https://shop.example.com/cart' });
    const q = await f.call('links.create', stripe({ orderRef: 'SHOP-2' }));
    expect(await sessionOf(q.gatewayIds.sessionId)).toMatchObject({ success_url: 'https://shop.example.com/thanks?order=SHOP-2', cancel_url: 'https://shop.example.com/cart' });
  });

  it("the caller's own pages still come first", async () => {
    const p = await f.call('links.create', stripe({ successUrl: 'https://other.example/ok' }));
    expect(await sessionOf(p.gatewayIds.sessionId)).toMatchObject({ success_url: 'https://other.example/ok', cancel_url: 'https://other.example/ok' });
  });

  it('over the merchant API too', async () => {
    const api = await f.call('api.enable', { port: 0 });
    const { secret } = await f.call('api.tokens.create', { name: 'Return pages' });
    const res = await fetch(`${api.url}/api/payments/stripe/checkout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      body: JSON.stringify({ order_id: 'API-RET-1', amount: 5000, currency: 'usd', account_id: f.stripeId }),
    });
    const body = (await res.json()) as { session_id: string };
    expect(res.status).toBe(201);
    expect(await sessionOf(body.session_id)).toMatchObject({ success_url: 'https://shop.example.com/thanks?order=API-RET-1', cancel_url: 'https://shop.example.com/cart' });
    await f.call('api.disable', {});
  });

  it('are refused at their field when not a page the customer can be sent to', async () => {
    const cases: [Partial<Record<'returnSuccessUrl' | 'returnCancelUrl', string>>, string, RegExp][] = [
      [{ returnSuccessUrl: 'http://shop.example.com/thanks' }, 'returnSuccessUrl', /https/],
      [{ returnCancelUrl: 'https://me:secret@shop.example.com/cart' }, 'returnCancelUrl', /user name and password/],
      [{ returnSuccessUrl: 'thanks.html' }, 'returnSuccessUrl', /full address/],
      [{ returnSuccessUrl: `https://shop.example.com/${'x'.repeat(500)}` }, 'returnSuccessUrl', /500 characters/],
    ];
    for (const [change, field, message] of cases) {
      const e = await f.fail('accounts.update', { id: f.stripeId, ...change });
      expect(e).toMatchObject({ code: 'invalid_input', field });
      expect(e.message).toMatch(message);
    }
    // nothing was saved by a refused change
    expect((await f.call('accounts.list', {})).find((x) => x.id === f.stripeId)).toMatchObject({ returnCancelUrl: 'https://shop.example.com/cart' });
  });

  it('http on this computer is for sandbox accounts only', async () => {
    const ok = await f.call('accounts.update', { id: f.stripeId, returnSuccessUrl: 'http://127.0.0.1:4000/thanks', returnCancelUrl: null });
    expect(ok).toMatchObject({ returnSuccessUrl: 'http://127.0.0.1:4000/thanks', returnCancelUrl: null });
    const now = Date.now();
    f.core.deps!.repos.accounts.insert({
      id: 'acc_realret', gateway: 'stripe', mode: 'test', livemode: false, label: 'Real shop', publicKey: 'pk_test_x', secretKeyRef: null,
      webhookSecretRef: null, sandbox: false, builtin: null, verificationStatus: 'unverified', verifiedAt: null, verificationMessage: null, createdAt: now, updatedAt: now,
    });
    const e = await f.fail('accounts.update', { id: 'acc_realret', returnSuccessUrl: 'http://127.0.0.1:4000/thanks' });
    expect(e).toMatchObject({ field: 'returnSuccessUrl', message: expect.stringMatching(/sandbox account/) });
  });

  it("cleared, Paydesk's own pages are used again; a removed account leaves nothing behind", async () => {
    const a = await f.call('accounts.update', { id: f.stripeId, returnSuccessUrl: '', returnCancelUrl: null });
    expect(a).toMatchObject({ returnSuccessUrl: null, returnCancelUrl: null });
    const p = await f.call('links.create', stripe({ orderRef: 'BACK-OWN' }));
    expect((await sessionOf(p.gatewayIds.sessionId)).success_url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/pay\/done\?ref=BACK-OWN$/);

    await f.call('accounts.update', { id: 'acc_realret', returnSuccessUrl: 'https://real.example/thanks' });
    f.core.deps!.accounts.remove('acc_realret');
    const left = f.core.deps!.db.prepare("SELECT count(*) AS c FROM settings WHERE key LIKE 'accounts.returnUrls.%'").get() as { c: number };
    expect(left.c).toBe(0);
  });
});
