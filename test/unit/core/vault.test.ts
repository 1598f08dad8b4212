import Database from 'better-sqlite3';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../electron/core/store/migrate';
import { vaultRepo } from '../../../electron/core/store/repos/vault';
import { sqliteSql } from '../../../electron/core/store/sql';
import { createKeyFileProtector, keyFilePath, openVault } from '../../../electron/core/vault';
import type { KeyProtector } from '../../../electron/core/types';

const SECRET = 'sk_test_VaultUnitTestSecret0123456789abcdef';

describe('vault', () => {
  let dir: string;
  let db: Database.Database;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'paydesk-vault-'));
    db = new Database(join(dir, 'db.sqlite'));
    migrate(db);
  });
  afterEach(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('round-trips a secret and reports only configured/last4/mode', async () => {
    const vault = await openVault(vaultRepo(sqliteSql(db)), createKeyFileProtector(dir));
    vault.put('account:a:secretKey', SECRET, 'test');
    expect(vault.get('account:a:secretKey')).toBe(SECRET);
    expect(vault.status('account:a:secretKey')).toEqual({ configured: true, last4: 'cdef', mode: 'test' });
    expect(vault.status('account:missing')).toEqual({ configured: false, last4: null, mode: null });
    expect(vault.status(null)).toEqual({ configured: false, last4: null, mode: null });
    vault.put('short', 'abc123');
    expect(vault.status('short').last4).toBeNull();
    vault.remove('account:a:secretKey');
    expect(vault.get('account:a:secretKey')).toBeNull();
  });

  it('reopens with the same protector; stores nothing readable', async () => {
    const v1 = await openVault(vaultRepo(sqliteSql(db)), createKeyFileProtector(dir));
    v1.put('r', SECRET, 'test');
    const v2 = await openVault(vaultRepo(sqliteSql(db)), createKeyFileProtector(dir));
    expect(v2.get('r')).toBe(SECRET);
    const dump = JSON.stringify(db.prepare('SELECT * FROM vault_secrets').all().map((r) => Object.values(r as object).map(String)));
    expect(dump).not.toContain('VaultUnitTestSecret');
    expect(readFileSync(join(dir, 'db.sqlite')).includes(Buffer.from('VaultUnitTestSecret'))).toBe(false);
  });

  it('detects a tampered ciphertext, tag or nonce', async () => {
    const vault = await openVault(vaultRepo(sqliteSql(db)), createKeyFileProtector(dir));
    for (const col of ['ciphertext', 'tag', 'nonce']) {
      vault.put('r', SECRET, 'test');
      const row = db.prepare(`SELECT ${col} AS b FROM vault_secrets WHERE ref = 'r'`).get() as { b: Buffer };
      const flipped = Buffer.from(row.b);
      flipped[0] = flipped[0]! ^ 0x01;
      db.prepare(`UPDATE vault_secrets SET ${col} = ? WHERE ref = 'r'`).run(flipped);
      expect(() => vault.get('r'), col).toThrow(/integrity check/);
    }
  });

  it('binds each ciphertext to its ref (AAD): a sealed value moved to another ref does not open', async () => {
    const vault = await openVault(vaultRepo(sqliteSql(db)), createKeyFileProtector(dir));
    vault.put('account:a:secretKey', SECRET, 'test');
    db.prepare(`INSERT INTO vault_secrets (ref, nonce, ciphertext, tag, last4, mode, created_at, updated_at)
      SELECT 'account:b:secretKey', nonce, ciphertext, tag, last4, mode, created_at, updated_at FROM vault_secrets WHERE ref = 'account:a:secretKey'`).run();
    expect(() => vault.get('account:b:secretKey')).toThrow(/integrity check/);
    expect(vault.get('account:a:secretKey')).toBe(SECRET);
  });

  it('writes the key file with mode 0600 and says plainly what it protects against', async () => {
    const p = createKeyFileProtector(dir);
    await openVault(vaultRepo(sqliteSql(db)), p);
    if (process.platform !== 'win32') expect(statSync(keyFilePath(dir)).mode & 0o777).toBe(0o600);
    expect(p.kind).toBe('keyfile');
    expect(p.description).toMatch(/database file alone is copied/);
    expect(p.description).toMatch(/not against anyone who can use your user account/);
  });

  it('refuses to open with another key file or another kind of protector', async () => {
    (await openVault(vaultRepo(sqliteSql(db)), createKeyFileProtector(dir))).put('r', SECRET);
    writeFileSync(keyFilePath(dir), Buffer.alloc(32, 7).toString('base64'));
    await expect(openVault(vaultRepo(sqliteSql(db)), createKeyFileProtector(dir))).rejects.toMatchObject({ code: 'unavailable' });
    const other: KeyProtector = { kind: 'safeStorage', description: 'x', protect: async (b) => b, unprotect: async (b) => b };
    await expect(openVault(vaultRepo(sqliteSql(db)), other)).rejects.toThrow(/sealed with a key file/);
  });

  it('uses the protector for the data key: the sealed key in vault_meta is not the data key', async () => {
    const seen: Buffer[] = [];
    const spy: KeyProtector = {
      kind: 'keyfile',
      description: 'spy',
      async protect(k) {
        seen.push(Buffer.from(k));
        return Buffer.concat([Buffer.from('sealed:'), Buffer.from(k).reverse()]);
      },
      async unprotect(s) {
        return Buffer.from(s.subarray(7)).reverse();
      },
    };
    const vault = await openVault(vaultRepo(sqliteSql(db)), spy);
    vault.put('r', SECRET);
    expect(seen).toHaveLength(1);
    expect(seen[0]!.length).toBe(32);
    const meta = db.prepare('SELECT sealed_key FROM vault_meta').get() as { sealed_key: Buffer };
    expect(meta.sealed_key.equals(seen[0]!)).toBe(false);
    expect((await openVault(vaultRepo(sqliteSql(db)), spy)).get('r')).toBe(SECRET);
  });
});
