// Accounts in core without a transport: sandbox accounts follow changing sandbox keys; an unreachable
// gateway saves keys unverified with the reason; a removed built-in account is not recreated.
import { createServer } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../electron/core/index';
import type { Account } from '../../../shared/contract';
import { withCore, type CoreFixture, type WithCoreOptions } from '../../fixtures/with-core';

const ctx = { transport: 'internal' } as const;
const keys = (n: number) => ({
  STRIPE_SECRET_KEY: `sk_test_51Unit${n}StripeSecretKey000000000000`,
  STRIPE_PUBLISHABLE_KEY: `pk_test_51Unit${n}StripePublishable0000000000`,
  RAZORPAY_KEY_ID: `rzp_test_Unit${n}KeyId0000`,
  RAZORPAY_KEY_SECRET: `Unit${n}RazorpaySecret000000`,
});

/** a 127.0.0.1 port with nothing listening */
async function closedPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as { port: number }).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

// Each test starts cores one after another on one data dir (the restarts change the sandbox's keys or
// switch it off), so the dir is the test's own and every fixture leaves it in place.
const dirs: string[] = [];
const fixtures: CoreFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.dispose();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function open(dataDir: string, sandbox: Pick<WithCoreOptions, 'sandbox' | 'sandboxAt'>): Promise<PaydeskCore> {
  const f = await withCore({ dataDir, ...sandbox });
  fixtures.push(f);
  return f.core;
}

/** core pointed at a sandbox address with these keys; nothing need answer there */
const start = (dataDir: string, sandboxKeys: ReturnType<typeof keys>, url: string): Promise<PaydeskCore> =>
  open(dataDir, { sandboxAt: { url, keys: sandboxKeys, controlToken: 'sbxctl_unit' } });

async function list(core: PaydeskCore): Promise<Account[]> {
  const env = await core.call('accounts.list', {}, ctx);
  if (!env.ok) throw new Error(env.error.message);
  return env.value;
}

describe('accounts in core', () => {
  it('an unreachable sandbox leaves the built-ins unverified with the reason, and saves a new account unverified', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-acc-'));
    dirs.push(dataDir);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const core = await start(dataDir, keys(1), url);
    const all = await list(core);
    expect(all.map((a) => a.label)).toEqual(['Sandbox Stripe', 'Sandbox Razorpay']);
    for (const a of all) {
      expect(a.verification.status).toBe('unverified');
      expect(a.verification.message).toMatch(/Could not reach (Stripe|Razorpay)/);
      expect(a.verification.message).toMatch(/use Verify to try again/);
    }
    const created = await core.call('accounts.create', {
      gateway: 'razorpay', mode: 'test', label: 'Offline', publicKey: 'rzp_test_Offline0000', secretKey: 'OfflineSecret1234', sandbox: true,
    }, ctx);
    expect(created).toMatchObject({ ok: true, value: { verification: { status: 'unverified' }, secretKey: { configured: true, last4: '1234' } } });
  });

  it('follows changed sandbox keys silently, and does not recreate a removed built-in account', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-acc-'));
    dirs.push(dataDir);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const first = await start(dataDir, keys(1), url);
    const before = await list(first);
    await first.close();

    const second = await start(dataDir, keys(2), url);
    const after = await list(second);
    expect(after.map((a) => a.id)).toEqual(before.map((a) => a.id));
    const stripe = after.find((a) => a.gateway === 'stripe')!;
    expect(stripe.publicKey).toBe(keys(2).STRIPE_PUBLISHABLE_KEY);
    expect(stripe.secretKey.last4).toBe(keys(2).STRIPE_SECRET_KEY.slice(-4));
    expect(second.deps!.gateways.resolve(stripe.id).baseUrl).toBe(url);

    expect((await second.call('accounts.update', { id: stripe.id, secretKey: 'sk_test_Other1234567890' }, ctx))).toMatchObject({ ok: false, error: { field: 'secretKey' } });
    expect((await second.call('accounts.remove', { id: stripe.id }, ctx)).ok).toBe(true);
    await second.close();

    const third = await start(dataDir, keys(3), url);
    expect((await list(third)).map((a) => a.label)).toEqual(['Sandbox Razorpay']);
    const info = await third.call('system.info', {}, ctx);
    expect(info).toMatchObject({ ok: true, value: { sandboxUrl: url, vaultProtection: { kind: 'keyfile' }, startupError: null } });
  });

  it('without the sandbox a sandbox account cannot be created, and an existing one says the sandbox is off', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-acc-'));
    dirs.push(dataDir);
    const url = `http://127.0.0.1:${await closedPort()}`;
    const first = await start(dataDir, keys(1), url);
    const id = (await list(first))[0]!.id;
    await first.close();
    const off = await open(dataDir, { sandbox: false });
    const v = await off.call('accounts.verify', { id }, ctx);
    expect(v).toMatchObject({ ok: false, error: { code: 'unavailable' } });
    const c = await off.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'x', publicKey: 'pk_test_abcdefgh12', secretKey: 'sk_test_abcdefgh12', sandbox: true }, ctx);
    expect(c).toMatchObject({ ok: false, error: { code: 'unavailable', field: 'sandbox' } });
    expect(() => off.deps!.gateways.client(id)).toThrow(/switched off/);
  });
});
