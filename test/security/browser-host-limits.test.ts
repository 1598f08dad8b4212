// The browser host's limits: slow senders are cut at the right deadline, connections beyond the cap are
// closed while the open ones keep working, and a body over the cap is refused. Real HTTP on 127.0.0.1;
// core is a stub, because nothing here may reach it.
import { afterEach, describe, expect, it } from 'vitest';
import type { Core } from '../../electron/core/types';
import { startBrowserHost, type BrowserHost } from '../../electron/browser-host/server';
import type { HttpLimits } from '../../electron/core/http-limits';
import { dribbleBody, dribbleHeaders, exchange, holdConnections, open, timerThatFired, whenClosed } from '../fixtures/http-limits';

const calls: string[] = [];
const core = {
  callUnknown: async (method: string) => {
    calls.push(method);
    return { ok: true, value: { pong: true } };
  },
  onEvent: () => () => undefined,
} as unknown as Core;

const hosts: BrowserHost[] = [];
afterEach(async () => {
  await Promise.all(hosts.splice(0).map((h) => h.close()));
  calls.length = 0;
});

async function start(limits: Partial<HttpLimits>): Promise<BrowserHost> {
  const h = await startBrowserHost({ core, port: 0, rendererDir: null, token: 'test-token', limits });
  hosts.push(h);
  return h;
}

const rpcHead = (h: BrowserHost, length: number): string =>
  `POST /rpc/system.ping HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nx-paydesk-token: ${h.token}\r\ncontent-type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('browser host limits', () => {
  // The three timers get distinct deadlines, the one under test the shortest, so the time of the close
  // tells which timer fired (timerThatFired).
  it('cuts off a sender that dribbles its headers at the headers deadline, not the body or idle one', async () => {
    const limits = { headersTimeoutMs: 400, bodyTimeoutMs: 2_000, idleTimeoutMs: 4_000 };
    const h = await start(limits);
    const closed = await dribbleHeaders({ port: h.port }, rpcHead(h, 2) + '{}');
    expect(timerThatFired(closed.afterMs, limits), `closed after ${closed.afterMs} ms`).toBe('headers');
    expect(calls).toEqual([]);
  });

  it('cuts off a sender that dribbles its body at the body deadline, not the headers or idle one', async () => {
    const limits = { headersTimeoutMs: 2_000, bodyTimeoutMs: 400, idleTimeoutMs: 4_000 };
    const h = await start(limits);
    const closed = await dribbleBody({ port: h.port }, rpcHead(h, 1000));
    expect(timerThatFired(closed.afterMs, limits), `closed after ${closed.afterMs} ms`).toBe('body');
    expect(calls).toEqual([]);
  });

  it('closes a connection beyond the cap at once; the open ones keep working', async () => {
    const h = await start({ maxConnections: 3, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 10_000 });
    const req = rpcHead(h, 2) + '{}';
    const held = await holdConnections({ port: h.port }, 3, req);
    const extra = await open({ port: h.port });
    const refused = await whenClosed(extra, Date.now());
    expect(refused.afterMs).toBeLessThan(1_000);
    expect(refused.received).toBe('');
    for (const s of held) expect(await exchange(s, req)).toBe(200);
    expect(calls).toHaveLength(6);
    for (const s of held) s.destroy();
  });

  it('refuses a body over the cap with 413 and closes the connection', async () => {
    const h = await start({ maxBodyBytes: 1024 });
    const s = await open({ port: h.port });
    const closed = whenClosed(s, Date.now());
    expect(await exchange(s, rpcHead(h, 2048) + 'x'.repeat(2048))).toBe(413);
    await closed;
    expect(calls).toEqual([]);
  });
});
