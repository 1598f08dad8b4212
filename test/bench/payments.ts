// npm run bench:payments — the Payments screen against a store of 100,000 payments, in Chromium, on each
// store engine (engines.ts: SQLite, and PostgreSQL when installed), one after the other, printed side by side.
//
// 1. Builds the bench store: BENCH_ROWS payments under two test accounts. SQLite (payments-store.ts): direct
//    SQL inserts into a data dir the built host has just created. PostgreSQL (payments-pg.ts): the same rows
//    bulk-loaded into a fresh team database of a throwaway cluster, after the host's first start on it
//    (`--store <url>`) made the schema.
// 2. Starts the host again on that store and measures in Debian Chromium (playwright-core):
//    - first rows: page load of #/payments until the first table row is in the DOM (median of 5 cold loads;
//      the page reports the moment itself, page-timing.ts), and the same for the floor page (floor-page.ts: the
//      same two requests and rows without a framework), each of its cold loads right after one of the
//      console's, so the ratio compares like with like;
//    - filter: a change of the status/gateway/date filters until the table shows the new first row and count
//      (p95 of BENCH_RUNS, every run a combination not asked before, so each one goes to core);
//    - search: a search submitted (Enter) until the same (p95 of BENCH_RUNS distinct terms).
//    The expected count and first row of every run come from SQL on the same database (payments-oracle.ts),
//    so a fast wrong answer fails. Each cold load also says where its time went (page-timing.ts): bundle,
//    boot, first RPC, render.
// 3. Scrolls deep into the table (loading further cursor pages) and checks the DOM holds only the visible rows.
//
// Ends with a table of both engines and one summary line per engine:
// `payments (<engine>): 100000 rows; first rows <ms> ms = <r>x floor page (<ms> ms); filter p95 <ms> ms; search p95 <ms> ms`
// (or `payments (postgres): not measured: <why>` when the host does not start on it).
// Targets: first rows <= 400 ms; filter and search p95 under 100 ms. Not part of npm test.
// Needs a current build (built.ts): `npm run build` first, or BENCH_BUILD=1.
// Env: BENCH_ROWS (default 100000), BENCH_RUNS (default 20, at least 5), BENCH_ENGINES (engines.ts),
// BENCH_KEEP=1 keeps the SQLite data dir, BENCH_DATA_DIR=<dir> reuses a kept SQLite store,
// BENCH_HOST=<another build's browser-host.cjs> measures that build (bench-host.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { Engine } from '../../electron/core/store/sql';
import { launchBrowser } from '../e2e/fixtures';
import { BENCH_HOST } from './bench-host';
import { requireCurrentBuild } from './built';
import { benchEngines, stopBenchCluster } from './engines';
import { startFloorPage } from './floor-page';
import { describeTimings, loadAverage, pageTiming, watchFirstData, type PageTiming } from './page-timing';
import { pgOracle, sqliteOracle, type Expect, type FilterCase, type Oracle } from './payments-oracle';
import { preparePgStore, startHostOn, type BenchHost } from './payments-pg';
import { FIRST, LAST, ROWS, coreReady, prepareStore } from './payments-store';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 20));

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};
const fmt = (ms: number) => ms.toFixed(0);

/**
 * In the page: apply `action` (a select change or a submitted search) and resolve with the ms until the table
 * shows `expect` (count text and first row id). Runs entirely in the page so no CDP round trip is timed.
 */
