// npm run bench:start — cold start to interactive in browser mode: the built browser host is spawned the way
// `npm run host` runs it (default flags, so the embedded sandbox starts too), and the clock runs from the
// spawn to the first screen rendered with data in Debian Chromium (already running, as the merchant's browser
// would be): the address the host prints opens the Overview, which counts once its figures and latest
// payments (or, with no payments yet, the "Get started" steps) are on screen.
//
// Two data folders: a fresh one (a new empty folder every run: database created, keys sealed) and one with
// 100,000 payments (payments-store.ts, the bench:payments store; created once, reused by every run).
// Median of 5 runs each, interleaved. Each run prints the host's own start (spawn -> "Paydesk running at")
// and where the page load went (page-timing.ts). Each is followed by the floor on the same kind of folder
// (start-floor.mjs: node, the SQLite file, a listener and a page with the latest payments, nothing else), so
// the ratio says what Paydesk adds to what any program would pay on this machine.
//
// Last line: `start (sqlite): fresh <ms> ms = <r>x floor (<ms> ms), 100k <ms> ms = <r>x floor (<ms> ms) (goal 1000 / 1500)`.
// Not part of npm test.
// Needs a current build (built.ts): `npm run build` first, or BENCH_BUILD=1.
// Env: BENCH_RUNS (default 5), BENCH_ROWS (default 100000), BENCH_DATA_DIR=<dir> reuses a kept store,
// BENCH_KEEP=1 keeps it, BENCH_HOST=<path of another build's browser-host.cjs> measures that build instead.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../e2e/fixtures';
import { BENCH_HOST, spawnHost, stopHost } from './bench-host';
import { requireCurrentBuild } from './built';
import { describeTimings, loadAverage, median, pageTiming, watchFirstData, type PageTiming } from './page-timing';
import { ROWS, prepareStore } from './payments-store';

const RUNS = Math.max(1, Number(process.env.BENCH_RUNS ?? 5));
const FLOOR = fileURLToPath(new URL('./start-floor.mjs', import.meta.url));
/** the Overview with its data: the latest payments, or the first steps when there are none */
const FIRST_DATA = '.ov-recent-row, #get-started';

interface Run {
  /** spawn -> the host printed its address, ms */
  listen: number;
  /** spawn -> the first screen's data is in the DOM, ms */
  ready: number;
  page: PageTiming;
}

/** The floor (start-floor.mjs) on `dataDir`: spawn -> its first screen with data, ms. */
async function floorOnce(browser: Browser, dataDir: string): Promise<number> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  const firstData = await watchFirstData(context, FIRST_DATA);
  const page = await context.newPage();
  const t0 = Date.now();
  const proc = spawn(process.execPath, [FLOOR, dataDir], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let out = '';
      proc.stdout!.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        const m = /floor running at (\S+)/.exec(out);
        if (m) resolve(m[1]!);
      });
      proc.once('exit', (code) => reject(new Error(`the floor exited (${code}) before it was ready: ${out}`)));
    });
    await page.goto(url);
    return (await firstData()) - t0;
  } finally {
    await context.close();
    await stopHost(proc);
  }
}

async function once(browser: Browser, dataDir: string): Promise<Run> {
  // the browser is up and a tab is ready, as the merchant's would be; the clock starts at the spawn
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  const firstData = await watchFirstData(context, FIRST_DATA);
  const page = await context.newPage();
  const t0 = Date.now();
  const host = await spawnHost(dataDir);
  const listen = Date.now() - t0;
  try {
    await page.goto(host.url);
    const ready = (await firstData()) - t0;
    const timing = await pageTiming(page, ['overview.get', 'payments.list']);
    return { listen, ready, page: timing };
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\nhost output:\n${host.output()}`, { cause: err });
  } finally {
    await context.close();
    await stopHost(host.proc);
  }
}

function describe(name: string, runs: Run[], floor: number[]): string {
  const f = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(' ');
  return [
    `${name}: floor (start-floor.mjs), spawn -> first screen with data, ms: ${f(floor)} (median ${median(floor).toFixed(0)})`,
    `${name}: spawn -> first screen with data, ms: ${f(runs.map((r) => r.ready))} (median ${median(runs.map((r) => r.ready)).toFixed(0)})`,
    `${name}: spawn -> "Paydesk running at", ms: ${f(runs.map((r) => r.listen))} (median ${median(runs.map((r) => r.listen)).toFixed(0)})`,
    `${name}: page load: ${describeTimings(runs.map((r) => r.page))}`,
  ].join('\n');
}

async function main(): Promise<void> {
  if (!BENCH_HOST) requireCurrentBuild();
  const reuse = process.env.BENCH_DATA_DIR;
  const store = reuse ?? mkdtempSync(join(tmpdir(), 'paydesk-bench-start-'));
  const keep = process.env.BENCH_KEEP === '1' || reuse !== undefined;
  if (!reuse) await prepareStore(store);
  const browser = await launchBrowser();
  const fresh: Run[] = [];
  const big: Run[] = [];
  const freshFloor: number[] = [];
  const bigFloor: number[] = [];
  const freshDir = async <T>(fn: (dir: string) => Promise<T>): Promise<T> => {
    const dir = mkdtempSync(join(tmpdir(), 'paydesk-bench-start-fresh-'));
    try {
      return await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  try {
    // one start of each, not measured: the OS has read the program and its modules once, as after any first launch
    await freshDir((dir) => once(browser, dir));
    await once(browser, store);
    await freshDir((dir) => floorOnce(browser, dir));
    for (let i = 0; i < RUNS; i++) {
      fresh.push(await freshDir((dir) => once(browser, dir)));
      freshFloor.push(await freshDir((dir) => floorOnce(browser, dir)));
      big.push(await once(browser, store));
      bigFloor.push(await floorOnce(browser, store));
    }
  } finally {
    await browser.close();
    if (!keep) rmSync(store, { recursive: true, force: true });
    else console.log(`kept ${store}`);
  }
  console.log(describe('fresh', fresh, freshFloor));
  console.log(describe(`${ROWS / 1000}k`, big, bigFloor));
  console.log(`${await loadAverage()}`);
  const part = (runs: Run[], floor: number[]): string => {
    const ms = median(runs.map((r) => r.ready));
    return `${ms.toFixed(0)} ms = ${(ms / median(floor)).toFixed(2)}x floor (${median(floor).toFixed(0)} ms)`;
  };
  console.log(`start (sqlite): fresh ${part(fresh, freshFloor)}, ${ROWS / 1000}k ${part(big, bigFloor)} (goal 1000 / 1500)`);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
