// npm run bench:export — the reconciliation export against the practical limit.
//
// Builds a database of 1,000,000 payments and refunds (recursive CTEs, one transaction), then in the same
// run exports the same rows with the sqlite3 command-line tool (`-csv`, the same SELECT with its parameters
// inlined) and with the real worker export (startExport, Paydesk unified preset, Asia/Kolkata; the worker
// bundled by esbuild to CJS as the app ships it). While our
// export runs, the main thread answers HTTP pings on 127.0.0.1 (a stand-in for the UI's RPC) and its RSS
// is sampled (the worker thread shares the process, so process RSS covers it).
//
// Last line: `export (sqlite): <rows> rows <s> s = <r>x sqlite3 CLI; peak RSS +<MB> MB; ping p99 <ms> ms`
// Targets: <= 2x the CLI, RSS growth < 150 MB, ping p99 < 50 ms. Not part of npm test.
//
// Env: BENCH_ROWS (default 1000000), BENCH_RUNS (default 2: best of N for both sides), BENCH_KEEP=1 keeps the files,
// BENCH_PARALLELISM (default: the app's, one worker per core up to 2).
import { execFileSync, spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { type AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { PRESETS } from '../../electron/core/reports/columns';
import { exportParallelism, resolveExportJob, startExport, type StartExportOptions } from '../../electron/core/reports/export';
import { buildMovementQuery, inlineParams } from '../../electron/core/store/repos/movements';
import { createReportDb, seedBulk } from '../fixtures/report-schema';
import * as esbuild from 'esbuild';

const TOTAL = Number(process.env.BENCH_ROWS ?? 1_000_000);
const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 2));
const REFUND_EVERY = 4; // payments P, refunds P/4: P + P/4 = TOTAL
const PAYMENTS = Math.round((TOTAL * REFUND_EVERY) / (REFUND_EVERY + 1));
const SQLITE3 = process.env.SQLITE3 ?? '/usr/bin/sqlite3';

const mb = (b: number): string => (b / 1048576).toFixed(1);

/**
 * Bundles the worker the way the app build must (esbuild -> one CJS file, better-sqlite3 external), so the
 * bench runs the shipped code path rather than tsx. better-sqlite3 is pinned to its absolute path so the
 * bundle loads from the temp dir.
 */
async function bundleWorker(outfile: string): Promise<void> {
  const betterSqlite3 = createRequire(import.meta.url).resolve('better-sqlite3');
  await esbuild.build({
    entryPoints: [path.join(path.dirname(new URL(import.meta.url).pathname), '../../electron/core/reports/export-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile,
    logLevel: 'warning',
    plugins: [{ name: 'abs-better-sqlite3', setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: betterSqlite3, external: true })) }],
  });
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** The sqlite3 CLI's own CSV export of the same statement, to a file; wall seconds and CPU seconds (bash `time`). */
async function runCli(dbPath: string, sql: string, outPath: string): Promise<{ s: number; cpu: number }> {
  const t0 = performance.now();
  const stderr = await new Promise<string>((resolve, reject) => {
    const script = `TIMEFORMAT='%U %S'; time "$0" -readonly -csv -header "$1" > "$2" < "$3"`;
    const sqlFile = `${outPath}.sql`;
    writeFileSync(sqlFile, `${sql};\n`);
    const child = spawn('bash', ['-c', script, SQLITE3, dbPath, outPath, sqlFile], { stdio: ['ignore', 'inherit', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(err) : reject(new Error(`sqlite3 exited ${code}: ${err}`))));
  });
  const s = (performance.now() - t0) / 1000;
  const m = /([\d.]+) ([\d.]+)\s*$/.exec(stderr.trim());
  return { s, cpu: m ? Number(m[1]) + Number(m[2]) : Number.NaN };
}

/** A tiny ping server on the main thread + a client pinging it back to back: the UI's RPC stand-in. */
async function startPinger(): Promise<{ stop: () => Promise<number[]> }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain', 'content-length': '4' });
    res.end('pong');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
  const times: number[] = [];
  let running = true;
  const loop = (async () => {
    while (running) {
      const t0 = performance.now();
      await new Promise<void>((resolve, reject) => {
        http.get({ host: '127.0.0.1', port, path: '/ping', agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        }).on('error', reject);
      });
      times.push(performance.now() - t0);
      await new Promise((r) => setTimeout(r, 5));
    }
  })();
  return {
    async stop() {
      running = false;
      await loop;
      agent.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      return times;
    },
  };
}

