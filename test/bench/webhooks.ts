// npm run bench:webhooks — the real listener + ingest under correctly signed, unique Stripe and Razorpay
// events at concurrency 1, 16 and 64, next to two baselines started in the same run:
//   bound     bare node:http that only verifies the HMAC (the upper bound)
//   tutorial  the tutorial shape: constructEvent + one better-sqlite3 INSERT per event (WAL, synchronous=FULL)
// Every server runs in its own child process (autocannon and the signing stay in this one), on a 2-core
// machine that is one core each. Prints events/s and p50/p99 per run, the ratios, checks that every 2xx of
// the real listener is a committed row, and ends with the one-line summary. Not part of npm test.
// Env: BENCH_DURATION (s per run, default 5), BENCH_CONCURRENCY (e.g. "1" or "1,16,64"), BENCH_PROF=<dir>
// (CPU-profile the Paydesk server into that directory).
import { spawn, type ChildProcess } from 'node:child_process';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import Database from 'better-sqlite3';
import Stripe from 'stripe';
import Razorpay from 'razorpay';
import { createIngest } from '../../electron/core/webhooks/ingest';
import { startWebhookListener } from '../../electron/core/webhooks/listener';
import {
  RAZORPAY_ACCOUNT,
  RAZORPAY_SECRET,
  STRIPE_ACCOUNT,
  STRIPE_SECRET,
  getFixtureSecret,
  openFixtureDb,
  seedPayment,
  tempDbFile,
} from '../fixtures/webhook-helpers';

type Kind = 'paydesk' | 'bound' | 'tutorial';
const PAYMENTS = 1000;
const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const CONCURRENCY: readonly number[] = process.env.BENCH_CONCURRENCY ? process.env.BENCH_CONCURRENCY.split(",").map(Number) : [1, 16, 64];

// ------------------------------------------------------------------------------------------------
// servers (child side)

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

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

