// Settings → Team on a desk that runs on its own SQLite file: an owner tests a team database (a real
// PostgreSQL server where the role `desk` logs in with a password) and gets each failure in words naming the
// field; saving it writes store.json (0600) with the password sealed, and the desk's next start without
// --store opens that database. A second desk saves a join code with it, joins at its next start, and the code
// leaves the file. `{ engine: 'sqlite' }` takes a desk back to its own file. A saved database that does not
// answer is a start-up problem in words, never a quiet fall back to the SQLite file.
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamStoreTest } from '../../shared/contract';
import { createCore, type PaydeskCore } from '../../electron/core/index';
import { deskIdentity } from '../../electron/core/team/desk';
import { newJoinCode } from '../../electron/core/team/join-code';
import { storeFilePath } from '../../electron/core/team/store-choice';
import type { CallContext } from '../../electron/core/types';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

const ctx: CallContext = { transport: 'ipc' };
const PASSWORD = 'desk-pw-Zq81xT';
const saved = { protector: process.env.PAYDESK_VAULT_PROTECTOR, pgPassword: process.env.PGPASSWORD };

let cluster: PgCluster;
let url: string;
const dirs: string[] = [];
const cores: PaydeskCore[] = [];
const logs: string[] = [];

function dataDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'paydesk-store-choice-'));
  dirs.push(dir);
  deskIdentity(dir, name);
  return dir;
}

async function openDesk(dir: string): Promise<PaydeskCore> {
  const core = await createCore({ dataDir: dir, shell: 'browser', sandbox: null, log: (level, message, detail) => logs.push(JSON.stringify({ level, message, detail })) });
  cores.push(core);
  return core;
}

