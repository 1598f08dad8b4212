// Operators and the desk session: PINs are stored as scrypt hashes only; single-user until the first
// operator; locked until someone signs in; idle lock; wrong-PIN backoff; owner-only actions; every
// change in the append-only audit log.
import { afterEach, describe, expect, it } from 'vitest';
import { hashPin, verifyPin } from '../../../electron/core/operators';
import type { Envelope } from '../../../shared/errors';
import { withCore, type CoreFixture } from '../../fixtures/with-core';

const ctx = { transport: 'ipc' } as const;
const ok = <T>(e: Envelope<T>): T => {
  if (!e.ok) throw new Error(`${e.error.code}: ${e.error.message}`);
  return e.value;
};

const fixtures: CoreFixture[] = [];
afterEach(async () => {
  for (const f of fixtures.splice(0)) await f.dispose();
});

/** core without the sandbox on a clock the test moves by hand (idle lock, wrong-PIN waits); restart() keeps it */
async function start(clock = { t: 1_700_000_000_000 }) {
  const f = await withCore({ sandbox: false, clock: { now: () => clock.t } });
  fixtures.push(f);
  return { core: f.core, clock, events: f.events, restart: async () => { await f.restart(); return f.core; } };
}

describe('pushed payment events and the locked desk', () => {
  it('payment.changed carries the payment to whoever is at the desk, and only that it changed while the desk is locked', async () => {
    const { core, events } = await start();
    const d = core.deps!;
    d.repos.accounts.insert({
      id: 'acct_l', gateway: 'stripe', mode: 'test', livemode: false, label: 'Shop', publicKey: null, secretKeyRef: null, webhookSecretRef: null,
      sandbox: false, builtin: null, verificationStatus: 'unverified', verifiedAt: null, verificationMessage: null, createdAt: 1, updatedAt: 1,
    });
    d.repos.payments.insert({ id: 'pd_lock1', accountId: 'acct_l', gateway: 'stripe', livemode: false, kind: 'stripe_checkout', orderRef: 'ORD-LOCK', amountMinor: 1500, currency: 'USD', idempotencyKey: 'idem_lock1', createdAt: 1 });
    const announce = d.announcePayment;
    const pushed = () => events.filter((e) => e.name === 'payment.changed').map((e) => (e.name === 'payment.changed' ? e.payload : null));

    announce('pd_lock1');
    expect(pushed().at(-1)).toMatchObject({ id: 'pd_lock1', payment: { orderRef: 'ORD-LOCK', amountMinor: 1500, currency: 'USD' } });

    const meera = ok(await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    ok(await core.call('desk.lock', {}, ctx));
    announce('pd_lock1');
    expect(pushed().at(-1)).toEqual({ id: 'pd_lock1', status: 'creating', payment: null });

    ok(await core.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx));
    announce('pd_lock1');
    expect(pushed().at(-1)).toMatchObject({ payment: { orderRef: 'ORD-LOCK' } });
  });
});