async function serve(kind: Kind, dbFile: string): Promise<number> {
  if (kind === 'paydesk') {
    const db = openFixtureDb(dbFile);
    const ingest = createIngest({ db, getSecret: getFixtureSecret });
    ingest.applyPending();
    const l = await startWebhookListener({ port: 0, onDelivery: (d) => ingest.handle(d) });
    return l.port;
  }
  if (kind === 'bound') {
    const server = createServer(async (req, res) => {
      const body = await readBody(req);
      const isStripe = req.url!.startsWith('/webhooks/stripe/');
      const ok = isStripe
        ? verifyStripeHmac(body, String(req.headers['stripe-signature'] ?? ''), STRIPE_SECRET)
        : (() => {
            const sig = Buffer.from(String(req.headers['x-razorpay-signature'] ?? ''));
            const exp = Buffer.from(createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex'));
            return sig.length === exp.length && timingSafeEqual(sig, exp);
          })();
      res.writeHead(ok ? 200 : 400, { 'content-type': 'application/json' });
      res.end(ok ? '{"received":true}' : '{"error":"bad signature"}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    return (server.address() as { port: number }).port;
  }
  // tutorial: what most blog posts show, with WAL and synchronous=FULL
  const db = new Database(dbFile);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec('CREATE TABLE IF NOT EXISTS events (id TEXT PRIMARY KEY, type TEXT, payload TEXT, received_at INTEGER)');
  const insert = db.prepare('INSERT OR IGNORE INTO events (id, type, payload, received_at) VALUES (?, ?, ?, ?)');
  const stripe = new Stripe('sk_test_bench_no_network');
  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    try {
      let id: string;
      let type: string;
      if (req.url!.startsWith('/webhooks/stripe/')) {
        const event = stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), STRIPE_SECRET);
        id = event.id;
        type = event.type;
      } else {
        if (!Razorpay.validateWebhookSignature(body.toString(), String(req.headers['x-razorpay-signature']), RAZORPAY_SECRET)) throw new Error('bad signature');
        const event = JSON.parse(body.toString()) as { event: string };
        id = String(req.headers['x-razorpay-event-id']);
        type = event.event;
      }
      insert.run(id, type, body.toString(), Date.now());
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"received":true}');
    } catch {
      res.writeHead(400);
      res.end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

// ------------------------------------------------------------------------------------------------
// load (parent side)

let seq = 0;
const runTag = Date.now().toString(36);

interface Req {
  path: string;
  headers: Record<string, string>;
  body: string;
  id: string;
}

function nextRequest(): Req {
  const n = seq++;
  const p = n % PAYMENTS;
  const ts = Math.floor(Date.now() / 1000);
  if (n % 2 === 0) {
    const id = `evt_${runTag}_${n}`;
    const pd = `pd_s${p}`;
    const body = `{"id":"${id}","object":"event","api_version":"2025-09-30.clover","created":${ts},"data":{"object":{"id":"cs_test_${pd}","object":"checkout.session","amount_total":50000,"currency":"usd","client_reference_id":"${pd}","metadata":{"paydesk_id":"${pd}"},"mode":"payment","payment_intent":"pi_${pd}","payment_link":null,"payment_status":"paid","status":"complete"}},"livemode":false,"pending_webhooks":1,"request":{"id":null,"idempotency_key":null},"type":"checkout.session.completed"}`;
    const sig = createHmac('sha256', STRIPE_SECRET).update(`${ts}.${body}`).digest('hex');
    return { path: `/webhooks/stripe/${STRIPE_ACCOUNT}`, headers: { 'content-type': 'application/json', 'stripe-signature': `t=${ts},v1=${sig}` }, body, id };
  }
  const id = `rzevt_${runTag}_${n}`;
  // bench_seq keeps every body unique: the same signed body under another event id is a duplicate (a replay)
  const pd = `pd_r${p}`;
  const body = `{"entity":"event","account_id":"acc_BenchRzp","event":"payment.captured","contains":["payment"],"payload":{"payment":{"entity":{"id":"pay_${pd}","entity":"payment","amount":50000,"currency":"INR","status":"captured","order_id":"order_${pd}","method":"upi","captured":true,"notes":{"paydesk_id":"${pd}","bench_seq":"${n}"},"fee":1180,"tax":180,"created_at":${ts}}}},"created_at":${ts}}`;
  const sig = createHmac('sha256', RAZORPAY_SECRET).update(body).digest('hex');
  return { path: `/webhooks/razorpay/${RAZORPAY_ACCOUNT}`, headers: { 'content-type': 'application/json', 'x-razorpay-signature': sig, 'x-razorpay-event-id': id }, body, id };
}

interface RunResult {
  kind: Kind;
  c: number;
  rps: number;
  p50: number;
  p99: number;
  ok: number;
  non2xx: number;
  errors: number;
  acked: string[];
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

async function load(kind: Kind, port: number, c: number, duration: number, track: boolean): Promise<RunResult> {
  const acked: string[] = [];
  const latencies: number[] = [];
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: c,
    duration,
    requests: [
      {
        method: 'POST',
        setupRequest: (req: Record<string, unknown>, context: Record<string, unknown>) => {
          const r = nextRequest();
          context.id = r.id;
          return { ...req, method: 'POST', path: r.path, headers: r.headers, body: r.body };
        },
        onResponse: (status: number, _body: string, context: Record<string, unknown>) => {
          if (track && status >= 200 && status < 300) acked.push(String(context.id));
        },
      },
    ],
  });
  instance.on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => latencies.push(responseTime));
  const res = await instance;
  latencies.sort((a, b) => a - b);
  return {
    kind,
    c,
    rps: res.requests.total / (res.duration || duration),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    ok: res['2xx'],
    non2xx: res.non2xx,
    errors: res.errors + res.timeouts,
    acked,
  };
}

function startChild(kind: Kind, dbFile: string): Promise<{ child: ChildProcess; port: number }> {
  const self = fileURLToPath(import.meta.url);
  const prof = process.env.BENCH_PROF && kind === 'paydesk' ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROF}`] : [];
  const child = spawn(process.execPath, [...prof, '--import', 'tsx', self, `--serve=${kind}`, `--db=${dbFile}`], { stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once('exit', (code) => reject(new Error(`${kind} server exited (${code}) before it was ready`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const gone = new Promise<void>((r) => child.once('exit', () => r()));
  child.kill('SIGTERM');
  await gone;
}

const fmt = (n: number, d = 0): string => (Number.isFinite(n) ? n.toFixed(d) : 'n/a');

async function main(): Promise<void> {
  const dbFiles: Record<Kind, string> = { paydesk: tempDbFile('paydesk-bench-'), bound: '', tutorial: tempDbFile('paydesk-bench-tut-') };
  // the payments the events refer to
  const seedDb = openFixtureDb(dbFiles.paydesk);
  seedDb.transaction(() => {
    for (let i = 0; i < PAYMENTS; i++) {
      seedPayment(seedDb, `pd_s${i}`, 'stripe');
      seedPayment(seedDb, `pd_r${i}`, 'razorpay');
    }
  })();
  seedDb.close();

  console.log(`webhook bench: ${DURATION_S} s per run, concurrency ${CONCURRENCY.join('/')}, events alternate Stripe checkout.session.completed / Razorpay payment.captured`);
  const results: RunResult[] = [];
  for (const kind of ['bound', 'tutorial', 'paydesk'] as Kind[]) {
    const { child, port } = await startChild(kind, dbFiles[kind]);
    try {
      await load(kind, port, 8, 1, false); // warm-up
      for (const c of CONCURRENCY) results.push(await load(kind, port, c, DURATION_S, kind === 'paydesk'));
    } finally {
      await stopChild(child);
    }
  }

  // every 2xx of the real listener is a committed row
  const db = new Database(dbFiles.paydesk, { readonly: true });
  const stored = new Set((db.prepare('SELECT event_id FROM webhook_events').all() as { event_id: string }[]).map((r) => r.event_id));
  const unapplied = (db.prepare('SELECT count(*) AS n FROM webhook_events WHERE applied_at IS NULL').get() as { n: number }).n;
  db.close();
  let acked = 0;
  let lost = 0;
  for (const r of results.filter((x) => x.kind === 'paydesk')) {
    for (const id of r.acked) {
      acked++;
      if (!stored.has(id)) lost++;
    }
  }

  const get = (kind: Kind, c: number): RunResult => results.find((r) => r.kind === kind && r.c === c)!;
  console.log('');
  console.log('server     conc   events/s    p50 ms   p99 ms    2xx      non-2xx  errors');
  for (const r of results) {
    console.log(`${r.kind.padEnd(10)} ${String(r.c).padStart(4)} ${fmt(r.rps).padStart(10)} ${fmt(r.p50, 2).padStart(9)} ${fmt(r.p99, 2).padStart(8)} ${String(r.ok).padStart(8)} ${String(r.non2xx).padStart(8)} ${String(r.errors).padStart(7)}`);
  }
  console.log('');
  for (const c of CONCURRENCY) {
    const p = get('paydesk', c);
    console.log(`c${c}: paydesk = ${fmt(p.rps / get('bound', c).rps, 2)}x bound, ${fmt(p.rps / get('tutorial', c).rps, 2)}x tutorial baseline`);
  }
  console.log(`acknowledged ${acked} events; committed rows found for ${acked - lost}; lost ${lost}; left unapplied at stop ${unapplied} (applied on next start)`);
  // what the targets can mean on this machine: with cheap fsync the tutorial runs close to the bound, and
  // no server can beat the bound, so "4x the tutorial" needs bound/tutorial > 4 (the issue measured ~10x)
  for (const c of CONCURRENCY) console.log(`c${c}: ceiling for any server = bound/tutorial = ${fmt(get('bound', c).rps / get('tutorial', c).rps, 2)}x tutorial`);
  if (!CONCURRENCY.includes(1) || !CONCURRENCY.includes(64)) {
    console.log(`webhooks: lost ${lost} (the summary line needs concurrency 1 and 64)`);
    return;
  }
  const p64 = get('paydesk', 64);
  const p1 = get('paydesk', 1);
  console.log(`webhooks: c64 ${fmt(p64.rps)}/s = ${fmt(p64.rps / get('bound', 64).rps, 2)}x bound, ${fmt(p64.rps / get('tutorial', 64).rps, 2)}x baseline; c1 p99 ${fmt(p1.p99, 2)} ms; lost ${lost}`);
}

const serveArg = process.argv.find((a) => a.startsWith('--serve='));
if (serveArg) {
  const kind = serveArg.slice('--serve='.length) as Kind;
  const dbFile = process.argv.find((a) => a.startsWith('--db='))?.slice(5) ?? '';
  serve(kind, dbFile).then(
    (port) => {
      process.stdout.write(`READY ${port}\n`);
      process.on('SIGTERM', () => process.exit(0));
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  main().then(
    () => process.exit(0),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
