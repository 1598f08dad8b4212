// Starts the real thing for a test: the embedded Paydesk Sandbox (when it is available), core with a
// fresh data dir (real SQLite, key-file vault), and the browser host on 127.0.0.1 with port 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCore, type PaydeskCore } from '../../electron/core/index';
import { createKeyFileProtector } from '../../electron/core/vault';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import type { CoreOptions } from '../../electron/core/types';

export type SandboxKeys = NonNullable<CoreOptions['sandbox']>['keys'];
export interface SandboxHandle { url: string; keys: SandboxKeys; controlToken: string; close(): Promise<void> }

/** The embedded sandbox, or null when sandbox/index.ts is not there (yet). */
export async function startSandbox(): Promise<SandboxHandle | null> {
  let mod: { createSandbox(o: { port: number; host: string }): Promise<SandboxHandle> };
  try {
    mod = (await import('../../sandbox/index')) as unknown as typeof mod;
  } catch {
    return null;
  }
  return mod.createSandbox({ port: 0, host: '127.0.0.1' });
}

export interface LogLine { level: string; message: string; detail?: Record<string, unknown> }

export interface Harness {
  core: PaydeskCore;
  host: BrowserHost;
  sandbox: SandboxHandle | null;
  dataDir: string;
  logs: LogLine[];
  /** restart core and host on the same data dir (and sandbox) */
  close(): Promise<void>;
}

export async function startHarness(opts: { sandbox?: boolean; dataDir?: string; heartbeatMs?: number; rendererDir?: string } = {}): Promise<Harness> {
  const sandbox = opts.sandbox === false ? null : await startSandbox();
  const dataDir = opts.dataDir ?? mkdtempSync(join(tmpdir(), 'paydesk-test-'));
  const logs: LogLine[] = [];
  const core = await createCore({
    dataDir,
    shell: 'browser',
    protector: createKeyFileProtector(dataDir),
    sandbox: sandbox ? { url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken } : null,
    log: (level, message, detail) => logs.push(detail === undefined ? { level, message } : { level, message, detail }),
  });
  await core.idle();
  const host = await startBrowserHost({ core, port: 0, rendererDir: opts.rendererDir ?? null, ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}) });
  return {
    core,
    host,
    sandbox,
    dataDir,
    logs,
    async close() {
      await host.close();
      await core.close();
      await sandbox?.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
