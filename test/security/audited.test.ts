// Every method the contract marks `audited` leaves exactly one audit row of its kind when it succeeds,
// attributed to the operator who called it. CASES must cover exactly the audited methods, so marking a new
// method audited without a case here (or without the row) fails.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames, methods, type MethodInput, type MethodName } from '../../shared/contract';
import { authorizedRazorpayPayment, ctx, paidStripePayment, startHarness, type Harness } from '../fixtures/refund-helpers';

let h: Harness;
const made: Record<string, string> = {};

interface Case<M extends MethodName = MethodName> {
  action: string;
  input: () => Promise<MethodInput<M>> | MethodInput<M>;
  keep?: (value: unknown) => void;
  /** refused on this harness's SQLite store (team mode needs PostgreSQL): asserts the refusal and no row; test/integration/team-*.test.ts covers the row */
  refusedOnSqlite?: string;
}
const c = <M extends MethodName>(m: M, x: Case<M>): [M, Case<M>] => [m, x];

// in order: later cases use what earlier ones made
const CASES: [MethodName, Case][] = [
  c('accounts.create', { action: 'account.key_added', input: () => ({ gateway: 'stripe', mode: 'test', label: 'Audit Stripe', publicKey: h.sandbox.keys.STRIPE_PUBLISHABLE_KEY, secretKey: h.sandbox.keys.STRIPE_SECRET_KEY, sandbox: true }), keep: (v) => { made.account = (v as { id: string }).id; } }),
  c('accounts.update', { action: 'account.key_changed', input: () => ({ id: made.account!, label: 'Audit Stripe 2' }) }),
  c('accounts.verify', { action: 'account.verified', input: () => ({ id: made.account! }) }),
  c('accounts.remove', { action: 'account.key_removed', input: () => ({ id: made.account! }) }),
  c('api.enable', { action: 'settings.changed', input: () => ({ port: 0 }) }),
  c('api.tokens.create', { action: 'settings.changed', input: () => ({ name: 'Shop website' }), keep: (v) => { made.token = (v as { token: { id: string } }).token.id; } }),
  c('api.tokens.revoke', { action: 'settings.changed', input: () => ({ id: made.token! }) }),
  c('api.disable', { action: 'settings.changed', input: () => ({}) }),
  c('callbacks.set', { action: 'settings.changed', input: () => ({ url: 'http://127.0.0.1:9/paydesk-callbacks' }) }),
  c('callbacks.rotateSecret', { action: 'settings.changed', input: () => ({}) }),
  c('callbacks.resend', { action: 'settings.changed', input: async () => ({ id: await queuedCallback() }) }),
  c('team.invite', { action: 'team.desk_invited', input: () => ({}), refusedOnSqlite: 'unavailable' }),
  c('team.removeDesk', { action: 'team.desk_removed', input: () => ({ id: 'desk-elsewhere' }), refusedOnSqlite: 'unavailable' }),
  c('team.useStore', { action: 'settings.changed', input: () => ({ engine: 'sqlite' as const }) }),
  c('settings.setRefundPolicy', { action: 'settings.changed', input: () => ({ staffLimits: { INR: 50_000 }, idleMinutes: 15 }) }),
  c('reports.settings.set', { action: 'settings.changed', input: () => ({ timeZone: 'Asia/Kolkata' }) }),
  c('settings.externalHosts.set', { action: 'settings.changed', input: () => ({ hosts: ['docs.example.com'] }) }),
  c('settings.sandbox.set', { action: 'settings.changed', input: () => ({ enabled: false }) }),
  c('backup.setPassphrase', { action: 'backup.passphrase_set', input: () => ({ passphrase: 'correct horse battery staple' }) }),
  c('backup.configure', { action: 'settings.changed', input: () => ({ folder: join(h.dataDir, 'backups'), keep: 3 }) }),
  c('backup.run', { action: 'backup.made', input: () => ({}), keep: (v) => { made.backupFile = (v as { file: string }).file; } }),
  c('backup.restore', { action: 'backup.restored', input: () => ({ file: made.backupFile!, passphrase: 'correct horse battery staple', replace: true }) }),
  c('tunnel.configure', { action: 'tunnel.configured', input: () => ({ domain: 'shop-paydesk.ngrok.app' }) }),
  c('tunnel.start', { action: 'tunnel.started', input: () => ({ provider: 'own', ownUrl: `http://127.0.0.1:${h.deps.runtime.webhookListenerPort}` }) }),
  c('webhooks.registerStripe', { action: 'webhook.endpoint_registered', input: () => ({ accountId: h.stripeAccount }) }),
  c('tunnel.stop', { action: 'tunnel.stopped', input: () => ({}) }),
  c('webhooks.razorpaySecret', { action: 'webhook.secret_generated', input: () => ({ accountId: h.razorpayAccount }) }),
  c('links.create', { action: 'link.created', input: () => ({ accountId: h.razorpayAccount, amount: '250', currency: 'INR', orderRef: 'AUDIT-1' }), keep: (v) => { made.link = (v as { id: string }).id; } }),
  c('links.cancel', { action: 'link.cancelled', input: () => ({ id: made.link! }) }),
  c('refunds.create', { action: 'refund.requested', input: async () => ({ paymentId: (await paidStripePayment(h)).id, amount: '10.00', requestId: 'req_audit_1' }) }),
  c('payments.capture', { action: 'payment.captured', input: async () => ({ paymentId: (await authorizedRazorpayPayment(h)).id }) }),
  c('reports.export.start', { action: 'export.made', input: () => ({ mode: 'test', from: '2026-01-01', to: '2026-01-31', preset: 'paydesk' }) }),
  c('operators.create', { action: 'operator.added', input: () => ({ name: 'Meera', role: 'owner', pin: '482913' }) }),
  c('operators.update', { action: 'operator.changed', input: () => ({ id: made.owner!, name: 'Meera R' }) }),
  c('operators.disable', { action: 'operator.changed', input: () => ({ id: made.staff! }) }),
] as [MethodName, Case][];

