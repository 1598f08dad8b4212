// The contract suite over Electron IPC, without the Electron binary: the REAL preload (electron/preload.ts)
// and the REAL handler (electron/ipc.ts) joined by a fake ipcRenderer / ipcMain pair that structured-clones
// every value in both directions, as Electron does; the page talks to what contextBridge exposed, and
// behind the handler runs a real core (SQLite in a temp dir, key-file vault) with the embedded sandbox.
// Only Electron's own modules are faked.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { vi } from 'vitest';
import { createCore } from '../../electron/core/index';
import { createKeyFileProtector } from '../../electron/core/vault';
import { registerIpc, type InvokeEventLike, type IpcMainLike, type WebContentsLike } from '../../electron/ipc';
import { startSandbox } from './harness';
import { defineContractSuite } from './suite';

type MainHandler = (event: InvokeEventLike, ...args: unknown[]) => unknown;
type RendererListener = (event: unknown, ...args: unknown[]) => void;

const wire = vi.hoisted(() => ({
  handlers: new Map<string, (event: unknown, ...args: unknown[]) => unknown>(),
  rendererListeners: new Map<string, ((event: unknown, ...args: unknown[]) => void)[]>(),
  exposed: new Map<string, unknown>(),
  /** what Electron fills in for an invoke from the main window's top frame */
  senderEvent: { sender: { id: 1 }, senderFrame: { url: 'app://paydesk/index.html' } },
}));

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => wire.exposed.set(key, api) },
  ipcRenderer: {
    async invoke(channel: string, ...args: unknown[]) {
      const handler = wire.handlers.get(channel);
      if (!handler) throw new Error(`No handler registered for '${channel}'`);
      return structuredClone(await handler(wire.senderEvent, ...structuredClone(args)));
    },
    on(channel: string, listener: (event: unknown, ...args: unknown[]) => void) {
      wire.rendererListeners.set(channel, [...(wire.rendererListeners.get(channel) ?? []), listener]);
    },
  },
}));

// the page's side: the real preload, run once as Electron runs it
await import('../../electron/preload');

const fakeIpcMain: IpcMainLike = {
  handle: (channel, listener) => {
    if (wire.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    wire.handlers.set(channel, listener as MainHandler as never);
  },
  removeHandler: (channel) => void wire.handlers.delete(channel),
};

const mainWebContents: WebContentsLike = {
  id: 1,
  isDestroyed: () => false,
  send(channel, ...args) {
    const event = { sender: { id: 'ipcRenderer' }, senderId: 0, ports: [] };
    for (const l of (wire.rendererListeners.get(channel) ?? []) as RendererListener[]) l(event, ...structuredClone(args));
  },
};

interface Bridge {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

defineContractSuite('IPC (Electron preload + ipc.ts)', async () => {
  const bridge = wire.exposed.get('paydesk') as Bridge;
  if (!bridge) throw new Error('the preload exposed no window.paydesk');
  const sandbox = await startSandbox();
  const dataDir = mkdtempSync(join(tmpdir(), 'paydesk-ipc-contract-'));
  const core = await createCore({
    dataDir,
    shell: 'electron',
    protector: createKeyFileProtector(dataDir), // safeStorage needs Electron; the vault logic is the same
    sandbox: sandbox ? { url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken } : null,
    log: () => {},
  });
  await core.idle();
  const dispose = registerIpc({ ipcMain: fakeIpcMain, core, mainWebContents: () => mainWebContents, log: () => {} });
  return {
    // contextBridge copies values between the page's world and the preload's: so do we
    call: async (method, input) => structuredClone(await bridge.call(method, structuredClone(input))) as never,
    on: (event, cb) => bridge.on(event, (payload) => cb(structuredClone(payload))),
    sandbox: sandbox ? { keys: sandbox.keys } : null,
    async close() {
      dispose();
      await core.close();
      await sandbox?.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
});
