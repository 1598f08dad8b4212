// Every contract method over both transports (Electron IPC and the browser host's HTTP), from the one table
// in method-table.ts: for the same input on equivalent fresh states, both answer the same outcome (success,
// or the same error code and field) and values of the same shape (the same keys at every depth, so a field
// one transport drops, such as an undefined that JSON loses and structured clone keeps, shows up here).
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MethodName } from '../../shared/contract';
import type { Envelope } from '../../shared/errors';
import { testEngine } from '../fixtures/test-store';
import { withCore, type CoreFixture } from '../fixtures/with-core';
import { connectHttp, type HttpClient } from './http-client';
import { startHarness, type Harness } from './harness';
import { connectIpc, type IpcTransport } from './ipc-transport';
import { METHOD_TABLE, makeWorld, type World } from './method-table';

vi.mock('electron', async () => (await import('./electron-fake')).fakeElectron);

/** The type skeleton of a value, for the failure message: objects by sorted keys, arrays by their first element. */
function shapeOf(v: unknown): unknown {
  if (v === null) return 'null';
  if (Array.isArray(v)) return v.length === 0 ? [] : [shapeOf(v[0])];
  if (typeof v === 'object') {
    return Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, shapeOf((v as Record<string, unknown>)[k])]));
  }
  return typeof v;
}

/**
 * Objects: the same keys at every depth. Arrays: the same keys on their elements (gathered over all of them,
 * since entries such as timeline rows carry free-form detail records); an empty array matches any.
 */
function sameShape(a: unknown, b: unknown): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === 0 || b.length === 0 || elementKeys(a) === elementKeys(b);
  if (a && b && typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a).sort();
    const kb = Object.keys(b).sort();
    return ka.join() === kb.join() && ka.every((k) => sameShape((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
  }
  return shapeOf(a) === shapeOf(b);
}

const elementKeys = (items: unknown[]): string =>
  [...new Set(items.flatMap((v) => (v && typeof v === 'object' ? Object.keys(v) : [typeof v])))].sort().join();

const outcome = (env: Envelope<unknown>) => (env.ok ? 'ok' : `${env.error.code}${env.error.field ? ` at ${env.error.field}` : ''}: ${env.error.message}`);

describe('every contract method over IPC and HTTP', () => {
  let ipcCore: CoreFixture;
  let ipc: IpcTransport;
  let h: Harness;
  let http: HttpClient;
  const worlds: { name: string; world: World }[] = [];

  beforeAll(async () => {
    [ipcCore, h] = await Promise.all([withCore({ shell: 'electron' }), startHarness()]);
    ipc = await connectIpc(ipcCore.core);
    http = await connectHttp(h.host.origin, h.host.token, { events: false });
    worlds.push({ name: 'IPC', world: makeWorld(ipc.call, ipcCore.sandbox!) });
    worlds.push({ name: 'HTTP', world: makeWorld(http.call, h.sandbox!) });
  });
  afterAll(async () => {
    await ipc?.close();
    await http?.close();
    await Promise.all([ipcCore?.dispose(), h?.close()]);
  });

  for (const method of Object.keys(METHOD_TABLE) as MethodName[]) {
    it(method, async () => {
      const row = (testEngine() === 'postgres' ? METHOD_TABLE[method].onPostgres : undefined) ?? METHOD_TABLE[method];
      const answers = await Promise.all(worlds.map(async ({ world }) => world.call(method, await row.input(world))));
      const [viaIpc, viaHttp] = answers as [Envelope<unknown>, Envelope<unknown>];
      const lastError = JSON.stringify(ipcCore.logs.filter((l) => l.level === 'error').at(-1) ?? null).slice(0, 800);
      expect(outcome(viaIpc), `the outcome over IPC (core's last error log: ${lastError})`).toMatch(new RegExp(`^${row.expect ?? 'ok'}\\b`));
      if (!viaIpc.ok || !viaHttp.ok) {
        expect(viaHttp.ok).toBe(viaIpc.ok);
        if (!viaIpc.ok && !viaHttp.ok) expect({ code: viaHttp.error.code, field: viaHttp.error.field }).toEqual({ code: viaIpc.error.code, field: viaIpc.error.field });
        return;
      }
      expect(sameShape(viaIpc.value, viaHttp.value), `shapes differ:\nIPC  ${JSON.stringify(shapeOf(viaIpc.value))}\nHTTP ${JSON.stringify(shapeOf(viaHttp.value))}`).toBe(true);
    });
  }
});
