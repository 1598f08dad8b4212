// Core's deferrable start-up work (electron/core/startup-gate.ts) on a real core and the embedded sandbox:
// the sandbox's accounts are verified and its webhooks pointed at this start's listener only once the first
// screen has its data, so the first calls are answered without the gateway SDKs loading in between.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createCore, type PaydeskCore } from '../../electron/core/index';
import type { StartupGateOptions } from '../../electron/core/startup-gate';
import { createKeyFileProtector } from '../../electron/core/vault';
import type { Account } from '../../shared/contract';
import { createSandbox, type RunningSandbox } from '../../sandbox/index';
import { freshTestStore } from '../fixtures/test-store';

const ctx = { transport: 'internal' } as const;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let cleanup: (() => Promise<void>) | null = null;
afterEach(async () => {
  await cleanup?.();
  cleanup = null;
});

async function start(startup: StartupGateOptions): Promise<{ core: PaydeskCore; sandbox: RunningSandbox }> {
  const sandbox = await createSandbox({ port: 0, host: '127.0.0.1' });
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-startup-'));
  const store = await freshTestStore();
  const core = await createCore({
    dataDir,
    shell: 'browser',
    protector: createKeyFileProtector(dataDir),
    sandbox: { url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken },
    log: () => {},
    startup,
    ...(store ? { store } : {}),
  });
  cleanup = async () => {
    await core.close();
    await sandbox.close();
    rmSync(dataDir, { recursive: true, force: true });
  };
  return { core, sandbox };
}

async function sandboxAccounts(core: PaydeskCore): Promise<Account[]> {
  const r = await core.call('accounts.list', {}, ctx);
  if (!r.ok) throw new Error(r.error.message);
  return r.value.filter((a) => a.sandbox);
}

async function stripeEndpoints(sandbox: RunningSandbox): Promise<unknown[]> {
  const res = await fetch(`${sandbox.url}/v1/webhook_endpoints`, { headers: { authorization: `Bearer ${sandbox.keys.STRIPE_SECRET_KEY}` } });
  return ((await res.json()) as { data: unknown[] }).data;
}

const until = async (what: () => Promise<boolean>, ms: number): Promise<void> => {
  for (const end = Date.now() + ms; !(await what()) && Date.now() < end; ) await sleep(50);
};

it('verifies and points the sandbox only after the first calls are answered and quiet', async () => {
  // the latest start is out of reach: only the first screen's calls can start the work
  const { core, sandbox } = await start({ quietMs: 300, latestMs: 600_000 });
  // a second with nobody calling: well past what verifying takes when it runs at once
  await sleep(1000);
  expect(await stripeEndpoints(sandbox)).toEqual([]);
  // the first screen's call: answered before any verification ran
  const first = await sandboxAccounts(core);
  expect(first.map((a) => a.verification.status)).toEqual(['unverified', 'unverified']);
  // then no call for the quiet time: the work starts (watched at the sandbox, not through core)
  await until(async () => (await stripeEndpoints(sandbox)).length > 0, 15_000);
  expect(await stripeEndpoints(sandbox)).toHaveLength(1);
  await core.idle();
  expect((await sandboxAccounts(core)).map((a) => a.verification.status)).toEqual(['verified', 'verified']);
});

it('keeps waiting while calls keep coming, and starts the work at the latest time on a desk nobody opens', async () => {
  const busy = await start({ quietMs: 300, latestMs: 600_000 });
  for (let i = 0; i < 15; i++) {
    await sandboxAccounts(busy.core);
    await sleep(100);
  }
  expect(await stripeEndpoints(busy.sandbox)).toEqual([]);
  await cleanup?.();

  const { core, sandbox } = await start({ quietMs: 300, latestMs: 500 });
  await until(async () => (await stripeEndpoints(sandbox)).length > 0, 15_000);
  expect(await stripeEndpoints(sandbox)).toHaveLength(1);
  await core.idle();
  expect((await sandboxAccounts(core)).map((a) => a.verification.status)).toEqual(['verified', 'verified']);
});
