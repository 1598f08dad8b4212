// Opens the one SQLite database of a data dir with the pragmas every part of core relies on.
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export type Db = Database.Database;

export const DB_FILE = 'paydesk.sqlite';

export const dbPath = (dataDir: string): string => join(dataDir, DB_FILE);

/**
 * Opens (creating if needed) the database file. WAL for concurrent reads while a write commits,
 * foreign keys enforced, a busy timeout instead of SQLITE_BUSY on a brief lock, and
 * synchronous=FULL so a committed webhook event survives a power cut before its 2xx goes out.
 */
export function openDb(file: string): Db {
  const db = new Database(file);
  try {
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.pragma('synchronous = FULL');
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

export function openDataDirDb(dataDir: string): Db {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  return openDb(dbPath(dataDir));
}

/** Runs `fn` in an IMMEDIATE transaction (takes the write lock up front, so no upgrade deadlock). */
export function tx<T>(db: Db, fn: () => T): T {
  return db.transaction(fn).immediate();
}
