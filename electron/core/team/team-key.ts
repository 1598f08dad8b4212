// The team key: on PostgreSQL the vault's data key is shared by every desk of the team. The database holds
// only the secrets it seals and a check value (team_meta.key_check); each desk keeps the key itself in its
// own data folder (team-key.json, 0600), sealed by this machine's KeyProtector (safeStorage, the OS keyring
// or a key file, as a one-desk vault does). Copying the database alone therefore opens nothing.
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { AppError } from '../../../shared/errors';
import { ensurePrivateDir, readTextIfPresent, writePrivateText } from '../private-fs';
import type { VaultRepo } from '../store/repos/vault';
import { PROTECTOR_KINDS, type KeyProtector } from '../types';

export const TEAM_KEY_FILE = 'team-key.json';
export const TEAM_KEY_BYTES = 32;

/** What team-key.json holds: the team key as this machine's protector sealed it. */
export interface LocalTeamKeyFile {
  teamId: string;
  /** the KeyProtector kind that sealed it */
  protector: KeyProtector['kind'];
  sealedKey: Buffer;
}

export const teamKeyFilePath = (dataDir: string): string => path.join(dataDir, TEAM_KEY_FILE);

/** A check value the database may hold: proves a key is the team's without revealing it. */
export function keyCheckOf(key: Buffer): Buffer {
  return createHmac('sha256', key).update('paydesk team key check').digest();
}

/** Whether `key` is the key whose check value the team database holds. */
export function keyMatches(key: Buffer, check: Buffer): boolean {
  const mine = keyCheckOf(key);
  return mine.length === check.length && timingSafeEqual(mine, check);
}

/** A fresh team: a random key and a random id. */
export function newTeamKey(): { key: Buffer; teamId: string } {
  return { key: randomBytes(TEAM_KEY_BYTES), teamId: randomUUID() };
}

/** The file as stored, or null when this desk holds no team key; throws in words when it is damaged. */
export function readLocalTeamKeyFile(dataDir: string): LocalTeamKeyFile | null {
  const file = teamKeyFilePath(dataDir);
  const text = readTextIfPresent(file);
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as { teamId?: unknown; protector?: unknown; sealedKey?: unknown };
    if (typeof v.teamId === 'string' && v.teamId && typeof v.protector === 'string' && PROTECTOR_KINDS.includes(v.protector) && typeof v.sealedKey === 'string' && v.sealedKey) {
      return { teamId: v.teamId, protector: v.protector as KeyProtector['kind'], sealedKey: Buffer.from(v.sealedKey, 'base64') };
    }
  } catch {
    // reported below
  }
  throw new AppError('unavailable', `The team key file ${file} is damaged. Move it away and start this desk with --join <code> (an owner makes one in Settings → Team → Invite a desk).`);
}

/** Writes the file (0600, atomically: a crash leaves the old file or the new one). */
export function writeLocalTeamKeyFile(dataDir: string, f: LocalTeamKeyFile): void {
  ensurePrivateDir(dataDir);
  const file = teamKeyFilePath(dataDir);
  writePrivateText(file, `${JSON.stringify({ teamId: f.teamId, protector: f.protector, sealedKey: f.sealedKey.toString('base64') })}\n`);
}

/** Forgets this desk's team key (a team start or join that did not commit). */
export function removeLocalTeamKeyFile(dataDir: string): void {
  rmSync(teamKeyFilePath(dataDir), { force: true });
}

/** Seals `key` with this machine's `protector`, the form team-key.json keeps. */
export async function sealTeamKey(protector: KeyProtector, key: Buffer, teamId: string): Promise<LocalTeamKeyFile> {
  if (key.length !== TEAM_KEY_BYTES) throw new AppError('internal', 'A team key has 32 bytes');
  return { teamId, protector: protector.kind, sealedKey: await protector.protect(key) };
}

/** Seals `key` with `protector` and writes it to team-key.json (0600, atomically). */
export async function storeLocalTeamKey(dataDir: string, protector: KeyProtector, key: Buffer, teamId: string): Promise<void> {
  writeLocalTeamKeyFile(dataDir, await sealTeamKey(protector, key, teamId));
}

/** The team key this desk holds, unsealed; null when it holds none. Throws in words when it cannot be unsealed. */
export async function loadLocalTeamKey(dataDir: string, protector: KeyProtector): Promise<{ key: Buffer; teamId: string } | null> {
  const f = readLocalTeamKeyFile(dataDir);
  if (!f) return null;
  if (f.protector !== protector.kind) {
    throw new AppError('unavailable', `This desk's team key was sealed with ${f.protector}, but this run uses ${protector.kind}. Start the desk the way it joined the team (desktop app or browser mode).`);
  }
  let key: Buffer;
  try {
    key = await protector.unprotect(f.sealedKey);
  } catch (cause) {
    throw new AppError('unavailable', `This desk's team key could not be unlocked with ${protector.kind}. Was the key file or keyring entry removed or replaced? Move ${TEAM_KEY_FILE} away and join the team again with a new code.`, { cause });
  }
  if (key.length !== TEAM_KEY_BYTES) throw new AppError('unavailable', `This desk's team key has an unexpected length. Move ${TEAM_KEY_FILE} away and join the team again with a new code.`);
  return { key, teamId: f.teamId };
}

/**
 * The vault's storage on a team desk: the sealed data key (the team key) is this desk's team-key.json, the
 * sealed secrets are the team database's. The team key file is written when the desk starts the team or
 * joins it (./open-team.ts), before the vault opens, so the vault never makes a key of its own here.
 */
export function teamVaultRepo(dataDir: string, secrets: VaultRepo): VaultRepo {
  const sealedKey = () => {
    const f = readLocalTeamKeyFile(dataDir);
    return f ? { protector: f.protector, sealedKey: f.sealedKey } : null;
  };
  return {
    ...secrets,
    sealedKey,
    sealedWith: () => sealedKey()?.protector ?? null,
    storeSealedKey() {
      throw new AppError('internal', 'A team desk receives the team key when it starts the team or joins it; the vault does not make one.');
    },
  };
}
