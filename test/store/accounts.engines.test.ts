// The accounts repository on both engines: insert and read back (flags as booleans), the built-in lookup,
// the list's order, a partial update (undefined leaves a column, null clears it) and removal.
import { expect, it } from 'vitest';
import type { AccountRow } from '../../electron/core/store/repos/accounts';
import { describeOnBothEngines } from '../fixtures/engines';

const account = (over: Partial<AccountRow>): AccountRow => ({
  id: 'acc_1', gateway: 'stripe', mode: 'test', livemode: false, label: 'Shop', publicKey: 'pk_test_1',
  secretKeyRef: 'vault:sk', webhookSecretRef: null, sandbox: false, builtin: null, verificationStatus: 'unverified',
  verifiedAt: null, verificationMessage: null, createdAt: 1000, updatedAt: 1000, ...over,
});

describeOnBothEngines('accounts repository', (store) => {
  it('inserts, reads back, lists in creation order and finds the built-in one', () => {
    const { accounts } = store().repos;
    expect(accounts.get('acc_1')).toBeNull();
    accounts.insert(account({ id: 'acc_b', createdAt: 2000, updatedAt: 2000 }));
    accounts.insert(account({ id: 'acc_a', createdAt: 2000, updatedAt: 2000, gateway: 'razorpay', mode: 'live', livemode: true, label: 'Live' }));
    accounts.insert(account({ id: 'acc_z', createdAt: 1000, sandbox: true, builtin: 'sandbox-stripe', label: 'Sandbox' }));
    expect(accounts.get('acc_a')).toEqual(account({ id: 'acc_a', createdAt: 2000, updatedAt: 2000, gateway: 'razorpay', mode: 'live', livemode: true, label: 'Live' }));
    expect(accounts.get('acc_z')).toMatchObject({ sandbox: true, livemode: false, builtin: 'sandbox-stripe' });
    expect(accounts.getBuiltin('sandbox-stripe')?.id).toBe('acc_z');
    expect(accounts.getBuiltin('sandbox-razorpay')).toBeNull();
    expect(accounts.list().map((a) => a.id)).toEqual(['acc_z', 'acc_a', 'acc_b']);
  });

  it('updates only the fields given, clears on null, and removes', () => {
    const { accounts } = store().repos;
    accounts.update('acc_b', { label: 'Renamed', secretKeyRef: null, verificationStatus: 'verified', verifiedAt: 5000, publicKey: undefined }, 6000);
    expect(accounts.get('acc_b')).toMatchObject({
      label: 'Renamed', secretKeyRef: null, publicKey: 'pk_test_1', verificationStatus: 'verified', verifiedAt: 5000, updatedAt: 6000, createdAt: 2000,
    });
    accounts.update('acc_b', {}, 7000);
    expect(accounts.get('acc_b')?.updatedAt).toBe(7000);
    expect(accounts.remove('acc_b')).toBe(true);
    expect(accounts.remove('acc_b')).toBe(false);
    expect(accounts.get('acc_b')).toBeNull();
  });
});
