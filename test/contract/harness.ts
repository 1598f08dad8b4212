// Starts the real thing for a test: core with the embedded Paydesk Sandbox on a fresh data dir (withCore),
// and the browser host in front of it on 127.0.0.1 with port 0.
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import type { PaydeskCore } from '../../electron/core/index';
import type { RunningSandbox } from '../../sandbox/index';
import { withCore, type CoreFixture, type LogLine } from '../fixtures/with-core';

export type { LogLine };

export interface Harness {
  core: PaydeskCore;
  host: BrowserHost;
  sandbox: RunningSandbox | null;
  dataDir: string;
  logs: LogLine[];
  /** every event core pushed (what the SSE stream and IPC forward) */
  events: CoreFixture['events'];
  /** close the host, core, the sandbox and the data dir (when this harness made them) */
  close(): Promise<void>;
}

export async function startHarness(opts: { sandbox?: boolean; dataDir?: string; heartbeatMs?: number; rendererDir?: string } = {}): Promise<Harness> {
  const f = await withCore({ sandbox: opts.sandbox !== false, ...(opts.dataDir ? { dataDir: opts.dataDir } : {}), shell: 'browser' });
  const host = await startBrowserHost({ core: f.core, port: 0, rendererDir: opts.rendererDir ?? null, ...(opts.heartbeatMs ? { heartbeatMs: opts.heartbeatMs } : {}) });
  return {
    core: f.core,
    host,
    sandbox: f.sandbox,
    dataDir: f.dataDir,
    logs: f.logs,
    events: f.events,
    async close() {
      await host.close();
      await f.dispose();
    },
  };
}
