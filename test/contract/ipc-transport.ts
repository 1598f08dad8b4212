// The contract's IPC transport without the Electron binary: the REAL preload (electron/preload.ts) and the
// REAL handler (electron/ipc.ts) joined by the fake wire of electron-fake.ts. The page talks to what
// contextBridge exposed. The test file must mock 'electron' with fakeElectron before calling connectIpc.
import { registerIpc, type IpcMainLike, type WebContentsLike } from '../../electron/ipc';
import type { Core } from '../../electron/core/types';
import type { Envelope } from '../../shared/errors';
import { wire } from './electron-fake';

type MainHandler = Parameters<IpcMainLike['handle']>[1];

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
    for (const l of wire.rendererListeners.get(channel) ?? []) l(event, ...structuredClone(args));
  },
};

interface Bridge {
  call(method: string, input: unknown): Promise<unknown>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

export interface IpcTransport {
  call(method: string, input: unknown): Promise<Envelope<unknown>>;
  on(event: string, cb: (payload: unknown) => void): () => void;
  close(): Promise<void>;
}

/** Runs the preload once (as Electron does per page) and registers ipc.ts in front of `core`. */
export async function connectIpc(core: Core): Promise<IpcTransport> {
  await import('../../electron/preload');
  const bridge = wire.exposed.get('paydesk') as Bridge | undefined;
  if (!bridge) throw new Error('the preload exposed no window.paydesk');
  const dispose = registerIpc({ ipcMain: fakeIpcMain, core, mainWebContents: () => mainWebContents, log: () => {} });
  return {
    // contextBridge copies values between the page's world and the preload's: so do we
    call: async (method, input) => structuredClone(await bridge.call(method, structuredClone(input))) as Envelope<unknown>,
    on: (event, cb) => bridge.on(event, (payload) => cb(structuredClone(payload))),
    async close() {
      dispose();
    },
  };
}
