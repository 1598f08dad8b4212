// npm run bench:webhooks — webhook ingest throughput and latency, Paydesk against three servers in the same run.
//
// Four servers, each its own Node process pinned to core 1 (test/bench/webhooks/servers.ts):
//   bound        bare HMAC verify, no storage (the upper bound for any server)
//   groupcommit  verify (SDK) + insert, one fsync'd commit per event-loop turn, WAL, synchronous=FULL:
//                the honest minimum for durable ingest
//   paydesk      the real listener + ingest (verify, store, apply to the payment, ack)
//   tutorial     node:http + constructEvent + one INSERT (its own fsync'd commit) per event, WAL, synchronous=FULL
// The load generator runs in its own process pinned to core 0: wrk where installed (`apt-get install wrk`;
// the bench installs nothing), autocannon otherwise. Before each run the requests are signed and written to
// tmpfs (payloads.ts); the generator only replays them. Runs are interleaved: every round runs each
// concurrency on every server, the server order rotated by one each round; the tables give the median and
// the spread (min-max) over the rounds. Events/s count 2xx answers only. After each Paydesk run every event
// the server acknowledged is checked in its database: stored, applied to the payment it names (result on
// its row, payment status at least what the event says); the apply lag is applied_at minus the ack time.
// Ends with one summary line. Never part of npm test.
//
// Env:
//   BENCH_DURATION     seconds per run (default 5)
//   BENCH_ROUNDS       interleaved rounds (default 5)
//   BENCH_CONCURRENCY  connections, comma-separated (default 1,16,64)
//   BENCH_PROF         a directory: CPU-profile the Paydesk server (node --cpu-prof) and print where the time went
//   BENCH_SERVERS      a subset, comma-separated (default bound,groupcommit,paydesk,tutorial)
//   BENCH_LOADGEN      autocannon: use the fallback generator even when wrk is installed
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tempDbFile } from '../fixtures/webhook-helpers';
import { checkApplied, checkpoint, resetPool, seedPool, type AppliedCheck } from './webhooks/check';
import { pickGenerator, pinning, runLoad, writeLuaScript, type LoadResult } from './webhooks/load';
import { KINDS, LABEL, poolFor, writeRequestFile, type Kind } from './webhooks/payloads';
import { summarise } from './webhooks/profile';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const CONCURRENCY: number[] = (process.env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number);
const PROF = process.env.BENCH_PROF ? resolve(process.env.BENCH_PROF) : null;
const SERVERS: Kind[] = process.env.BENCH_SERVERS ? (process.env.BENCH_SERVERS.split(',') as Kind[]).filter((k) => KINDS.includes(k)) : [...KINDS];
const STORAGE: readonly Kind[] = ['groupcommit', 'paydesk', 'tutorial'];

// Requests signed per run. A storage server must never run out (it would replay duplicates, which are
// cheaper), and none outruns the bound, so each run is signed for the fastest rate seen so far on any
// server, at least STORAGE_MIN_RATE, x duration x 1.3. The bound stores nothing and may wrap.
const STORAGE_MIN_RATE = 30_000;
const BOUND_MAX_REQUESTS = 60_000;

interface Run extends LoadResult {
  kind: Kind;
  c: number;
  round: number;
  rps: number;
  check?: AppliedCheck;
}

interface Server {
  kind: Kind;
  child: ChildProcess;
  port: number;
  db: string;
}

const fmt = (n: number, d = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : 'n/a');
const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

function spread(xs: number[], d: number): string {
  const s = xs.filter(Number.isFinite);
  if (s.length === 0) return 'n/a';
  return `${fmt(median(s), d)} [${fmt(Math.min(...s), d)}-${fmt(Math.max(...s), d)}]`;
}

