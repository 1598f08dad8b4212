// Core + the real Paydesk Sandbox for the payments tests: a fresh data dir (real SQLite, key-file vault),
// the sandbox on 127.0.0.1 port 0, the two built-in sandbox accounts verified.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type PaydeskCore } from '../../../../electron/core/index';
import { createKeyFileProtector } from '../../../../electron/core/vault';
import { createSandbox, sandboxControl, type RunningSandbox } from '../../../../sandbox/index';
import type { MethodInput, MethodName, MethodOutput } from '../../../../shared/contract';
import type { WireError } from '../../../../shared/errors';
import type { CoreEvent } from '../../../../electron/core/types';

export const ctx = { transport: 'internal' } as const;

export interface PaymentsFixture {
  core: PaydeskCore;
  sandbox: RunningSandbox;
  dataDir: string;
  stripeId: string;
  razorpayId: string;
  events: CoreEvent[];
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  fail<M extends MethodName>(method: M, input: MethodInput<M>): Promise<WireError>;
  /** JSON to/from the sandbox: the control API (/__sandbox/…, with the control token) or the gateway API with the given auth */
  sb<T = unknown>(method: string, path: string, body?: unknown, auth?: 'stripe' | 'razorpay'): Promise<{ status: number; body: T }>;
  restart(): Promise<void>;
  close(): Promise<void>;
}

export async function startPaymentsFixture(opts: { webhookPort?: number } = {}): Promise<PaymentsFixture> {
  const sandbox = await createSandbox({ port: 0 });
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-payments-'));
  const events: CoreEvent[] = [];
  const open = async () => {
    const core = await createCore({
      dataDir, shell: 'browser', protector: createKeyFileProtector(dataDir),
      sandbox: { url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken }, log: () => {},
      ...(opts.webhookPort !== undefined ? { webhookPort: opts.webhookPort } : {}),
    });
    core.onEvent((e) => events.push(e));
    await core.idle();
    return core;
  };
  let core = await open();
  const accounts = core.deps!.repos.accounts.list();
  const f: PaymentsFixture = {
    get core() { return core; },
    sandbox,
    dataDir,
    stripeId: accounts.find((a) => a.builtin === 'sandbox-stripe')!.id,
    razorpayId: accounts.find((a) => a.builtin === 'sandbox-razorpay')!.id,
    events,
    async call(method, input) {
      const r = await core.call(method, input, ctx);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.field ?? ''} ${r.error.message}`);
      return r.value;
    },
    async fail(method, input) {
      const r = await core.call(method, input, ctx);
      if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
      return r.error;
    },
    async sb(method, path, body, auth) {
      if (path.startsWith('/__sandbox/')) {
        const res = await sandboxControl(sandbox.url, sandbox.controlToken).request(method as 'GET' | 'POST' | 'DELETE', path, body);
        return { status: res.status, body: res.body as never };
      }
      const headers: Record<string, string> = {};
      if (body !== undefined) headers['content-type'] = 'application/json';
      if (auth === 'stripe') headers.authorization = `Bearer ${sandbox.keys.STRIPE_SECRET_KEY}`;
      if (auth === 'razorpay') headers.authorization = `Basic ${Buffer.from(`${sandbox.keys.RAZORPAY_KEY_ID}:${sandbox.keys.RAZORPAY_KEY_SECRET}`).toString('base64')}`;
      const res = await fetch(`${sandbox.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      const text = await res.text();
      return { status: res.status, body: (text ? JSON.parse(text) : null) as never };
    },
    async restart() {
      await core.close();
      core = await open();
    },
    async close() {
      await core.close();
      await sandbox.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return f;
}

/** Stripe checkout sessions at the sandbox whose client_reference_id is `paydeskId` */
export async function stripeSessionsFor(f: PaymentsFixture, paydeskId: string): Promise<{ id: string; client_reference_id: string; customer_email: string | null; status: string }[]> {
  const r = await f.sb<{ data: { id: string; client_reference_id: string; customer_email: string | null; status: string }[] }>('GET', '/v1/checkout/sessions?limit=100', undefined, 'stripe');
  return r.body.data.filter((s) => s.client_reference_id === paydeskId);
}

/** Razorpay payment links at the sandbox with reference_id `paydeskId` */
export async function razorpayLinksFor(f: PaymentsFixture, paydeskId: string): Promise<{ id: string; reference_id: string; notify: { email: boolean; sms: boolean }; status: string }[]> {
  const r = await f.sb<{ payment_links: { id: string; reference_id: string; notify: { email: boolean; sms: boolean }; status: string }[] }>('GET', `/v1/payment_links?reference_id=${paydeskId}`, undefined, 'razorpay');
  return r.body.payment_links;
}
