// One valid input for EVERY contract method, built through the transport under test (plus the sandbox's
// control API for what a customer does in a browser). Typed like the handlers' table: a method added to the
// contract without a row here does not compile. Rows run in this order on one core per transport, so a row
// may rely on the desk and backup state the rows before it left (the same on every transport).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MethodInput, MethodName, MethodOutput } from '../../shared/contract';
import type { AppErrorCode, Envelope } from '../../shared/errors';
import { sandboxControl } from '../../sandbox/index';

export interface SandboxInfo {
  url: string;
  controlToken: string;
  keys: { STRIPE_SECRET_KEY: string; STRIPE_PUBLISHABLE_KEY: string; RAZORPAY_KEY_ID: string; RAZORPAY_KEY_SECRET: string };
}

/** What a row's input builder may use: the transport under test, the sandbox, and memoised set-ups. */
export interface World {
  call(method: string, input: unknown): Promise<Envelope<unknown>>;
  ok<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  sandbox: SandboxInfo;
  /** POST to the sandbox's control API (/__sandbox<path>) */
  control<T = unknown>(path: string, body?: unknown): Promise<T>;
  /** runs `make` once per world and key (so rows share a payment, an account or a backup) */
  once<T>(key: string, make: () => Promise<T>): Promise<T>;
}

export interface MethodRow<M extends MethodName> {
  input(w: World): Promise<MethodInput<M>> | MethodInput<M>;
  /** the outcome on every transport: 'ok' (default) or the error code both must answer */
  expect?: 'ok' | AppErrorCode;
  /** where the team database (PostgreSQL) answers differently, the row to use there instead */
  onPostgres?: Omit<MethodRow<M>, 'onPostgres'>;
}

export type MethodTable = { [M in MethodName]: MethodRow<M> };

