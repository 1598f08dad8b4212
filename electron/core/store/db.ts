// Opens the one SQLite database of a data dir with the pragmas every part of core relies on.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { ensurePrivateDir, makeFilesPrivate, withPrivateUmask } from '../private-fs';

export type Db = Database.Database;

export const DB_FILE = 'paydesk.sqlite';

/** the WAL pages at which a commit also checkpoints (below) */
export const WAL_AUTOCHECKPOINT_PAGES = 10_000;

export const dbPath = (dataDir: string): string => join(dataDir, DB_FILE);

/** The database and the files SQLite keeps beside it in WAL mode. */
export const dbFiles = (file: string): string[] => [file, `${file}-wal`, `${file}-shm`];

/**
 * Opens (creating if needed) the database file. WAL for concurrent reads while a write commits,
 * foreign keys enforced, a busy timeout instead of SQLITE_BUSY on a brief lock, and
 * synchronous=FULL so a committed webhook event survives a power cut before its 2xx goes out.
 * The files are 0600: created so under a private umask, narrowed if an older version made them 0644
 * (SQLite gives a -wal or -shm it recreates later the database file's mode, see private-fs.ts).
 */
export function openDb(file: string): Db {
  const db = withPrivateUmask(() => {
    const opened = new Database(file);
    try {
      opened.pragma('journal_mode = WAL');
      opened.pragma('foreign_keys = ON');
      opened.pragma('busy_timeout = 5000');
      opened.pragma('synchronous = FULL');
      // macOS only (ignored elsewhere): a plain fsync there leaves the data in the drive's cache, so a FULL commit
      // would not survive a power cut; F_FULLFSYNC, which libuv's fdatasync uses too, flushes it
      opened.pragma('fullfsync = ON');
      // A checkpoint runs inside the commit that crosses this many WAL pages and blocks it for two fsyncs (WAL,
      // then the database) plus a copy of each page. A webhook that changes a payment writes pages all over
      // the payments indexes, so at SQLite's default (1000) about one group commit in ten paid for one.
      // 10,000 pages (~40 MB of WAL) makes them ten times rarer, and a page that changed many times in
      // between is copied once (bench:webhooks). In the app a worker thread copies the WAL ahead of it, so the
      // commit that checkpoints finds little left to copy (checkpointer.ts).
      opened.pragma(`wal_autocheckpoint = ${WAL_AUTOCHECKPOINT_PAGES}`);
    } catch (err) {
      opened.close();
      throw err;
    }
    return opened;
  });
  try {
    makeFilesPrivate(dbFiles(file));
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Opens the database of a data dir, first making the folder private (0700) even if it already existed. */
export function openDataDirDb(dataDir: string): Db {
  ensurePrivateDir(dataDir);
  return openDb(dbPath(dataDir));
}

/** Runs `fn` in an IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlock). */
export function tx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
