// Restoring a backup into a data folder: check the file whole, refuse a newer schema, unwrap the data key
// with the passphrase, decrypt and check the snapshot, re-seal the data key with THIS machine's protector,
// compare counts and sums with the manifest, and only then put the database in place. Until that last
// step nothing in the data folder changes; a desk already there is first copied to `replaced-<time>/`.
//
// The desk session lives in memory, so the core that opens the restored folder starts locked whenever the
// restored desk has operators: an owner signs in before anything else.
import { copyFileSync, existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors';
import { dbFiles, dbPath } from '../store/db';
import { migrations } from '../store/migrations/index';
import type { DeskTotals } from '../store/repos/backup';
import { isDbInUse, openDeskFile, openRestoredFile, privateTempFile, type DeskFile } from '../store/snapshot';
import { ensurePrivateDir, makeFilesPrivate } from '../private-fs';
import type { KeyProtector } from '../types';
import { KEY_FILE } from '../vault';
import { decodeBackup, unwrapDataKey, type Manifest, type ReadBackup } from './format';

const refuse = (message: string): AppError => new AppError('invalid_input', message);

/** Reads and checks a backup file, and refuses one from a newer Paydesk, before any passphrase is asked. */
export function inspectBackup(file: string): ReadBackup {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch (err) {
    throw refuse(`The backup file could not be read (${(err as NodeJS.ErrnoException).code ?? 'error'}). Nothing was changed.`);
  }
  const b = decodeBackup(data);
  if (b.manifest.schemaVersion > migrations.length) {
    throw refuse(
      `This backup was made by a newer version of Paydesk (Paydesk ${b.manifest.appVersion}, database version ${b.manifest.schemaVersion}; ` +
        `this version knows up to ${migrations.length}). Update Paydesk, then restore it. Nothing was changed.`,
    );
  }
  return b;
}

/**
 * Throws when another connection (a running Paydesk) has the database open: in WAL mode every open
 * connection holds a shared lock, so an exclusive lock cannot be had.
 */
export function assertNotInUse(file: string): void {
  if (isDbInUse(file)) throw new AppError('conflict', 'Paydesk is running with this data folder. Quit it first, then restore. Nothing was changed.');
}

const sameTotals = (a: DeskTotals, m: Manifest): boolean =>
  a.payments === m.counts.payments && a.refunds === m.counts.refunds && a.auditRows === m.counts.auditRows && a.operators === m.counts.operators &&
  JSON.stringify(a.sums) === JSON.stringify(m.sums);

export interface RestoreOptions {
  dataDir: string;
  from: string;
  passphrase: string;
  /** THIS machine's protector for `dataDir`: the data key is re-sealed with it */
  protector: KeyProtector;
  /** required to replace a desk already in `dataDir` (which is first copied to replaced-<time>/) */
  replace: boolean;
  now: number;
}

export interface RestoreResult {
  manifest: Manifest;
  /** where the desk that was there before now is; null when the folder held none */
  replacedTo: string | null;
}

function stamp(now: number): string {
  return new Date(now).toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
}

/** Checks the snapshot and writes it to `into` (a fresh 0600 file), the data key re-sealed with `protector`. */
async function buildRestored(b: ReadBackup, passphrase: string, protector: KeyProtector, into: string): Promise<void> {
  const dataKey = await unwrapDataKey(b.key, passphrase);
  const snapshot = b.open(dataKey);
  writeFileSync(into, snapshot);
  const file = openRestoredFile(into);
  try {
    if (!file.intact()) throw refuse('The database inside this backup is damaged. Use another copy. Nothing was changed.');
    if (file.schemaVersion() !== b.manifest.schemaVersion) throw refuse('The database inside this backup does not match its manifest (schema version). Nothing was changed.');
    const repo = file.backup;
    if (!sameTotals(repo.totals(), b.manifest)) {
      throw refuse('The restored payments, refunds, audit log or operators do not match the backup\'s manifest. Nothing was changed.');
    }
    repo.resealKey(protector.kind, await protector.protect(dataKey));
    // checked again after the write: the counts and sums are what the manifest promised
    if (!sameTotals(repo.totals(), b.manifest)) throw refuse('The restored data does not match the backup\'s manifest. Nothing was changed.');
    file.finish();
  } finally {
    file.close();
  }
  makeFilesPrivate([into]);
}

/**
 * Puts the restored database `restored` in place of the data folder's (closed) database. A desk that was
 * there is first copied, consistently, with its key file, to `replaced-<time>/`.
 */
async function install(dataDir: string, restored: string, now: number, existing: DeskFile | null): Promise<string | null> {
  const target = dbPath(dataDir);
  let replacedTo: string | null = null;
  if (existing) {
    if (existing.backup.hasData()) {
      replacedTo = join(dataDir, `replaced-${stamp(now)}`);
      ensurePrivateDir(replacedTo);
      await existing.copyTo(join(replacedTo, 'paydesk.sqlite'));
      makeFilesPrivate([join(replacedTo, 'paydesk.sqlite')]);
      const keyFile = join(dataDir, KEY_FILE);
      if (existsSync(keyFile)) {
        copyFileSync(keyFile, join(replacedTo, KEY_FILE));
        makeFilesPrivate([join(replacedTo, KEY_FILE)]);
      }
    }
    existing.close();
    for (const f of dbFiles(target).slice(1)) rmSync(f, { force: true });
  }
  renameSync(restored, target);
  makeFilesPrivate(dbFiles(target));
  return replacedTo;
}

/** Restores into a data folder no Paydesk has open (the CLI). */
export async function restoreBackup(o: RestoreOptions): Promise<RestoreResult> {
  const b = inspectBackup(o.from);
  // the passphrase and the snapshot are checked before anything in the data folder is touched
  await unwrapDataKey(b.key, o.passphrase).then((k) => b.open(k));
  ensurePrivateDir(o.dataDir);
  const target = dbPath(o.dataDir);
  assertNotInUse(target);
  let existing: DeskFile | null = existsSync(target) ? openDeskFile(target) : null;
  const tmp = privateTempFile(o.dataDir, '.sqlite');
  try {
    if (existing && existing.backup.hasData() && !o.replace) {
      throw new AppError('conflict', 'This data folder already holds a desk. Confirm that the restore should replace it (it is copied aside first). Nothing was changed.');
    }
    await buildRestored(b, o.passphrase, o.protector, tmp);
    const replacedTo = await install(o.dataDir, tmp, o.now, existing);
    existing = null;
    return { manifest: b.manifest, replacedTo };
  } finally {
    existing?.close();
    for (const f of dbFiles(tmp)) rmSync(f, { force: true });
  }
}

/** A restore the running app prepared: checked and re-sealed, waiting beside the live database for the next start. */
export const STAGED_RESTORE = 'paydesk.sqlite.restored';

/**
 * The running app (Settings → Backup, or a fresh install's first screen): everything is checked and the data
 * key re-sealed with the app's own protector now; the database is put in place when Paydesk next starts
 * (finishStagedRestore), because the live one is open. The caller has asked for confirmation already.
 */
export async function stageRestore(o: { dataDir: string; from: string; passphrase: string; protector: KeyProtector }): Promise<Manifest> {
  const b = inspectBackup(o.from);
  const tmp = privateTempFile(o.dataDir, '.sqlite');
  try {
    await buildRestored(b, o.passphrase, o.protector, tmp);
    renameSync(tmp, join(o.dataDir, STAGED_RESTORE));
  } finally {
    for (const f of dbFiles(tmp)) rmSync(f, { force: true });
  }
  return b.manifest;
}

/** At start, before the database is opened: a staged restore takes the place of the desk (copied aside first). */
export async function finishStagedRestore(dataDir: string, now: number): Promise<{ replacedTo: string | null } | null> {
  const staged = join(dataDir, STAGED_RESTORE);
  if (!existsSync(staged)) return null;
  const target = dbPath(dataDir);
  const existing = existsSync(target) ? openDeskFile(target) : null;
  try {
    return { replacedTo: await install(dataDir, staged, now, existing) };
  } catch (err) {
    existing?.close();
    throw err;
  }
}
