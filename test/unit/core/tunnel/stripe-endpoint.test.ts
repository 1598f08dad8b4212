// Stripe webhook endpoint registration against the real Paydesk Sandbox through the official SDK.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createSandbox, type RunningSandbox } from '../../../../sandbox/index';
import { AppError } from '../../../../shared/errors';
import { ensureEndpoint, webhookUrlFor, type EnsureEndpointOptions } from '../../../../electron/core/tunnel/endpoint';
import { stripeEndpoints, STRIPE_WEBHOOK_EVENTS } from '../../../../electron/core/gateways/stripe/endpoints';

let sb: RunningSandbox;
let stripe: Stripe;
let vault: Map<string, string>;
/** the registration through Stripe's EndpointPort, for one account */
const ensureStripeEndpoint = ({ stripe: client, ...opts }: Omit<EnsureEndpointOptions, 'gateway'> & { stripe: Stripe }) =>
  ensureEndpoint(stripeEndpoints(client, { accountId: opts.accountId }), { ...opts, gateway: 'stripe' });
const store = (accountId: string, secret: string) => { vault.set(accountId, secret); };

const sdk = (key: string): Stripe => {
  const u = new URL(sb.url);
  return new Stripe(key, { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0 });
};

beforeEach(async () => {
  sb = await createSandbox({ port: 0 });
  stripe = sdk(sb.keys.STRIPE_SECRET_KEY);
  vault = new Map();
});
afterEach(async () => {
  vi.restoreAllMocks();
  await sb.close();
});

const paydeskEndpoints = async (accountId: string) =>
  (await stripe.webhookEndpoints.list({ limit: 100 })).data.filter((e) => e.metadata?.paydesk_account_id === accountId);

