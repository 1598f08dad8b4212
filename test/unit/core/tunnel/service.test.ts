// The webhooks domain service: tunnel lifecycle → Stripe endpoint registration (sandbox), setup view,
// write-only tunnel secrets, the one-time Razorpay secret; every output checked against the contract.
import Stripe from 'stripe';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSandbox, type RunningSandbox } from '../../../../sandbox/index';
import { events as eventSchemas, methods, type EventName, type TunnelStartInput } from '../../../../shared/contract';
import { AppError } from '../../../../shared/errors';
import { createTunnelService, TUNNEL_SECRET_REFS, type TunnelService, type WebhookAccount } from '../../../../electron/core/tunnel/service';
import type { TunnelCloseInfo, TunnelProvider } from '../../../../electron/core/tunnel/provider';
import { ADAPTERS } from '../../../../electron/core/gateways';
import { stripeEndpoints } from '../../../../electron/core/gateways/stripe/endpoints';

let sb: RunningSandbox;
let service: TunnelService;
let vault: Map<string, string>;
let webhookSecrets: Map<string, string>;
let emitted: Array<{ name: EventName; payload: unknown }>;
let nextUrl: string;
let dropCurrent: (info: TunnelCloseInfo) => void;

const accounts: WebhookAccount[] = [];
const presence = (v: string | undefined) => ({ configured: v !== undefined, last4: v && v.length >= 12 ? v.slice(-4) : null });

/** a provider that opens at whatever nextUrl says */
const fakeProvider = (input: TunnelStartInput): TunnelProvider => {
  const listeners = new Set<(i: TunnelCloseInfo) => void>();
  dropCurrent = (i) => { for (const l of [...listeners]) l(i); };
  return {
    kind: input.provider,
    start: async () => ({ url: input.provider === 'own' ? input.ownUrl! : nextUrl }),
    stop: async () => undefined,
    onClose: (fn) => { listeners.add(fn); return () => listeners.delete(fn); },
  };
};

beforeEach(async () => {
  sb = await createSandbox({ port: 0 });
  vault = new Map();
  webhookSecrets = new Map();
  emitted = [];
  nextUrl = 'https://first.ngrok-free.app';
  accounts.splice(0, accounts.length,
    { id: 'acc_s1', gateway: 'stripe', mode: 'test', label: 'Shop (Stripe)', webhookSecret: presence(undefined) },
    { id: 'acc_r1', gateway: 'razorpay', mode: 'test', label: 'Shop (Razorpay)', webhookSecret: presence(undefined) },
  );
  const u = new URL(sb.url);
  service = createTunnelService({
    getListenerPort: () => 40123,
    vault: {
      get: (ref) => vault.get(ref) ?? null,
      put: (ref, v) => { vault.set(ref, v); },
      remove: (ref) => { vault.delete(ref); },
      status: (ref) => presence(vault.get(ref)),
    },
    accounts: () => accounts.map((a) => ({ ...a, webhookSecret: presence(webhookSecrets.get(a.id)) })),
    webhooks: (g) => ADAPTERS[g].webhooks,
    endpointsFor: (id) => stripeEndpoints(new Stripe(sb.keys.STRIPE_SECRET_KEY, { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0 }), { accountId: id }),
    storeWebhookSecret: (id, secret) => { webhookSecrets.set(id, secret); },
    emit: (name, payload) => { emitted.push({ name, payload: eventSchemas[name].parse(payload) }); },
    createProvider: (input) => fakeProvider(input),
    allowLoopbackHttp: true,
    backoff: { baseMs: 5, maxMs: 5 },
  });
});
afterEach(async () => {
  await service.close();
  await sb.close();
});

