// The team repository on both engines: one team per database (a second start keeps the first), desks joining,
// seen, removed and joining again; join codes redeemed exactly once and only before they expire,
// and swept once used or expired.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import type { JoinCodeRow } from '../../electron/core/store/repos/team';
import { describeOnBothEngines } from '../fixtures/engines';

const codeRow = (id: string, expiresAt: number): JoinCodeRow => ({
  id, nonce: randomBytes(12), wrappedKey: randomBytes(32), tag: randomBytes(16), createdBy: 'Asha (owner)', createdAt: 1_000, expiresAt,
});
const hex = (c: string): string => c.repeat(64);

describeOnBothEngines('team repository', (store) => {
  it('records one team; a second start keeps the first', () => {
    const { team } = store().repos;
    expect(team.meta()).toBeNull();
    const check = randomBytes(32);
    expect(team.start('team-1', check, 1_000)).toBe(true);
    expect(team.start('team-2', randomBytes(32), 2_000)).toBe(false);
    const meta = team.meta();
    expect(meta?.teamId).toBe('team-1');
    expect(Buffer.from(meta!.keyCheck).equals(check)).toBe(true);
    expect(meta?.createdAt).toBe(1_000);
  });

  it('lists desks, notes them seen, removes them once, and lets a removed desk join again', () => {
    const { team } = store().repos;
    team.addDesk({ id: 'desk-a', name: 'Counter', joinedBy: 'first desk' }, 1_000);
    team.addDesk({ id: 'desk-b', name: 'Back office', joinedBy: 'Asha' }, 2_000);
    expect(team.seen('desk-a', 'Counter 1', 3_000)).toBe(true);
    expect(team.seen('nobody', 'x', 3_000)).toBe(false);
    expect(team.desks()).toEqual([
      { id: 'desk-a', name: 'Counter 1', joinedAt: 1_000, joinedBy: 'first desk', lastSeenAt: 3_000, removedAt: null, removedBy: null },
      { id: 'desk-b', name: 'Back office', joinedAt: 2_000, joinedBy: 'Asha', lastSeenAt: 2_000, removedAt: null, removedBy: null },
    ]);
    expect(team.removeDesk('desk-b', 'Asha', 4_000)).toBe(true);
    expect(team.removeDesk('desk-b', 'Asha', 5_000)).toBe(false);
    expect(team.removeDesk('nobody', 'Asha', 5_000)).toBe(false);
    expect(team.desk('desk-b')).toMatchObject({ removedAt: 4_000, removedBy: 'Asha' });
    expect(team.seen('desk-b', 'Back office', 6_000)).toBe(false);
    team.addDesk({ id: 'desk-b', name: 'Back office', joinedBy: 'Ravi' }, 7_000);
    expect(team.desk('desk-b')).toMatchObject({ joinedAt: 7_000, joinedBy: 'Ravi', removedAt: null, removedBy: null });
  });

  it('finds a code only while unused and unexpired, and redeems it exactly once', () => {
    const { team } = store().repos;
    const row = codeRow(hex('a'), 10_000);
    team.addJoinCode(row);
    const found = team.joinCode(row.id);
    expect(found).toMatchObject({ id: row.id, createdBy: 'Asha (owner)', createdAt: 1_000, expiresAt: 10_000, usedAt: null });
    expect(Buffer.from(found!.wrappedKey).equals(row.wrappedKey)).toBe(true);
    expect(team.joinCode(hex('b'))).toBeNull();
    expect(team.redeemJoinCode(row.id, 'desk-b', 10_000)).toBeNull();
    expect(team.redeemJoinCode(row.id, 'desk-b', 5_000)?.id).toBe(row.id);
    expect(team.redeemJoinCode(row.id, 'desk-c', 5_001)).toBeNull();
    expect(team.joinCode(row.id)?.usedAt).toBe(5_000);
  });

  it('refuses to redeem an expired code and sweeps used and expired codes', () => {
    const { team } = store().repos;
    team.addJoinCode(codeRow(hex('c'), 20_000));
    team.addJoinCode(codeRow(hex('d'), 40_000));
    expect(team.redeemJoinCode(hex('c'), 'desk-x', 20_000)).toBeNull();
    // the used code from the test before (a) and the expired one (c) go; the live one (d) stays
    expect(team.sweepJoinCodes(30_000)).toBe(2);
    expect(team.joinCode(hex('d'))).not.toBeNull();
    expect(team.joinCode(hex('c'))).toBeNull();
  });

  it('rolls a redemption back with its transaction', () => {
    const s = store();
    s.repos.team.addJoinCode(codeRow(hex('e'), 50_000));
    expect(() => s.transaction(() => {
      s.repos.team.redeemJoinCode(hex('e'), 'desk-y', 45_000);
      throw new Error('undo');
    })).toThrow('undo');
    expect(s.repos.team.joinCode(hex('e'))?.usedAt).toBeNull();
  });
});
