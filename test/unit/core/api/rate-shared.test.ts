// The merchant API's rate limits count in the store: two API servers on one store (two desks of a shop)
// share a client's failed authentications and a token's request budget, and a block outlives a restart.
// Real HTTP on 127.0.0.1, a real SQLite store; payments are stubbed (an authorized status check finds nothing: 404).
import Database from 'better-sqlite3';
import { request } from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import { migrate } from '../../../../electron/core/store/migrate';
import { apiRateRepo } from '../../../../electron/core/store/repos/api-rate';
import { sqliteSql } from '../../../../electron/core/store/sql';
import { startStubApi, type StubApi } from './stub-api';

let clock = 1_700_000_000_000;
const stubs: StubApi[] = [];
const dbs: Database.Database[] = [];
afterEach(async () => {
  await Promise.all(stubs.splice(0).map((s) => s.close()));
  for (const db of dbs.splice(0)) db.close();
});

function store(): ReturnType<typeof apiRateRepo> {
  const db = new Database(':memory:');
  dbs.push(db);
  migrate(db, { now: () => clock });
  return apiRateRepo(sqliteSql(db));
}

async function desk(rate: ReturnType<typeof apiRateRepo>, requestsPerMinute?: number): Promise<StubApi> {
  const s = await startStubApi({ now: () => clock, rate, ...(requestsPerMinute ? { requestsPerMinute } : {}) });
  stubs.push(s);
  return s;
}

/** GET a status on the API's loopback port with `token`; the status and Retry-After */
function status(s: StubApi, token: string): Promise<{ status: number; retryAfter?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: s.api.port, path: '/api/payments/stripe/status/pi_1', headers: { authorization: `Bearer ${token}` }, agent: false }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, retryAfter: res.headers['retry-after'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('merchant API rate limits in the store', () => {
  it("failures on one desk count on another, and the block holds after the first desk's API restarts", async () => {
    const rate = store();
    const a = await desk(rate);
    const b = await desk(rate);
    for (let i = 0; i < 5; i++) expect((await status(a, 'pdk_api_wrong')).status).toBe(401);
    for (let i = 0; i < 5; i++) expect((await status(b, 'pdk_api_wrong')).status).toBe(401);
    expect((await status(a, a.token)).status).toBe(429);
    await a.close();
    const again = await desk(rate);
    expect((await status(again, again.token)).status).toBe(429);
    clock += 61_000;
    expect((await status(again, again.token)).status).toBe(404);
  });

  it("a token over its budget gets 429 with Retry-After and the reason; the next minute it is served again", async () => {
    const s = await desk(store(), 3);
    for (let i = 0; i < 3; i++) expect((await status(s, s.token)).status).toBe(404);
    const over = await status(s, s.token);
    expect(over.status).toBe(429);
    expect(Number(over.retryAfter)).toBeGreaterThan(0);
    expect(JSON.parse(over.body)).toMatchObject({ error: { code: 'rate_limited', message: expect.stringMatching(/more than 3 requests in a minute/) } });
    clock += 60_000;
    expect((await status(s, s.token)).status).toBe(404);
  });
});
