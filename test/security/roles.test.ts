// Roles are a property of the contract: every method declares who may call it, and dispatch enforces it
// once. EXPECTED is the table written out by hand from the design (owner-only: whatever reveals, generates
// or changes a secret, or changes where money or events are routed), so a declaration that drifts from it
// fails here, and a method added without a row here fails to compile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { methodNames, methods, type MethodName, type Role } from '../../shared/contract';
import type { CallContext } from '../../electron/core/types';
import { startPaymentsFixture, type PaymentsFixture } from '../unit/core/payments/core-fixture';
import { razorpayLinkPaidEvent, type SignedRequest } from '../fixtures/webhook-helpers';
import { createHmac } from 'node:crypto';

const EXPECTED = {
  'system.ping': 'open', 'system.info': 'open',
  'desk.status': 'open', 'desk.signIn': 'open', 'desk.lock': 'open', 'desk.activity': 'staff',
  'accounts.list': 'staff', 'accounts.create': 'owner', 'accounts.update': 'owner', 'accounts.verify': 'owner', 'accounts.remove': 'owner',
  'operators.list': 'owner', 'operators.create': 'owner', 'operators.update': 'owner', 'operators.disable': 'owner',
  'settings.getRefundPolicy': 'staff', 'settings.setRefundPolicy': 'owner',
  'settings.externalHosts.get': 'staff', 'settings.externalHosts.set': 'owner',
  'settings.sandbox.get': 'staff', 'settings.sandbox.set': 'owner',
  'audit.list': 'staff',
  'links.create': 'staff', 'links.cancel': 'staff', 'links.checkStatus': 'staff', 'links.qr': 'staff',
  'payments.list': 'staff', 'payments.get': 'staff', 'payments.capture': 'staff', 'overview.get': 'staff',
  'refunds.preview': 'staff', 'refunds.create': 'staff', 'refunds.list': 'staff', 'refunds.forPayment': 'staff', 'refunds.sync': 'staff',
  'reports.refresh': 'staff', 'reports.status': 'staff', 'reports.summary': 'staff', 'reports.settlement': 'staff', 'reports.flags': 'staff',
  'reports.settings.get': 'staff', 'reports.settings.set': 'owner',
  'reports.export.start': 'staff', 'reports.export.cancel': 'staff', 'reports.export.status': 'staff',
  'api.status': 'staff', 'api.enable': 'owner', 'api.disable': 'owner', 'api.tokens.create': 'owner', 'api.tokens.list': 'owner', 'api.tokens.revoke': 'owner',
  'tunnel.status': 'staff', 'tunnel.start': 'owner', 'tunnel.stop': 'owner', 'tunnel.configure': 'owner',
  'webhooks.setup': 'staff', 'webhooks.registerStripe': 'owner', 'webhooks.razorpaySecret': 'owner', 'webhooks.deliveries': 'staff',
  'backup.status': 'staff', 'backup.setPassphrase': 'owner', 'backup.configure': 'owner', 'backup.run': 'owner', 'backup.inspect': 'owner', 'backup.restore': 'owner',
  'callbacks.get': 'owner', 'callbacks.set': 'owner', 'callbacks.rotateSecret': 'owner', 'callbacks.deliveries': 'owner', 'callbacks.resend': 'owner',
  'team.status': 'staff', 'team.desks': 'owner', 'team.invite': 'owner', 'team.removeDesk': 'owner', 'team.testStore': 'owner', 'team.useStore': 'owner',
} as const satisfies { [M in MethodName]: Role };

type Seat = 'owner' | 'staff' | 'locked' | 'api';
const admits = (role: Role, seat: Seat): boolean =>
  role === 'open' || (seat !== 'locked' && (role === 'staff' || seat === 'owner'));

const ipc: CallContext = { transport: 'ipc' };
let f: PaymentsFixture;
let owner: { id: string };
let staff: { id: string };

async function seat(s: Seat): Promise<CallContext> {
  if (s === 'api') return { transport: 'api' };
  await f.core.call('desk.lock', {}, ipc);
  if (s === 'owner') expect((await f.core.call('desk.signIn', { operatorId: owner.id, pin: '482913' }, ipc)).ok).toBe(true);
  if (s === 'staff') expect((await f.core.call('desk.signIn', { operatorId: staff.id, pin: '1357' }, ipc)).ok).toBe(true);
  return ipc;
}