const allSecrets = () => [...vault.values(), ...webhookSecrets.values()];
const expectNoSecrets = (value: unknown) => {
  const text = JSON.stringify(value);
  for (const s of allSecrets()) expect(text).not.toContain(s);
  expect(text).not.toContain('whsec_');
};
const sandboxEndpoints = async () => {
  const u = new URL(sb.url);
  const stripe = new Stripe(sb.keys.STRIPE_SECRET_KEY, { host: u.hostname, port: Number(u.port), protocol: 'http' });
  return (await stripe.webhookEndpoints.list({ limit: 100 })).data;
};

describe('tunnel service', () => {
  it('registers the Stripe endpoint when the tunnel comes online, and updates it when the URL changes', async () => {
    const s = await service.start({ provider: 'ngrok' });
    expect(methods['tunnel.start'].output.parse(s)).toMatchObject({ state: 'online', url: 'https://first.ngrok-free.app' });
    await service.idle();

    let eps = await sandboxEndpoints();
    expect(eps).toHaveLength(1);
    expect(eps[0]!.url).toBe('https://first.ngrok-free.app/webhooks/stripe/acc_s1');
    expect(webhookSecrets.get('acc_s1')).toMatch(/^whsec_/);

    const setup = methods['webhooks.setup'].output.parse(await service.setup());
    expect(setup.stripe).toEqual([expect.objectContaining({ accountId: 'acc_s1', registration: 'registered', endpointId: eps[0]!.id, url: eps[0]!.url, error: null })]);
    expect(setup.stripe[0]!.webhookSecret).toEqual({ configured: true, last4: webhookSecrets.get('acc_s1')!.slice(-4) });
    expectNoSecrets(setup);

    // the tunnel drops and comes back at another random URL: the same endpoint follows it
    nextUrl = 'https://second.ngrok-free.app';
    dropCurrent({ reason: 'connection reset', retry: true });
    await new Promise((r) => setTimeout(r, 50));
    expect(service.status()).toMatchObject({ state: 'online', url: 'https://second.ngrok-free.app' });
    await service.idle();
    eps = await sandboxEndpoints();
    expect(eps).toHaveLength(1);
    expect(eps[0]!.url).toBe('https://second.ngrok-free.app/webhooks/stripe/acc_s1');

    const names = emitted.map((e) => e.name);
    expect(names).toContain('tunnel.changed');
    expect(names).toContain('webhooks.changed');
    expectNoSecrets(emitted);
  });

  it('shows the Razorpay URL to paste, with warnings for a random ngrok URL', async () => {
    await service.start({ provider: 'ngrok' });
    const setup = methods['webhooks.setup'].output.parse(await service.setup());
    const rzp = setup.razorpay[0]!;
    expect(rzp.url).toBe('https://first.ngrok-free.app/webhooks/razorpay/acc_r1');
    expect(rzp.events).toContain('payment.captured');
    expect(rzp.warnings.map((w) => w.code)).toContain('ephemeral');
    expect(rzp.recommendation).toMatch(/reserved ngrok domain/);

    nextUrl = 'https://abc.ngrok.io';
    await service.start({ provider: 'ngrok' });
    const blocked = (await service.setup()).razorpay[0]!;
    expect(blocked.warnings.some((w) => w.code === 'ngrok_io' && w.blocking)).toBe(true);
  });

  it('is offline with no URLs before a start, and refuses a bad own URL as a field error', async () => {
    const setup = await service.setup();
    expect(setup).toMatchObject({ publicUrl: null, tunnel: { state: 'offline' } });
    expect(setup.stripe[0]).toMatchObject({ url: null, registration: 'not_started' });
    await expect(service.registerEndpoints()).rejects.toMatchObject({ code: 'unavailable' });
    const err = await service.start({ provider: 'own', ownUrl: 'http://shop.example.com' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).field).toBe('ownUrl');
    expect(service.status().state).toBe('offline');
  });

  it('starts with a URL I run myself (loopback http allowed for the sandbox) and registers Stripe there', async () => {
    const s = await service.start({ provider: 'own', ownUrl: 'http://127.0.0.1:40123/' });
    expect(s).toMatchObject({ state: 'online', provider: 'own', url: 'http://127.0.0.1:40123' });
    const setup = await service.registerEndpoints('acc_s1');
    expect(setup.stripe[0]).toMatchObject({ registration: 'registered', registeredUrl: 'http://127.0.0.1:40123/webhooks/stripe/acc_s1' });
    expect((await service.overview()).ownUrl).toBe('http://127.0.0.1:40123');
    await expect(service.registerEndpoints('acc_missing')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('keeps the ngrok authtoken write-only and the domain in the vault', async () => {
    const input = methods['tunnel.configure'].input.parse({ authtoken: '  2abcDEFghiJKLmnoPQRstu_vwxyz1234  ', domain: 'https://Shop-Paydesk.ngrok.app/' });
    const o = methods['tunnel.configure'].output.parse(await service.configure(input));
    expect(vault.get(TUNNEL_SECRET_REFS.authtoken)).toBe('2abcDEFghiJKLmnoPQRstu_vwxyz1234');
    expect(o.ngrok).toEqual({ authtoken: { configured: true, last4: '1234' }, domain: 'shop-paydesk.ngrok.app' });
    expect(JSON.stringify(o)).not.toContain('2abcDEFghiJKLmnoPQRstu_vwxyz1234');

    const cleared = await service.configure(methods['tunnel.configure'].input.parse({ authtoken: null, domain: null }));
    expect(cleared.ngrok).toEqual({ authtoken: { configured: false, last4: null }, domain: null });
    expect(() => methods['tunnel.configure'].input.parse({ domain: 'not a domain' })).toThrow();
    expect(() => methods['tunnel.start'].input.parse({ provider: 'own' })).toThrow();
  });

  it('generates a Razorpay webhook secret, stores it, and returns it once', async () => {
    const r = methods['webhooks.razorpaySecret'].output.parse(await service.webhookSecret('acc_r1'));
    expect(webhookSecrets.get('acc_r1')).toBe(r.secret);
    expect(r.last4).toBe(r.secret.slice(-4));
    const setup = await service.setup();
    expect(setup.razorpay[0]!.webhookSecret).toEqual({ configured: true, last4: r.secret.slice(-4) });
    expect(JSON.stringify(setup)).not.toContain(r.secret);
    await expect(service.webhookSecret('acc_s1')).rejects.toMatchObject({ code: 'invalid_input' });
    await expect(service.webhookSecret('nope')).rejects.toMatchObject({ code: 'not_found' });
  });

  it('records a Stripe failure per account in words and carries on', async () => {
    accounts.push({ id: 'acc_bad', gateway: 'stripe', mode: 'live', label: 'Broken', webhookSecret: presence(undefined) });
    const u = new URL(sb.url);
    const bad = createTunnelService({
      getListenerPort: () => 1,
      vault: { get: () => null, put: () => undefined, remove: () => undefined, status: () => presence(undefined) },
      accounts: () => accounts,
      webhooks: (g) => ADAPTERS[g].webhooks,
      endpointsFor: (id) => stripeEndpoints(new Stripe(id === 'acc_bad' ? 'sk_test_wrong' : sb.keys.STRIPE_SECRET_KEY, { host: u.hostname, port: Number(u.port), protocol: 'http', maxNetworkRetries: 0 }), { accountId: id }),
      storeWebhookSecret: () => undefined,
      emit: () => undefined,
      createProvider: (input) => fakeProvider(input),
    });
    await bad.start({ provider: 'ngrok' });
    await bad.idle();
    const setup = await bad.setup();
    expect(setup.stripe.find((s) => s.accountId === 'acc_s1')?.registration).toBe('registered');
    const broken = setup.stripe.find((s) => s.accountId === 'acc_bad')!;
    expect(broken.registration).toBe('failed');
    expect(broken.error).toMatch(/Stripe refused the secret key/);
    expect(broken.error).not.toContain('sk_test');
    await bad.close();
  });
});
