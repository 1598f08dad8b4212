// The team key as a desk keeps it: sealed by this machine's protector in a private file, opened only by that
// protector, and recognised by the check value the team database holds. Join codes: enough entropy, typed
// loosely, and the key sealed under one opens under that code and team only.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { joinCodeId, newJoinCode, normalizeJoinCode, unwrapTeamKey, wrapTeamKey } from '../../../../electron/core/team/join-code';
import {
  keyCheckOf, keyMatches, loadLocalTeamKey, newTeamKey, readLocalTeamKeyFile, storeLocalTeamKey, TEAM_KEY_FILE, teamVaultRepo,
} from '../../../../electron/core/team/team-key';
import type { VaultRepo } from '../../../../electron/core/store/repos/vault';
import { createKeyFileProtector } from '../../../../electron/core/vault';

describe('the team key in the data folder', () => {
  let dir: string;
  let other: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'paydesk-teamkey-'));
    other = mkdtempSync(path.join(tmpdir(), 'paydesk-teamkey-'));
  });
  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
    rmSync(other, { recursive: true, force: true });
  });

  it('is written 0600, sealed (not in clear), and opens again with the same protector', async () => {
    const { key, teamId } = newTeamKey();
    expect(key).toHaveLength(32);
    await storeLocalTeamKey(dir, createKeyFileProtector(dir), key, teamId);
    const file = path.join(dir, TEAM_KEY_FILE);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const text = readFileSync(file, 'utf8');
    expect(text).not.toContain(key.toString('base64'));
    expect(text).not.toContain(key.toString('hex'));
    expect(readLocalTeamKeyFile(dir)).toMatchObject({ teamId, protector: 'keyfile' });
    const back = await loadLocalTeamKey(dir, createKeyFileProtector(dir));
    expect(back?.teamId).toBe(teamId);
    expect(back?.key.equals(key)).toBe(true);
  });

  it('is null before the desk holds one', async () => {
    expect(readLocalTeamKeyFile(dir)).toBeNull();
    expect(await loadLocalTeamKey(dir, createKeyFileProtector(dir))).toBeNull();
  });

  it("does not open with another machine's protector, and says so", async () => {
    const { key, teamId } = newTeamKey();
    await storeLocalTeamKey(dir, createKeyFileProtector(dir), key, teamId);
    await expect(loadLocalTeamKey(dir, createKeyFileProtector(other))).rejects.toThrow(/could not be unlocked/);
  });

  it('refuses a damaged file in words', async () => {
    writeFileSync(path.join(dir, TEAM_KEY_FILE), '{"teamId": 5}');
    expect(() => readLocalTeamKeyFile(dir)).toThrow(/damaged.*--join/);
  });

  it('has a check value that tells its key from any other without revealing it', () => {
    const a = newTeamKey().key;
    const b = newTeamKey().key;
    const check = keyCheckOf(a);
    expect(check).toHaveLength(32);
    expect(check.equals(a)).toBe(false);
    expect(keyMatches(a, check)).toBe(true);
    expect(keyMatches(b, check)).toBe(false);
    expect(keyMatches(a, check.subarray(0, 16))).toBe(false);
  });

  it('is what the vault sees as its sealed data key on a team desk; secrets stay with the database', async () => {
    const secrets = { sealedKey: () => null, sealedWith: () => null, secret: () => undefined } as unknown as VaultRepo;
    const repo = teamVaultRepo(dir, secrets);
    expect(repo.sealedWith()).toBeNull();
    const { key, teamId } = newTeamKey();
    await storeLocalTeamKey(dir, createKeyFileProtector(dir), key, teamId);
    expect(repo.sealedWith()).toBe('keyfile');
    expect(repo.sealedKey()?.sealedKey.equals(readLocalTeamKeyFile(dir)!.sealedKey)).toBe(true);
    expect(() => repo.storeSealedKey('keyfile', Buffer.alloc(1), 0)).toThrow(/starts the team or joins it/);
    expect(repo.secret).toBe(secrets.secret);
  });
});

describe('join codes', () => {
  it('carry at least 128 bits, in groups of five, never the same twice', () => {
    const code = newJoinCode();
    expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{5}-){5}[0-9A-HJKMNP-TV-Z]{5}$/);
    expect(code.replace(/-/g, '').length * 5).toBeGreaterThanOrEqual(128);
    const many = new Set(Array.from({ length: 200 }, () => newJoinCode()));
    expect(many.size).toBe(200);
  });

  it('are accepted in lower case, with spaces or dashes, and I/L/O for 1/1/0', () => {
    const code = newJoinCode();
    const plain = code.replace(/-/g, '');
    expect(normalizeJoinCode(code)).toBe(plain);
    expect(normalizeJoinCode(` ${code.toLowerCase().replace(/-/g, ' ')} `)).toBe(plain);
    expect(normalizeJoinCode(plain.replace(/1/g, 'l').replace(/0/g, 'o'))).toBe(plain);
    expect(() => normalizeJoinCode('ABCDE-FGHJK')).toThrow(/not a join code/);
    expect(() => normalizeJoinCode(`${plain.slice(0, -1)}U`)).toThrow(/not a join code/);
  });

  it('open the wrapped team key under the same code and team only; the row id is not the code', () => {
    const { key, teamId } = newTeamKey();
    const code = normalizeJoinCode(newJoinCode());
    const row = wrapTeamKey(code, teamId, key);
    expect(row.wrappedKey.equals(key)).toBe(false);
    expect(unwrapTeamKey(code, teamId, row)?.equals(key)).toBe(true);
    expect(unwrapTeamKey(normalizeJoinCode(newJoinCode()), teamId, row)).toBeNull();
    expect(unwrapTeamKey(code, newTeamKey().teamId, row)).toBeNull();
    expect(joinCodeId(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(joinCodeId(code)).not.toContain(code.toLowerCase());
  });
});
