// The platform seam of the renderer: one interface, two implementations (ipc.ts for Electron,
// http.ts for browser mode). Both return the value or throw a typed ApiError rebuilt from the envelope.
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../../shared/contract';
import type { Envelope } from '../../../shared/errors';
import { ipcTransport } from './ipc';
import { httpTransport } from './http';

export type ConnectionState = 'connected' | 'disconnected';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  /** calls one contract method; resolves with its output or rejects with an ApiError */
  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>>;
  /** listens to one pushed event; returns the unsubscribe function */
  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void;
  /** connection to the engine went away or came back (browser mode: the event stream); IPC is always connected */
  onConnection(listener: (state: ConnectionState) => void): () => void;
}

/** What the Electron preload exposes (electron/preload.ts). Nothing else exists on window. */
export interface PaydeskBridge {
  call(method: string, input: unknown): Promise<Envelope<unknown>>;
  on(event: string, listener: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    paydesk?: PaydeskBridge;
  }
}

let picked: Transport | undefined;

/** Electron when the preload bridge is there, browser mode otherwise. Decided once per page. */
export function pickTransport(): Transport {
  picked ??= window.paydesk ? ipcTransport(window.paydesk) : httpTransport();
  return picked;
}
