// The team lease repository on both engines: the first desk takes a free lease, renews it (acquired_at kept),
// a second desk cannot take it before it expires and can after (acquired_at restarts, public_url kept for the
// new holder to compare), a release hands it over at once, and the database's clock is used when no time is given.
import { expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';

const take = (holderId: string, at: number | null, ttlMs = 8000) => ({ name: 'jobs', holderId, holderName: `Desk ${holderId}`, ttlMs, at });

describeOnBothEngines('team lease repository', (store) => {
  it('takes a free lease, renews it, refuses it to another desk until it expires', () => {
    const { lease } = store().repos;
    expect(lease.read('jobs', 1000)).toEqual({ row: null, dbNow: 1000 });
    expect(lease.take(take('a', 1000))).toEqual({
      name: 'jobs', holder_id: 'a', holder_name: 'Desk a', acquired_at: 1000, renewed_at: 1000, expires_at: 9000, public_url: null,
    });
    expect(lease.take(take('a', 3000))).toMatchObject({ holder_id: 'a', acquired_at: 1000, renewed_at: 3000, expires_at: 11_000 });
    expect(lease.setPublicUrl('jobs', 'a', 'https://a.example')).toBe(true);
    expect(lease.setPublicUrl('jobs', 'b', 'https://b.example')).toBe(false);
    expect(lease.take(take('b', 10_999))).toBeNull();
    expect(lease.take(take('b', 11_000))).toBeNull();
    expect(lease.read('jobs', 11_000).row).toMatchObject({ holder_id: 'a', public_url: 'https://a.example' });
    expect(lease.take(take('b', 11_001))).toEqual({
      name: 'jobs', holder_id: 'b', holder_name: 'Desk b', acquired_at: 11_001, renewed_at: 11_001, expires_at: 19_001, public_url: 'https://a.example',
    });
    // the former holder's late renew finds the lease gone
    expect(lease.take(take('a', 11_002))).toBeNull();
  });

  it('releases only for the holder, and the next desk takes it at once', () => {
    const { lease } = store().repos;
    expect(lease.release('jobs', 'a')).toBe(false);
    expect(lease.release('jobs', 'b')).toBe(true);
    expect(lease.read('jobs', 12_000).row).toMatchObject({ holder_id: 'b', expires_at: 0 });
    expect(lease.take(take('c', 12_000))).toMatchObject({ holder_id: 'c', acquired_at: 12_000 });
  });

  it("measures expiry on the database's clock when no time is given", () => {
    const { lease } = store().repos;
    store().exec("DELETE FROM team_lease WHERE name = 'jobs'");
    const before = Date.now();
    const row = lease.take(take('a', null, 60_000));
    const after = Date.now();
    expect(row?.acquired_at).toBeGreaterThanOrEqual(before - 1000);
    expect(row?.acquired_at).toBeLessThanOrEqual(after + 1000);
    expect(row!.expires_at - row!.acquired_at).toBe(60_000);
    const read = lease.read('jobs');
    expect(read.dbNow).toBeGreaterThanOrEqual(row!.acquired_at);
    expect(lease.take(take('b', null))).toBeNull();
    // a 1 ms lease has expired by the next statement's clock
    expect(lease.take(take('a', null, 1))?.holder_id).toBe('a');
    const deadline = Date.now() + 50;
    while (Date.now() < deadline) { /* the database's clock moves on */ }
    expect(lease.take(take('b', null))?.holder_id).toBe('b');
  });
});
