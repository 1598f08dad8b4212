// The ONE IPC handler ('paydesk:call') and the event push ('paydesk:event').
// Electron primitives are injected (IpcMainLike, like bruno-sqlite's src/node/ipc.ts), so the handler
// logic is unit-tested with fakes: test/security/ipc-sender.test.ts and test/contract/ipc.test.ts.
// Errors travel as envelopes, never as throws (Electron's invoke keeps only the message).
import { isMethodName } from '../shared/contract';
import type { Envelope, WireError } from '../shared/errors';
import { isAppUrl } from './core/external-url';
import type { Core } from './core/types';

export const CALL_CHANNEL = 'paydesk:call';
export const EVENT_CHANNEL = 'paydesk:event';

/** The part of IpcMainInvokeEvent the sender check reads. */
export interface InvokeEventLike {
  sender: { id: number };
  /** null when the frame navigated away or was destroyed before the message was handled */
  senderFrame: { url: string } | null;
}

/** The part of Electron's ipcMain this module uses. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown> | unknown): void;
  removeHandler(channel: string): void;
}

/** The part of WebContents the event push uses. */
export interface WebContentsLike {
  readonly id: number;
  isDestroyed(): boolean;
  send(channel: string, ...args: unknown[]): void;
}

export interface IpcOptions {
  ipcMain: IpcMainLike;
  core: Pick<Core, 'callUnknown' | 'onEvent'>;
  /** the main window's webContents, or null while there is none */
  mainWebContents: () => WebContentsLike | null;
  log?: (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;
}

const fail = (code: WireError['code'], message: string): Envelope<never> => ({ ok: false, error: { code, message, retryable: false } });

/** Is this invoke from the main window's top document on app://paydesk? */
export function isTrustedSender(event: InvokeEventLike, main: WebContentsLike | null): boolean {
  if (!main || main.isDestroyed()) return false;
  if (!event || !event.sender || event.sender.id !== main.id) return false;
  const frame = event.senderFrame;
  if (!frame) return false;
  return isAppUrl(frame.url);
}

/** The 'paydesk:call' handler: check the sender, then the method name, then let core parse the input. */
export function createCallHandler(opts: Omit<IpcOptions, 'ipcMain'>) {
  return async (event: InvokeEventLike, method: unknown, input: unknown): Promise<Envelope<unknown>> => {
    if (!isTrustedSender(event, opts.mainWebContents())) {
      opts.log?.('warn', 'refused an IPC call from a foreign sender', { url: safeOrigin(event?.senderFrame?.url) });
      return fail('forbidden', 'This window may not call Paydesk.');
    }
    // the same envelope core's rpc.ts returns for an unknown name
    if (!isMethodName(method)) return fail('not_found', `Unknown method "${String(method)}"`);
    try {
      return await opts.core.callUnknown(method, input, { transport: 'ipc' });
    } catch (err) {
      // core returns envelopes; a throw here is a bug. Never let it cross the boundary as a throw.
      opts.log?.('error', 'core.callUnknown threw', { method, error: err instanceof Error ? err.stack ?? err.message : String(err) });
      return { ok: false, error: { code: 'internal', message: 'Something went wrong inside Paydesk.', retryable: false } };
    }
  };
}

/** Registers the handler and the event forwarding; returns a disposer. */
export function registerIpc(opts: IpcOptions): () => void {
  opts.ipcMain.handle(CALL_CHANNEL, createCallHandler(opts) as (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>);
  const unsubscribe = opts.core.onEvent((event) => {
    const target = opts.mainWebContents();
    if (!target || target.isDestroyed()) return;
    target.send(EVENT_CHANNEL, event.name, event.payload);
  });
  return () => {
    unsubscribe();
    opts.ipcMain.removeHandler(CALL_CHANNEL);
  };
}

function safeOrigin(raw: unknown): string {
  if (typeof raw !== 'string') return '(none)';
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparseable)';
  }
}