const IN_PAGE = String.raw`({ action, expect }) => new Promise((resolve, reject) => {
  const want = expect.count.toLocaleString() + (expect.count === 1 ? ' payment' : ' payments');
  const done = () => {
    const count = document.querySelector('[data-testid=payments-count]')?.textContent ?? '';
    if (count !== want) return false;
    if (expect.firstId === null) return document.querySelector('.pay-none') !== null;
    const firstRow = document.querySelector('.pay-row[aria-rowindex="2"]');
    return firstRow?.getAttribute('data-payment-id') === expect.firstId;
  };
  const t0 = performance.now();
  let timer;
  const finish = () => {
    obs.disconnect();
    clearTimeout(timer);
    const total = performance.now() - t0;
    const rpc = performance.getEntriesByType('resource').filter((e) => e.name.includes('/rpc/payments.list') && e.startTime >= t0);
    performance.clearResourceTimings();
    resolve({ total, rpc: rpc.reduce((a, e) => a + e.duration, 0), requests: rpc.length });
  };
  const obs = new MutationObserver(() => { if (done()) finish(); });
  timer = setTimeout(() => { obs.disconnect(); reject(new Error('timed out waiting for "' + want + '" and first row ' + expect.firstId)); }, 20000);
  obs.observe(document.body, { subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ['data-payment-id'] });
  if (Array.isArray(action)) {
    const setSelect = Object.getOwnPropertyDescriptor(HTMLSelectElement.prototype, 'value').set;
    for (const a of action) {
      const el = document.querySelector('.pay-filters select[aria-label="' + a.label + '"]');
      if (el.value === a.value) continue;
      setSelect.call(el, a.value);
      el.dispatchEvent(new Event('change', { bubbles: true }));
    }
  } else {
    const input = document.querySelector('.pay-filters input[type=search]');
    Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set.call(input, action.term);
    input.dispatchEvent(new Event('input', { bubbles: true }));
    input.form.requestSubmit();
  }
  if (done()) finish();
})`;

type Action = { kind: 'select'; label: string; value: string }[] | { kind: 'search'; term: string };

/**
 * In the page: apply `action` (select changes or a submitted search) and resolve with the ms until the table
 * shows `expect` (count text and first row id). Runs entirely in the page, so no CDP round trip is timed.
 * (A string, not a function: tsx would wrap a function's inner helpers in __name, which the page lacks.)
 */
interface Timing {
  /** ms from the action to the table showing the answer */
  total: number;
  /** ms spent in payments.list requests (network + core), from the page's resource timing */
  rpc: number;
  requests: number;
}

async function timeInPage(page: Page, action: Action, expect: Expect): Promise<Timing> {
  return page.evaluate<Timing>(`(${IN_PAGE})(${JSON.stringify({ action, expect })})`);
}

/** a walk through the filter combinations where every step changes ONE select and lands on a combination not seen before */
function filterWalk(n: number): { label: 'Status' | 'Gateway' | 'Date'; value: string; state: FilterCase }[] {
  const dims = { Status: ['', 'paid', 'expired', 'open', 'cancelled', 'failed'], Gateway: ['', 'stripe', 'razorpay'], Date: ['any', '30d'] } as const;
  const key = (c: FilterCase) => `${c.status}|${c.gateway}|${c.range}`;
  let cur: FilterCase = { status: '', gateway: '', range: 'any' };
  const seen = new Set([key(cur)]);
  const out: { label: 'Status' | 'Gateway' | 'Date'; value: string; state: FilterCase }[] = [];
  while (out.length < n) {
    let moved = false;
    for (const label of ['Status', 'Gateway', 'Date'] as const) {
      for (const value of dims[label]) {
        const next: FilterCase = { ...cur, ...(label === 'Status' ? { status: value } : label === 'Gateway' ? { gateway: value } : { range: value as FilterCase['range'] }) };
        if (seen.has(key(next))) continue;
        seen.add(key(next));
        out.push({ label, value, state: next });
        cur = next;
        moved = true;
        break;
      }
      if (moved) break;
    }
    if (!moved) break;
  }
  return out;
}

interface Result {
  engine: Engine;
  /** null when not measured, with `why` */
  firstRows: number | null;
  /** the floor page's first rows in the same run (floor-page.ts) */
  floorRows: number | null;
  filterP95: number;
  searchP95: number;
  why?: string;
}

/** One cold load (a new browser context: no cache, no storage) until the first row is in the DOM. */
async function coldLoad(browser: Browser, url: string, breakdown: boolean): Promise<{ ms: number; timing: PageTiming | null }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  try {
    const firstData = await watchFirstData(context, '.pay-row');
    const page = await context.newPage();
    const start = Date.now();
    await page.goto(url);
    const ms = (await firstData()) - start;
    return { ms, timing: breakdown ? await pageTiming(page, ['payments.list']) : null };
  } finally {
    await context.close();
  }
}

