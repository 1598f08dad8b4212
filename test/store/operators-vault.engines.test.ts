// The operators and vault repositories on both engines. Operators: names unique among enabled operators
// whatever their ASCII case (add and change say false, the transaction still usable), lists by name ignoring case, counts, disable, and
// the wrong-PIN counters. Vault: the sealed data key once, secrets as Buffers, replaced and removed.
import { randomBytes } from 'node:crypto';
import { expect, it } from 'vitest';
import { describeOnBothEngines } from '../fixtures/engines';

const PIN = 'scrypt$fake';

describeOnBothEngines('operators repository', (store) => {
  it('adds, refuses a taken name whatever its case, lists by name and counts', () => {
    const { operators } = store().repos;
    expect(operators.add({ id: 'op_1', name: 'bea', role: 'owner', pinHash: PIN, at: 1000 })).toBe(true);
    expect(operators.add({ id: 'op_2', name: 'Asha', role: 'staff', pinHash: PIN, at: 1000 })).toBe(true);
    expect(operators.add({ id: 'op_3', name: 'Carl', role: 'staff', pinHash: PIN, at: 1000 })).toBe(true);
    expect(operators.add({ id: 'op_4', name: 'BEA', role: 'staff', pinHash: PIN, at: 2000 })).toBe(false);
    // another id taken is not a name clash: it throws
    expect(() => operators.add({ id: 'op_1', name: 'Dev', role: 'staff', pinHash: PIN, at: 2000 })).toThrow();
    expect(operators.get('op_1')).toEqual({ id: 'op_1', name: 'bea', role: 'owner', pin_hash: PIN, created_at: 1000, updated_at: 1000, disabled_at: null });
    expect(operators.get('op_4')).toBeUndefined();
    expect(operators.active().map((o) => o.name)).toEqual(['Asha', 'bea', 'Carl']);
    expect(operators.activeCount()).toBe(3);
    expect(operators.activeOwnerCount()).toBe(1);
  });

  it('changes, disables (freeing the name) and lists the disabled last', () => {
    const { operators } = store().repos;
    expect(operators.change('op_3', { name: 'ASHA', role: 'staff', pinHash: PIN, disabledAt: null }, 3000)).toBe(false);
    expect(operators.change('op_3', { name: 'Carla', role: 'owner', pinHash: PIN, disabledAt: null }, 3000)).toBe(true);
    expect(operators.get('op_3')).toMatchObject({ name: 'Carla', role: 'owner', updated_at: 3000 });
    expect(operators.activeOwnerCount()).toBe(2);
    operators.disable('op_2', 4000);
    expect(operators.get('op_2')).toMatchObject({ disabled_at: 4000, updated_at: 4000 });
    expect(operators.add({ id: 'op_5', name: 'asha', role: 'staff', pinHash: PIN, at: 5000 })).toBe(true);
    expect(operators.all().map((o) => o.id)).toEqual(['op_5', 'op_1', 'op_3', 'op_2']);
    expect(operators.active().map((o) => o.id)).toEqual(['op_5', 'op_1', 'op_3']);
    expect(operators.activeCount()).toBe(3);
  });

  it('answers a taken name with false and leaves the transaction usable', () => {
    const s = store();
    s.transaction(() => {
      expect(s.repos.operators.add({ id: 'op_6', name: 'CARLA', role: 'staff', pinHash: PIN, at: 6000 })).toBe(false);
      expect(s.repos.operators.change('op_5', { name: 'Bea', role: 'staff', pinHash: PIN, disabledAt: null }, 6000)).toBe(false);
      // a disabled operator may share a name
      expect(s.repos.operators.change('op_2', { name: 'BEA', role: 'staff', pinHash: PIN, disabledAt: 4000 }, 6000)).toBe(true);
      expect(s.repos.operators.add({ id: 'op_6', name: 'Dev', role: 'staff', pinHash: PIN, at: 6000 })).toBe(true);
    });
    expect(s.repos.operators.get('op_6')?.name).toBe('Dev');
    expect(s.repos.operators.get('op_2')?.name).toBe('BEA');
  });

  it('keeps, replaces and clears wrong-PIN counters', () => {
    const { operators } = store().repos;
    expect(operators.pinFailures('op_1')).toBeUndefined();
    operators.setPinFailures('op_1', { fails: 1, until: 0 });
    operators.setPinFailures('op_1', { fails: 5, until: 90_000 });
    expect(operators.pinFailures('op_1')).toEqual({ fails: 5, until: 90_000 });
    operators.clearPinFailures('op_1');
    expect(operators.pinFailures('op_1')).toBeUndefined();
  });
});

describeOnBothEngines('vault repository', (store) => {
  it('stores the sealed data key once', () => {
    const { vault } = store().repos;
    expect(vault.sealedKey()).toBeNull();
    expect(vault.sealedWith()).toBeNull();
    const key = randomBytes(60);
    vault.storeSealedKey('keyfile', key, 1000);
    const stored = vault.sealedKey()!;
    expect(stored.protector).toBe('keyfile');
    expect(Buffer.isBuffer(stored.sealedKey) && stored.sealedKey.equals(key)).toBe(true);
    expect(vault.sealedWith()).toBe('keyfile');
    expect(() => vault.storeSealedKey('keyring', key, 2000)).toThrow();
  });

  it('puts, replaces, lists and removes secrets as Buffers', () => {
    const { vault } = store().repos;
    const secret = (ref: string, last4: string | null) => ({ ref, nonce: randomBytes(12), ciphertext: randomBytes(40), tag: randomBytes(16), last4, mode: last4 ? ('test' as const) : null });
    const a = secret('acc_1.secret', '4242');
    vault.putSecret(a, 1000);
    vault.putSecret(secret('acc_2.secret', null), 1000);
    expect(vault.secret('acc_1.secret')).toEqual(a);
    expect(Buffer.isBuffer(vault.secret('acc_1.secret')!.ciphertext)).toBe(true);
    const b = secret('acc_1.secret', '0000');
    vault.putSecret(b, 2000);
    expect(vault.secret('acc_1.secret')).toEqual(b);
    expect(vault.allSecrets().map((s) => s.ref).sort()).toEqual(['acc_1.secret', 'acc_2.secret']);
    expect(vault.allSecrets().every((s) => Buffer.isBuffer(s.nonce) && Buffer.isBuffer(s.tag))).toBe(true);
    vault.removeSecret('acc_2.secret');
    expect(vault.secret('acc_2.secret')).toBeUndefined();
    expect(vault.allSecrets()).toHaveLength(1);
  });
});
