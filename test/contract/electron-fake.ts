// Electron's own modules as the IPC contract tests see them: a fake ipcRenderer / contextBridge whose wire
// structured-clones every value in both directions, as Electron does. It imports nothing, so a test file's
// `vi.mock('electron', ...)` factory can load it before the preload runs.

export interface Wire {
  handlers: Map<string, (event: unknown, ...args: unknown[]) => unknown>;
  rendererListeners: Map<string, ((event: unknown, ...args: unknown[]) => void)[]>;
  exposed: Map<string, unknown>;
  /** what Electron fills in for an invoke from the main window's top frame */
  senderEvent: { sender: { id: number }; senderFrame: { url: string } };
}

export const wire: Wire = {
  handlers: new Map(),
  rendererListeners: new Map(),
  exposed: new Map(),
  senderEvent: { sender: { id: 1 }, senderFrame: { url: 'app://paydesk/index.html' } },
};

export const fakeElectron = {
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
};
