// bench:webhooks — the four servers, each run as its own child process (pinned to its core by the parent):
//   node --import tsx test/bench/webhooks/servers.ts --serve=<kind> --db=<file or postgres:// URL>
// (a postgres:// URL: the same server on PostgreSQL, pg-servers.ts) prints `READY <port>` and serves until SIGTERM. The Paydesk server also answers {type:'acks'} over IPC
// with the sequence numbers and times of the 2xx it sent since the last ask (for the applied check).
//
//   bound        bare node:http that only verifies the HMAC (node:crypto); no storage: the upper bound
//   groupcommit  the honest minimum for durable ingest: verify with the gateways' SDK functions (as
//                Paydesk must), insert the raw event (UNIQUE event id), one fsync'd commit per event-loop
//                turn (WAL, synchronous=FULL), 2xx after the commit. No apply, no body hash, no metrics.
//   paydesk      the real startWebhookListener + createIngest over a migrated database, its WAL checkpointed
//                on a worker thread as the app's is (store/checkpointer.ts)
//   tutorial     what most blog posts show: node:http + constructEvent + one INSERT per event (its own
//                fsync'd commit), WAL, synchronous=FULL
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type ServerResponse } from 'node:http';
import Database from 'better-sqlite3';
import { startCheckpointer } from '../../../electron/core/store/checkpointer';
import { createIngest } from '../../../electron/core/webhooks/ingest';
import { RAZORPAY_SECRET, STRIPE_SECRET, getFixtureSecret, ingestDeps, openFixtureDb } from '../../fixtures/webhook-helpers';
import { ACK, answer, listen, readBody, serveIngest, verifyWithSdk } from './http';
import type { Kind } from './payloads';
import { servePg } from './pg-servers';

function verifyStripeHmac(body: Buffer, header: string, secret: string): boolean {
  let t = '';
  const v1: string[] = [];
  for (const part of header.split(',')) {
    const i = part.indexOf('=');
    const k = part.slice(0, i);
    if (k === 't') t = part.slice(i + 1);
    else if (k === 'v1') v1.push(part.slice(i + 1));
  }
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.`).update(body).digest('hex'));
  return v1.some((s) => s.length === expected.length && timingSafeEqual(Buffer.from(s), expected));
}

function bound(): Promise<number> {
  const server = createServer((req, res) => {
    readBody(req).then((body) => {
      const ok = req.url!.startsWith('/webhooks/stripe/')
        ? verifyStripeHmac(body, String(req.headers['stripe-signature'] ?? ''), STRIPE_SECRET)
        : (() => {
            const sig = Buffer.from(String(req.headers['x-razorpay-signature'] ?? ''));
            const exp = Buffer.from(createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex'));
            return sig.length === exp.length && timingSafeEqual(sig, exp);
          })();
      answer(res, ok ? 200 : 400, ok ? ACK : '{"error":"bad signature"}');
    }, () => res.destroy());
  });
  return listen(server);
}

function openPlainDb(file: string): Database.Database {
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  return db;
}

function groupCommit(dbFile: string): Promise<number> {
  const db = openPlainDb(dbFile);
  db.exec(`CREATE TABLE IF NOT EXISTS events (id INTEGER PRIMARY KEY, gateway TEXT NOT NULL, event_id TEXT NOT NULL, type TEXT NOT NULL,
    raw BLOB NOT NULL, received_at INTEGER NOT NULL, UNIQUE (gateway, event_id))`);
  const insert = db.prepare('INSERT INTO events (gateway, event_id, type, raw, received_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING');
  interface Item { gateway: string; id: string; type: string; body: Buffer; at: number; res: ServerResponse }
  let pending: Item[] = [];
  let scheduled = false;
  const commit = db.transaction((batch: Item[]) => {
    for (const p of batch) insert.run(p.gateway, p.id, p.type, p.body, p.at);
  });
  function flush(): void {
    scheduled = false;
    const batch = pending;
    pending = [];
    try {
      commit.immediate(batch);
    } catch {
      for (const p of batch) answer(p.res, 500, '{"error":"storage_failed"}');
      return;
    }
    for (const p of batch) answer(p.res, 200, ACK);
  }
  const server = createServer((req, res) => {
    readBody(req).then((body) => {
      const v = verifyWithSdk(req, body);
      if (!v) return answer(res, 400, '{"error":"bad signature"}');
      pending.push({ gateway: v.gateway, id: v.id, type: v.type, body, at: Date.now(), res });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    }, () => res.destroy());
  });
  return listen(server);
}

function tutorial(dbFile: string): Promise<number> {
  const db = openPlainDb(dbFile);
  db.exec('CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT, payload TEXT, received_at INTEGER)');
  const insert = db.prepare('INSERT OR IGNORE INTO events (id, type, payload, received_at) VALUES (?, ?, ?, ?)');
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const v = verifyWithSdk(req, body);
    if (!v) return answer(res, 400, '{"error":"bad signature"}');
    insert.run(v.id, v.type, body.toString(), Date.now());
    answer(res, 200, ACK);
  });
  return listen(server);
}

async function paydesk(dbFile: string): Promise<number> {
  const db = openFixtureDb(dbFile);
  // as the app does (core/index.ts): the WAL is checkpointed on a thread of its own
  startCheckpointer(db);
  return serveIngest(createIngest({ ...ingestDeps(db), getSecret: getFixtureSecret }));
}

function serve(kind: Kind, dbFile: string): Promise<number> {
  if (kind === 'bound') return bound();
  if (dbFile.startsWith('postgres://')) return servePg(kind, dbFile);
  if (kind === 'groupcommit') return groupCommit(dbFile);
  if (kind === 'tutorial') return tutorial(dbFile);
  return paydesk(dbFile);
}

const kind = process.argv.find((a) => a.startsWith('--serve='))?.slice('--serve='.length) as Kind | undefined;
if (kind) {
  const dbFile = process.argv.find((a) => a.startsWith('--db='))?.slice(5) ?? '';
  serve(kind, dbFile).then(
    (port) => {
      process.stdout.write(`READY ${port}\n`);
      process.on('SIGTERM', () => process.exit(0));
      process.on('disconnect', () => process.exit(0));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
