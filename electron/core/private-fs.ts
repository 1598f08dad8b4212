// The data folder holds payments, customers, sealed keys and exports: it is for this user account only.
// The folder is 0700 and the files that matter (the database with its -wal and -shm, the vault key file,
// CSV exports) 0600, whatever the umask and whatever an older version left behind.
//
// SQLite creates the database, -wal and -shm itself with 0644 & ~umask, and recreates -wal/-shm whenever the
// last connection closed and a new one opens. It gives a recreated -wal or -shm the database file's own
// mode, so keeping the database file 0600 keeps them 0600; the umask covers the first creation.
//
// Windows has no POSIX modes (the user profile's ACL protects the folder there): these are no-ops on win32.
import { chmodSync, fchmodSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { isMainThread } from 'node:worker_threads';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

const posix = process.platform !== 'win32';

/** Creates `dir` (and its parents) 0700, and narrows it to 0700 when it already existed with a wider mode. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (posix && (statSync(dir).mode & 0o777) !== PRIVATE_DIR_MODE) chmodSync(dir, PRIVATE_DIR_MODE);
}

/** Narrows each existing file to 0600 (missing files are skipped: SQLite deletes -wal and -shm on close). */
export function makeFilesPrivate(files: readonly string[]): void {
  if (!posix) return;
  for (const file of files) {
    let mode: number;
    try {
      mode = statSync(file).mode & 0o777;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    if (mode !== PRIVATE_FILE_MODE) chmodSync(file, PRIVATE_FILE_MODE);
  }
}

/** The open file `fd` becomes 0600 (a file opened with 'w' keeps the mode it had if it already existed). */
export function makeFdPrivate(fd: number): void {
  if (posix) fchmodSync(fd, PRIVATE_FILE_MODE);
}

/**
 * Runs `fn` with umask 077, so whatever it creates (files SQLite opens by itself included) starts 0600 or
 * 0700 with no moment at a wider mode. The umask is per process: `fn` must be synchronous, and other threads
 * creating files meanwhile only get narrower modes. Worker threads cannot change it and just run `fn`.
 */
export function withPrivateUmask<T>(fn: () => T): T {
  if (!posix || !isMainThread) return fn();
  const previous = process.umask(0o077);
  try {
    return fn();
  } finally {
    process.umask(previous);
  }
}

/** A small private file's text, or null when there is none (other read errors throw). */
export function readTextIfPresent(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}

/** Writes a small private file whole (0600, through a temp file and a rename), so a crash never leaves half of one. */
export function writePrivateText(file: string, text: string): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode: PRIVATE_FILE_MODE });
  renameSync(tmp, file);
}
