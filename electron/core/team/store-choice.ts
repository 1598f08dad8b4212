// The store an owner chose in Settings → Team, for the desk's next start: store.json in the data folder (0600),
// with the database password and a join code sealed by this computer's KeyProtector (as the vault key is), so
// the password never sits in argv, an environment or a file in clear. `--store` / PAYDESK_STORE win over it;
// without either and without the file the desk opens its own SQLite file.
//
// A saved team database that does not answer at start is a start-up problem in words (core starts degraded),
// never a quiet fall back to the SQLite file, whose data is not the team's.
import { rmSync } from 'node:fs';
import path from 'node:path';
import { AppError, invalid } from '../../../shared/errors';
import type { TeamStoreTest } from '../../../shared/contract';
import { ensurePrivateDir, readTextIfPresent, writePrivateText } from '../private-fs';
import { describeStore, parseStoreChoice, type StoreChoice } from '../store/choice';
import { knownPgVersion } from '../store/pg/migrate';
import { explainPgFailure, probePgStore } from '../store/pg/probe';
import { PROTECTOR_KINDS, type KeyProtector } from '../types';
import { createKeyFileProtector } from '../vault/protectors/keyfile';
import { createKeyringProtector } from '../vault/protectors/keyring';

export const STORE_FILE = 'store.json';
export const storeFilePath = (dataDir: string): string => path.join(dataDir, STORE_FILE);

interface StoreFile {
  url: string;
  /** the KeyProtector kind that sealed password and joinCode */
  protector: KeyProtector['kind'];
  /** base64 of the sealed bytes */
  password?: string;
  joinCode?: string;
  savedAt: number;
}

/** What a saved choice adds to core's options: the team database (with its password) and a join code to use once. */
export interface SavedStore {
  store: Extract<StoreChoice, { engine: 'postgres' }>;
  join?: string;
}

function readStoreFile(dataDir: string): StoreFile | null {
  const file = storeFilePath(dataDir);
  const text = readTextIfPresent(file);
  if (text === null) return null;
  try {
    const v = JSON.parse(text) as Partial<StoreFile>;
    if (typeof v.url === 'string' && typeof v.protector === 'string' && PROTECTOR_KINDS.includes(v.protector)) return v as StoreFile;
  } catch {
    // reported below
  }
  throw new AppError('unavailable', `The saved store choice ${file} is damaged. Delete it to open this computer's own file, then choose the team database again in Settings → Team.`);
}

function writeStoreFile(dataDir: string, f: StoreFile): void {
  ensurePrivateDir(dataDir);
  const file = storeFilePath(dataDir);
  writePrivateText(file, `${JSON.stringify(f)}\n`);
}

/** The protector that sealed the file: the shell's own (safeStorage) when it is that kind, else the one of this data folder. */
async function protectorOf(kind: KeyProtector['kind'], dataDir: string, given: KeyProtector | undefined): Promise<KeyProtector> {
  if (given?.kind === kind) return given;
  if (kind === 'keyfile') return createKeyFileProtector(dataDir);
  if (kind === 'keyring') {
    const ring = await createKeyringProtector(dataDir, { create: false });
    if (ring.protector) return ring.protector;
    throw new AppError('unavailable', `The team database's password saved in Settings → Team was sealed with the OS keyring, which cannot be reached now (${ring.reason}). Unlock the keyring and restart Paydesk.`);
  }
  throw new AppError('unavailable', 'The team database chosen in Settings → Team was saved by the Paydesk desktop app (Electron safeStorage): open this data folder with the desktop app, or start with --store.');
}

async function unseal(protector: KeyProtector, sealed: string | undefined, what: string): Promise<string | undefined> {
  if (sealed === undefined) return undefined;
  try {
    return (await protector.unprotect(Buffer.from(sealed, 'base64'))).toString('utf8');
  } catch (cause) {
    throw new AppError('unavailable', `The ${what} saved in Settings → Team could not be unsealed on this computer. Delete ${STORE_FILE} in the data folder and choose the team database again.`, { cause });
  }
}

