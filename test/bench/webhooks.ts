// npm run bench:webhooks — webhook ingest throughput and latency, Paydesk against three servers in the same run,
// on each store engine (engines.ts: SQLite, and PostgreSQL when installed), side by side.
//
// The servers, each its own Node process pinned to core 1 (test/bench/webhooks/servers.ts):
//   bound        bare HMAC verify, no storage (the upper bound for any server; one for both engines)
//   groupcommit  verify (SDK) + insert, one durable commit per event-loop turn: the honest minimum for durable
//                ingest (SQLite: WAL, synchronous=FULL; PostgreSQL: one INSERT of the turn's events, pg-servers.ts)
//   paydesk      the real listener + ingest (verify, store, apply to the payment, ack) over the engine's store
//   tutorial     node:http + constructEvent + one INSERT (its own durable commit) per event (SQLite: WAL,
//                synchronous=FULL; PostgreSQL: through a pg.Pool of 10)
// On PostgreSQL every storage server has its own database in one throwaway cluster whose processes are
// pinned to the servers' core too, since SQLite's storage work runs inside the server process.
// The load generator runs in its own process pinned to core 0: wrk where installed (`apt-get install wrk`;
// the bench installs nothing), autocannon otherwise. Before each run the requests are signed and written to
// tmpfs (payloads.ts); the generator only replays them. Runs are interleaved: every round runs each
// concurrency on every server of both engines, the server order rotated by one each round; the tables give
// the median and the spread (min-max) over the rounds. Events/s count 2xx answers only. After each Paydesk
// run every event the server acknowledged is checked in its database: stored, applied to the payment it
// names (result on its row, payment status at least what the event says); the apply lag is applied_at minus
// the ack time. Ends with one summary line per engine (report.ts):
// `webhooks (<engine>): c64 <n>/s = <r>x group-commit minimum, <r>x bound, <r>x tutorial; c1 p99 <ms> ms; lost <n>`.
// Never part of npm test.
//
// Env:
//   BENCH_DURATION     seconds per run (default 5)
//   BENCH_ROUNDS       interleaved rounds (default 5)
//   BENCH_CONCURRENCY  connections, comma-separated (default 1,16,64)
//   BENCH_PROF         a directory: CPU-profile the Paydesk servers (node --cpu-prof, into <dir>/<engine>) and print where the time went
//   BENCH_SERVERS      a subset, comma-separated (default bound,groupcommit,paydesk,tutorial)
//   BENCH_LOADGEN      autocannon: use the fallback generator even when wrk is installed
//   BENCH_ENGINES      sqlite, postgres or both (default: both when PostgreSQL is installed; engines.ts)
//   BENCH_SLOW_FSYNC_US  every fsync of a server process takes this much longer, as on a slow disk (needs cc; webhooks/slow-fsync.ts)
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../electron/core/store/sql';
import { tempDbFile } from '../fixtures/webhook-helpers';
import { benchCluster, benchEngines, pinCluster, stopBenchCluster } from './engines';
import { checkApplied, checkpoint, resetPool, seedPool, type AppliedCheck } from './webhooks/check';
import { pickGenerator, pinning, runLoad, writeLuaScript } from './webhooks/load';
import { KINDS, poolFor, writeRequestFile, type Kind } from './webhooks/payloads';
import { checkAppliedPg, checkpointPg, resetPoolPg, seedPoolPg } from './webhooks/pg-check';
import { perEvent, usageOf } from './webhooks/proc-usage';
import { slowFsyncEnv } from './webhooks/slow-fsync';
import { summarise } from './webhooks/profile';
import { fmt, load, reportEngine, sideBySide, type Run } from './webhooks/report';

const DURATION_S = Number(process.env.BENCH_DURATION ?? 5);
const ROUNDS = Math.max(1, Number(process.env.BENCH_ROUNDS ?? 5));
const CONCURRENCY: number[] = (process.env.BENCH_CONCURRENCY ?? '1,16,64').split(',').map(Number);
const PROF = process.env.BENCH_PROF ? resolve(process.env.BENCH_PROF) : null;
const SERVERS: Kind[] = process.env.BENCH_SERVERS ? (process.env.BENCH_SERVERS.split(',') as Kind[]).filter((k) => KINDS.includes(k)) : [...KINDS];

// Requests signed per run. A storage server must never run out (it would replay duplicates, which are
// cheaper), and none outruns the bound, so each run is signed for the fastest rate seen so far on any
// server, at least STORAGE_MIN_RATE, x duration x 1.3. The bound stores nothing and may wrap.
const STORAGE_MIN_RATE = 30_000;
const BOUND_MAX_REQUESTS = 60_000;

