// The one IPC handler checks its sender before core sees anything (checklist #17): the real electron/ipc.ts
// on a fake ipcMain (IpcMainLike is injected), in front of a real core on a temp data dir.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PaydeskCore } from '../../electron/core/index';
import { CALL_CHANNEL, EVENT_CHANNEL, registerIpc, type InvokeEventLike, type IpcMainLike, type WebContentsLike } from '../../electron/ipc';
import { withCore, type CoreFixture } from '../fixtures/with-core';

type Handler = (event: InvokeEventLike, ...args: unknown[]) => unknown;

class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

class FakeWebContents implements WebContentsLike {
  readonly sent: unknown[][] = [];
  destroyed = false;
  constructor(readonly id: number) {}
  isDestroyed(): boolean {
    return this.destroyed;
  }
  send(channel: string, ...args: unknown[]): void {
    this.sent.push([channel, ...args]);
  }
}

const MAIN_ID = 7;
let fixture: CoreFixture;
let core: PaydeskCore;
let ipcMain: FakeIpcMain;
let main: FakeWebContents | null;
let dispose: () => void;
let callSpy: ReturnType<typeof vi.spyOn>;

beforeAll(async () => {
  fixture = await withCore({ shell: 'electron', sandbox: false });
  core = fixture.core;
  ipcMain = new FakeIpcMain();
  main = new FakeWebContents(MAIN_ID);
  dispose = registerIpc({ ipcMain, core, mainWebContents: () => main, log: () => {} });
  callSpy = vi.spyOn(core, 'callUnknown');
});

afterAll(async () => {
  dispose?.();
  await fixture?.dispose();
});

beforeEach(() => {
  callSpy.mockClear();
  main = new FakeWebContents(MAIN_ID);
});

const invoke = (event: InvokeEventLike, method: unknown, input: unknown = {}) => ipcMain.handlers.get(CALL_CHANNEL)!(event, method, input) as Promise<unknown>;
const fromMain = (url = 'app://paydesk/index.html#/settings'): InvokeEventLike => ({ sender: { id: MAIN_ID }, senderFrame: { url } });

describe('paydesk:call sender check', () => {
  it('registers exactly one handler, on paydesk:call', () => {
    expect([...ipcMain.handlers.keys()]).toEqual([CALL_CHANNEL]);
  });

  it('serves the main window’s app://paydesk frame, with transport ipc', async () => {
    const result = await invoke(fromMain(), 'system.ping', {});
    expect(result).toMatchObject({ ok: true, value: { pong: true } });
    expect(callSpy).toHaveBeenCalledWith('system.ping', {}, { transport: 'ipc' });
  });

  it.each([
    'http://example.invalid/?next=app://paydesk',
    'https://evil.example/app://paydesk/index.html',
    'app://evil/index.html',
    'app://paydesk.evil.example/index.html',
    'app://paydesk@evil.example/index.html',
    'app://evil@paydesk/index.html',
    'app://paydesk:1234/index.html',
    'file:///work/main/dist/renderer/index.html',
    'http://127.0.0.1:5179/?token=abc',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    'data:text/html,<script>paydesk.call()</script>',
    '',
  ])('refuses a foreign senderFrame URL %j with a forbidden envelope', async (url) => {
    const result = await invoke(fromMain(url), 'system.ping', {});
    expect(result).toEqual({ ok: false, error: { code: 'forbidden', message: expect.any(String), retryable: false } });
    expect(callSpy).not.toHaveBeenCalled();
  });

  it('refuses a sender that is not the main window, even on app://paydesk', async () => {
    const result = await invoke({ sender: { id: MAIN_ID + 1 }, senderFrame: { url: 'app://paydesk/index.html' } }, 'system.ping', {});
    expect(result).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(callSpy).not.toHaveBeenCalled();
  });

  it('refuses when the frame is gone, or there is no main window (or it was destroyed)', async () => {
    expect(await invoke({ sender: { id: MAIN_ID }, senderFrame: null }, 'system.ping')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    main!.destroyed = true;
    expect(await invoke(fromMain(), 'system.ping')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    main = null;
    expect(await invoke(fromMain(), 'system.ping')).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(callSpy).not.toHaveBeenCalled();
  });

  it('never throws, even for a malformed event', async () => {
    await expect(invoke(undefined as never, 'system.ping')).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await expect(invoke({} as never, 'system.ping')).resolves.toMatchObject({ ok: false, error: { code: 'forbidden' } });
    await expect(invoke({ sender: { id: MAIN_ID }, senderFrame: { url: 42 } } as never, 'system.ping')).resolves.toMatchObject({ ok: false });
  });

  it('checks the method name again (not_found), without calling core', async () => {
    for (const method of ['nope.nope', '__proto__', 'constructor', 42, null]) {
      expect(await invoke(fromMain(), method)).toMatchObject({ ok: false, error: { code: 'not_found', retryable: false } });
    }
    expect(callSpy).not.toHaveBeenCalled();
  });

  it('turns a throw inside core into an internal envelope', async () => {
    callSpy.mockImplementationOnce(() => Promise.reject(new Error('sk_test_SECRET leaked in a stack')));
    const result = await invoke(fromMain(), 'system.ping', {});
    expect(result).toEqual({ ok: false, error: { code: 'internal', message: expect.any(String), retryable: false } });
    expect(JSON.stringify(result)).not.toContain('SECRET');
  });

  it('forwards core events to the main window only, on paydesk:event', () => {
    const events = core.deps!.events;
    events.emit('account.changed', { id: 'acct_1' });
    expect(main!.sent).toEqual([[EVENT_CHANNEL, 'account.changed', { id: 'acct_1' }]]);
    main!.destroyed = true;
    events.emit('account.changed', { id: 'acct_2' });
    expect(main!.sent).toHaveLength(1);
    main = null;
    expect(() => events.emit('account.changed', { id: 'acct_3' })).not.toThrow();
  });

  it('disposes: the handler and the event subscription go away', () => {
    const other = new FakeIpcMain();
    const target = new FakeWebContents(99);
    const off = registerIpc({ ipcMain: other, core, mainWebContents: () => target });
    expect([...other.handlers.keys()]).toEqual([CALL_CHANNEL]);
    off();
    expect(other.handlers.size).toBe(0);
    core.deps!.events.emit('account.changed', { id: 'acct_4' });
    expect(target.sent).toEqual([]);
  });
});