/** The choice saved in this data folder, unsealed; null when there is none (the desk opens its own SQLite file). */
export async function readSavedStore(dataDir: string, given: KeyProtector | undefined): Promise<SavedStore | null> {
  const f = readStoreFile(dataDir);
  if (!f) return null;
  const choice = parseStoreChoice(f.url, `The database saved in Settings → Team (${STORE_FILE})`);
  if (choice.engine !== 'postgres') return null;
  const protector = await protectorOf(f.protector, dataDir, given);
  const password = await unseal(protector, f.password, 'database password');
  const join = await unseal(protector, f.joinCode, 'join code');
  return { store: { ...choice, ...(password !== undefined ? { password } : {}) }, ...(join !== undefined ? { join } : {}) };
}

/** The desk joined with the saved code (or was a member already): the code is spent, so it leaves the file. */
export function forgetSavedJoinCode(dataDir: string): void {
  const f = readStoreFile(dataDir);
  if (!f || f.joinCode === undefined) return;
  const { joinCode: _spent, ...rest } = f;
  writeStoreFile(dataDir, rest);
}

/** Why the saved team database could not be opened at start, in words, with the way back to this computer's file. */
export function savedStoreUnreachable(err: unknown, s: SavedStore, dataDir: string): AppError {
  const why = err instanceof AppError ? err.message : explainPgFailure(err, s.store.url).message;
  return new AppError('unavailable', `This desk could not open the team database chosen in Settings → Team (${describeStore(s.store)}): ${why} Paydesk tries again when it starts again. To use this computer's own file instead, delete ${storeFilePath(dataDir)} (the saved choice) and start Paydesk again; --store sqlite opens the file once without deleting it.`, { cause: err });
}

/** A refused saved join code: the file keeps it, so the message says how to replace it. */
export function savedJoinRefused(err: AppError): AppError {
  return new AppError(err.code, `${err.message} (This was the join code saved in Settings → Team: start this desk once with --join <new code>.)`, { cause: err });
}

export interface StoreChoiceService {
  test(input: { url: string; password?: string | undefined }): Promise<TeamStoreTest>;
  /** saves the choice for the next start, after testing it; returns what the audit row may say (never a secret) */
  use(input: { url: string; password?: string | undefined; joinCode?: string | undefined } | { engine: 'sqlite' }): Promise<{ change: string; database: string | null }>;
}

export function createStoreChoiceService(d: { dataDir: string; protector: KeyProtector; now: () => number }): StoreChoiceService {
  const test = async (input: { url: string; password?: string | undefined }): Promise<TeamStoreTest> => {
    let choice: StoreChoice;
    try {
      choice = parseStoreChoice(input.url, 'The database URL');
    } catch (err) {
      return { ok: false, field: 'url', message: err instanceof Error ? err.message : String(err), schema: null, hasTeam: false };
    }
    if (choice.engine !== 'postgres') return { ok: false, field: 'url', message: 'Type a PostgreSQL URL such as postgres://paydesk@db.example.com:5432/paydesk.', schema: null, hasTeam: false };
    return probePgStore(choice.url, input.password || undefined, knownPgVersion());
  };
  const seal = async (text: string | undefined): Promise<string | undefined> => (text ? (await d.protector.protect(Buffer.from(text, 'utf8'))).toString('base64') : undefined);
  return {
    test,
    async use(input) {
      if ('engine' in input) {
        rmSync(storeFilePath(d.dataDir), { force: true });
        return { change: "this desk's own file from the next start", database: null };
      }
      const t = await test(input);
      if (!t.ok) throw invalid(t.field ?? 'url', t.message);
      const joinCode = input.joinCode?.trim() || undefined;
      if (t.hasTeam && !joinCode) throw invalid('joinCode', "A team already uses this database: type the join code from an owner's desk (Settings → Team → Invite a desk).");
      const password = await seal(input.password || undefined);
      const code = await seal(t.hasTeam ? joinCode : undefined);
      writeStoreFile(d.dataDir, { url: input.url.trim(), protector: d.protector.kind, ...(password ? { password } : {}), ...(code ? { joinCode: code } : {}), savedAt: d.now() });
      return { change: `team database from the next start${t.hasTeam ? ', joining the team' : ', starting the team'}`, database: describeStore({ engine: 'postgres', url: input.url.trim() }) };
    },
  };
}
