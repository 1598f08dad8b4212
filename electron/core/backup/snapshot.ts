// Writing one backup file: a consistent snapshot of the live database through SQLite's online backup API
// (never a copy of the live file), counted, encrypted and written 0600 under a temporary name, then
// renamed into place so a half-written backup never carries the final name.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { Db } from '../store/db';
import { backupRepo } from '../store/repos/backup';
import { makeFdPrivate, PRIVATE_FILE_MODE } from '../private-fs';
import { encodeBackup, sha256, type Manifest, type WrappedKey } from './format';

/** The highest migration recorded in a database (0 for none). */
export function schemaVersionOf(db: Db): number {
  const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'").get();
  if (!has) return 0;
  return (db.prepare('SELECT max(version) AS v FROM schema_migrations').get() as { v: number | null }).v ?? 0;
}

/** An empty 0600 file at a fresh name in `dir` (SQLite then writes into it and keeps its mode). */
export function privateTempFile(dir: string, suffix: string): string {
  const file = join(dir, `.paydesk-${randomBytes(6).toString('hex')}${suffix}`);
  closeSync(openSync(file, 'wx', PRIVATE_FILE_MODE));
  return file;
}

const removeDb = (file: string): void => {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
};

/**
 * The database's bytes as of one moment, with the manifest's facts counted on that very snapshot.
 * better-sqlite3's `backup` copies pages in steps between which this process keeps working; a write on
 * the same connection meanwhile is carried into the copy by SQLite, a write by another process restarts
 * it, so the result is always one committed state: every transaction wholly in it or wholly after it.
 */
export async function snapshotDb(db: Db, workDir: string): Promise<{ bytes: Buffer; schemaVersion: number; totals: ReturnType<ReturnType<typeof backupRepo>['totals']> }> {
  const tmp = privateTempFile(workDir, '.sqlite');
  try {
    await db.backup(tmp);
    const copy = new Database(tmp);
    let schemaVersion: number;
    let totals: ReturnType<ReturnType<typeof backupRepo>['totals']>;
    try {
      // one file, no -wal beside it: the copy is self-contained
      copy.pragma('journal_mode = DELETE');
      schemaVersion = schemaVersionOf(copy);
      totals = backupRepo(copy).totals();
    } finally {
      copy.close();
    }
    return { bytes: readFileSync(tmp), schemaVersion, totals };
  } finally {
    removeDb(tmp);
  }
}

/** Writes `data` to `file` 0600: to a temporary name beside it, synced, then renamed. */
export function writePrivateAtomically(file: string, data: Buffer): void {
  const tmp = join(dirname(file), `.${randomBytes(6).toString('hex')}.partial`);
  const fd = openSync(tmp, 'wx', PRIVATE_FILE_MODE);
  try {
    makeFdPrivate(fd);
    let off = 0;
    while (off < data.length) off += writeSync(fd, data, off, data.length - off);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    rmSync(tmp, { force: true });
    throw err;
  }
  closeSync(fd);
  try {
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}

export interface WrittenBackup { file: string; bytes: number; manifest: Manifest }

/** Takes a snapshot of `db` and writes it, with `key` and a manifest, to `to`. */
export async function writeBackup(args: { db: Db; workDir: string; dataKey: Buffer; key: WrappedKey; appVersion: string; now: number; to: string }): Promise<WrittenBackup> {
  const snap = await snapshotDb(args.db, args.workDir);
  const manifest: Manifest = {
    appVersion: args.appVersion,
    schemaVersion: snap.schemaVersion,
    createdAt: args.now,
    counts: { payments: snap.totals.payments, refunds: snap.totals.refunds, auditRows: snap.totals.auditRows, operators: snap.totals.operators },
    sums: snap.totals.sums,
    snapshotSha256: sha256(snap.bytes),
    snapshotBytes: snap.bytes.length,
  };
  const data = encodeBackup({ manifest, key: args.key, dataKey: args.dataKey, snapshot: snap.bytes });
  writePrivateAtomically(args.to, data);
  return { file: args.to, bytes: data.length, manifest };
}
