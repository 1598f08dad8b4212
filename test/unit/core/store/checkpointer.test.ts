// The WAL checkpointer: a worker thread copies the WAL into the database file on its own, ahead of the desk's
// connection's own checkpoints.
import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, statSync } from 'node:fs';
import { openDb, type Db } from '../../../../electron/core/store/db';
import { startCheckpointer, type Checkpointer } from '../../../../electron/core/store/checkpointer';
import { tempDbFile } from '../../../fixtures/webhook-helpers';

let db: Db | null = null;
let checkpointer: Checkpointer | null = null;

afterEach(async () => {
  await checkpointer?.close();
  db?.close();
  checkpointer = null;
  db = null;
});

async function until(cond: () => boolean, timeoutMs: number): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return cond();
}

/** about 4 MB in a few hundred commits: far below the desk's threshold, so only the worker moves it to the file */
function writeRows(d: Db): void {
  d.exec('CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
  const ins = d.prepare('INSERT INTO t (v) VALUES (?)');
  for (let i = 0; i < 400; i++) ins.run(Buffer.alloc(10_000, i % 256));
}

describe('the WAL checkpointer', () => {
  it('copies the WAL into the database file on its own thread while the desk only commits', async () => {
    const file = tempDbFile('paydesk-ckpt-');
    db = openDb(file);
    checkpointer = startCheckpointer(db, { intervalMs: 50 });
    const before = statSync(file).size;
    writeRows(db);
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(4_000_000);
    // the database file takes the rows: nothing on this thread checkpointed (the WAL is far below 10,000 pages)
    expect(await until(() => statSync(file).size > before + 4_000_000, 10_000)).toBe(true);
    expect((db.prepare('SELECT count(*) FROM t').pluck().get() as number)).toBe(400);
  });

  it('after a pause, copies the first new writes at once, not when its idle timer runs out', async () => {
    const file = tempDbFile('paydesk-ckpt-');
    db = openDb(file);
    // idle for 60 s: only a change of the WAL file can wake the worker in time
    checkpointer = startCheckpointer(db, { intervalMs: 20, idleMaxMs: 60_000 });
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, v BLOB NOT NULL)');
    await new Promise((r) => setTimeout(r, 500));
    const before = statSync(file).size;
    writeRows(db);
    expect(await until(() => statSync(file).size > before + 4_000_000, 5_000)).toBe(true);
  });

  it('stops before the desk closes, so that close removes the WAL', async () => {
    const file = tempDbFile('paydesk-ckpt-');
    db = openDb(file);
    const c = startCheckpointer(db, { intervalMs: 50 });
    writeRows(db);
    await c.close();
    db.close();
    db = null;
    // the desk's connection was the last one open: its close checkpointed the WAL and removed it
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
