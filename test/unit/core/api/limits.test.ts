// The merchant API's limits: slow senders are cut at the right deadline, connections beyond the cap
// (through every door: the API's port, the edge's port and socket) are closed while the open ones keep
// working, and a body over the cap gets 413.
import { afterEach, describe, expect, it } from 'vitest';
import type { HttpLimits } from '../../../../electron/core/http-limits';
import { dribbleBody, dribbleHeaders, exchange, holdConnections, open, timerThatFired, whenClosed } from '../../../fixtures/http-limits';
import { startStubApi, type StubApi } from './stub-api';

const stubs: StubApi[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
});

async function start(limits: Partial<HttpLimits>): Promise<StubApi> {
  const s = await startStubApi({ limits });
  stubs.push(s);
  return s;
}

const statusRequest = (token: string): string =>
  `GET /api/payments/stripe/status/pi_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\n\r\n`;
const checkoutHead = (token: string, length: number): string =>
  `POST /api/payments/stripe/checkout HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${token}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

describe('merchant API limits', () => {
  // The three timers get distinct deadlines, the one under test the shortest, so the time of the close
  // tells which timer fired (timerThatFired).
  const HEADERS_FIRST = { headersTimeoutMs: 400, bodyTimeoutMs: 2_000, idleTimeoutMs: 4_000 };
  const BODY_FIRST = { headersTimeoutMs: 2_000, bodyTimeoutMs: 400, idleTimeoutMs: 4_000 };

  it('cuts off a sender that dribbles its headers at the headers deadline, not the body or idle one', async () => {
    const { api, token } = await start(HEADERS_FIRST);
    const closed = await dribbleHeaders({ port: api.port }, statusRequest(token));
    expect(timerThatFired(closed.afterMs, HEADERS_FIRST), `closed after ${closed.afterMs} ms`).toBe('headers');
  });

  it('cuts off a sender that dribbles its body at the body deadline, not the headers or idle one', async () => {
    const { api, token } = await start(BODY_FIRST);
    const closed = await dribbleBody({ port: api.port }, checkoutHead(token, 1000));
    expect(timerThatFired(closed.afterMs, BODY_FIRST), `closed after ${closed.afterMs} ms`).toBe('body');
    expect(closed.received).toBe('');
  });

  it('the same deadlines hold on the edge socket entry the tunnel forwards to', async () => {
    const { edge, token } = await start(BODY_FIRST);
    const closed = await dribbleBody({ path: edge.socketPath! }, checkoutHead(token, 1000));
    expect(timerThatFired(closed.afterMs, BODY_FIRST), `closed after ${closed.afterMs} ms`).toBe('body');
  });

  it('closes a connection beyond the cap at once, through every door; the open ones keep working', async () => {
    const { api, edge, token } = await start({ maxConnections: 3, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 10_000 });
    const req = statusRequest(token);
    const held = [
      ...(await holdConnections({ port: api.port }, 3, req)),
      ...(await holdConnections({ port: edge.port }, 2, req)),
      ...(await holdConnections({ path: edge.socketPath! }, 1, req)),
    ];
    for (const target of [{ port: api.port }, { port: edge.port }, { path: edge.socketPath! }]) {
      const extra = await open(target);
      const refused = await whenClosed(extra, Date.now());
      expect(refused.afterMs).toBeLessThan(1_000);
      expect(refused.received).toBe('');
    }
    for (const s of held) expect(await exchange(s, req)).toBe(404);
    for (const s of held) s.destroy();
  });

  it('refuses a body over the cap with 413 and closes the connection', async () => {
    const { api, token } = await start({ maxBodyBytes: 1024 });
    const s = await open({ port: api.port });
    const closed = whenClosed(s, Date.now());
    expect(await exchange(s, checkoutHead(token, 4096) + 'x'.repeat(4096))).toBe(413);
    await closed;
  });
});
