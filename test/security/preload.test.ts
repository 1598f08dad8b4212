// The preload's surface (checklist #20): the real electron/preload.ts loaded with a fake contextBridge and
// ipcRenderer (only Electron is faked). window.paydesk must be exactly { call, on }; names outside the contract
// are refused before anything is sent; listeners never see the IpcRendererEvent; only the two channels exist.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';

type Listener = (event: unknown, ...args: unknown[]) => void;

const fake = vi.hoisted(() => ({
  exposed: new Map<string, unknown>(),
  ipcListeners: new Map<string, Listener[]>(),
  invoke: [] as unknown[][],
  other: [] as string[],
}));

vi.mock('electron', () => ({
  contextBridge: {
    exposeInMainWorld: (key: string, api: unknown) => fake.exposed.set(key, api),
    exposeInIsolatedWorld: () => fake.other.push('exposeInIsolatedWorld'),
  },
  ipcRenderer: {
    invoke: (...args: unknown[]) => {
      fake.invoke.push(args);
      return Promise.resolve({ ok: true, value: { echoed: args } });
    },
    on: (channel: string, listener: Listener) => {
      fake.ipcListeners.set(channel, [...(fake.ipcListeners.get(channel) ?? []), listener]);
    },
    send: () => fake.other.push('send'),
    sendSync: () => fake.other.push('sendSync'),
    postMessage: () => fake.other.push('postMessage'),
    sendToHost: () => fake.other.push('sendToHost'),
    once: () => fake.other.push('once'),
    removeAllListeners: () => fake.other.push('removeAllListeners'),
  },
}));

await import('../../electron/preload');
const { eventNames, methodNames } = await import('../../shared/contract');

interface Bridge {
  call(method: string, input?: unknown): Promise<unknown>;
  on(event: string, listener: (...args: unknown[]) => void): () => void;
}
const bridge = fake.exposed.get('paydesk') as Bridge;

/** what main does: webContents.send('paydesk:event', name, payload) */
function pushFromMain(name: unknown, payload: unknown): { sender: unknown } {
  const event = { sender: { send: () => {}, invoke: () => {} }, senderId: 0, ports: [] };
  for (const l of fake.ipcListeners.get('paydesk:event') ?? []) l(event, name, payload);
  return event;
}

const someEvent = eventNames[0];

beforeEach(() => {
  fake.invoke.length = 0;
});

describe('window.paydesk', () => {
  it('is the only thing exposed, and has exactly call and on', () => {
    expect([...fake.exposed.keys()]).toEqual(['paydesk']);
    expect(Object.keys(bridge).sort()).toEqual(['call', 'on']);
    expect(typeof bridge.call).toBe('function');
    expect(typeof bridge.on).toBe('function');
    expect(fake.other).toEqual([]);
  });

  it('listens on paydesk:event only', () => {
    expect([...fake.ipcListeners.keys()]).toEqual(['paydesk:event']);
  });

  it('sends a contract method over paydesk:call and returns main’s envelope', async () => {
    const method = methodNames.includes('system.ping' as never) ? 'system.ping' : methodNames[0]!;
    const result = await bridge.call(method, { a: 1 });
    expect(fake.invoke).toEqual([['paydesk:call', method, { a: 1 }]]);
    expect(result).toEqual({ ok: true, value: { echoed: ['paydesk:call', method, { a: 1 }] } });
  });

  it.each(['nope.nope', 'system.ping ', 'SYSTEM.PING', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'paydesk:call'])(
    'refuses the unknown method %j with an envelope, sending nothing',
    async (method) => {
      const result = await bridge.call(method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'not_found', retryable: false } });
      expect(fake.invoke).toEqual([]);
    },
  );

  it('refuses non-string method names', async () => {
    for (const method of [undefined, null, 1, {}, ['system.ping'], { toString: () => 'system.ping' }]) {
      expect(await bridge.call(method as never, {})).toMatchObject({ ok: false, error: { code: 'not_found' } });
    }
    expect(fake.invoke).toEqual([]);
  });

  it('refuses unknown event names and non-function listeners', () => {
    expect(() => bridge.on('nope.changed', () => {})).toThrow(/Unknown event/);
    expect(() => bridge.on('__proto__', () => {})).toThrow(/Unknown event/);
    if (someEvent) expect(() => bridge.on(someEvent, 'x' as never)).toThrow(/function/);
  });

  it.runIf(someEvent)('delivers only the payload, never the IpcRendererEvent', () => {
    const calls: unknown[][] = [];
    const off = bridge.on(someEvent!, (...args) => calls.push(args));
    const payload = { id: 'pay_1', status: 'paid' };
    const event = pushFromMain(someEvent, payload);
    expect(calls).toHaveLength(1);
    expect(calls[0]).toHaveLength(1);
    expect(calls[0]![0]).toEqual(payload);
    expect(calls[0]![0]).not.toBe(event);
    expect(JSON.stringify(calls)).not.toContain('sender');
    off();
  });

  it.runIf(someEvent)('filters events: unknown names and other subscriptions are not delivered', () => {
    const calls: unknown[] = [];
    const off = bridge.on(someEvent!, (p) => calls.push(p));
    pushFromMain('nope.changed', { x: 1 });
    pushFromMain('__proto__', { x: 2 });
    pushFromMain(undefined, { x: 3 });
    const other = eventNames.find((e) => e !== someEvent);
    if (other) pushFromMain(other, { x: 4 });
    expect(calls).toEqual([]);
    off();
  });

  it.runIf(someEvent)('unsubscribe stops delivery, for that subscription only', () => {
    const a: unknown[] = [];
    const b: unknown[] = [];
    const offA = bridge.on(someEvent!, (p) => a.push(p));
    const offB = bridge.on(someEvent!, (p) => b.push(p));
    pushFromMain(someEvent, 1);
    offA();
    offA(); // idempotent
    pushFromMain(someEvent, 2);
    expect(a).toEqual([1]);
    expect(b).toEqual([1, 2]);
    offB();
  });

  it.runIf(someEvent)('a throwing listener does not stop the others', () => {
    const seen: unknown[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const offBad = bridge.on(someEvent!, () => {
      throw new Error('boom');
    });
    const offGood = bridge.on(someEvent!, (p) => seen.push(p));
    pushFromMain(someEvent, 'x');
    expect(seen).toEqual(['x']);
    offBad();
    offGood();
    spy.mockRestore();
  });
});

describe('the built preload (dist/electron/preload.cjs)', () => {
  const built = path.join(__dirname, '../../dist/electron/preload.cjs');
  it.runIf(existsSync(built))('is one file that requires nothing but electron (a sandboxed preload cannot)', () => {
    const code = readFileSync(built, 'utf8');
    const required = [...code.matchAll(/\brequire\(\s*["'`]([^"'`]+)["'`]\s*\)/g)].map((m) => m[1]);
    expect(new Set(required)).toEqual(new Set(['electron']));
    expect(code).toContain('paydesk:call');
    expect(code).toContain('paydesk:event');
  });
});