describe('PIN hashing', () => {
  it('hashes with scrypt, a salt per PIN and the parameters; verifies in constant time; rejects malformed hashes', async () => {
    const a = await hashPin('482913');
    const b = await hashPin('482913');
    expect(a).toMatch(/^scrypt\$16384\$8\$1\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
    expect(a).not.toBe(b);
    expect(a).not.toContain('482913');
    expect(await verifyPin('482913', a)).toBe(true);
    expect(await verifyPin('482914', a)).toBe(false);
    expect(await verifyPin('482913', null)).toBe(false);
    expect(await verifyPin('482913', 'scrypt$1$1$1$x$y')).toBe(false);
  });
});

describe('the desk', () => {
  it('is single-user (owner) until the first operator; the first must be an owner and is signed in', async () => {
    const { core } = await start();
    expect(ok(await core.call('desk.status', {}, ctx))).toMatchObject({ mode: 'single_user', locked: false, current: { id: null, name: 'owner', role: 'owner' } });
    const staffFirst = await core.call('operators.create', { name: 'Arjun', role: 'staff', pin: '1357' }, ctx);
    expect(staffFirst).toMatchObject({ ok: false, error: { field: 'role' } });
    const badPin = await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '12a4' }, ctx);
    expect(badPin).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'pin' } });
    const meera = ok(await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    expect(meera).not.toHaveProperty('pin_hash');
    expect(JSON.stringify(meera)).not.toMatch(/scrypt|482913/);
    expect(ok(await core.call('desk.status', {}, ctx))).toMatchObject({ mode: 'operators', locked: false, current: { id: meera.id, name: 'Meera', role: 'owner' } });
    // the PIN is stored only as a scrypt hash
    const stored = core.deps!.db.prepare('SELECT pin_hash FROM operators WHERE id = ?').get(meera.id) as { pin_hash: string };
    expect(stored.pin_hash).toMatch(/^scrypt\$/);
    const dump = JSON.stringify(core.deps!.db.prepare('SELECT * FROM operators').all()) + JSON.stringify(core.deps!.db.prepare('SELECT * FROM audit_log').all());
    expect(dump).not.toContain('482913');
    const status = ok(await core.call('desk.status', {}, ctx));
    expect(JSON.stringify(status)).not.toMatch(/scrypt/);
  });

  it('locks by hand and after the idle time; only desk.* and system.* answer while locked; switching is one call with a PIN', async () => {
    const { core, clock, events, restart } = await start();
    const meera = ok(await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    const arjun = ok(await core.call('operators.create', { name: 'Arjun', role: 'staff', pin: '1357' }, ctx));
    ok(await core.call('settings.setRefundPolicy', { staffLimits: { INR: 500_000 }, idleMinutes: 5 }, ctx));

    ok(await core.call('desk.lock', {}, ctx));
    expect(await core.call('accounts.list', {}, ctx)).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(await core.call('refunds.list', {}, ctx)).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect((await core.call('system.ping', {}, ctx)).ok).toBe(true);
    const locked = ok(await core.call('desk.status', {}, ctx));
    expect(locked).toMatchObject({ locked: true, current: null });
    expect(locked.operators.map((o) => o.name)).toEqual(['Arjun', 'Meera']);

    const wrong = await core.call('desk.signIn', { operatorId: arjun.id, pin: '0000' }, ctx);
    expect(wrong).toMatchObject({ ok: false, error: { code: 'unauthorized', field: 'pin' } });
    expect(ok(await core.call('desk.signIn', { operatorId: arjun.id, pin: '1357' }, ctx))).toMatchObject({ locked: false, current: { id: arjun.id, role: 'staff' } });
    expect((await core.call('accounts.list', {}, ctx)).ok).toBe(true);

    // switching operator: one call with the other PIN
    expect(ok(await core.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx))).toMatchObject({ current: { id: meera.id } });

    // idle: 5 minutes without activity; queries (desk.status polling, list refetches) do not count, desk.activity does
    clock.t += 4 * 60_000;
    expect(ok(await core.call('desk.activity', {}, ctx))).toEqual({ locksAt: clock.t + 5 * 60_000 });
    clock.t += 4 * 60_000;
    ok(await core.call('desk.status', {}, ctx));
    ok(await core.call('accounts.list', {}, ctx));
    ok(await core.call('audit.list', {}, ctx));
    clock.t += 60_000;
    expect(ok(await core.call('desk.status', {}, ctx))).toMatchObject({ locked: true });
    expect(await core.call('accounts.list', {}, ctx)).toMatchObject({ ok: false, error: { code: 'locked' } });
    expect(events.filter((e) => e.name === 'desk.changed').at(-1)).toMatchObject({ payload: { locked: true, operatorId: null } });
    // a restart locks the desk too
    const again = await restart();
    expect(ok(await again.call('desk.status', {}, ctx))).toMatchObject({ mode: 'operators', locked: true });
  });

  it('limits wrong PINs: after four, the operator waits (and the right PIN does not help meanwhile)', async () => {
    const { core, clock } = await start();
    const meera = ok(await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    ok(await core.call('desk.lock', {}, ctx));
    for (let i = 0; i < 5; i++) expect((await core.call('desk.signIn', { operatorId: meera.id, pin: '1111' }, ctx)).ok).toBe(false);
    const blocked = await core.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx);
    expect(blocked).toMatchObject({ ok: false, error: { code: 'unauthorized', message: expect.stringMatching(/Too many wrong PINs. Try again in 30 seconds/) } });
    clock.t += 31_000;
    expect(ok(await core.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx))).toMatchObject({ locked: false });
  });

  it('a restart does not reset the wrong-PIN wait', async () => {
    const { core, clock, restart } = await start();
    const meera = ok(await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    ok(await core.call('desk.lock', {}, ctx));
    for (let i = 0; i < 5; i++) expect((await core.call('desk.signIn', { operatorId: meera.id, pin: '1111' }, ctx)).ok).toBe(false);
    const again = await restart();
    // the fifth wrong PIN started a 30 s wait: still waiting after the restart, right PIN or not
    expect(await again.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx)).toMatchObject({ ok: false, error: { message: expect.stringMatching(/Try again in 30 seconds/) } });
    clock.t += 31_000;
    expect(ok(await again.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx))).toMatchObject({ locked: false });
    // a right PIN clears the count: one wrong PIN later does not make anyone wait
    ok(await again.call('desk.lock', {}, ctx));
    expect((await again.call('desk.signIn', { operatorId: meera.id, pin: '1111' }, ctx)).ok).toBe(false);
    expect(ok(await again.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx))).toMatchObject({ locked: false });
  });

  it('owner-only: operators, the refund policy and gateway keys; staff get forbidden; the API is never the owner', async () => {
    const { core } = await start();
    const meera = ok(await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    const arjun = ok(await core.call('operators.create', { name: 'Arjun', role: 'staff', pin: '1357' }, ctx));
    expect(await core.call('operators.create', { name: 'arjun', role: 'staff', pin: '2468' }, ctx)).toMatchObject({ ok: false, error: { field: 'name' } });
    ok(await core.call('desk.signIn', { operatorId: arjun.id, pin: '1357' }, ctx));
    const forbidden = [
      await core.call('operators.create', { name: 'Zoya', role: 'staff', pin: '2468' }, ctx),
      await core.call('operators.update', { id: arjun.id, role: 'owner' }, ctx),
      await core.call('operators.disable', { id: meera.id }, ctx),
      await core.call('operators.list', {}, ctx),
      await core.call('settings.setRefundPolicy', { staffLimits: {}, idleMinutes: 60 }, ctx),
      await core.call('accounts.create', { gateway: 'stripe', mode: 'test', label: 'X', publicKey: 'pk_test_x', secretKey: 'sk_test_x' }, ctx),
    ];
    for (const f of forbidden) expect(f).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(ok(await core.call('settings.getRefundPolicy', {}, ctx))).toEqual({ staffLimits: {}, idleMinutes: 10 });
    // a transport cannot claim to be someone else: ctx.operator is overwritten by the desk session
    const spoof = await core.call('operators.list', {}, { transport: 'ipc', operator: { id: meera.id, name: 'Meera', role: 'owner' } });
    expect(spoof).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await core.call('operators.list', {}, { transport: 'api' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });

    ok(await core.call('desk.signIn', { operatorId: meera.id, pin: '482913' }, ctx));
    // the only owner cannot be demoted or disabled while others remain
    expect(await core.call('operators.update', { id: meera.id, role: 'staff' }, ctx)).toMatchObject({ ok: false, error: { field: 'role' } });
    expect(await core.call('operators.disable', { id: meera.id }, ctx)).toMatchObject({ ok: false, error: { code: 'conflict' } });
    ok(await core.call('operators.update', { id: arjun.id, pin: '9753', name: 'Arjun S' }, ctx));
    const disabled = ok(await core.call('operators.disable', { id: arjun.id }, ctx));
    expect(disabled.disabled).toBe(true);
    expect(await core.call('desk.signIn', { operatorId: arjun.id, pin: '9753' }, ctx)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const audit = ok(await core.call('audit.list', { action: 'operator', limit: 50 }, ctx)).items;
    expect(audit.map((e) => e.action)).toEqual(['operator.changed', 'operator.changed', 'operator.added', 'operator.added']);
    expect(audit[1]).toMatchObject({ operatorName: 'Meera', details: { changed: ['name', 'pin'] } });
    expect(JSON.stringify(audit.map((e) => e.details))).not.toMatch(/9753|1357|482913|scrypt/);
  });

  it('audit.list pages newest first and filters', async () => {
    const { core, events } = await start();
    ok(await core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, ctx));
    for (let i = 0; i < 5; i++) ok(await core.call('settings.setRefundPolicy', { staffLimits: { USD: i * 100 }, idleMinutes: 10 + i }, ctx));
    const first = ok(await core.call('audit.list', { limit: 4 }, ctx));
    expect(first.items).toHaveLength(4);
    expect(first.items[0]!.details).toMatchObject({ after: { idleMinutes: 14 } });
    const second = ok(await core.call('audit.list', { limit: 4, before: first.nextBefore! }, ctx));
    expect(second.items).toHaveLength(2);
    expect(second.nextBefore).toBeNull();
    expect(ok(await core.call('audit.list', { action: 'settings.changed', limit: 50 }, ctx)).items).toHaveLength(5);
    expect(events.filter((e) => e.name === 'audit.appended')).toHaveLength(6);
    // append-only at the database
    expect(() => core.deps!.db.prepare('DELETE FROM audit_log').run()).toThrow(/append-only/);
  });
});
