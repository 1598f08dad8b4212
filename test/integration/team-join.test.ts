// Desks joining a team on a real PostgreSQL server. Desk A starts the team on an empty database and seals a
// secret; its owner invites a desk; desk B (its own data folder, the same database) starts with the join code,
// receives the team key and opens A's secret. A code works once and for 10 minutes; a wrong one changes
// nothing; a desk with no code is told how to join. An owner removes B, and B no longer opens. Neither the
// audit log nor any log line carries the code.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TeamDesk, TeamInvite } from '../../shared/contract';
import { createCore, type PaydeskCore } from '../../electron/core/index';
import { newJoinCode } from '../../electron/core/team/join-code';
import { deskIdentity } from '../../electron/core/team/desk';
import type { CallContext, Clock, CoreEvent } from '../../electron/core/types';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

const ctx: CallContext = { transport: 'ipc' };
const REF = 'account:team-test:secret_key';
const SECRET = 'sk_test_shared_by_the_team_0123456789';

let cluster: PgCluster;
let url: string;
const dirs: string[] = [];
const cores: PaydeskCore[] = [];
const logs: string[] = [];
const eventsOfA: CoreEvent[] = [];
const previousProtector = process.env.PAYDESK_VAULT_PROTECTOR;

const wallClock: Clock = { now: () => Date.now() };

function dataDir(name: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'paydesk-team-join-'));
  dirs.push(dir);
  deskIdentity(dir, name);
  return dir;
}

async function openDesk(dir: string, opts: { join?: string; clock?: Clock } = {}): Promise<PaydeskCore> {
  const core = await createCore({
    dataDir: dir,
    shell: 'browser',
    sandbox: null,
    store: { engine: 'postgres', url },
    clock: opts.clock ?? wallClock,
    log: (level, message, detail) => logs.push(JSON.stringify({ level, message, detail })),
    ...(opts.join !== undefined ? { join: opts.join } : {}),
  });
  cores.push(core);
  return core;
}

async function call<T>(core: PaydeskCore, method: string, input: unknown): Promise<T> {
  const r = await core.callUnknown(method, input, ctx);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}

/**
 * Waits until `core` sees the team database again: opening another desk in this process blocks the event loop
 * for a while, which the desk's connection heartbeat may take for an outage.
 */