/** Measures the screen of the host at `host` (already up) whose store `o` answers for. */
async function measure(browser: Browser, host: BenchHost, o: Oracle, engine: Engine): Promise<Result> {
  // 1. first rows: cold loads of #/payments (a new browser context each: no cache, no storage), each followed
  //    by a cold load of the floor page (floor-page.ts), so both see the same machine
  const floor = await startFloorPage(host.url);
  const loads: number[] = [];
  const floorLoads: number[] = [];
  const timings: PageTiming[] = [];
  try {
    for (let i = 0; i < 5; i++) {
      const t = await coldLoad(browser, `${host.url}#/payments`, true);
      loads.push(t.ms);
      timings.push(t.timing!);
      floorLoads.push((await coldLoad(browser, floor.url, false)).ms);
    }
  } finally {
    await floor.close();
  }
  const firstRows = pct(loads, 50);
  const floorRows = pct(floorLoads, 50);
  console.log(`first rows (page load to first row), ms: ${loads.map(fmt).join(' ')}`);
  console.log(`first rows breakdown: ${describeTimings(timings)}`);
  console.log(`floor page (the same two requests and rows, no framework), ms: ${floorLoads.map(fmt).join(' ')}`);

  const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${host.url}#/payments`);
  await page.locator('.pay-row').first().waitFor({ timeout: 30_000 });
  const all = await o.filter({ status: '', gateway: '', range: 'any' });
  await page.getByText(`${all.count.toLocaleString()} payments`).waitFor({ timeout: 30_000 });

  // 2a. filters: one select changed per run, each run a combination not asked before (never a query-cache hit)
  const filterTimes: Timing[] = [];
  for (const step of filterWalk(RUNS)) {
    filterTimes.push(await timeInPage(page, [{ kind: 'select', label: step.label, value: step.value }], await o.filter(step.state)));
  }
  console.log(`filter, ms (total/rpc): ${filterTimes.map((t) => `${fmt(t.total)}/${fmt(t.rpc)}`).join(' ')}`);
  // back to everything (one change at a time, as a person would)
  await timeInPage(page, [
    { kind: 'select', label: 'Status', value: '' },
    { kind: 'select', label: 'Gateway', value: '' },
    { kind: 'select', label: 'Date', value: 'any' },
  ], all);

  // 2b. searches: order refs, emails, names and gateway ids, each term new
  const terms: string[] = [];
  for (let i = 0; terms.length < RUNS; i++) {
    const n = 1000 + i * 4099;
    const kind = i % 5;
    if (kind === 0) terms.push(`ORD-${String(n).padStart(7, '0').slice(0, 6)}`);
    else if (kind === 1) terms.push(`cust${n}@`);
    else if (kind === 2) terms.push(`${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`);
    else if (kind === 3) terms.push(`ORD-${String(n % ROWS).padStart(7, '0')}`);
    else terms.push(await o.gatewayIdAt(n % ROWS));
  }
  const searchTimes: Timing[] = [];
  for (const term of terms) searchTimes.push(await timeInPage(page, { kind: 'search', term }, await o.search(term)));
  console.log(`search, ms (total/rpc): ${searchTimes.map((t) => `${fmt(t.total)}/${fmt(t.rpc)}`).join(' ')}`);
  await timeInPage(page, { kind: 'search', term: '' }, all);

  // 3. a deep scroll: further pages load, and only the visible rows are in the DOM
  const wrap = page.locator('[data-testid=payments-table]');
  const maxRowIndex = () =>
    page.evaluate<number>(`Math.max(0, ...Array.from(document.querySelectorAll('.pay-row'), (r) => Number(r.getAttribute('aria-rowindex'))))`);
  for (let i = 0; i < 8; i++) {
    const before = await maxRowIndex();
    // scroll as a person does: the wheel over the table
    await wrap.hover();
    await page.mouse.wheel(0, 4000);
    // the next page loads when the last rows come into view: wait until rows past the old end render
    const deadline = Date.now() + 15_000;
    while ((await maxRowIndex()) <= before && Date.now() < deadline) await page.waitForTimeout(50);
  }
  const dom = await page.evaluate<{ rows: number; all: number; maxIndex: number }>(`({
    rows: document.querySelectorAll('.pay-table tbody tr').length,
    all: document.querySelectorAll('tr').length,
    maxIndex: Math.max(...Array.from(document.querySelectorAll('.pay-row'), (r) => Number(r.getAttribute('aria-rowindex')))),
  })`);
  console.log(`after scrolling to row ${dom.maxIndex - 1}: ${dom.rows} body rows in the DOM (${dom.all} tr in all)`);
  if (dom.all >= 100) throw new Error(`the table renders ${dom.all} rows; it should render only the visible ones`);
  if (dom.maxIndex < 300) throw new Error(`scrolling did not load further pages (last row index ${dom.maxIndex})`);
  if (errors.length) throw new Error(`page errors: ${errors.join('\n')}`);
  await context.close();

  const totals = (ts: Timing[]) => ts.map((t) => t.total);
  const rpcs = (ts: Timing[]) => ts.map((t) => t.rpc);
  console.log(`filter p50 ${fmt(pct(totals(filterTimes), 50))} ms (payments.list p50 ${fmt(pct(rpcs(filterTimes), 50))}, p95 ${fmt(pct(rpcs(filterTimes), 95))}); search p50 ${fmt(pct(totals(searchTimes), 50))} ms (payments.list p50 ${fmt(pct(rpcs(searchTimes), 50))}, p95 ${fmt(pct(rpcs(searchTimes), 95))}); target: p95 < 100 ms`);
  const result: Result = { engine, firstRows, floorRows, filterP95: pct(totals(filterTimes), 95), searchP95: pct(totals(searchTimes), 95) };
  console.log(summary(result));
  return result;
}

