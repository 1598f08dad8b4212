// The database as files, for backup and restore: a consistent copy of the live database through SQLite's
// online backup API (never a copy of the live file), a restored file checked and made ready to open, and
// a data folder's database opened outside a running core. The backup service sees only these interfaces.
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, openSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PRIVATE_FILE_MODE } from '../private-fs';
import { openDb, type Db } from './db';
import { backupRepo, type BackupRepo, type DeskTotals } from './repos/backup';
import { settingsRepo, type SettingsRepo } from './repos/settings';
import { sqliteSql } from './sql';

/** The database's bytes as of one moment, with the facts a manifest records counted on that very copy. */
export interface DbSnapshot {
  bytes: Buffer;
  /** the highest migration applied */
  schemaVersion: number;
  totals: DeskTotals;
}

/** The highest migration recorded in a database (0 for none). */
function schemaVersionOf(db: Db): number {
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

/** The database file and the files SQLite may keep beside it. */
export const removeDbFiles = (file: string): void => {
  for (const f of [file, `${file}-wal`, `${file}-shm`, `${file}-journal`]) rmSync(f, { force: true });
};

/**
 * better-sqlite3's `backup` copies pages in steps between which this process keeps working; a write on
 * the same connection meanwhile is carried into the copy by SQLite, a write by another process restarts
 * it, so the result is always one committed state: every transaction wholly in it or wholly after it.
 */
async function snapshotOf(db: Db, workDir: string): Promise<DbSnapshot> {
  const tmp = privateTempFile(workDir, '.sqlite');
  try {
    await db.backup(tmp);
    const copy = new Database(tmp);
    let schemaVersion: number;
    let totals: DeskTotals;
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
    removeDbFiles(tmp);
  }
}

/** Snapshots of the store's database, taken in `workDir` (a folder on the same disk, for the temporary copy). */
export function snapshotRepo(db: Db) {
  return {
    take: (workDir: string): Promise<DbSnapshot> => snapshotOf(db, workDir),
  };
}

export type SnapshotRepo = ReturnType<typeof snapshotRepo>;

/** A database file written from a backup, opened to be checked before it replaces anything. */
export interface RestoredFile {
  /** SQLite's integrity check passes */
  intact(): boolean;
  schemaVersion(): number;
  /** its totals and its vault key */
  readonly backup: BackupRepo;
  /** ready to be opened by Paydesk (WAL mode) and closed */
  finish(): void;
  close(): void;
}

export function openRestoredFile(file: string): RestoredFile {
  const db = new Database(file);
  return {
    intact: () => db.pragma('integrity_check', { simple: true }) === 'ok',
    schemaVersion: () => schemaVersionOf(db),
    backup: backupRepo(db),
    finish() {
      db.pragma('journal_mode = WAL');
      db.close();
    },
    close() {
      if (db.open) db.close();
    },
  };
}

/**
 * True when another connection (a running Paydesk) has the database open: in WAL mode every open
 * connection holds a shared lock, so an exclusive lock cannot be had.
 */
export function isDbInUse(file: string): boolean {
  if (!existsSync(file)) return false;
  const probe = new Database(file, { timeout: 0 });
  try {
    probe.pragma('locking_mode = EXCLUSIVE');
    probe.exec('BEGIN EXCLUSIVE');
    probe.exec('COMMIT');
    return false;
  } catch {
    return true;
  } finally {
    probe.close();
  }
}

/** A data folder's database opened outside a running core (the store CLI, a restore taking its place). */
export interface DeskFile {
  readonly backup: BackupRepo;
  readonly snapshots: SnapshotRepo;
  /** the settings table, read and written as core does */
  settings(): SettingsRepo;
  /** a consistent copy of the database at `file` */
  copyTo(file: string): Promise<void>;
  close(): void;
}

export function openDeskFile(file: string): DeskFile {
  const db = openDb(file);
  return {
    backup: backupRepo(db),
    snapshots: snapshotRepo(db),
    settings: () => settingsRepo(sqliteSql(db), Date.now),
    copyTo: async (to) => {
      await db.backup(to);
    },
    close() {
      if (db.open) db.close();
    },
  };
}

/** What the backup service reads the store through. */
export interface BackupStore {
  backup: BackupRepo;
  snapshots: SnapshotRepo;
}