function startServer(kind: Kind, db: string, serverPin: string[]): Promise<Server> {
  const script = fileURLToPath(new URL('./webhooks/servers.ts', import.meta.url));
  const prof = PROF && kind === 'paydesk' ? ['--cpu-prof', `--cpu-prof-dir=${PROF}`] : [];
  const cmd = [...serverPin, process.execPath, ...prof, '--import', 'tsx', script, `--serve=${kind}`, `--db=${db}`];
  const child = spawn(cmd[0] as string, cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
  return new Promise((res, rej) => {
    let out = '';
    const onExit = (code: number | null): void => rej(new Error(`${kind} server exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        child.off('exit', onExit);
        res({ kind, child, port: Number(m[1]), db });
      }
    });
  });
}

async function stopServer(s: Server): Promise<void> {
  if (s.child.exitCode !== null) return;
  const gone = new Promise<void>((r) => s.child.once('exit', () => r()));
  s.child.kill('SIGTERM');
  await gone;
}

/** the 2xx the Paydesk server sent since the last ask, once its ingest is idle */
function acksOf(s: Server): Promise<{ seq: number[]; at: number[] }> {
  return new Promise((res) => {
    const on = (m: { type?: string; seq: number[]; at: number[] }): void => {
      if (m?.type !== 'acks') return;
      s.child.off('message', on);
      res(m);
    };
    s.child.on('message', on);
    s.child.send({ type: 'acks' });
  });
}

async function main(): Promise<void> {
  const generator = pickGenerator();
  const pin = pinning();
  const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'paydesk-bench-wh-'));
  const lua = writeLuaScript(work);
  const pool = poolFor(Math.ceil(STORAGE_MIN_RATE * DURATION_S * 1.3) + 2000);
  const dbs: Record<Kind, string> = { bound: '', groupcommit: tempDbFile('paydesk-bench-gc-'), paydesk: tempDbFile('paydesk-bench-pd-'), tutorial: tempDbFile('paydesk-bench-tut-') };

  console.log(`webhook bench (store sqlite): ${ROUNDS} rounds x ${DURATION_S} s per run, concurrency ${CONCURRENCY.join('/')}, servers ${SERVERS.join(', ')}`);
  console.log(`load generator: ${generator === 'wrk' ? 'wrk -t1 (pre-signed requests replayed by a Lua script)' : 'autocannon in its own process (pre-signed requests)'}; ${pin.note}`);
  if (generator === 'autocannon' && !process.env.BENCH_LOADGEN) console.log('wrk not found: autocannon is JavaScript and may cap the fast servers. For better figures: apt-get install wrk');
  console.log(`load average at start: ${load()}`);
  if (SERVERS.includes('paydesk')) {
    const t = Date.now();
    seedPool(dbs.paydesk, pool);
    console.log(`seeded ${fmt(pool * 2)} payments (Stripe and Razorpay) in ${((Date.now() - t) / 1000).toFixed(1)} s; each run: checkout/intent/charge and authorized/captured/order.paid per payment`);
  }

  const servers = new Map<Kind, Server>();
  for (const k of SERVERS) servers.set(k, await startServer(k, dbs[k], pin.server));
  let fastest = STORAGE_MIN_RATE; // events/s, the most any server sent in a run
  const runs: Run[] = [];

  async function runOne(kind: Kind, c: number, round: number, durationS: number, record: boolean): Promise<Run> {
    const s = servers.get(kind)!;
    let count = Math.ceil(fastest * durationS * 1.3) + 2000;
    if (kind === 'bound') count = Math.min(count, BOUND_MAX_REQUESTS);
    const runTag = `r${round}${kind.slice(0, 2)}${c}x${Date.now().toString(36)}`;
    const file = writeRequestFile(join(work, kind), s.port, runTag, count, pool);
    if (STORAGE.includes(kind)) checkpoint(s.db);
    const r = await runLoad({ generator, pin, lua, port: s.port, connections: c, durationS, base: file.base });
    rmSync(`${file.base}.http`, { force: true });
    const run: Run = { ...r, kind, c, round, rps: r.acked / (r.seconds || durationS) };
    fastest = Math.max(fastest, r.sent / (r.seconds || durationS));
    if (kind === 'paydesk') {
      const acks = await acksOf(s);
      run.check = checkApplied(s.db, runTag, pool, acks.seq, acks.at);
      resetPool(s.db);
    }
    if (record) {
      runs.push(run);
      const ck = run.check;
      console.log(
        `round ${round + 1}/${ROUNDS} c${String(c).padEnd(2)} ${kind.padEnd(11)} ${fmt(run.rps).padStart(7)} events/s  p50 ${fmt(r.p50Ms, 2).padStart(6)} ms  p99 ${fmt(r.p99Ms, 2).padStart(7)} ms  2xx ${r.acked}` +
          `${r.non2xx ? `  non-2xx ${r.non2xx}` : ''}${r.errors ? `  errors ${r.errors}` : ''}${r.wraps && kind !== 'bound' ? `  WRAPPED ${r.wraps}x (duplicates)` : ''}` +
          `${ck ? `  [acked ${ck.acked}, lost ${ck.lost + ck.unapplied}${ck.wrongPayment + ck.stateBehind ? `, MISAPPLIED ${ck.wrongPayment + ck.stateBehind}` : ''}]` : ''}  (load ${loadavg()[0]!.toFixed(2)})`,
      );
    }
    return run;
  }

  try {
    // warm-up (JIT, page cache): not recorded
    for (const k of SERVERS) await runOne(k, 16, -1, 2, false);
    for (let round = 0; round < ROUNDS; round++) {
      const order = SERVERS.map((_, i) => SERVERS[(i + round) % SERVERS.length] as Kind);
      for (const c of CONCURRENCY) for (const k of order) await runOne(k, c, round, DURATION_S, true);
    }
  } finally {
    for (const s of servers.values()) await stopServer(s);
    rmSync(work, { recursive: true, force: true });
  }
  const loadEnd = load();
  report(runs);
  console.log(`load average at end: ${loadEnd}`);
  if (PROF) {
    // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the server's main thread (tsx's loader is another)
    const files = readdirSync(PROF).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).map((f) => join(PROF, f));
    const newest = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
    if (newest) for (const l of summarise(newest).lines) console.log(l);
  }
  for (const f of Object.values(dbs)) if (f) rmSync(dirname(f), { recursive: true, force: true });
}

function report(runs: Run[]): void {
  const of = (k: Kind, c: number): Run[] => runs.filter((r) => r.kind === k && r.c === c);
  const med = (k: Kind, c: number, f: (r: Run) => number): number => median(of(k, c).map(f));
  console.log('');
  console.log(`${'server'.padEnd(31)} conc  ${'events/s median [min-max]'.padEnd(28)} ${'p50 ms median [min-max]'.padEnd(26)} ${'p99 ms median [min-max]'.padEnd(26)} non-2xx errors`);
  for (const c of CONCURRENCY) {
    for (const k of SERVERS) {
      const rs = of(k, c);
      if (rs.length === 0) continue;
      const non2xx = rs.reduce((a, r) => a + r.non2xx, 0);
      const errors = rs.reduce((a, r) => a + r.errors, 0);
      console.log(
        `${LABEL[k].padEnd(31)} ${String(c).padStart(4)}  ${spread(rs.map((r) => r.rps), 0).padEnd(28)} ${spread(rs.map((r) => r.p50Ms), 2).padEnd(26)} ${spread(rs.map((r) => r.p99Ms), 2).padEnd(26)} ${String(non2xx).padStart(7)} ${String(errors).padStart(6)}`,
      );
    }
  }
  const wrapped = runs.filter((r) => r.wraps > 0 && r.kind !== 'bound');
  if (wrapped.length) console.log(`WARNING: ${wrapped.length} run(s) of a storage server ran out of pre-signed requests and replayed some (duplicates): ${wrapped.map((r) => `${r.kind} c${r.c}`).join(', ')}`);

  if (SERVERS.includes('paydesk')) {
    console.log('');
    for (const c of CONCURRENCY) {
      const p = med('paydesk', c, (r) => r.rps);
      const parts: string[] = [];
      for (const k of ['groupcommit', 'bound', 'tutorial'] as Kind[]) {
        if (!SERVERS.includes(k)) continue;
        // the same ratio per round too (neighbouring runs): its spread says how much the machine moved
        const perRound = of('paydesk', c).map((r) => r.rps / (of(k, c).find((x) => x.round === r.round)?.rps ?? NaN));
        parts.push(`${fmt(p / med(k, c, (r) => r.rps), 2)}x ${k === 'groupcommit' ? 'group-commit minimum' : k} (per round ${spread(perRound, 2)})`);
      }
      console.log(`c${c}: paydesk = ${parts.join(', ')}`);
    }
    const checks = runs.map((r) => r.check).filter((x): x is AppliedCheck => !!x);
    const sum = (f: (x: AppliedCheck) => number): number => checks.reduce((a, x) => a + f(x), 0);
    const clientAcked = runs.filter((r) => r.kind === 'paydesk').reduce((a, r) => a + r.acked, 0);
    const results: Record<string, number> = {};
    for (const x of checks) for (const [k, v] of Object.entries(x.results)) results[k] = (results[k] ?? 0) + v;
    const lags = checks.flatMap((x) => x.lags);
    const before = lags.filter((l) => l <= 0).length;
    console.log(
      `applied check: the Paydesk server acknowledged ${fmt(sum((x) => x.acked))} events (the load generator counted ${fmt(clientAcked)} 2xx); ` +
        `stored and applied ${fmt(sum((x) => x.acked - x.lost - x.unapplied))}; lost ${sum((x) => x.lost)}; stored but unapplied ${sum((x) => x.unapplied)}; ` +
        `applied to the wrong payment ${sum((x) => x.wrongPayment)}; payments behind their acknowledged events ${sum((x) => x.stateBehind)}`,
    );
    console.log(`apply results: ${Object.entries(results).map(([k, v]) => `${k} ${fmt(v)}`).join(', ')}`);
    console.log(
      `apply lag (applied_at - ack): p50 ${fmt(percentile(lags, 50), 2)} ms, p99 ${fmt(percentile(lags, 99), 2)} ms, max ${fmt(percentile(lags, 100), 2)} ms; ` +
        `${fmt(before)} of ${fmt(lags.length)} applied before their 2xx was sent` +
        (before === lags.length && lags.length > 0 ? ' (all: each event is applied inside the commit that acknowledges it, so nothing acknowledged waits to be applied)' : ''),
    );
  }

  const need = (['groupcommit', 'bound', 'tutorial', 'paydesk'] as Kind[]).every((k) => SERVERS.includes(k)) && CONCURRENCY.includes(1) && CONCURRENCY.includes(64);
  const checks = runs.map((r) => r.check).filter((x): x is AppliedCheck => !!x);
  const lost = checks.reduce((a, x) => a + x.lost + x.unapplied, 0);
  if (!need) {
    console.log(`webhooks (sqlite): lost ${lost} (the summary line needs all four servers and concurrency 1 and 64)`);
    return;
  }
  const rps = (k: Kind): number => med(k, 64, (r) => r.rps);
  const p64 = rps('paydesk');
  const c1p99 = med('paydesk', 1, (r) => r.p99Ms);
  const tut1p99 = med('tutorial', 1, (r) => r.p99Ms);
  const gc = p64 / rps('groupcommit');
  const tut = p64 / rps('tutorial');
  const misapplied = checks.reduce((a, x) => a + x.wrongPayment + x.stateBehind, 0);
  console.log(
    `targets: c64 >= 0.9x group-commit minimum: ${gc >= 0.9 ? 'met' : 'NOT met'} (${fmt(gc, 2)}x); >= 3.5x tutorial: ${tut >= 3.5 ? 'met' : 'NOT met'} (${fmt(tut, 2)}x); ` +
      `0 acknowledged events lost: ${lost === 0 && misapplied === 0 ? 'met' : 'NOT met'}; c1 p99 <= tutorial's (${fmt(tut1p99, 2)} ms): ${c1p99 <= tut1p99 ? 'met' : 'NOT met'}`,
  );
  const r2 = (n: number): string => (Number.isFinite(n) ? n.toFixed(2) : 'n/a');
  console.log(`webhooks (sqlite): c64 ${Math.round(p64)}/s = ${r2(gc)}x group-commit minimum, ${r2(p64 / rps('bound'))}x bound, ${r2(tut)}x tutorial; c1 p99 ${r2(c1p99)} ms; lost ${lost}`);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
