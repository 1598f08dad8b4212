// The shop being moved: a one-desk SQLite data folder, opened read-only so the move cannot change it, and
// read inside one read transaction so every table comes from the same moment even if a desk still writes.
import Database from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { DB_FILE, dbPath } from '../db';
import { migrations } from '../migrations/index';
import { moveRepo, type MoveRepo } from '../repos/move';
import { vaultRepo, type VaultRepo } from '../repos/vault';
import { sqliteSql } from '../sql';
import { MoveRefused } from './refused';

export interface MoveSource {
  dataDir: string;
  version: number;
  repo: MoveRepo;
  vault: VaultRepo;
  /** runs `fn` with every read it makes seeing the same snapshot of the database */
  snapshot<T>(fn: () => T): T;
  close(): void;
}

/** The data folder `from` names: the folder itself, or the folder of its paydesk.sqlite (or another .db/.sqlite file). */
export function sourceDataDir(from: string): string {
  const path = resolve(from);
  if (!existsSync(path)) throw new MoveRefused(`${path} does not exist: give --from the Paydesk data folder (the one holding ${DB_FILE}).`);
  if (statSync(path).isDirectory()) return path;
  if (basename(path) === DB_FILE || /\.(sqlite3?|db)$/i.test(path)) {
    if (basename(path) !== DB_FILE) throw new MoveRefused(`${path} is not a Paydesk database (${DB_FILE}): give --from the Paydesk data folder.`);
    return dirname(path);
  }
  throw new MoveRefused(`${path} is not a Paydesk data folder: give --from the folder holding ${DB_FILE}.`);
}

export function openSource(dataDir: string): MoveSource {
  const file = dbPath(dataDir);
  if (!existsSync(file)) throw new MoveRefused(`There is no Paydesk data in ${dataDir} (no ${DB_FILE}).`);
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const sql = sqliteSql(db);
    const repo = moveRepo(sql);
    const version = repo.schemaVersion();
    const newest = migrations.length;
    if (version === null) throw new MoveRefused(`${file} is not a Paydesk database (it has no schema_migrations table).`);
    if (version < newest) {
      throw new MoveRefused(`The data in ${dataDir} is at schema version ${version}, this Paydesk at ${newest}: open it once with this Paydesk (that upgrades it), close Paydesk, then run the move again.`);
    }
    if (version > newest) {
      throw new MoveRefused(`The data in ${dataDir} was written by a newer Paydesk (schema version ${version}; this one knows up to ${newest}): update Paydesk, then run the move again.`);
    }
    return {
      dataDir,
      version,
      repo,
      vault: vaultRepo(sql),
      snapshot: (fn) => db.transaction(fn)(),
      close: () => db.close(),
    };
  } catch (err) {
    db.close();
    throw err;
  }
}
