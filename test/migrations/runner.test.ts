// The migration runner: explicit gap-free order, one transaction each, checksums, a database from the future.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { assertOrdered, checksum, migrate, schemaVersion } from '../../electron/core/store/migrate';
import { migrations } from '../../electron/core/store/migrations/index';
import { dbPath, openDb } from '../../electron/core/store/db';
import { createCore } from '../../electron/core/index';
import { createKeyFileProtector } from '../../electron/core/vault';

const m = (version: number, sql: string, name = `m${version}`) => ({ version, name, sql });
const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), 'paydesk-mig-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('migration runner', () => {
  it('the shipped list is gap-free, increasing from 1, with unique names', () => {
    expect(() => assertOrdered(migrations)).not.toThrow();
    expect(migrations.map((x) => x.version)).toEqual(migrations.map((_, i) => i + 1));
    expect(new Set(migrations.map((x) => x.name)).size).toBe(migrations.length);
  });

  it('refuses a list with a gap or out of order', () => {
    expect(() => assertOrdered([m(1, ''), m(3, '')])).toThrow(/out of order/);
    expect(() => assertOrdered([m(2, ''), m(1, '')])).toThrow(/out of order/);
    const db = new Database(':memory:');
    expect(() => migrate(db, { migrations: [m(1, 'CREATE TABLE a (x INTEGER) STRICT'), m(3, 'CREATE TABLE b (x INTEGER) STRICT')] })).toThrow(/out of order/);
    expect(schemaVersion(db)).toBe(0);
    db.close();
  });

  it('applies in order and only what is pending; opening again changes nothing', () => {
    const db = new Database(':memory:');
    const list = [m(1, 'CREATE TABLE a (x INTEGER) STRICT'), m(2, 'CREATE TABLE b (x INTEGER) STRICT')];
    expect(migrate(db, { migrations: list, to: 1 }).applied).toEqual([1]);
    expect(migrate(db, { migrations: list }).applied).toEqual([2]);
    expect(migrate(db, { migrations: list })).toEqual({ from: 2, to: 2, applied: [] });
    db.close();
  });

  it('runs each migration in one transaction: a failing one leaves no trace', () => {
    const db = new Database(':memory:');
    const list = [m(1, 'CREATE TABLE a (x INTEGER) STRICT'), m(2, 'CREATE TABLE b (x INTEGER) STRICT; INSERT INTO nope VALUES (1);')];
    expect(() => migrate(db, { migrations: list })).toThrow(/no such table: nope/);
    expect(schemaVersion(db)).toBe(1);
    expect(db.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'b'").get()).toEqual({ n: 0 });
    db.close();
  });

  it('records a sha256 of each migration and refuses one edited after it was applied', () => {
    const db = new Database(':memory:');
    const sql = 'CREATE TABLE a (x INTEGER) STRICT';
    migrate(db, { migrations: [m(1, sql)] });
    expect(db.prepare('SELECT checksum FROM schema_migrations').get()).toEqual({ checksum: checksum(sql) });
    const edited = () => migrate(db, { migrations: [m(1, sql + ' -- tweak')] });
    expect(edited).toThrow(AppError);
    expect(edited).toThrow(/was changed after it was applied/);
    db.close();
  });

  it('raises db_from_future for a database written by a newer app, changing nothing', () => {
    const db = new Database(':memory:');
    migrate(db, { migrations: [m(1, 'CREATE TABLE a (x INTEGER) STRICT'), m(2, 'CREATE TABLE b (x INTEGER) STRICT')] });
    let err: unknown;
    try {
      migrate(db, { migrations: [m(1, 'CREATE TABLE a (x INTEGER) STRICT')] });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).code).toBe('db_from_future');
    expect((err as AppError).message).toMatch(/newer version of Paydesk \(database version 2; this version knows up to 1\)/);
    expect(schemaVersion(db)).toBe(2);
    db.close();
  });

  it('core starts degraded on a database from the future: system.info shows startupError, other methods refuse', async () => {
    const dataDir = tmp();
    const db = openDb(dbPath(dataDir));
    migrate(db);
    const future = migrations.length + 1;
    db.prepare('INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (?, ?, ?, ?)').run(future, 'from-the-future', 'x', 1);
    db.close();

    const core = await createCore({ dataDir, shell: 'browser', protector: createKeyFileProtector(dataDir), sandbox: null, log: () => {} });
    try {
      const info = await core.callUnknown('system.info', {}, { transport: 'internal' });
      expect(info.ok).toBe(true);
      const startupError = (info as { value: { startupError: { code: string; message: string } } }).value.startupError;
      expect(startupError.code).toBe('db_from_future');
      expect(startupError.message).toMatch(/newer version of Paydesk/);
      expect((await core.callUnknown('system.ping', {}, { transport: 'internal' })).ok).toBe(true);
      const list = await core.callUnknown('accounts.list', {}, { transport: 'internal' });
      expect(list).toMatchObject({ ok: false, error: { code: 'db_from_future' } });
    } finally {
      await core.close();
    }
    const again = openDb(dbPath(dataDir));
    expect(schemaVersion(again)).toBe(future);
    expect(again.prepare("SELECT count(*) AS n FROM sqlite_schema WHERE name = 'vault_meta'").get()).toEqual({ n: 1 });
    expect(again.prepare('SELECT count(*) AS n FROM vault_meta').get()).toEqual({ n: 0 });
    again.close();
  });

  it('opens the file with WAL, foreign keys, busy timeout, synchronous=FULL and (on macOS) F_FULLFSYNC', () => {
    const dataDir = tmp();
    const db = openDb(dbPath(dataDir));
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000);
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('fullfsync', { simple: true })).toBe(1);
    db.close();
  });
});
