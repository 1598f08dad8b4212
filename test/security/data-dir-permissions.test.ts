// The data folder is this user's only: 0700, and the database (with -wal and -shm), the vault key file and
// CSV exports 0600, whatever the umask, whether the folder is new or was already there with a wider mode,
// and after SQLite deletes and recreates its -wal and -shm.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../electron/core/index';
import { CsvFileWriter } from '../../electron/core/reports/csv';
import { exportsDir } from '../../electron/core/reports/export-service';
import { dbFiles, dbPath } from '../../electron/core/store/db';
import { keyFilePath } from '../../electron/core/vault';
import { withCore, type CoreFixture } from '../fixtures/with-core';

const modeOf = (path: string): string => (statSync(path).mode & 0o777).toString(8);

/** mode of each file that exists, by name */
const modes = (files: string[]): Record<string, string> =>
  Object.fromEntries(files.filter((f) => existsSync(f)).map((f) => [f.slice(f.lastIndexOf('/') + 1), modeOf(f)]));

// each test names its own data dir (some already there, with a wider mode), so withCore leaves it in place
const startCore = (dataDir: string): Promise<CoreFixture> => withCore({ dataDir, sandbox: false });

async function exportToEnd(core: PaydeskCore): Promise<string> {
  const started = await core.callUnknown('reports.export.start', { mode: 'test', from: '2024-01-01', to: '2024-01-31', preset: 'paydesk' }, { transport: 'http' });
  if (!started.ok) throw new Error(started.error.message);
  const { exportId } = started.value as { exportId: string };
  for (;;) {
    const s = await core.callUnknown('reports.export.status', { exportId }, { transport: 'http' });
    if (!s.ok) throw new Error(s.error.message);
    const state = (s.value as { state: string }).state;
    if (state === 'done') return exportId;
    if (state !== 'running') throw new Error(`export ${state}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.skipIf(process.platform === 'win32')('data folder permissions', () => {
  let root: string;
  let umask: number;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'paydesk-perms-'));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });
  // the most permissive umask: every mode below comes from Paydesk, not from a friendly default
  beforeEach(() => {
    umask = process.umask(0o000);
  });
  afterEach(() => {
    process.umask(umask);
  });

  for (const existing of [false, true]) {
    it(`${existing ? 'an existing 0755' : 'a new'} data folder ends 0700 and every file in it 0600 after a start, writes and an export`, async () => {
      const dataDir = join(root, existing ? 'existing' : 'fresh', 'data');
      if (existing) {
        mkdirSync(dataDir, { recursive: true, mode: 0o755 });
        chmodSync(dataDir, 0o755);
      }
      const f = await startCore(dataDir);
      const core = f.core;
      try {
        expect(modeOf(dataDir)).toBe('700');
        core.deps!.vault.put('test:secret', 'sk_test_a_secret_value_1234');
        const exportId = await exportToEnd(core);
        const db = dbPath(dataDir);
        const files = [...dbFiles(db), keyFilePath(dataDir), join(exportsDir(dataDir), `${exportId}.csv`)];
        expect(files.every((f) => existsSync(f)), 'all files exist').toBe(true);
        expect(Object.values(modes(files))).toEqual(files.map(() => '600'));
        expect(modeOf(exportsDir(dataDir))).toBe('700');
        // a checkpoint that truncates the WAL keeps it 0600
        core.deps!.db.pragma('wal_checkpoint(TRUNCATE)');
        core.deps!.vault.put('test:secret2', 'sk_test_another_secret_5678');
        expect(modes(dbFiles(db))).toEqual({ 'paydesk.sqlite': '600', 'paydesk.sqlite-wal': '600', 'paydesk.sqlite-shm': '600' });
      } finally {
        await f.dispose();
      }
    });
  }

  it('-wal and -shm that SQLite recreates for another connection (as an export worker opens one) are 0600', async () => {
    const dataDir = join(root, 'recreate');
    await (await startCore(dataDir)).dispose();
    const db = dbPath(dataDir);
    expect(existsSync(`${db}-wal`), 'SQLite deleted the WAL on close').toBe(false);
    const reader = new Database(db, { readonly: true, fileMustExist: true });
    try {
      reader.prepare('SELECT count(*) FROM schema_migrations').get();
      expect(modes(dbFiles(db))).toEqual({ 'paydesk.sqlite': '600', 'paydesk.sqlite-wal': '600', 'paydesk.sqlite-shm': '600' });
    } finally {
      reader.close();
    }
  });

  it('narrows a database, -wal, -shm and key file that an older version left 0644, and the folder', async () => {
    const dataDir = join(root, 'older');
    await (await startCore(dataDir)).dispose();
    const db = dbPath(dataDir);
    for (const f of [db, keyFilePath(dataDir)]) chmodSync(f, 0o644);
    chmodSync(dataDir, 0o755);
    // an older Paydesk still has it open: its -wal and -shm exist, 0644 like the database file
    const older = new Database(db);
    try {
      older.prepare('SELECT count(*) FROM schema_migrations').get();
      expect(modes(dbFiles(db))).toEqual({ 'paydesk.sqlite': '644', 'paydesk.sqlite-wal': '644', 'paydesk.sqlite-shm': '644' });
      const f = await startCore(dataDir);
      try {
        expect(modeOf(dataDir)).toBe('700');
        expect(modes([...dbFiles(db), keyFilePath(dataDir)])).toEqual({ 'paydesk.sqlite': '600', 'paydesk.sqlite-wal': '600', 'paydesk.sqlite-shm': '600', 'vault.key': '600' });
      } finally {
        await f.dispose();
      }
    } finally {
      older.close();
    }
  });

  it('export writers make their file 0600 even when one of that name was already there', () => {
    const dir = join(root, 'writer');
    mkdirSync(dir);
    const part = join(dir, 'exp_x.csv.partial');
    writeFileSync(part, 'old', { mode: 0o666 });
    expect(modeOf(part)).toBe('666');
    const w = new CsvFileWriter(part);
    w.push('a,b\n');
    w.close();
    expect(modeOf(part)).toBe('600');
    expect(readdirSync(dir)).toEqual(['exp_x.csv.partial']);
  });
});
