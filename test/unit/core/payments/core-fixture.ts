// Core + the real Paydesk Sandbox for the payments tests (withCore: a fresh data dir with real SQLite and a
// key-file vault, the sandbox on 127.0.0.1 port 0), the two built-in sandbox accounts verified.
import type { PaydeskCore } from '../../../../electron/core/index';
import { sandboxControl, type RunningSandbox } from '../../../../sandbox/index';
import type { MethodInput, MethodName, MethodOutput } from '../../../../shared/contract';
import type { WireError } from '../../../../shared/errors';
import type { CoreEvent } from '../../../../electron/core/types';
import { withCore } from '../../../fixtures/with-core';

export const ctx = { transport: 'internal' } as const;

export interface PaymentsFixture {
  readonly core: PaydeskCore;
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
  const c = await withCore({ sandbox: true, ...(opts.webhookPort !== undefined ? { webhookPort: opts.webhookPort } : {}) });
  // withCore was asked for a sandbox, so there is one
  const sandbox = c.sandbox!;
  const accounts = c.core.deps!.repos.accounts.list();
  const f: PaymentsFixture = {
    get core() { return c.core; },
    sandbox,
    dataDir: c.dataDir,
    stripeId: accounts.find((a) => a.builtin === 'sandbox-stripe')!.id,
    razorpayId: accounts.find((a) => a.builtin === 'sandbox-razorpay')!.id,
    events: c.events,
    async call(method, input) {
      const r = await c.core.call(method, input, ctx);
      if (!r.ok) throw new Error(`${method} failed: ${r.error.code} ${r.error.field ?? ''} ${r.error.message}`);
      return r.value;
    },
    async fail(method, input) {
      const r = await c.core.call(method, input, ctx);
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
    restart: () => c.restart(),
    close: () => c.dispose(),
  };
  return f;
}

/** Stripe checkout sessions at the sandbox whose client_reference_id is `paydeskId` */
export async function stripeSessionsFor(f: PaymentsFixture, paydeskId: string): Promise<{ id: string; client_reference_id: string; customer_email: string | null; status: string }[]> {
  const r = await f.sb<{ data: { id: string; client_reference_id: string; customer_email: string | null; status: string }[] }>('GET', '/v1/checkout/sessions?limit=100', undefined, 'stripe');
  return r.body.data.filter((s) => s.client_reference_id === paydeskId);
}

/** Razorpay payment links at the sandbox made for `paydeskId` (notes.paydesk_id; reference_id is the shop's reference) */
export async function razorpayLinksFor(f: PaymentsFixture, paydeskId: string): Promise<{ id: string; reference_id: string; notes: Record<string, string>; notify: { email: boolean; sms: boolean }; status: string }[]> {
  const r = await f.sb<{ payment_links: { id: string; reference_id: string; notes: Record<string, string>; notify: { email: boolean; sms: boolean }; status: string }[] }>('GET', '/v1/payment_links?count=100', undefined, 'razorpay');
  return r.body.payment_links.filter((l) => l.notes.paydesk_id === paydeskId);
}