/** The engine's store, host and oracle; measures; tears them down. Failures become a Result with the reason. */
async function runEngine(browser: Browser, engine: Engine): Promise<Result> {
  console.log(`\n== ${engine} ==`);
  // BENCH_DATA_DIR: reuse a SQLite store a previous run kept (BENCH_KEEP=1) instead of filling a new one
  const reuse = engine === 'sqlite' ? process.env.BENCH_DATA_DIR : undefined;
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), `paydesk-bench-payments-${engine}-`));
  const keep = engine === 'sqlite' && (process.env.BENCH_KEEP === '1' || reuse !== undefined);
  let host: BenchHost | null = null;
  let o: Oracle | null = null;
  try {
    let storeUrl: string | null = null;
    if (engine === 'postgres') storeUrl = await preparePgStore(dataDir);
    else if (!reuse) await prepareStore(dataDir);
    o = storeUrl ? await pgOracle(storeUrl) : sqliteOracle(dataDir);
    host = await startHostOn(dataDir, storeUrl);
    await coreReady(host); // the page loads measure the screen, not the host's start (bench:start does)
    return await measure(browser, host, o, engine);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    console.log(`${engine}: not measured: ${why}`);
    return { engine, firstRows: null, floorRows: null, filterP95: NaN, searchP95: NaN, why };
  } finally {
    await o?.close();
    await host?.stop();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

const summary = (r: Result): string =>
  r.firstRows === null
    ? `payments (${r.engine}): not measured: ${r.why}`
    : `payments (${r.engine}): ${ROWS} rows; first rows ${fmt(r.firstRows)} ms = ${(r.firstRows / r.floorRows!).toFixed(2)}x floor page (${fmt(r.floorRows!)} ms); filter p95 ${fmt(r.filterP95)} ms; search p95 ${fmt(r.searchP95)} ms`;

async function main() {
  if (!BENCH_HOST) requireCurrentBuild();
  const engines = benchEngines();
  const browser = await launchBrowser();
  const results: Result[] = [];
  try {
    for (const engine of engines) results.push(await runEngine(browser, engine));
  } finally {
    await browser.close();
    stopBenchCluster();
  }
  console.log('');
  console.log(`${await loadAverage()}; targets: first rows <= 400 ms (median of 5 cold loads), filter and search p95 < 100 ms`);
  console.log(`${'engine'.padEnd(10)} ${'rows'.padStart(8)}  ${'first rows'.padStart(10)}  ${'floor page'.padStart(10)}  ${'filter p95'.padStart(10)}  ${'search p95'.padStart(10)}`);
  for (const r of results) {
    const ms = (n: number | null) => (n === null || !Number.isFinite(n) ? 'n/a' : `${fmt(n)} ms`).padStart(10);
    console.log(`${r.engine.padEnd(10)} ${String(ROWS).padStart(8)}  ${ms(r.firstRows)}  ${ms(r.floorRows)}  ${ms(r.filterP95)}  ${ms(r.searchP95)}`);
  }
  for (const r of results) console.log(summary(r));
  if (results.some((r) => r.firstRows === null)) process.exitCode = 1;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
