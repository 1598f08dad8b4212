// `npm run host -- … --sandbox-url <url>`: a desk uses a Paydesk Sandbox that already runs instead of starting
// its own. The control token comes from SANDBOX_CONTROL_TOKEN in the environment, never argv; without it, with a
// wrong one, or with --sandbox off as well, the host stops at once with exit code 2 and says why in words.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type RunningSandbox } from '../../sandbox/index';
import { connectSharedSandbox } from '../../electron/browser-host/shared-sandbox';
import { startDesk } from '../fixtures/desk-process';

const ROOT = resolve(import.meta.dirname, '..', '..');
const HOST = join(ROOT, 'electron', 'browser-host', 'cli.ts');

/** Runs the host until it exits (these runs end before core starts): its code and what it printed. */
function runHost(args: string[], env: Record<string, string | undefined>): Promise<{ code: number | null; out: string }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-shared-sbx-'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, NODE_ENV: 'test', FORCE_COLOR: '0', ...env };
  if (env.SANDBOX_CONTROL_TOKEN === undefined) delete childEnv.SANDBOX_CONTROL_TOKEN;
  const proc = spawn(process.execPath, ['--import', 'tsx', HOST, '--port', '0', '--data-dir', dataDir, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  proc.stderr.setEncoding('utf8').on('data', (c: string) => (out += c));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  return new Promise((res) => proc.once('exit', (code) => {
    clearTimeout(timer);
    rmSync(dataDir, { recursive: true, force: true });
    res({ code, out });
  }));
}

describe('a desk on a shared, already running sandbox', () => {
  let sandbox: RunningSandbox;
  let stateDir: string;

  beforeAll(async () => {
    stateDir = mkdtempSync(join(tmpdir(), 'paydesk-sbx-state-'));
    // with a state file the keys are random: the desk can only know them by asking this sandbox
    sandbox = await createSandbox({ port: 0, stateFile: join(stateDir, 'state.json') });
  });
  afterAll(async () => {
    await sandbox?.close();
    rmSync(stateDir, { recursive: true, force: true });
  });

  it("reads the sandbox's keys with the control token, and says so in words when it cannot", async () => {
    expect(await connectSharedSandbox(`${sandbox.url}/ignored/path`, sandbox.controlToken)).toEqual({ url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken });
    await expect(connectSharedSandbox(sandbox.url, undefined)).rejects.toThrow(/needs the sandbox's control token in SANDBOX_CONTROL_TOKEN/);
    const wrong = connectSharedSandbox(sandbox.url, 'sbxctl_wrong');
    await expect(wrong).rejects.toThrow(/refused the control token in SANDBOX_CONTROL_TOKEN/);
    await expect(wrong).rejects.not.toThrow(/sbxctl_wrong/);
    await expect(connectSharedSandbox('ftp://127.0.0.1:1', 'x')).rejects.toThrow(/must start with http/);
    await expect(connectSharedSandbox('http://127.0.0.1:1', 'x')).rejects.toThrow(/could not be reached.*npm run sandbox/);
  });

  it('exits with code 2 and the reason: no token, a wrong token, or --sandbox off as well', async () => {
    const [none, wrong, off] = await Promise.all([
      runHost(['--sandbox-url', sandbox.url], { SANDBOX_CONTROL_TOKEN: undefined }),
      runHost(['--sandbox-url', sandbox.url], { SANDBOX_CONTROL_TOKEN: 'sbxctl_not_this_one' }),
      runHost(['--sandbox-url', sandbox.url, '--sandbox', 'off'], { SANDBOX_CONTROL_TOKEN: sandbox.controlToken }),
    ]);
    expect(none).toMatchObject({ code: 2, out: expect.stringMatching(/paydesk-host: --sandbox-url needs the sandbox's control token in SANDBOX_CONTROL_TOKEN/) });
    expect(wrong).toMatchObject({ code: 2, out: expect.stringMatching(/refused the control token/) });
    expect(wrong.out).not.toContain('sbxctl_not_this_one');
    expect(off).toMatchObject({ code: 2, out: expect.stringMatching(/--sandbox off and --sandbox-url contradict/) });
  }, 90_000);

  it("starts on the running sandbox with its keys, the token only in the environment, and no sandbox of its own", async () => {
    const desk = await startDesk({ store: 'sqlite', sandbox, name: 'Shared' });
    try {
      // printed right after the console's address
      await expect.poll(() => desk.output(), { timeout: 5_000 }).toContain(`Paydesk Sandbox at ${sandbox.url} (shared)`);
      expect(desk.proc.spawnargs.join(' ')).not.toContain(sandbox.controlToken);
      expect(existsSync(join(desk.dataDir, 'sandbox-state.json'))).toBe(false);
      const accounts = await desk.rpc<{ gateway: string; sandbox: boolean; publicKey: string }[]>('accounts.list', {});
      expect(accounts.find((x) => x.sandbox && x.gateway === 'stripe')?.publicKey).toBe(sandbox.keys.STRIPE_PUBLISHABLE_KEY);
      expect(accounts.find((x) => x.sandbox && x.gateway === 'razorpay')?.publicKey).toBe(sandbox.keys.RAZORPAY_KEY_ID);
    } finally {
      await desk.dispose();
    }
  }, 90_000);
});
