// The whole bridge between the page and the main process (security checklist #20):
//   window.paydesk = { call(method, input), on(event, listener) -> unsubscribe }
// Nothing else is exposed: no ipcRenderer, no channel names, no IpcRendererEvent (its `sender` would leak).
// Method and event names are checked against the contract's names (shared/contract-names.ts: no zod in the
// preload) before anything is sent; ipc.ts checks again.
// Bundled to ONE CommonJS file (dist/electron/preload.cjs): a sandboxed preload can only require 'electron'.
import { contextBridge, ipcRenderer } from 'electron';
import { isEventName, isMethodName } from '../shared/contract-names';
import type { Envelope } from '../shared/errors';

const CALL_CHANNEL = 'paydesk:call';
const EVENT_CHANNEL = 'paydesk:event';

export interface PaydeskBridge {
  call(method: string, input?: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

const listeners = new Map<string, Set<(payload: unknown) => void>>();

// One IPC listener for every pushed event; the IpcRendererEvent stops here.
ipcRenderer.on(EVENT_CHANNEL, (_event, name: unknown, payload: unknown) => {
  if (!isEventName(name)) return;
  const set = listeners.get(name);
  if (!set) return;
  for (const listener of [...set]) {
    try {
      listener(payload);
    } catch (err) {
      console.error(`paydesk: a listener for "${name}" threw`, err);
    }
  }
});

const bridge = {
  call(method: string, input?: unknown): Promise<Envelope<unknown>> {
    if (!isMethodName(method)) {
      return Promise.resolve({
        ok: false,
        error: { code: 'not_found', message: `Unknown method "${String(method)}"`, retryable: false },
      });
    }
    return ipcRenderer.invoke(CALL_CHANNEL, method, input ?? {}) as Promise<Envelope<unknown>>;
  },
  on(event: string, listener: (payload: unknown) => void): () => void {
    if (!isEventName(event)) throw new TypeError(`Unknown event "${String(event)}"`);
    if (typeof listener !== 'function') throw new TypeError('listener must be a function');
    let set = listeners.get(event);
    if (!set) listeners.set(event, (set = new Set()));
    // wrap, so subscribing the same function twice gives two independent subscriptions
    const entry = (payload: unknown): void => listener(payload);
    set.add(entry);
    return () => {
      listeners.get(event)?.delete(entry);
    };
  },
} satisfies PaydeskBridge;

contextBridge.exposeInMainWorld('paydesk', bridge);