/** One server of the run: the bound once (it stores nothing), each storage server once per engine. */
interface Target {
  kind: Kind;
  engine: Engine | null;
  /** bound, paydesk/sqlite, tutorial/postgres, … */
  name: string;
  /** the SQLite file or the PostgreSQL database URL ('' for the bound) */
  db: string;
}

interface Server extends Target {
  child: ChildProcess;
  port: number;
}

function startServer(t: Target, serverPin: string[], env: Record<string, string>): Promise<Server> {
  const script = fileURLToPath(new URL('./webhooks/servers.ts', import.meta.url));
  const profDir = PROF && t.kind === 'paydesk' ? join(PROF, t.engine!) : null;
  if (profDir) mkdirSync(profDir, { recursive: true });
  const prof = profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : [];
  const cmd = [...serverPin, process.execPath, ...prof, '--import', 'tsx', script, `--serve=${t.kind}`, `--db=${t.db}`];
  const child = spawn(cmd[0] as string, cmd.slice(1), { stdio: ['ignore', 'pipe', 'inherit', 'ipc'], env: { ...process.env, ...env } });
  return new Promise((res, rej) => {
    let out = '';
    const onExit = (code: number | null): void => rej(new Error(`${t.name} server exited (${code}) before it was ready`));
    child.once('exit', onExit);
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        child.off('exit', onExit);
        res({ ...t, child, port: Number(m[1]) });
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

/** The servers of the run, with their databases made (and the Paydesk pools seeded) on each engine. */
async function makeTargets(engines: Engine[], pool: number, serverCpus: string | null): Promise<Target[]> {
  const targets: Target[] = SERVERS.includes('bound') ? [{ kind: 'bound', engine: null, name: 'bound', db: '' }] : [];
  for (const engine of engines) {
    const cluster = engine === 'postgres' ? await benchCluster() : null;
    if (cluster && serverCpus !== null) console.log(await pinCluster(cluster.url(), serverCpus));
    for (const kind of SERVERS.filter((k) => k !== 'bound')) {
      const db = cluster ? await cluster.createDatabase(`bench_${kind}`) : tempDbFile(`paydesk-bench-${kind}-`);
      if (kind === 'paydesk') {
        const t = Date.now();
        if (cluster) await seedPoolPg(db, pool);
        else seedPool(db, pool);
        console.log(`${engine}: seeded ${fmt(pool * 2)} payments (Stripe and Razorpay) in ${((Date.now() - t) / 1000).toFixed(1)} s; each run: checkout/intent/charge and authorized/captured/order.paid per payment`);
      }
      targets.push({ kind, engine, name: `${kind}/${engine}`, db });
    }
  }
  return targets;
}

async function main(): Promise<void> {
  const engines = benchEngines();
  const generator = pickGenerator();
  const pin = pinning();
  const work = mkdtempSync(join(existsSync('/dev/shm') ? '/dev/shm' : tmpdir(), 'paydesk-bench-wh-'));
  const lua = writeLuaScript(work);
  // a shared library is loaded from tmpdir: /dev/shm may be mounted noexec
  const libDir = mkdtempSync(join(tmpdir(), 'paydesk-bench-wh-lib-'));
  const serverEnv = slowFsyncEnv(libDir);
  const pool = poolFor(Math.ceil(STORAGE_MIN_RATE * DURATION_S * 1.3) + 2000);

  console.log(`webhook bench (store ${engines.join(' and ')}): ${ROUNDS} rounds x ${DURATION_S} s per run, concurrency ${CONCURRENCY.join('/')}, servers ${SERVERS.join(', ')}`);
  console.log(`load generator: ${generator === 'wrk' ? 'wrk -t1 (pre-signed requests replayed by a Lua script)' : 'autocannon in its own process (pre-signed requests)'}; ${pin.note}`);
  if (generator === 'autocannon' && !process.env.BENCH_LOADGEN) console.log('wrk not found: autocannon is JavaScript and may cap the fast servers. For better figures: apt-get install wrk');
  if (serverEnv.SLOW_FSYNC_US) console.log(`every fsync of a server process takes ${serverEnv.SLOW_FSYNC_US} µs longer (BENCH_SLOW_FSYNC_US; PostgreSQL's own flushes are not slowed)`);
  console.log(`load average at start: ${load()}`);
  const targets = await makeTargets(engines, pool, pin.server.length ? (pin.server.at(-1) as string) : null);

  const servers = new Map<string, Server>();
  for (const t of targets) servers.set(t.name, await startServer(t, pin.server, serverEnv));
  let fastest = STORAGE_MIN_RATE; // events/s, the most any server sent in a run
  const runs: Run[] = [];

  async function runOne(name: string, c: number, round: number, durationS: number, record: boolean): Promise<Run> {
    const s = servers.get(name)!;
    const { kind, engine } = s;
    let count = Math.ceil(fastest * durationS * 1.3) + 2000;
    if (kind === 'bound') count = Math.min(count, BOUND_MAX_REQUESTS);
    const runTag = `r${round}${kind.slice(0, 2)}${engine?.[0] ?? ''}${c}x${Date.now().toString(36)}`;
    const file = writeRequestFile(join(work, name.replace('/', '-')), s.port, runTag, count, pool);
    if (engine === 'sqlite') checkpoint(s.db);
    else if (engine === 'postgres') await checkpointPg(s.db);
    const before = usageOf(s.child.pid);
    const r = await runLoad({ generator, pin, lua, port: s.port, connections: c, durationS, base: file.base });
    rmSync(`${file.base}.http`, { force: true });
    const run: Run = { ...r, kind, engine, c, round, rps: r.acked / (r.seconds || durationS) };
    fastest = Math.max(fastest, r.sent / (r.seconds || durationS));
    if (kind === 'paydesk') {
      const acks = await acksOf(s);
      run.usage = perEvent(before, usageOf(s.child.pid), acks.seq.length);
      if (engine === 'postgres') {
        run.check = await checkAppliedPg(s.db, runTag, pool, acks.seq, acks.at);
        await resetPoolPg(s.db);
      } else {
        run.check = checkApplied(s.db, runTag, pool, acks.seq, acks.at);
        resetPool(s.db);
      }
    }
    if (kind !== 'paydesk') run.usage = perEvent(before, usageOf(s.child.pid), r.acked);
    if (record) {
      runs.push(run);
      const ck: AppliedCheck | undefined = run.check;
      console.log(
        `round ${round + 1}/${ROUNDS} c${String(c).padEnd(2)} ${name.padEnd(20)} ${fmt(run.rps).padStart(7)} events/s  p50 ${fmt(r.p50Ms, 2).padStart(6)} ms  p99 ${fmt(r.p99Ms, 2).padStart(7)} ms  2xx ${r.acked}` +
          `${r.non2xx ? `  non-2xx ${r.non2xx}` : ''}${r.errors ? `  errors ${r.errors}` : ''}${r.wraps && kind !== 'bound' ? `  WRAPPED ${r.wraps}x (duplicates)` : ''}` +
          `${ck ? `  [acked ${ck.acked}, lost ${ck.lost + ck.unapplied}${ck.wrongPayment + ck.stateBehind ? `, MISAPPLIED ${ck.wrongPayment + ck.stateBehind}` : ''}]` : ''}  (load ${loadavg()[0]!.toFixed(2)})`,
      );
    }
    return run;
  }

  const names = targets.map((t) => t.name);
  try {
    // warm-up (JIT, page cache): not recorded
    for (const n of names) await runOne(n, 16, -1, 2, false);
    for (let round = 0; round < ROUNDS; round++) {
      const order = names.map((_, i) => names[(i + round) % names.length] as string);
      for (const c of CONCURRENCY) for (const n of order) await runOne(n, c, round, DURATION_S, true);
    }
  } finally {
    for (const s of servers.values()) await stopServer(s);
    stopBenchCluster();
    rmSync(work, { recursive: true, force: true });
    rmSync(libDir, { recursive: true, force: true });
  }
  const loadEnd = load();
  const summaries = engines.map((e) => reportEngine(runs, e, SERVERS, CONCURRENCY));
  sideBySide(runs, engines, SERVERS, CONCURRENCY);
  console.log(`load average at end: ${loadEnd}`);
  if (PROF) for (const e of engines) profileOf(join(PROF, e), e);
  for (const t of targets) if (t.engine === 'sqlite') rmSync(dirname(t.db), { recursive: true, force: true });
  for (const line of summaries) console.log(line);
}

/** where the Paydesk server's time went on `engine` (its newest profile in `dir`) */
function profileOf(dir: string, engine: Engine): void {
  if (!existsSync(dir)) return;
  // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: thread 0 is the server's main thread (tsx's loader is another)
  const files = readdirSync(dir).filter((f) => /\.\d+\.0\.\d+\.cpuprofile$/.test(f)).map((f) => join(dir, f));
  const newest = files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs)[0];
  if (!newest) return;
  console.log(`profile of the Paydesk server on ${engine}:`);
  for (const l of summarise(newest).lines) console.log(l);
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
