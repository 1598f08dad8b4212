// bench:webhooks — which database pages one webhook event writes, by table and index: the WAL's frames after
// each of a few hundred events (one commit each, as at concurrency 1), named through SQLite's dbstat table.
// The pages an event writes are what its commit syncs and what a checkpoint copies later, so they set both
// the ingest's c1 latency and most of its write volume (bench:webhooks prints the KB written per event).
//   npx tsx test/bench/webhooks/pages.ts [warm-up events, default 20000] [measured events, default 300]
import { readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { createIngest } from '../../../electron/core/webhooks/ingest';
import { startWebhookListener } from '../../../electron/core/webhooks/listener';
import { getFixtureSecret, ingestDeps, openFixtureDb, tempDbFile } from '../../fixtures/webhook-helpers';
import { seedPool } from './check';
import { poolFor, signedEvent } from './payloads';

/** the page number of every frame in a WAL file */
function walPages(file: string): number[] {
  const buf = readFileSync(file);
  const pageSize = buf.readUInt32BE(8);
  const out: number[] = [];
  for (let off = 32; off + 24 + pageSize <= buf.length; off += 24 + pageSize) out.push(buf.readUInt32BE(off));
  return out;
}

async function main(): Promise<void> {
  const warmup = Number(process.argv[2] ?? 20_000);
  const measured = Number(process.argv[3] ?? 300);
  const file = tempDbFile('paydesk-pages-');
  const pool = poolFor(warmup + measured + 100_000);
  seedPool(file, pool);
  const db = openFixtureDb(file);
  const ingest = createIngest({ ...ingestDeps(db), getSecret: getFixtureSecret });
  const listener = await startWebhookListener({ port: 0, onDelivery: (d) => ingest.handle(d), onConnection: () => ingest.connectionArrived() });
  const ts = Math.floor(Date.now() / 1000);
  const send = async (seq: number): Promise<void> => {
    const e = signedEvent('pages', seq, pool, ts);
    const r = await fetch(`http://127.0.0.1:${listener.port}${e.path}`, { method: 'POST', headers: e.headers, body: e.body });
    if (r.status !== 200) throw new Error(`event ${seq}: HTTP ${r.status} ${await r.text()}`);
  };
  for (let i = 0; i < warmup; i++) await send(i);

  const reader = new Database(file, { readonly: true });
  const byPage = reader.prepare('SELECT name FROM dbstat WHERE pageno = ?').pluck();
  const counts = new Map<string, number>();
  for (let k = 0; k < measured; k++) {
    db.pragma('wal_checkpoint(TRUNCATE)');
    await send(warmup + k);
    for (const p of walPages(`${file}-wal`)) {
      const name = (byPage.get(p) as string | undefined) ?? '(a page new to the file)';
      counts.set(name, (counts.get(name) ?? 0) + 1);
    }
  }
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(`pages written per event: ${(total / measured).toFixed(2)} of ${db.pragma('page_size', { simple: true }) as number} bytes (${warmup} events before, ${measured} measured)`);
  for (const [name, n] of [...counts].sort((a, b) => b[1] - a[1])) console.log(`  ${(n / measured).toFixed(2)}  ${name}`);
  await listener.close();
  await ingest.close();
  reader.close();
  db.close();
  rmSync(dirname(file), { recursive: true, force: true });
}

void main();
