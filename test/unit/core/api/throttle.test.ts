// The merchant API's failed-auth throttle, and how it tells clients apart: by socket address on the
// loopback port, by the tunnel's X-Forwarded-For (its last hop) only on the forwarded entry. Real HTTP on
// 127.0.0.1 and on a Unix socket; payments are stubbed (an authorized status check finds nothing: 404).
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MerchantApiServer } from '../../../../electron/core/api/server';
import { bucketOf } from '../../../../electron/core/api/forwarded';
import { createAuthThrottle } from '../../../../electron/core/api/throttle';
import { startStubApi, type StubApi } from './stub-api';

let clock = 1_700_000_000_000;
let stub: StubApi;
let api: MerchantApiServer;
let edge: StubApi['edge'];
let good: string;

beforeAll(async () => {
  stub = await startStubApi({ now: () => clock });
  api = stub.api;
  edge = stub.edge;
  good = stub.token;
});
afterAll(async () => {
  await stub?.close();
});
beforeEach(() => {
  // each test starts after every earlier block has expired
  clock += 10 * 60_000;
});

interface Answer { status: number; retryAfter: string | undefined }

/** GET a status through the API's loopback port, or (with `via: 'tunnel'`) through the edge's socket entry */
function status(token: string, opts: { via?: 'local' | 'tunnel'; xff?: string } = {}): Promise<Answer> {
  const headers: Record<string, string> = { authorization: `Bearer ${token}` };
  if (opts.xff !== undefined) headers['x-forwarded-for'] = opts.xff;
  const where = opts.via === 'tunnel'
    ? { socketPath: edge.socketPath!, headers: { ...headers, host: 'shop.ngrok.app' } }
    : { host: '127.0.0.1', port: api.port, headers };
  return new Promise((resolve, reject) => {
    const req = request({ ...where, path: '/api/payments/stripe/status/pi_123', agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'] }));
    });
    req.on('error', reject);
    req.end();
  });
}

const bad = 'pdk_api_not-a-real-token';

async function failTimes(n: number, opts: { via?: 'local' | 'tunnel'; xff?: (i: number) => string }): Promise<void> {
  for (let i = 0; i < n; i++) {
    const r = await status(bad, { via: opts.via, xff: opts.xff?.(i) });
    expect(r.status, `failure ${i + 1}`).toBe(401);
  }
}

describe('merchant API: failed-auth throttle', () => {
  it('after 10 bad tokens from one tunnelled client: 429 with Retry-After, even for the right token; another client is unaffected', async () => {
    expect(edge.socketPath).toMatch(/edge\.sock$/);
    await failTimes(10, { via: 'tunnel', xff: () => '203.0.113.9' });
    const blocked = await status(bad, { via: 'tunnel', xff: '203.0.113.9' });
    expect(blocked.status).toBe(429);
    expect(Number(blocked.retryAfter)).toBeGreaterThanOrEqual(59);
    expect(Number(blocked.retryAfter)).toBeLessThanOrEqual(60);
    expect((await status(good, { via: 'tunnel', xff: '203.0.113.9' })).status).toBe(429);

    // another client behind the same tunnel, and this computer's own scripts
    expect((await status(good, { via: 'tunnel', xff: '198.51.100.20' })).status).toBe(404);
    expect((await status(bad, { via: 'tunnel', xff: '198.51.100.20' })).status).toBe(401);
    expect((await status(good)).status).toBe(404);

    // Retry-After counts down; when the window has passed the right token works again
    clock += 30_000;
    expect((await status(good, { via: 'tunnel', xff: '203.0.113.9' })).retryAfter).toBe('30');
    clock += 30_000;
    expect((await status(good, { via: 'tunnel', xff: '203.0.113.9' })).status).toBe(404);
  });

  it('fewer than 10 failures, or failures spread over more than a minute, do not block', async () => {
    await failTimes(9, { via: 'tunnel', xff: () => '203.0.113.50' });
    expect((await status(good, { via: 'tunnel', xff: '203.0.113.50' })).status).toBe(404);
    clock += 60_000;
    await failTimes(9, { via: 'tunnel', xff: () => '203.0.113.50' });
    expect((await status(good, { via: 'tunnel', xff: '203.0.113.50' })).status).toBe(404);
  });

  it('on the loopback port X-Forwarded-For is ignored: a local client cannot pick or rotate its bucket', async () => {
    await failTimes(10, { xff: (i) => `10.0.0.${i + 1}` });
    const r = await status(good, { xff: '192.0.2.77' });
    expect(r.status).toBe(429);
    expect(r.retryAfter).toBeDefined();
    // the tunnel's clients are not blocked by what a local program did
    expect((await status(good, { via: 'tunnel', xff: '198.51.100.21' })).status).toBe(404);
  });

  it('through the tunnel only the last hop counts: hops the client wrote itself do not escape the bucket', async () => {
    // ngrok appends the address it saw; everything before it came from the client
    await failTimes(10, { via: 'tunnel', xff: (i) => `10.9.9.${i}, 203.0.113.77` });
    expect((await status(good, { via: 'tunnel', xff: '192.0.2.1, 203.0.113.77' })).status).toBe(429);
    expect((await status(good, { via: 'tunnel', xff: '203.0.113.77' })).status).toBe(429);
  });

  it('tunnelled requests are not refused for their public Host; the loopback port still is', async () => {
    expect((await status(good, { via: 'tunnel', xff: '198.51.100.22' })).status).toBe(404);
    const foreign = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: api.port, path: '/api/payments/stripe/status/x', headers: { host: 'shop.ngrok.app', authorization: `Bearer ${good}` }, agent: false }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(foreign).toBe(421);
  });
});

describe('throttle bookkeeping', () => {
  it('keeps at most maxClients entries, dropping expired ones first', () => {
    let now = 0;
    const t = createAuthThrottle({ maxFailures: 2, windowMs: 1000, maxClients: 100 }, () => now);
    for (let i = 0; i < 1000; i++) t.failed(`c${i}`);
    expect(t.size()).toBe(100);
    t.failed('c999');
    expect(t.blockedFor('c999')).toBe(1000);
    now += 5000;
    t.failed('fresh');
    expect(t.size()).toBe(1);
    expect(t.blockedFor('c999')).toBe(0);
  });

  it('buckets IPv4 by address and IPv6 by /64, whatever the notation', () => {
    expect(bucketOf('203.0.113.9')).toBe('203.0.113.9');
    expect(bucketOf('::ffff:203.0.113.9')).toBe('203.0.113.9');
    expect(bucketOf('203.0.113.9:4431')).toBe('203.0.113.9');
    expect(bucketOf('2001:db8:1:2::1')).toBe('2001:db8:1:2::/64');
    expect(bucketOf('[2001:0db8:0001:0002:ffff::9]:443')).toBe('2001:db8:1:2::/64');
    expect(bucketOf('2001:db8::')).toBe('2001:db8:0:0::/64');
    expect(bucketOf('::1')).toBe('0:0:0:0::/64');
    expect(bucketOf('not an address')).toBeNull();
    expect(bucketOf('')).toBeNull();
  });
});