async function answering(core: PaydeskCore): Promise<void> {
  const end = Date.now() + 15_000;
  while ((await call<{ connection: { state: string } }>(core, 'team.status', {})).connection.state !== 'connected') {
    if (Date.now() > end) throw new Error('the desk does not see the team database');
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function refused(dir: string, opts: { join?: string; clock?: Clock }): Promise<string> {
  const core = await openDesk(dir, opts);
  const err = core.info().startupError;
  await core.close();
  expect(err?.code).toBe('unavailable');
  return err?.message ?? '';
}

beforeAll(async () => {
  process.env.PAYDESK_VAULT_PROTECTOR = 'keyfile';
  cluster = await startPgCluster();
  url = await cluster.createDatabase('paydesk_team_join');
}, 120_000);

afterAll(async () => {
  for (const c of cores) await c.close();
  cluster?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (previousProtector === undefined) delete process.env.PAYDESK_VAULT_PROTECTOR;
  else process.env.PAYDESK_VAULT_PROTECTOR = previousProtector;
});

describe('joining a team with a one-time code', () => {
  const dirA = () => dirs[0]!;
  let a: PaydeskCore;
  let b: PaydeskCore;
  let dirB: string;
  const codes: string[] = [];

  it('the first desk on an empty database starts the team and seals secrets under the team key', async () => {
    a = await openDesk(dataDir('Counter'));
    a.onEvent((e) => eventsOfA.push(e));
    expect(a.info().startupError).toBeNull();
    a.deps!.vault.put(REF, SECRET);
    const desks = await call<TeamDesk[]>(a, 'team.desks', {});
    expect(desks).toEqual([expect.objectContaining({ name: 'Counter', joinedBy: 'first desk', thisDesk: true, removedAt: null })]);
  });

  it('a desk with no code is told how to join', async () => {
    const msg = await refused(dataDir('No code'), {});
    expect(msg).toMatch(/not part of the team yet.*Settings → Team → Invite a desk.*--join <code>/);
  });

  it('an owner invites; a wrong code changes nothing; the right code, typed loosely, hands over the team key', async () => {
    await answering(a);
    const t0 = Date.now();
    const invite = await call<TeamInvite>(a, 'team.invite', {});
    codes.push(invite.code);
    expect(invite.code).toMatch(/^([0-9A-Z]{5}-){5}[0-9A-Z]{5}$/);
    expect(invite.expiresAt).toBeGreaterThanOrEqual(t0 + 10 * 60_000);
    expect(invite.expiresAt).toBeLessThanOrEqual(Date.now() + 10 * 60_000);
    expect(eventsOfA.some((e) => e.name === 'team.changed')).toBe(true);

    dirB = dataDir('Back office');
    expect(await refused(dirB, { join: newJoinCode() })).toMatch(/matches none this team holds.*Invite a desk.*nothing was changed/);
    expect(await refused(dirB, { join: 'not-a-code' })).toMatch(/not a join code/);
    expect(a.deps!.repos.team.desks()).toHaveLength(1);

    b = await openDesk(dirB, { join: ` ${invite.code.toLowerCase().replace(/-/g, ' ')} ` });
    expect(b.info().startupError).toBeNull();
    expect(b.deps!.vault.get(REF)).toBe(SECRET);
    // and what B seals, A opens
    await answering(a);
    b.deps!.vault.put(`${REF}:b`, `${SECRET}-from-b`);
    expect(a.deps!.vault.get(`${REF}:b`)).toBe(`${SECRET}-from-b`);
  });

  it('a code works once', async () => {
    expect(await refused(dataDir('Third'), { join: codes[0]! })).toMatch(/was used already/);
  });

  it('a code expires after 10 minutes', async () => {
    await answering(a);
    const invite = await call<TeamInvite>(a, 'team.invite', {});
    codes.push(invite.code);
    const later: Clock = { now: () => Date.now() + 10 * 60_000 + 1_000 };
    const dir = dataDir('Late');
    expect(await refused(dir, { join: invite.code, clock: later })).toMatch(/has expired/);
    // still usable in time: nothing was spent by the refusal
    const inTime = await openDesk(dir, { join: invite.code });
    expect(inTime.info().startupError).toBeNull();
    await inTime.close();
  });

  it('the owner sees which desks hold the key, and who let each in', async () => {
    await answering(a);
    const desks = await call<TeamDesk[]>(a, 'team.desks', {});
    const owner = a.deps!.repos.audit.newestFirst({ action: 'team.desk_invited', limit: 1 })[0]!.operatorName;
    expect(desks.map((d) => [d.name, d.thisDesk, d.joinedBy])).toEqual([
      ['Counter', true, 'first desk'],
      ['Back office', false, owner],
      ['Late', false, owner],
    ]);
    const status = await call<{ thisDesk: { name: string } }>(b, 'team.status', {});
    expect(status.thisDesk.name).toBe('Back office');
  });

  it('an owner removes a desk (not this one, not an unknown one); the removed desk no longer opens', async () => {
    await answering(a);
    const thisDesk = deskIdentity(dirA()).id;
    await expect(call(a, 'team.removeDesk', { id: thisDesk })).rejects.toThrow(/conflict.*cannot remove itself/);
    await expect(call(a, 'team.removeDesk', { id: 'no-such-desk' })).rejects.toThrow(/not_found/);
    const idB = deskIdentity(dirB).id;
    await call(a, 'team.removeDesk', { id: idB });
    await expect(call(a, 'team.removeDesk', { id: idB })).rejects.toThrow(/removed from the team on .* already/);
    expect((await call<TeamDesk[]>(a, 'team.desks', {})).find((d) => d.id === idB)?.removedAt).toEqual(expect.any(Number));
    await b.close();
    expect(await refused(dirB, {})).toMatch(/An owner removed this desk from the team on .* UTC; ask an owner for a join code and start with --join/);
    // a new code lets it back in
    await answering(a);
    const invite = await call<TeamInvite>(a, 'team.invite', {});
    codes.push(invite.code);
    const back = await openDesk(dirB, { join: invite.code });
    expect(back.info().startupError).toBeNull();
    expect(back.deps!.vault.get(REF)).toBe(SECRET);
    await back.close();
  });

  it('the audit log records invitations, joins and the removal, and neither it nor any log line carries a code', async () => {
    await answering(a);
    const rows = a.deps!.repos.audit.newestFirst({ action: 'team.*', limit: 50 });
    const count = (action: string) => rows.filter((r) => r.action === action).length;
    expect(count('team.desk_invited')).toBe(3);
    expect(count('team.desk_joined')).toBe(3);
    expect(count('team.desk_removed')).toBe(1);
    expect(rows.find((r) => r.action === 'team.desk_removed')?.details).toEqual({ desk: 'Back office' });
    const everything = [JSON.stringify(rows), ...logs].join('\n').toUpperCase();
    expect(codes).toHaveLength(3);
    for (const code of codes) {
      expect(everything).not.toContain(code);
      expect(everything).not.toContain(code.replace(/-/g, ''));
      expect(everything).not.toContain(code.replace(/-/g, ' '));
    }
    expect(everything).not.toContain(SECRET.toUpperCase());
  });

  it('the database holds no team key: only its check value and sealed copies under codes', async () => {
    await answering(a);
    const meta = a.deps!.repos.team.meta()!;
    expect(meta.keyCheck).toHaveLength(32);
    expect(a.deps!.repos.vault.sealedKey()).toBeNull();
  });
});