export function makeWorld(call: World['call'], sandbox: SandboxInfo): World {
  const memo = new Map<string, Promise<unknown>>();
  const control = sandboxControl(sandbox.url, sandbox.controlToken);
  const w: World = {
    call,
    async ok(method, input) {
      const env = await call(method, input);
      if (!env.ok) throw new Error(`set-up call ${method} failed: ${env.error.code} ${env.error.message}`);
      return env.value as never;
    },
    sandbox,
    async control<T>(path: string, body: unknown = {}) {
      const res = await control.post(`/__sandbox${path}`, body);
      if (!res.ok) throw new Error(`sandbox ${path}: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body as T;
    },
    once<T>(key: string, make: () => Promise<T>) {
      if (!memo.has(key)) memo.set(key, make());
      return memo.get(key) as Promise<T>;
    },
  };
  return w;
}

let refs = 0;
const orderRef = () => `CT-${++refs}`;
const requestId = () => `ctreq_${(refs++).toString().padStart(6, '0')}`;

const builtin = async (w: World, label: 'Sandbox Stripe' | 'Sandbox Razorpay'): Promise<string> =>
  w.once(label, async () => (await w.ok('accounts.list', {})).find((a) => a.label === label)!.id);
const stripeId = (w: World) => builtin(w, 'Sandbox Stripe');
const razorpayId = (w: World) => builtin(w, 'Sandbox Razorpay');

/** a fresh open Stripe Checkout link */
async function openLink(w: World) {
  return w.ok('links.create', { accountId: await stripeId(w), amount: '12.50', currency: 'USD', orderRef: orderRef(), description: 'Contract table' });
}

/** a Stripe Checkout link the customer paid in the sandbox, synced into Paydesk (shared by the refund rows) */
const paidPayment = (w: World) => w.once('paid', async () => {
  const link = await openLink(w);
  await w.control(`/stripe/checkout/sessions/${link.gatewayIds.sessionId}/pay`);
  const synced = await w.ok('links.checkStatus', { id: link.id });
  if (synced.status !== 'paid') throw new Error(`the paid link is ${synced.status}`);
  return synced;
});

/** a Razorpay order the customer paid in the sandbox without capture (authorised), synced into Paydesk */
async function authorizedPayment(w: World) {
  const order = await w.ok('links.create', { accountId: await razorpayId(w), kind: 'order', amount: '300', currency: 'INR', orderRef: orderRef() });
  await w.control(`/razorpay/orders/${order.gatewayIds.orderId}/pay`);
  return w.ok('links.checkStatus', { id: order.id });
}

const newAccount = (w: World, label: string) => w.ok('accounts.create', {
  gateway: 'stripe', mode: 'test', label, publicKey: w.sandbox.keys.STRIPE_PUBLISHABLE_KEY, secretKey: w.sandbox.keys.STRIPE_SECRET_KEY, sandbox: true,
});

const exportStarted = (w: World) => w.once('export', () => w.ok('reports.export.start', { mode: 'test', from: '2026-01-01', to: '2026-01-31', preset: 'paydesk' }));

/** waits until the shared export stopped running (a cancel lets the worker finish its last chunk) */
async function exportSettled(w: World): Promise<void> {
  const { exportId } = await exportStarted(w);
  for (let i = 0; i < 200; i++) {
    if ((await w.ok('reports.export.status', { exportId })).state !== 'running') return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the export kept running');
}

const BACKUP_PASSPHRASE = 'contract table backup passphrase';
const backupMade = (w: World) => w.once('backup', async () => {
  if (!(await w.ok('backup.status', {})).passphraseSet) await w.ok('backup.setPassphrase', { passphrase: BACKUP_PASSPHRASE });
  await w.ok('backup.configure', { folder: mkdtempSync(join(tmpdir(), 'paydesk-ct-backup-')), keep: 3 });
  return w.ok('backup.run', {});
});

const owner = (w: World) => w.once('owner', () => w.ok('operators.create', { name: 'Asha', role: 'owner', pin: '1234' }));
const staff = (w: World, name: string) => w.ok('operators.create', { name, role: 'staff', pin: '5678' });

export const METHOD_TABLE: MethodTable = {
  'system.ping': { input: () => ({}) },
  'system.info': { input: () => ({}) },

  'accounts.list': { input: () => ({}) },
  'accounts.create': { input: (w) => ({ gateway: 'razorpay', mode: 'test', label: 'Table Razorpay', publicKey: w.sandbox.keys.RAZORPAY_KEY_ID, secretKey: w.sandbox.keys.RAZORPAY_KEY_SECRET, sandbox: true }) },
  'accounts.update': { input: async (w) => ({ id: (await newAccount(w, 'Table update')).id, label: 'Table renamed' }) },
  'accounts.verify': { input: async (w) => ({ id: await stripeId(w) }) },
  'accounts.remove': { input: async (w) => ({ id: (await newAccount(w, 'Table remove')).id }) },

  'api.status': { input: () => ({}) },
  'api.enable': { input: () => ({ port: 0 }) },
  'api.disable': { input: () => ({}) },
  'api.tokens.create': { input: () => ({ name: 'Table shop' }) },
  'api.tokens.list': { input: () => ({}) },
  'api.tokens.revoke': { input: async (w) => ({ id: (await w.ok('api.tokens.create', { name: 'Table revoke' })).token.id }) },

  'callbacks.get': { input: () => ({}) },
  'callbacks.set': { input: () => ({ url: 'https://shop.example.com/paydesk/callbacks' }) },
  'callbacks.rotateSecret': { input: () => ({}) },
  'callbacks.deliveries': { input: () => ({ limit: 20 }) },
  'callbacks.resend': { input: () => ({ id: 'evt_missing' }), expect: 'not_found' },
  'team.status': { input: () => ({}) },
  'team.desks': { input: () => ({}) },
  // a desk on SQLite has no team to invite into or remove from
  'team.invite': { input: () => ({}), expect: 'unavailable', onPostgres: { input: () => ({}) } },
  'team.removeDesk': { input: () => ({ id: 'desk-elsewhere' }), expect: 'unavailable', onPostgres: { input: () => ({ id: 'desk-elsewhere' }), expect: 'not_found' } },
  // nothing listens on port 1: the answer says so in words (ok: false), on both engines
  'team.testStore': { input: () => ({ url: 'postgres://paydesk@127.0.0.1:1/paydesk' }) },
  // back to (or staying on) this desk's own file from the next start: nothing is saved, nothing to undo
  'team.useStore': { input: () => ({ engine: 'sqlite' as const }) },

  'settings.externalHosts.get': { input: () => ({}) },
  'settings.externalHosts.set': { input: () => ({ hosts: ['docs.example.com'] }) },
  'settings.sandbox.get': { input: () => ({}) },
  'settings.sandbox.set': { input: () => ({ enabled: null }) },
  'settings.getRefundPolicy': { input: () => ({}) },
  'settings.setRefundPolicy': { input: () => ({ staffLimits: { USD: 10_000 }, idleMinutes: 30 }) },

  'links.create': { input: async (w) => ({ accountId: await stripeId(w), amount: '1,234.50', currency: 'usd', orderRef: orderRef(), notes: { shelf: 'B2' } }) },
  'links.cancel': { input: async (w) => ({ id: (await openLink(w)).id }) },
  'links.checkStatus': { input: async (w) => ({ id: (await openLink(w)).id }) },
  'links.qr': { input: async (w) => ({ id: (await openLink(w)).id }) },
  'payments.list': { input: () => ({ limit: 20 }) },
  'payments.get': { input: async (w) => ({ id: (await paidPayment(w)).id }) },
  'overview.get': { input: () => ({ mode: 'test' }) },

  'refunds.preview': { input: async (w) => ({ paymentId: (await paidPayment(w)).id }) },
  'refunds.create': { input: async (w) => ({ paymentId: (await paidPayment(w)).id, amount: '1.00', requestId: requestId() }) },
  'refunds.list': { input: () => ({}) },
  'refunds.forPayment': { input: async (w) => ({ paymentId: (await paidPayment(w)).id }) },
  'refunds.sync': { input: async (w) => ({ paymentId: (await paidPayment(w)).id }) },
  'payments.capture': { input: async (w) => ({ paymentId: (await authorizedPayment(w)).id }) },

  'reports.refresh': { input: async (w) => ({ accountId: await razorpayId(w) }) },
  'reports.status': { input: () => ({}) },
  'reports.summary': { input: () => ({ mode: 'test', from: '2026-01-01', to: '2026-01-31' }) },
  'reports.settlement': { input: () => ({ id: 'stl_missing' }), expect: 'not_found' },
  'reports.flags': { input: () => ({ mode: 'test' }) },
  'reports.settings.get': { input: () => ({}) },
  'reports.settings.set': { input: () => ({ unsettledAfterDays: 5 }) },
  // one export at a time: status and cancel share one, then a new one may start
  'reports.export.status': { input: async (w) => ({ exportId: (await exportStarted(w)).exportId }) },
  'reports.export.cancel': { input: async (w) => ({ exportId: (await exportStarted(w)).exportId }) },
  'reports.export.start': { input: async (w) => (await exportSettled(w), { mode: 'test', from: '2026-01-01', to: '2026-01-31', preset: 'paydesk' }) },

  'tunnel.status': { input: () => ({}) },
  'tunnel.configure': { input: () => ({ authtoken: 'ContractTableNgrokToken_0123456789', domain: 'shop-paydesk.ngrok.app' }) },
  'tunnel.start': { input: () => ({ provider: 'own', ownUrl: 'https://hooks.example.com/paydesk' }) },
  // Stripe needs the public URL the tunnel gives
  'webhooks.registerStripe': { input: async (w) => ({ accountId: await stripeId(w) }) },
  'webhooks.setup': { input: () => ({}) },
  'tunnel.stop': { input: () => ({}) },
  'webhooks.razorpaySecret': { input: async (w) => ({ accountId: await razorpayId(w) }) },
  'webhooks.deliveries': { input: () => ({ limit: 10 }) },

  'backup.status': { input: () => ({}) },
  'backup.setPassphrase': { input: () => ({ passphrase: BACKUP_PASSPHRASE }) },
  'backup.configure': { input: () => ({ keep: 5, everyHours: 0 }) },
  // a backup is a snapshot of SQLite's file: on the team database it says so
  'backup.run': { input: async (w) => (await backupMade(w), {}), onPostgres: { input: () => ({}), expect: 'unavailable' } },
  'backup.inspect': { input: async (w) => ({ file: (await backupMade(w)).file }), onPostgres: { input: () => ({ file: '/nonexistent/paydesk.paydesk-backup' }), expect: 'unavailable' } },
  'backup.restore': {
    input: async (w) => ({ file: (await backupMade(w)).file, passphrase: BACKUP_PASSPHRASE, replace: true }),
    onPostgres: { input: () => ({ file: '/nonexistent/paydesk.paydesk-backup', passphrase: BACKUP_PASSPHRASE, replace: true }), expect: 'unavailable' },
  },

  // last: these switch the desk from single-user mode to operators, then lock and unlock it
  'operators.create': { input: async (w) => (await owner(w), { name: 'Ravi', role: 'staff', pin: '2468' }) },
  'operators.list': { input: () => ({}) },
  'operators.update': { input: async (w) => ({ id: (await staff(w, 'Meera')).id, name: 'Meera I' }) },
  'operators.disable': { input: async (w) => ({ id: (await staff(w, 'John')).id }) },
  'audit.list': { input: () => ({ limit: 20 }) },
  'desk.status': { input: () => ({}) },
  'desk.activity': { input: () => ({}) },
  'desk.lock': { input: () => ({}) },
  'desk.signIn': { input: async (w) => ({ operatorId: (await owner(w)).id, pin: '1234' }) },
};