async function runOurs(opts: StartExportOptions): Promise<{ s: number; cpu: number; rows: number; bytes: number; rssPeak: number; rssBase: number; pings: number[] }> {
  (globalThis as { gc?: () => void }).gc?.();
  const rssBase = process.memoryUsage().rss;
  let rssPeak = rssBase;
  const sampler = setInterval(() => {
    const r = process.memoryUsage().rss;
    if (r > rssPeak) rssPeak = r;
  }, 10);
  const pinger = await startPinger();
  const t0 = performance.now();
  const c0 = process.cpuUsage(); // the whole process: the worker thread plus the main thread answering pings
  const h = startExport(opts);
  const res = await h.done;
  const s = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  clearInterval(sampler);
  rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
  const pings = await pinger.stop();
  return { s, cpu: (c.user + c.system) / 1e6, rows: res.rows, bytes: res.bytes, rssPeak, rssBase, pings };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'paydesk-bench-export-'));
  const dbPath = path.join(dir, 'bench.db');
  try {
    const t = performance.now();
    const db = createReportDb(dbPath);
    const seeded = seedBulk(db, { payments: PAYMENTS, refundEvery: REFUND_EVERY, startMs: Date.UTC(2024, 0, 1) });
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.close();
    console.log(`seed: ${seeded.payments} payments + ${seeded.refunds} refunds in ${((performance.now() - t) / 1000).toFixed(2)} s, db ${mb(statSync(dbPath).size)} MB`);

    const workerEntry = path.join(dir, 'export-worker.cjs');
    await bundleWorker(workerEntry);
    const opts: StartExportOptions = {
      workerEntry,
      dbPath,
      outPath: path.join(dir, 'paydesk.csv'),
      preset: 'paydesk',
      filters: { from: '2023-12-01', to: '2024-12-31', mode: 'test' },
      timeZone: 'Asia/Kolkata',
      bom: true,
      ...(process.env.BENCH_PARALLELISM ? { parallelism: Number(process.env.BENCH_PARALLELISM) } : {}),
    };
    console.log(`export: ${exportParallelism(opts.parallelism)} worker thread(s) (one per core, at most 2; BENCH_PARALLELISM overrides)`);
    const job = resolveExportJob(opts);
    const sql = inlineParams(buildMovementQuery(job.query));
    const cliOut = path.join(dir, 'cli.csv');

    // warm the page cache once, so neither side pays for the first read from disk
    await runCli(dbPath, 'SELECT sum(length(description)) FROM payments; SELECT sum(amount_minor) FROM refunds', cliOut);

    const cliTimes: { s: number; cpu: number }[] = [];
    const ours: Awaited<ReturnType<typeof runOurs>>[] = [];
    for (let i = 0; i < RUNS; i++) {
      cliTimes.push(await runCli(dbPath, sql, cliOut));
      ours.push(await runOurs(opts));
      const c = cliTimes[i]!;
      const o = ours[i]!;
      console.log(
        `run ${i + 1}: sqlite3 CLI ${c.s.toFixed(2)} s (cpu ${c.cpu.toFixed(2)} s, ${mb(statSync(cliOut).size)} MB); ` +
          `export ${o.s.toFixed(2)} s (cpu ${o.cpu.toFixed(2)} s, ${o.rows} rows, ${mb(o.bytes)} MB, ${PRESETS.paydesk.columns.length} columns)`,
      );
    }
    const cli = Math.min(...cliTimes.map((c) => c.s));
    const cliCpu = Math.min(...cliTimes.map((c) => c.cpu));
    const best = ours.reduce((a, b) => (b.s < a.s ? b : a));
    const bestCpu = Math.min(...ours.map((o) => o.cpu));
    const rssGrowth = Math.max(...ours.map((o) => o.rssPeak - o.rssBase));
    const pings = ours.flatMap((o) => o.pings).sort((a, b) => a - b);
    const cliRows = Number(execFileSync(SQLITE3, ['-readonly', dbPath, `SELECT count(*) FROM (${sql})`]).toString().trim());
    if (cliRows !== best.rows) throw new Error(`row count differs: CLI ${cliRows}, export ${best.rows}`);
    console.log(`cpu: export ${bestCpu.toFixed(2)} s vs sqlite3 CLI ${cliCpu.toFixed(2)} s = ${(bestCpu / cliCpu).toFixed(2)}x; load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} CPUs`);
    console.log(`pings: ${pings.length}, p50 ${percentile(pings, 50).toFixed(1)} ms, p99 ${percentile(pings, 99).toFixed(1)} ms, max ${pings.at(-1)?.toFixed(1)} ms`);
    console.log(`export (sqlite): ${best.rows} rows ${best.s.toFixed(2)} s = ${(best.s / cli).toFixed(2)}x sqlite3 CLI; peak RSS +${mb(rssGrowth)} MB; ping p99 ${percentile(pings, 99).toFixed(1)} ms`);
  } finally {
    if (process.env.BENCH_KEEP !== '1') rmSync(dir, { recursive: true, force: true });
    else console.log(`kept ${dir}`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