describe('ensureStripeEndpoint (sandbox)', () => {
  it('creates once with the Paydesk events, and stores the secret only through the callback', async () => {
    const r = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com/', storeWebhookSecret: store });
    expect(r).toMatchObject({ action: 'created', url: 'https://one.example.com/webhooks/stripe/acc_1', removedDuplicates: 0 });

    const secret = vault.get('acc_1');
    expect(secret).toMatch(/^whsec_/);
    expect(JSON.stringify(r)).not.toContain(secret);
    expect(JSON.stringify(r)).not.toContain('whsec_');

    const [ep, ...rest] = await paydeskEndpoints('acc_1');
    expect(rest).toHaveLength(0);
    expect(ep).toMatchObject({ id: r.endpointId, url: r.url, status: 'enabled' });
    expect(ep!.description).toMatch(/^Paydesk/);
    expect([...ep!.enabled_events].sort()).toEqual([...STRIPE_WEBHOOK_EVENTS].sort());
    for (const group of ['checkout.session.', 'payment_intent.', 'charge.', 'refund.', 'charge.dispute.', 'payout.']) {
      expect(STRIPE_WEBHOOK_EVENTS.some((e) => e.startsWith(group))).toBe(true);
    }
  });

  it('a second ensure with the same URL changes nothing and creates no second endpoint', async () => {
    const first = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    const secret = vault.get('acc_1');
    const create = vi.spyOn(stripe.webhookEndpoints, 'create');
    const update = vi.spyOn(stripe.webhookEndpoints, 'update');
    const storeSpy = vi.fn(store);

    const second = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: storeSpy });
    expect(second).toEqual({ ...first, action: 'unchanged' });
    expect(create).not.toHaveBeenCalled();
    expect(update).not.toHaveBeenCalled();
    expect(storeSpy).not.toHaveBeenCalled();
    expect(vault.get('acc_1')).toBe(secret);
    expect(await paydeskEndpoints('acc_1')).toHaveLength(1);
  });

  it('a new URL updates the same endpoint (and keeps its secret)', async () => {
    const first = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    const secret = vault.get('acc_1');
    const create = vi.spyOn(stripe.webhookEndpoints, 'create');

    const moved = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://two.example.com', storeWebhookSecret: store });
    expect(moved).toMatchObject({ action: 'updated', endpointId: first.endpointId, url: 'https://two.example.com/webhooks/stripe/acc_1' });
    expect(create).not.toHaveBeenCalled();
    expect(vault.get('acc_1')).toBe(secret);
    const eps = await paydeskEndpoints('acc_1');
    expect(eps).toHaveLength(1);
    expect(eps[0]!.url).toBe('https://two.example.com/webhooks/stripe/acc_1');
  });

  it('re-enables a disabled endpoint and restores the event list', async () => {
    const first = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    await stripe.webhookEndpoints.update(first.endpointId, { disabled: true, enabled_events: ['charge.succeeded'] });
    const again = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    expect(again.action).toBe('updated');
    const ep = await stripe.webhookEndpoints.retrieve(first.endpointId);
    expect(ep.status).toBe('enabled');
    expect(ep.enabled_events).toHaveLength(STRIPE_WEBHOOK_EVENTS.length);
  });

  it('keeps accounts apart, leaves the merchant\'s own endpoints alone, and removes piled-up duplicates', async () => {
    const theirs = await stripe.webhookEndpoints.create({ url: 'https://merchant.example.com/hook', enabled_events: ['charge.succeeded'] });
    await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    await ensureStripeEndpoint({ stripe, accountId: 'acc_2', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    // an older Paydesk left a duplicate for acc_1
    await stripe.webhookEndpoints.create({ url: 'https://old.example.com/webhooks/stripe/acc_1', enabled_events: ['charge.succeeded'], metadata: { paydesk_account_id: 'acc_1' }, description: 'Paydesk' });

    const r = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    expect(r).toMatchObject({ action: 'unchanged', removedDuplicates: 1 });
    expect(await paydeskEndpoints('acc_1')).toHaveLength(1);
    expect(await paydeskEndpoints('acc_2')).toHaveLength(1);
    expect((await stripe.webhookEndpoints.retrieve(theirs.id)).url).toBe('https://merchant.example.com/hook');
  });

  it('adopts an untagged "Paydesk" endpoint at this account\'s path instead of creating another', async () => {
    const old = await stripe.webhookEndpoints.create({ url: 'https://old.example.com/webhooks/stripe/acc_1', enabled_events: ['charge.succeeded'], description: 'Paydesk' });
    const r = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://new.example.com', storeWebhookSecret: store });
    expect(r).toMatchObject({ action: 'updated', endpointId: old.id });
    expect((await stripe.webhookEndpoints.list({ limit: 100 })).data).toHaveLength(1);
  });

  it('recreates the endpoint when the vault lost its secret (a secret is only ever returned at creation)', async () => {
    const first = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store });
    const oldSecret = vault.get('acc_1');
    const r = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store, hasWebhookSecret: () => false });
    expect(r.action).toBe('recreated');
    expect(r.endpointId).not.toBe(first.endpointId);
    expect(vault.get('acc_1')).toMatch(/^whsec_/);
    expect(vault.get('acc_1')).not.toBe(oldSecret);
    expect(await paydeskEndpoints('acc_1')).toHaveLength(1);
  });

  it('removes the new endpoint again when its secret cannot be stored, and says so without the secret', async () => {
    const err = await ensureStripeEndpoint({ stripe, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: () => { throw new Error('vault is locked'); } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).message).toMatch(/could not be saved/);
    expect(JSON.stringify({ m: (err as AppError).message, c: String((err as AppError).cause) })).not.toContain('whsec_');
    expect(await paydeskEndpoints('acc_1')).toHaveLength(0);
  });

  it('maps a refused key to gateway_auth without echoing the key', async () => {
    const bad = sdk('sk_test_51WrongWrongWrongWrongWrong000000000000000000000000000000000000000000000000000000000000000000000000');
    const err = await ensureStripeEndpoint({ stripe: bad, accountId: 'acc_1', publicUrl: 'https://one.example.com', storeWebhookSecret: store }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('gateway_auth');
    expect((err as AppError).message).not.toContain('sk_test');
  });

  it('builds the listener\'s URL for both gateways', () => {
    expect(webhookUrlFor('https://x.example.com/base/', 'stripe', 'acc 1')).toBe('https://x.example.com/base/webhooks/stripe/acc%201');
    expect(webhookUrlFor('https://x.example.com', 'razorpay', 'acc_2')).toBe('https://x.example.com/webhooks/razorpay/acc_2');
  });
});