/** a paid payment's payment.paid event in the outbox (the payment is folded directly, so its change is announced here) */
async function queuedCallback(): Promise<string> {
  const { id } = await paidStripePayment(h);
  h.deps.callbacks.noteChange(id);
  return h.deps.db.prepare("SELECT id FROM callback_events WHERE payment_id = ? AND type = 'payment.paid'").pluck().get(id) as string;
}

const auditRows = (action: string): { operator_name: string }[] =>
  h.deps.db.prepare('SELECT operator_name FROM audit_log WHERE action = ? ORDER BY id').all(action) as { operator_name: string }[];

beforeAll(async () => {
  h = await startHarness();
}, 60_000);
afterAll(async () => h?.close());

describe('audited methods', () => {
  it('the cases cover exactly the methods the contract marks audited', () => {
    const audited = methodNames.filter((m) => methods[m].access.audited).sort();
    expect(CASES.map(([m]) => m).sort()).toEqual(audited);
  });

  it('each writes one audit row of its kind, naming who did it', async () => {
    const problems: string[] = [];
    for (const [method, x] of CASES) {
      if (method === 'operators.disable') {
        const staff = await h.core.call('operators.create', { name: 'Arjun', role: 'staff', pin: '1357' }, ctx);
        made.staff = staff.ok ? staff.value.id : '';
      }
      const input = await x.input();
      const before = auditRows(x.action).length;
      const r = await h.core.call(method, input as never, ctx);
      if (x.refusedOnSqlite) {
        if (r.ok || r.error.code !== x.refusedOnSqlite) problems.push(`${method}: expected ${x.refusedOnSqlite} on SQLite, got ${r.ok ? 'success' : r.error.code}`);
        if (auditRows(x.action).length !== before) problems.push(`${method}: a refused call left an audit row`);
        continue;
      }
      if (!r.ok) {
        problems.push(`${method} failed: ${r.error.code} ${r.error.message}`);
        continue;
      }
      x.keep?.(r.value);
      if (method === 'operators.create') made.owner = (r.value as { id: string }).id;
      const rows = auditRows(x.action);
      if (rows.length !== before + 1) problems.push(`${method}: ${rows.length - before} new ${x.action} rows`);
      // the creator of the first operator is recorded as the single-user owner, then everyone by name
      const who = rows.at(-1)?.operator_name;
      const expected = made.owner && method !== 'operators.create' ? 'Meera R' : 'owner';
      if (who !== expected && !(method === 'operators.update' && who === 'Meera')) problems.push(`${method}: recorded as ${String(who)}, expected ${expected}`);
    }
    expect(problems).toEqual([]);
  });
});
