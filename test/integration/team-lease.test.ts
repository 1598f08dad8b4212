// The lease on the singleton jobs, two desks' leases on one database (both engines), the time given by a fake
// clock: the first desk takes it and starts its jobs; the second waits; when the first stops renewing (it
// died) the second takes it after the ttl and learns the address the first registered; the first, coming
// back, finds it gone and stops its jobs; a desk whose database stops answering stops its jobs before the
// lease can expire; a clean close releases at once; team.changed is emitted when the lease moves.
import { expect, it } from 'vitest';
import { createLease, LEASE_TTL_MS, type Acquired, type Lease } from '../../electron/core/team/lease';
import type { LeaseRepo } from '../../electron/core/store/repos/lease';
import { describeOnBothEngines } from '../fixtures/engines';

function desk(repo: LeaseRepo, id: string, time: { now: number }) {
  const journal: string[] = [];
  let changes = 0;
  const lease: Lease = createLease({
    repo, desk: { id, name: `Desk ${id}` }, clock: { now: () => time.now }, log: () => undefined, dbTime: () => time.now,
    onAcquired: (a: Acquired) => void journal.push(`acquired from ${a.previousHolder ?? 'nobody'} url ${a.previousUrl ?? '-'}`),
    onLost: () => void journal.push('lost'),
    onChanged: () => void changes++,
  });
  return { lease, journal, changes: () => changes };
}

/** a repository whose database stops answering when `down` is set */
function flaky(repo: LeaseRepo, state: { down: boolean }): LeaseRepo {
  const guard = <A extends unknown[], R>(fn: (...a: A) => R) => (...a: A): R => {
    if (state.down) throw new Error('connection refused');
    return fn(...a);
  };
  return { take: guard(repo.take), read: guard(repo.read), release: guard(repo.release), setPublicUrl: guard(repo.setPublicUrl) };
}

describeOnBothEngines('the lease on the singleton jobs', (store) => {
  it('moves to the other desk once the holder stops renewing, and back', async () => {
    const time = { now: 1_000_000 };
    const repo = store().repos.lease;
    const a = desk(repo, 'a', time);
    const b = desk(repo, 'b', time);
    await a.lease.tick();
    await b.lease.tick();
    expect(a.lease.holds()).toBe(true);
    expect(b.lease.holds()).toBe(false);
    expect(a.journal).toEqual(['acquired from nobody url -']);
    expect(b.lease.current()).toMatchObject({ holderId: 'a', holderName: 'Desk a', thisDesk: false, acquiredAt: 1_000_000 });
    expect(a.lease.current()).toMatchObject({ holderId: 'a', thisDesk: true, publicUrl: null });
    a.lease.setPublicUrl('https://a.example');
    b.lease.setPublicUrl('https://b.example');
    expect(b.lease.current()?.publicUrl).toBe('https://a.example');

    // a renews every 2 s while b keeps trying: nothing moves
    for (let i = 0; i < 5; i++) {
      time.now += 2000;
      await a.lease.tick();
      await b.lease.tick();
    }
    expect(b.journal).toEqual([]);
    const bChanges = b.changes();

    // a dies: b takes over once the ttl has passed since a's last renew, and not before
    time.now += LEASE_TTL_MS;
    // a paused holder that resumes stops answering for the team before its next try
    expect(a.lease.holds()).toBe(false);
    await b.lease.tick();
    expect(b.lease.holds()).toBe(false);
    time.now += 1;
    await b.lease.tick();
    expect(b.lease.holds()).toBe(true);
    expect(b.journal).toEqual(['acquired from Desk a url https://a.example']);
    expect(b.changes()).toBeGreaterThan(bChanges);
    expect(b.lease.current()).toMatchObject({ holderId: 'b', thisDesk: true, acquiredAt: time.now });

    // a was only paused: its next renew finds the lease gone and it stops its jobs
    await a.lease.tick();
    expect(a.lease.holds()).toBe(false);
    expect(a.journal).toEqual(['acquired from nobody url -', 'lost']);

    // a clean close hands over at once
    await b.lease.close();
    expect(b.journal.at(-1)).toBe('lost');
    await a.lease.tick();
    expect(a.lease.holds()).toBe(true);
    expect(a.journal.at(-1)).toBe('acquired from Desk b url https://a.example');
    await a.lease.close();
  });

  it('stops the jobs of a holder that cannot reach the database before its lease can expire', async () => {
    const time = { now: 5_000_000 };
    const state = { down: false };
    store().exec("DELETE FROM team_lease WHERE name = 'jobs'");
    const a = desk(flaky(store().repos.lease, state), 'a2', time);
    const b = desk(store().repos.lease, 'b2', time);
    await a.lease.tick();
    expect(a.lease.holds()).toBe(true);
    state.down = true;
    // a short outage (one missed renew) keeps the jobs running
    time.now += 2000;
    await a.lease.tick();
    expect(a.journal).toEqual(['acquired from nobody url -']);
    expect(a.lease.current()).toMatchObject({ holderId: 'a2', thisDesk: true });
    // by ttl - one renew interval the desk cannot know it still holds the lease: it stops
    time.now += LEASE_TTL_MS - 4000;
    await a.lease.tick();
    expect(a.lease.holds()).toBe(false);
    expect(a.journal.at(-1)).toBe('lost');
    // the lease itself has not expired yet on the database's clock: b gets it only after
    await b.lease.tick();
    expect(b.lease.holds()).toBe(false);
    time.now += 2001;
    await b.lease.tick();
    expect(b.lease.holds()).toBe(true);
    state.down = false;
    await a.lease.tick();
    expect(a.lease.holds()).toBe(false);
    await a.lease.close();
    await b.lease.close();
  });
});
