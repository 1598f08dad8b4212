// The merchant API's two small repositories on both engines. Idempotency keys: a claim is taken once per
// (token, key), finish answers only the key in flight, release lets it go, sweep forgets old keys, and the
// body hash comes back as a Buffer. Rate counters: a window counts up and restarts, a block lengthens the
// row's life (greatest of the two), sweep forgets expired buckets.
import { createHash } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';

const sha = (s: string) => createHash('sha256').update(s).digest();

describeOnBothEngines('API idempotency repository', (store) => {
  it('claims once per token and key, finishes, releases and sweeps', () => {
    const idem = store().repos.apiIdempotency;
    const claim = { tokenId: 'tok_1', key: 'k1', method: 'POST', path: '/api/payments', bodySha256: sha('a'), at: 1000 };
    expect(idem.get('tok_1', 'k1')).toBeUndefined();
    expect(idem.claim(claim)).toBe(true);
    expect(idem.claim({ ...claim, bodySha256: sha('b') })).toBe(false);
    expect(idem.claim({ ...claim, tokenId: 'tok_2', at: 3000 })).toBe(true);
    const row = idem.get('tok_1', 'k1')!;
    expect(row).toMatchObject({ token_id: 'tok_1', key: 'k1', method: 'POST', path: '/api/payments', status: null, response: null, created_at: 1000 });
    expect(Buffer.isBuffer(row.body_sha256)).toBe(true);
    expect(row.body_sha256.equals(sha('a'))).toBe(true);

    idem.finish('tok_1', 'k1', 201, '{"id":"pay_1"}');
    idem.finish('tok_1', 'k1', 500, '{}');
    expect(idem.get('tok_1', 'k1')).toMatchObject({ status: 201, response: '{"id":"pay_1"}' });
    idem.release('tok_1', 'k1');
    expect(idem.get('tok_1', 'k1')).toBeDefined();
    idem.release('tok_2', 'k1');
    expect(idem.get('tok_2', 'k1')).toBeUndefined();

    expect(idem.claim({ ...claim, key: 'k2', at: 5000 })).toBe(true);
    expect(idem.sweep(5000)).toBe(1);
    expect(idem.get('tok_1', 'k1')).toBeUndefined();
    expect(idem.get('tok_1', 'k2')).toBeDefined();
    expect(idem.sweep(5000)).toBe(0);
  });
});

describeOnBothEngines('API rate repository', (store) => {
  it('counts in a window, starts a fresh one, blocks and sweeps', () => {
    const rate = store().repos.apiRate;
    expect(rate.size()).toBe(0);
    expect(rate.blockedUntil('ip:1')).toBe(0);
    expect(rate.hit('ip:1', 1000, 60_000)).toEqual({ count: 1, windowStart: 1000, blockedUntil: 0 });
    expect(rate.hit('ip:1', 2000, 60_000)).toEqual({ count: 2, windowStart: 1000, blockedUntil: 0 });
    expect(rate.hit('ip:1', 60_999, 60_000)).toEqual({ count: 3, windowStart: 1000, blockedUntil: 0 });
    expect(rate.hit('ip:1', 61_000, 60_000)).toEqual({ count: 1, windowStart: 61_000, blockedUntil: 0 });
    expect(rate.hit('ip:2', 1000, 10_000)).toEqual({ count: 1, windowStart: 1000, blockedUntil: 0 });
    expect(rate.size()).toBe(2);

    rate.block('ip:2', 500_000);
    rate.block('ip:nobody', 500_000);
    expect(rate.blockedUntil('ip:2')).toBe(500_000);
    expect(rate.size()).toBe(2);
    // the block outlives the window: the row's expiry is the later of the two, on the hit too
    expect(rate.hit('ip:2', 20_000, 10_000)).toEqual({ count: 1, windowStart: 20_000, blockedUntil: 500_000 });
    // ip:1 expires at 121 000; ip:2 at 500 000
    expect(rate.sweep(121_000)).toBe(1);
    expect(rate.sweep(499_999)).toBe(0);
    expect(rate.blockedUntil('ip:1')).toBe(0);
    expect(rate.sweep(500_000)).toBe(1);
    expect(rate.size()).toBe(0);
  });

  it('keeps a block expiry later than the window when blocking again with an earlier time', () => {
    const rate = store().repos.apiRate;
    rate.hit('tok:1', 1000, 100_000);
    rate.block('tok:1', 50_000);
    // expires_at stays at the window's end (101 000), the greater one
    expect(rate.sweep(100_999)).toBe(0);
    expect(rate.sweep(101_000)).toBe(1);
  });
});
