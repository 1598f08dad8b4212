// The deliveries list on both engines: stored events and refused-delivery counters merged newest first
// (at a tie, the stored event first, then the higher id), the account's label, the filter by account and
// the keyset cursor across pages.
import { expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';
import { seedAccounts, T0 } from './payment-seed';

describeOnBothEngines('deliveries repository', (store, engine) => {
  it('merges events and refusals newest first, by account, page by page', () => {
    const s = store();
    seedAccounts(s);
    const raw = engine === 'sqlite' ? "X'7b7d'" : "'\\x7b7d'::bytea";
    s.exec(`INSERT INTO webhook_events (id, gateway, account_id, event_id, type, livemode, raw, signature, received_at, applied_at, apply_result, payment_id, error) VALUES
      (1, 'stripe', 'acct_st', 'evt_a', 'checkout.session.completed', 0, ${raw}, 'valid', ${T0 + 100}, ${T0 + 101}, 'changed', NULL, NULL),
      (2, 'razorpay', 'acct_rl', 'evt_b', 'payment_link.paid', 1, ${raw}, 'valid_previous_secret', ${T0 + 300}, NULL, NULL, NULL, NULL),
      (3, 'stripe', 'acct_st', 'evt_c', 'charge.refunded', 0, ${raw}, 'valid', ${T0 + 300}, ${T0 + 301}, 'error', NULL, 'boom')`);
    s.exec(`INSERT INTO security_events (id, kind, gateway, account_id, bucket, count, first_at, last_at, detail) VALUES
      (1, 'bad_signature', 'stripe', 'acct_st', 1, 4, ${T0}, ${T0 + 300}, NULL),
      (2, 'malformed', 'razorpay', 'acct_gone', 1, 1, ${T0}, ${T0 + 200}, 'not json'),
      (3, 'replayed', 'razorpay', 'acct_rl', 2, 2, ${T0}, ${T0 + 50}, NULL)`);
    const { deliveries } = s.repos;
    const all = deliveries.list({});
    expect(all.rows.map((r) => r.id)).toEqual(['e3', 'e2', 'r1', 'r2', 'e1', 'r3']);
    expect(all.nextCursor).toBeNull();
    expect(all.rows[0]).toEqual({
      id: 'e3', gateway: 'stripe', accountId: 'acct_st', accountLabel: 'Stripe test', at: T0 + 300, eventType: 'charge.refunded',
      eventId: 'evt_c', signature: 'valid', refusal: null, result: 'error', count: 1, paymentId: null, detail: 'boom', livemode: false,
    });
    expect(all.rows[1]).toMatchObject({ result: 'pending', signature: 'valid_previous_secret', livemode: true, accountLabel: 'Razorpay live' });
    expect(all.rows[2]).toMatchObject({ signature: 'refused', refusal: 'bad_signature', result: 'refused', count: 4, livemode: false, eventId: null });
    expect(all.rows[2]!.detail).toMatch(/did not match/);
    expect(all.rows[3]).toMatchObject({ accountLabel: null, livemode: null, refusal: 'malformed' });
    expect(all.rows[4]).toMatchObject({ result: 'applied' });
    expect(all.rows[5]).toMatchObject({ livemode: true, count: 2 });

    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 5; i++) {
      const page = deliveries.list({ limit: 2, cursor });
      seen.push(...page.rows.map((r) => r.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual(['e3', 'e2', 'r1', 'r2', 'e1', 'r3']);

    expect(deliveries.list({ accountId: 'acct_st' }).rows.map((r) => r.id)).toEqual(['e3', 'r1', 'e1']);
    const first = deliveries.list({ accountId: 'acct_rl', limit: 1 });
    expect(first.rows.map((r) => r.id)).toEqual(['e2']);
    expect(deliveries.list({ accountId: 'acct_rl', limit: 1, cursor: first.nextCursor! }).rows.map((r) => r.id)).toEqual(['r3']);
    expect(deliveries.list({ cursor: 'not-a-cursor' }).rows).toHaveLength(6);
  });
});
