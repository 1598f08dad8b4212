// The webhook events repository on both engines: an insert returns its id (RETURNING id) or null for a
// duplicate by event id or by signed body, applied results and the reads over them, the body hash that
// only one row of an account may hold, and the refused-webhook counters (added up, latest time kept).
import { createHash } from 'node:crypto';
import { beforeAll, expect, it } from 'vitest';
import type { WebhookEventInsert } from '../../electron/core/store/repos/webhook-events';
import { describeOnBothEngines } from '../fixtures/engines';
import { T0, paymentInsert, seedAccounts } from './payment-seed';

const sha = (b: Buffer): Buffer => createHash('sha256').update(b).digest();

function event(eventId: string, over: Partial<WebhookEventInsert> = {}): WebhookEventInsert {
  const raw = Buffer.from(JSON.stringify({ id: eventId, type: 'checkout.session.completed' }));
  return {
    gateway: 'stripe', accountId: 'acct_st', eventId, type: 'checkout.session.completed', livemode: false, raw, bodySha256: null,
    signature: 'valid', createdAt: T0, receivedAt: T0 + 1, ...over,
  };
}

describeOnBothEngines('webhook events repository', (store) => {
  beforeAll(() => {
    seedAccounts(store());
    store().repos.payments.insert(paymentInsert('pd_w1'));
  });

  it('stores an event once, by event id and by signed body', () => {
    const { webhookEvents } = store().repos;
    const id1 = webhookEvents.insert(event('evt_1'));
    const id2 = webhookEvents.insert(event('evt_2', { receivedAt: T0 + 2 }));
    expect(id1).toEqual(expect.any(Number));
    expect(id2).toBeGreaterThan(id1!);
    expect(webhookEvents.insert(event('evt_1'))).toBeNull();
    const body = Buffer.from('{"event":"payment_link.paid","id":"rp_1"}');
    const rp = { gateway: 'razorpay', accountId: 'acct_rl', type: 'payment_link.paid', livemode: true, raw: body, bodySha256: sha(body) } as const;
    expect(webhookEvents.insert(event('rp_evt_1', rp))).toEqual(expect.any(Number));
    expect(webhookEvents.insert(event('rp_evt_other', rp))).toBeNull();

    const row = webhookEvents.byId(id1!)!;
    expect(row).toMatchObject({ gateway: 'stripe', account_id: 'acct_st', event_id: 'evt_1', livemode: 0, signature: 'valid', created_at: T0, received_at: T0 + 1, applied_at: null, apply_result: null, body_sha256: null });
    expect(Buffer.isBuffer(row.raw) && row.raw.equals(event('evt_1').raw)).toBe(true);
    expect(webhookEvents.byEventId('stripe', 'acct_st', 'evt_2')?.id).toBe(id2);
    expect(webhookEvents.byEventId('stripe', 'acct_sl', 'evt_2')).toBeUndefined();
    expect(webhookEvents.byId(999_999)).toBeUndefined();
    expect(webhookEvents.rawOf(id2!)!.toString()).toContain('evt_2');
    expect(webhookEvents.rawOf(999_999)).toBeUndefined();
  });

  it('records applied results and reads unapplied and unmatched rows in order', () => {
    const { webhookEvents } = store().repos;
    const a = webhookEvents.insert(event('evt_a', { accountId: 'acct_sl', livemode: true }))!;
    const b = webhookEvents.insert(event('evt_b', { accountId: 'acct_sl', livemode: true }), { at: T0 + 5, result: 'unmatched', paymentId: null })!;
    const c = webhookEvents.insert(event('evt_c', { accountId: 'acct_sl', livemode: true }), { at: T0 + 5, result: 'changed', paymentId: 'pd_w1', error: null })!;
    expect(webhookEvents.byId(c)).toMatchObject({ applied_at: T0 + 5, apply_result: 'changed', payment_id: 'pd_w1', error: null });
    const unapplied = webhookEvents.unapplied().map((r) => r.id);
    expect(unapplied).toContain(a);
    expect(unapplied).not.toContain(b);
    expect(unapplied).toEqual([...unapplied].sort((x, y) => x - y));
    expect(webhookEvents.unapplied(1)).toHaveLength(1);
    expect(webhookEvents.hasUnmatched('acct_sl')).toBe(true);
    webhookEvents.markApplied(a, T0 + 9, 'unmatched', null);
    expect(webhookEvents.unmatched('acct_sl').map((r) => r.id)).toEqual([a, b]);
    expect([...webhookEvents.unmatched('acct_sl'), ...webhookEvents.unapplied()].every((r) => Buffer.isBuffer(r.raw))).toBe(true);
    expect(webhookEvents.byEventId('stripe', 'acct_sl', 'evt_a')?.raw.toString()).toContain('evt_a');
    expect(webhookEvents.unmatched('acct_sl', 1).map((r) => r.id)).toEqual([a]);
    webhookEvents.markApplied(a, T0 + 10, 'error', null, 'no account for the event');
    webhookEvents.markApplied(b, T0 + 10, 'changed', 'pd_w1');
    expect(webhookEvents.byId(a)).toMatchObject({ applied_at: T0 + 10, apply_result: 'error', error: 'no account for the event' });
    expect(webhookEvents.hasUnmatched('acct_sl')).toBe(false);
    expect(webhookEvents.unmatched('acct_sl')).toEqual([]);
  });

  it('hashes old Razorpay rows, one row per account and body', () => {
    const { webhookEvents } = store().repos;
    const body = Buffer.from('{"event":"order.paid","id":"old"}');
    const rp = (eventId: string, createdAt: number) => event(eventId, { gateway: 'razorpay', accountId: 'acct_rl', type: 'order.paid', livemode: true, raw: body, createdAt });
    const older = webhookEvents.insert(rp('rp_old_0', T0 - 10_000))!;
    const first = webhookEvents.insert(rp('rp_old_1', T0 + 200))!;
    const second = webhookEvents.insert(rp('rp_old_2', T0 + 100))!;
    expect(webhookEvents.unhashedRazorpay(T0)).toEqual([second, first]);
    expect(webhookEvents.unhashedRazorpay(T0 + 150)).toEqual([first]);
    expect(webhookEvents.setBodyHash(first, sha(body))).toBe(true);
    expect(webhookEvents.setBodyHash(first, sha(body))).toBe(true);
    expect(webhookEvents.setBodyHash(second, sha(body))).toBe(false);
    expect(webhookEvents.byId(second)?.body_sha256).toBeNull();
    expect(webhookEvents.byId(first)!.body_sha256!.equals(sha(body))).toBe(true);
    expect(webhookEvents.unhashedRazorpay(T0)).toEqual([second]);
    expect(webhookEvents.unhashedRazorpay(0)).toEqual([older, second]);
  });

  it('adds refused webhooks up per kind, account and minute, latest first', () => {
    const { webhookEvents } = store().repos;
    expect(webhookEvents.securityTotal()).toBe(0);
    expect(webhookEvents.recentSecurity()).toEqual([]);
    webhookEvents.addSecurity('bad_signature', 'stripe', 'acct_st', 100, 2, T0 + 10, T0 + 20, 'v1 mismatch');
    webhookEvents.addSecurity('bad_signature', 'stripe', 'acct_st', 100, 3, T0 + 5, T0 + 15, 'again');
    webhookEvents.addSecurity('replayed', 'razorpay', 'acct_rl', 100, 1, T0 + 30, T0 + 30, null);
    webhookEvents.addSecurity('bad_signature', 'stripe', 'acct_st', 101, 1, T0 + 60, T0 + 25, null);
    const rows = webhookEvents.recentSecurity();
    expect(rows.map((r) => [r.kind, r.bucket, r.count, r.first_at, r.last_at, r.detail])).toEqual([
      ['replayed', 100, 1, T0 + 30, T0 + 30, null],
      ['bad_signature', 101, 1, T0 + 60, T0 + 25, null],
      ['bad_signature', 100, 5, T0 + 10, T0 + 20, 'again'],
    ]);
    expect(webhookEvents.recentSecurity(1)).toHaveLength(1);
    expect(webhookEvents.securityTotal()).toBe(7);
  });
});