async function call<T>(core: PaydeskCore, method: string, input: unknown): Promise<T> {
  const r = await core.callUnknown(method, input, ctx);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

beforeAll(async () => {
  process.env.PAYDESK_VAULT_PROTECTOR = 'keyfile';
  delete process.env.PGPASSWORD;
  cluster = await startPgCluster({ passwordFor: ['desk'] });
  const admin = new pg.Client({ connectionString: cluster.url() });
  await admin.connect();
  await admin.query(`CREATE ROLE desk LOGIN PASSWORD '${PASSWORD}'`);
  await admin.query('CREATE DATABASE team OWNER desk');
  await admin.query('CREATE DATABASE future OWNER desk');
  await admin.end();
  // a database a newer Paydesk upgraded
  const future = new pg.Client({ connectionString: cluster.url('future') });
  await future.connect();
  await future.query('CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text, checksum text, applied_at bigint)');
  await future.query("INSERT INTO schema_migrations VALUES (999, 'from the future', '', 0)");
  await future.query('ALTER TABLE schema_migrations OWNER TO desk');
  await future.end();
  url = `postgres://desk@127.0.0.1:${cluster.port}/team`;
}, 120_000);

afterAll(async () => {
  for (const c of cores) await c.close().catch(() => undefined);
  cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (saved.protector === undefined) delete process.env.PAYDESK_VAULT_PROTECTOR;
  else process.env.PAYDESK_VAULT_PROTECTOR = saved.protector;
  if (saved.pgPassword !== undefined) process.env.PGPASSWORD = saved.pgPassword;
});

describe('choosing the team database in Settings → Team', () => {
  let dirA: string;
  let deskA: PaydeskCore;

  it('tests a database and says in words what is wrong, naming the field', async () => {
    dirA = dataDir('Counter');
    deskA = await openDesk(dirA);
    const test = (input: { url: string; password?: string }) => call<TeamStoreTest>(deskA, 'team.testStore', input);

    const ok = await test({ url, password: PASSWORD });
    expect(ok).toMatchObject({ ok: true, field: null, schema: 0, hasTeam: false });
    expect(ok.message).toMatch(/No team uses it yet: this desk will start the team/);

    const cases: Array<[{ url: string; password?: string }, 'url' | 'password', RegExp]> = [
      [{ url, password: 'wrong' }, 'password', /refused desk's password/],
      [{ url }, 'password', /PGPASSWORD or ~\/\.pgpass/],
      [{ url: url.replace(/team$/, 'nope'), password: PASSWORD }, 'url', /no database called nope.*create it first \(createdb/],
      [{ url: `postgres://desk@127.0.0.1:1/team`, password: PASSWORD }, 'url', /Nothing answers at 127\.0\.0\.1:1/],
      [{ url: url.replace('desk@', `desk:${PASSWORD}@`) }, 'url', /Leave the password out/],
      [{ url: 'mysql://desk@127.0.0.1/team' }, 'url', /postgres:\/\//],
      [{ url: url.replace(/team$/, 'future'), password: PASSWORD }, 'url', /A newer Paydesk upgraded future \(schema 999; this desk knows \d+\): update this Paydesk first/],
    ];
    for (const [input, field, words] of cases) {
      const started = performance.now();
      const r = await test(input);
      expect(r, JSON.stringify(input)).toMatchObject({ ok: false, field });
      expect(r.message).toMatch(words);
      expect(r.message).not.toContain(PASSWORD);
      expect(performance.now() - started).toBeLessThan(6000);
    }
  }, 60_000);

  it('refuses to save a database that does not let the desk in, and saves nothing', async () => {
    const r = await deskA.callUnknown('team.useStore', { url, password: 'wrong' }, ctx);
    expect(r).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'password' } });
    expect(() => statSync(storeFilePath(dirA))).toThrow();
  });

  it('saves the choice in store.json (0600, the password sealed) and opens it at the next start', async () => {
    expect(await call(deskA, 'team.useStore', { url, password: PASSWORD })).toEqual({ restartNeeded: true });
    const file = storeFilePath(dirA);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const bytes = readFileSync(file);
    expect(bytes.includes(Buffer.from(PASSWORD))).toBe(false);
    expect(bytes.includes(Buffer.from(Buffer.from(PASSWORD).toString('base64')))).toBe(false);
    const audit = await call<{ items: Array<{ action: string; details: unknown }> }>(deskA, 'audit.list', {});
    const row = audit.items.find((a) => a.action === 'settings.changed');
    expect(JSON.stringify(row?.details)).toContain(`127.0.0.1:${cluster.port}/team`);
    expect(JSON.stringify(audit)).not.toContain(PASSWORD);
    await deskA.close();

    deskA = await openDesk(dirA);
    expect(deskA.info().startupError).toBeNull();
    const s = await call<{ engine: string; database: string }>(deskA, 'team.status', {});
    expect(s).toMatchObject({ engine: 'postgres', database: `PostgreSQL 127.0.0.1:${cluster.port}/team` });
    expect(logs.join('\n')).not.toContain(PASSWORD);
  }, 60_000);

  it('a second desk saves a join code, joins at its next start, and the code leaves the file', async () => {
    const invite = await call<{ code: string }>(deskA, 'team.invite', {});
    const dirB = dataDir('Back office');
    let deskB = await openDesk(dirB);
    const t = await call<TeamStoreTest>(deskB, 'team.testStore', { url, password: PASSWORD });
    expect(t).toMatchObject({ ok: true, hasTeam: true });
    expect(t.message).toMatch(/needs a join code/);
    const noCode = await deskB.callUnknown('team.useStore', { url, password: PASSWORD }, ctx);
    expect(noCode).toMatchObject({ ok: false, error: { code: 'invalid_input', field: 'joinCode' } });
    await call(deskB, 'team.useStore', { url, password: PASSWORD, joinCode: invite.code });
    expect(readFileSync(storeFilePath(dirB), 'utf8')).toContain('joinCode');
    expect(readFileSync(storeFilePath(dirB), 'utf8')).not.toContain(invite.code);
    await deskB.close();

    deskB = await openDesk(dirB);
    expect(deskB.info().startupError).toBeNull();
    expect(await call(deskB, 'team.status', {})).toMatchObject({ engine: 'postgres' });
    expect(readFileSync(storeFilePath(dirB), 'utf8')).not.toContain('joinCode');
    const desks = await call<Array<{ name: string }>>(deskA, 'team.desks', {});
    expect(desks.map((d) => d.name).sort()).toEqual(['Back office', 'Counter']);
    expect(logs.join('\n')).not.toContain(invite.code);

    // back to its own file from the next start
    await call(deskB, 'team.useStore', { engine: 'sqlite' });
    expect(() => statSync(storeFilePath(dirB))).toThrow();
    await deskB.close();
    deskB = await openDesk(dirB);
    expect(await call(deskB, 'team.status', {})).toMatchObject({ engine: 'sqlite' });
    await deskB.close();
  }, 90_000);

  it('a refused saved join code is a start-up problem in words, and the code stays saved', async () => {
    const dir = dataDir('Third desk');
    let desk = await openDesk(dir);
    await call(desk, 'team.useStore', { url, password: PASSWORD, joinCode: newJoinCode() });
    await desk.close();
    desk = await openDesk(dir);
    const err = desk.info().startupError;
    expect(err?.code).toBe('unavailable');
    expect(err?.message).toMatch(/matches none this team holds.*join code saved in Settings → Team/);
    expect(readFileSync(storeFilePath(dir), 'utf8')).toContain('joinCode');
    await desk.close();
  }, 60_000);

  it('a saved database that does not answer is a start-up problem in words, not the SQLite file', async () => {
    await deskA.close();
    cluster.halt();
    try {
      const started = performance.now();
      const core = await openDesk(dirA);
      const err = core.info().startupError;
      console.log(`start with the saved database down: degraded in ${Math.round(performance.now() - started)} ms`);
      expect(err?.code).toBe('unavailable');
      expect(err?.message).toMatch(new RegExp(`could not open the team database chosen in Settings → Team \\(PostgreSQL 127\\.0\\.0\\.1:${cluster.port}/team\\)`));
      expect(err?.message).toMatch(/Nothing answers.*--store sqlite/);
      expect(err?.message).not.toContain(PASSWORD);
      const r = await core.callUnknown('team.status', {}, ctx);
      expect(r.ok).toBe(false);
      await core.close();
    } finally {
      cluster.resume();
    }
  }, 60_000);
});
