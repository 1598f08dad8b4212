// A burst of new connections, such as a gateway's retries after an outage, is committed in a few batches even
// when each commit blocks the event loop, as a commit on PostgreSQL does (store/pg-sync.ts). Node accepts one
// connection per loop turn, so without the group commit's hold each connection would wait for one commit
// per connection accepted before it.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { Db } from '../../../../electron/core/store/db';
import type { Transact } from '../../../../electron/core/store/transaction';
import { createIngest, type Ingest } from '../../../../electron/core/webhooks/ingest';
import { startWebhookListener, type WebhookListener } from '../../../../electron/core/webhooks/listener';
import { getFixtureSecret, ingestDeps, openFixtureDb, seedPayment, signStripe, stripePaidEvent, tempDbFile, type SignedRequest } from '../../../fixtures/webhook-helpers';

const CONNECTIONS = 16;
/** what each commit blocks the event loop for: a PostgreSQL batch's round trips, here made certain */
const COMMIT_BLOCKS_MS = 40;

let db: Db;
let ingest: Ingest;
let listener: WebhookListener;

function blockFor(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

beforeEach(async () => {
  db = openFixtureDb(tempDbFile());
  const store = ingestDeps(db);
  const slowCommit: Transact = (fn) =>
    store.transaction(() => {
      const result = fn();
      blockFor(COMMIT_BLOCKS_MS);
      return result;
    });
  ingest = createIngest({ ...store, transaction: slowCommit, getSecret: getFixtureSecret });
  listener = await startWebhookListener({ port: 0, onDelivery: (d) => ingest.handle(d), onConnection: () => ingest.connectionArrived() });
});

afterEach(async () => {
  await listener.close();
  await ingest.close();
  db.close();
});

/** one request on a connection of its own (no agent: no reuse), as a gateway's delivery may come */
function postOnNewConnection(r: SignedRequest): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: listener.port, method: 'POST', path: r.path, headers: r.headers, agent: false }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

describe('a burst of new connections', () => {
  it('is acknowledged in a few batches, not one batch per connection', async () => {
    const requests: SignedRequest[] = [];
    for (let i = 0; i < CONNECTIONS; i++) {
      seedPayment(db, `pd_burst${i}`, 'stripe');
      requests.push(signStripe(stripePaidEvent(`evt_burst${i}`, `pd_burst${i}`)));
    }
    const statuses = await Promise.all(requests.map(postOnNewConnection));
    expect(statuses).toEqual(requests.map(() => 200));
    const stats = ingest.stats();
    expect(stats.stored).toBe(CONNECTIONS);
    expect(stats.applied).toBe(CONNECTIONS);
    // one connection accepted per blocking commit would take about CONNECTIONS batches of one
    expect(stats.batches).toBeLessThanOrEqual(CONNECTIONS / 4);
    expect(stats.largestBatch).toBeGreaterThanOrEqual(4);
  });
});
