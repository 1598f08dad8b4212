// `npm run store -- backup|restore`: the passphrase from PAYDESK_BACKUP_PASSPHRASE (never argv), exit 0 with
// one line on success, exit 1 with one line saying why on any refusal.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

const PASS = 'correct horse battery staple';
const root = mkdtempSync(join(tmpdir(), 'paydesk-cli-'));
const desk = join(root, 'desk');
const file = join(root, 'desk.paydesk-backup');

function store(args: string[], env: Record<string, string | undefined> = {}): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'electron/core/backup/cli.ts', ...args], {
    encoding: 'utf8',
    env: { ...process.env, PAYDESK_VAULT_PROTECTOR: 'keyfile', PAYDESK_BACKUP_PASSPHRASE: PASS, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const oneLine = (s: string): void => expect(s.trim().split('\n')).toHaveLength(1);

// the CLI works on data folders by path, so each core here is on a named folder under root, left in place
const open = (dataDir: string): Promise<CoreFixture> => withCore({ dataDir, sandbox: false });
let running: CoreFixture | null = null;
beforeAll(async () => {
  running = await open(desk);
  const r = await running.core.call('operators.create', { name: 'Meera', role: 'owner', pin: '482913' }, { transport: 'ipc' });
  expect(r.ok).toBe(true);
  running.core.deps!.vault.put('test:secret', 'sk_test_cli_secret_value_123');
  await running.dispose();
  running = null;
}, 60_000);
afterAll(async () => {
  await running?.dispose();
  rmSync(root, { recursive: true, force: true });
});

describe('npm run store', () => {
  it('backup writes one 0600 file; restore puts it into a new data folder re-sealed with that folder\'s key', async () => {
    const b = store(['backup', '--data-dir', desk, '--to', file]);
    expect(b.stderr).toBe('');
    expect(b.status).toBe(0);
    expect(b.stdout).toMatch(/^backup written: .*1 operators\)\n$/);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const target = join(root, 'new-machine');
    const r = store(['restore', '--data-dir', target, '--from', file]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    oneLine(r.stdout);
    expect(r.stdout).toMatch(/counts and sums checked/);
    const restored = await open(target);
    try {
      expect(restored.core.deps!.vault.get('test:secret')).toBe('sk_test_cli_secret_value_123');
      const locked = await restored.core.call('audit.list', {}, { transport: 'ipc' });
      expect(!locked.ok && locked.error.code).toBe('locked');
    } finally {
      await restored.dispose();
    }
  }, 120_000);

  it('refusals exit 1 with one line: no passphrase, wrong passphrase, a desk already there, a running Paydesk, bad usage', async () => {
    const cases: [string[], Record<string, string | undefined>, RegExp][] = [
      [['backup', '--data-dir', desk, '--to', join(root, 'x.paydesk-backup')], { PAYDESK_BACKUP_PASSPHRASE: undefined }, /no passphrase: set PAYDESK_BACKUP_PASSPHRASE/],
      [['backup', '--data-dir', desk, '--to', file], {}, /already exists/],
      [['restore', '--data-dir', join(root, 'other'), '--from', file], { PAYDESK_BACKUP_PASSPHRASE: 'wrong wrong wrong' }, /passphrase does not open this backup/],
      [['restore', '--data-dir', join(root, 'new-machine'), '--from', file], {}, /already holds a desk/],
      [['restore', '--data-dir', desk], {}, /usage: store/],
    ];
    for (const [args, env, why] of cases) {
      const r = store(args, env);
      expect([args[0], r.status]).toEqual([args[0], 1]);
      oneLine(r.stderr);
      expect(r.stderr).toMatch(why);
    }
    expect(existsSync(join(root, 'other', 'paydesk.sqlite'))).toBe(false);

    running = await open(desk);
    const r = store(['restore', '--data-dir', desk, '--from', file, '--replace']);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/Paydesk is running with this data folder/);
  }, 180_000);
});
