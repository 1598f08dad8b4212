// bench:webhooks — the storage servers on PostgreSQL, each over its own database of the bench's cluster and
// doing what its SQLite twin in servers.ts does, so each ratio means the same on both engines:
//   groupcommit  verify (SDK), then one INSERT … SELECT FROM unnest(…) ON CONFLICT DO NOTHING of the events
//                of one event-loop turn, in autocommit: one durable commit per turn (synchronous_commit on,
//                the server's default) on one connection with the async pg client; events arriving while a
//                commit is in flight form the next one; 2xx after the commit. No apply, no body hash.
//   paydesk      the real listener + ingest over openPgStore: the synchronous client core uses
//   tutorial     node:http + constructEvent + one INSERT per event (its own durable commit) through a
//                pg.Pool with node-postgres' default of 10 connections, as PostgreSQL tutorials show
import { createServer, type ServerResponse } from 'node:http';
import pg from 'pg';
import { ADAPTERS } from '../../../electron/core/gateways';
import { openPgStore } from '../../../electron/core/store/pg/store';
import { createIngest } from '../../../electron/core/webhooks/ingest';
import { getFixtureSecret } from '../../fixtures/webhook-helpers';
import { ACK, answer, listen, readBody, serveIngest, verifyWithSdk } from './http';
import type { Kind } from './payloads';

async function groupCommitPg(url: string): Promise<number> {
  const c = new pg.Client({ connectionString: url, application_name: 'bench-groupcommit' });
  await c.connect();
  await c.query(`CREATE TABLE IF NOT EXISTS events (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, gateway text NOT NULL,
    event_id text NOT NULL, type text NOT NULL, raw bytea NOT NULL, received_at bigint NOT NULL, UNIQUE (gateway, event_id))`);
  interface Item { gateway: string; id: string; type: string; body: Buffer; at: number; res: ServerResponse }
  let pending: Item[] = [];
  let scheduled = false;
  let inFlight = false;
  const schedule = (): void => {
    if (scheduled || inFlight || pending.length === 0) return;
    scheduled = true;
    setImmediate(() => void flush());
  };
  async function flush(): Promise<void> {
    scheduled = false;
    inFlight = true;
    const batch = pending;
    pending = [];
    try {
      await c.query(
        `INSERT INTO events (gateway, event_id, type, raw, received_at)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bytea[], $5::bigint[]) ON CONFLICT DO NOTHING`,
        [batch.map((p) => p.gateway), batch.map((p) => p.id), batch.map((p) => p.type), batch.map((p) => p.body), batch.map((p) => p.at)],
      );
      for (const p of batch) answer(p.res, 200, ACK);
    } catch {
      for (const p of batch) answer(p.res, 500, '{"error":"storage_failed"}');
    } finally {
      inFlight = false;
      schedule();
    }
  }
  const server = createServer((req, res) => {
    readBody(req).then((body) => {
      const v = verifyWithSdk(req, body);
      if (!v) return answer(res, 400, '{"error":"bad signature"}');
      pending.push({ gateway: v.gateway, id: v.id, type: v.type, body, at: Date.now(), res });
      schedule();
    }, () => res.destroy());
  });
  return listen(server);
}

async function tutorialPg(url: string): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, application_name: 'bench-tutorial' });
  await pool.query('CREATE TABLE IF NOT EXISTS events (id text PRIMARY KEY, type text, payload text, received_at bigint)');
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const v = verifyWithSdk(req, body);
    if (!v) return answer(res, 400, '{"error":"bad signature"}');
    try {
      await pool.query('INSERT INTO events (id, type, payload, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING', [v.id, v.type, body.toString(), Date.now()]);
    } catch {
      return answer(res, 500, '{"error":"storage_failed"}');
    }
    answer(res, 200, ACK);
  });
  return listen(server);
}

/** The migrated database with the fixture accounts and pool is the parent's work (pg-check.ts). */
function paydeskPg(url: string): Promise<number> {
  const store = openPgStore(url, Date.now, () => undefined, 'bench-paydesk');
  const { webhookEvents, payments, orders } = store.repos;
  return serveIngest(createIngest({
    events: webhookEvents, payments, orders, transaction: store.transaction, durability: store.durability(),
    webhooks: (g) => ADAPTERS[g].webhooks, getSecret: getFixtureSecret,
  }));
}

export function servePg(kind: Exclude<Kind, 'bound'>, url: string): Promise<number> {
  if (kind === 'groupcommit') return groupCommitPg(url);
  if (kind === 'tutorial') return tutorialPg(url);
  return paydeskPg(url);
}