beforeAll(async () => {
  f = await startPaymentsFixture();
  owner = await f.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' });
  staff = await f.call('operators.create', { name: 'Arjun', role: 'staff', pin: '1357' });
}, 60_000);
afterAll(async () => f?.close());

describe('the role table', () => {
  it('every method of the contract declares the role the design gives it', () => {
    for (const m of methodNames) expect([m, methods[m].access.role]).toEqual([m, EXPECTED[m]]);
    expect(Object.keys(EXPECTED).sort()).toEqual([...methodNames].sort());
  });

  it('owner-only methods say what they do, in words, for the refusal and the screens', () => {
    for (const m of methodNames) {
      const a = methods[m].access;
      if (a.role === 'owner') expect(a.what, m).toMatch(/^[a-z][a-z ,'-]+[a-z]$/i);
    }
  });

  // Input 'x' fails every schema, so an admitted call answers invalid_input and no handler runs: what is
  // tested is the gate alone, which runs before the input is parsed.
  it.each<Seat>(['owner', 'staff', 'locked', 'api'])('dispatch admits or refuses every method for the %s seat as the table says', async (s) => {
    const ctx = await seat(s);
    const wrong: string[] = [];
    for (const m of methodNames) {
      const r = await f.core.callUnknown(m, 'x', ctx);
      const code = r.ok ? 'ok' : r.error.code;
      const expected = admits(EXPECTED[m], s) ? 'invalid_input' : s === 'locked' ? 'locked' : 'forbidden';
      if (code !== expected) wrong.push(`${m}: ${code}, expected ${expected}`);
    }
    expect(wrong).toEqual([]);
  });

  it('a refusal names what only an owner can do', async () => {
    const ctx = await seat('staff');
    const r = await f.core.call('tunnel.configure', { authtoken: null }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'forbidden', message: 'Only an owner can set up the tunnel. Ask an owner to sign in.' } });
  });
});

describe('a staff member cannot forge a payment', () => {
  const signWith = (secret: string, body: string, eventId: string, account: string): SignedRequest => ({
    path: `/webhooks/razorpay/${account}`,
    headers: { 'content-type': 'application/json', 'x-razorpay-signature': createHmac('sha256', secret).update(body).digest('hex'), 'x-razorpay-event-id': eventId },
    body,
    eventId,
  });
  const post = async (req: SignedRequest): Promise<number> => {
    const port = f.core.deps!.runtime.webhookListenerPort;
    const res = await fetch(`http://127.0.0.1:${port}${req.path}`, { method: 'POST', headers: req.headers, body: req.body });
    await res.text();
    return res.status;
  };

  it('cannot read or replace the Razorpay webhook secret, and a body signed with anything else is refused', async () => {
    const ownerCtx = await seat('owner');
    const link = await f.call('links.create', { accountId: f.razorpayId, kind: 'payment_link', amount: '999', currency: 'INR', orderRef: 'ROLE-1' });
    const made = await f.core.call('webhooks.razorpaySecret', { accountId: f.razorpayId }, ownerCtx);
    expect(made.ok).toBe(true);
    const realSecret = made.ok ? made.value.secret : '';

    const staffCtx = await seat('staff');
    const again = await f.core.call('webhooks.razorpaySecret', { accountId: f.razorpayId }, staffCtx);
    expect(again).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    // nothing a staff member may read carries it
    for (const m of ['webhooks.setup', 'tunnel.status', 'accounts.list', 'webhooks.deliveries', 'audit.list'] as const) {
      const r = await f.core.call(m, {} as never, staffCtx);
      expect(r.ok, m).toBe(true);
      expect(JSON.stringify(r), m).not.toContain(realSecret);
    }

    const plink = link.gatewayIds.plinkId!;
    const body = razorpayLinkPaidEvent(plink, 'pay_RoleForged001', link.id, 99_900);
    expect(await post(signWith('a-guessed-secret-0000', body, 'evt_forged_1', f.razorpayId))).toBe(400);
    expect((await f.call('payments.get', { id: link.id })).payment.status).toBe('open');
    // the same body signed with the real secret is what the gateway would send: accepted, so the refusal above was the signature
    expect(await post(signWith(realSecret, body, 'evt_real_1', f.razorpayId))).toBe(200);
    await f.core.idle();
    expect((await f.call('payments.get', { id: link.id })).payment.status).toBe('paid');
  });
});
