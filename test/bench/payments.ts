// npm run bench:payments — the Payments screen against a store of 100,000 payments, in Chromium.
//
// 1. Builds the bench store (payments-store.ts, shared with bench:start): BENCH_ROWS payments under two test
//    accounts, by direct SQL inserts into a data dir the built host has just created.
// 2. Starts the host again on that data dir and measures in Debian Chromium (playwright-core):
//    - first rows: page load of #/payments until the first table row is in the DOM (median of 5 cold loads;
//      the page reports the moment itself, page-timing.ts);
//    - filter: a change of the status/gateway/date filters until the table shows the new first row and count
//      (p95 of BENCH_RUNS, every run a combination not asked before, so each one goes to core);
//    - search: a search submitted (Enter) until the same (p95 of BENCH_RUNS distinct terms).
//    The expected count and first row of every run come from SQL on the same file, so a fast wrong answer fails.
//    Each cold load also says where its time went (page-timing.ts): bundle, boot, first RPC, render.
// 3. Scrolls deep into the table (loading further cursor pages) and checks the DOM holds only the visible rows.
//
// Last line: `payments (sqlite): 100000 rows; first rows <ms> ms; filter p95 <ms> ms; search p95 <ms> ms`.
// Targets: first rows <= 400 ms; filter and search p95 under 100 ms. Not part of npm test.
// Needs a current build (built.ts): `npm run build` first, or BENCH_BUILD=1.
// Env: BENCH_ROWS (default 100000), BENCH_RUNS (default 20), BENCH_KEEP=1 keeps the data dir,
// BENCH_DATA_DIR=<dir> reuses a kept store, BENCH_HOST=<another build's browser-host.cjs> measures that
// build (bench-host.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { launchBrowser, startHost } from '../e2e/fixtures';
import { BENCH_HOST, spawnHost, stopHost } from './bench-host';
import { requireCurrentBuild } from './built';
import { describeTimings, loadAverage, pageTiming, watchFirstData, type PageTiming } from './page-timing';
import { DB_FILE, FIRST, LAST, ROWS, coreReady, prepareStore } from './payments-store';

const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 20));

interface Expect {
  count: number;
  firstId: string | null;
}
interface FilterCase {
  status: string;
  gateway: string;
  range: 'any' | '30d';
}

function oracle(dataDir: string) {
  const db = new Database(join(dataDir, DB_FILE), { readonly: true });
  const first = (where: string, params: unknown[]): Expect => {
    const count = (db.prepare(`SELECT count(*) AS n FROM payments WHERE ${where}`).get(...params) as { n: number }).n;
    const row = db.prepare(`SELECT id FROM payments WHERE ${where} ORDER BY created_at DESC, id DESC LIMIT 1`).get(...params) as { id: string } | undefined;
    return { count, firstId: row?.id ?? null };
  };
  return {
    filter(c: FilterCase): Expect {
      const w = ['livemode = 0'];
      const p: unknown[] = [];
      if (c.status) {
        w.push("status = ? AND refund_state = 'none'");
        p.push(c.status);
      }
      if (c.gateway) {
        w.push('gateway = ?');
        p.push(c.gateway);
      }
      if (c.range === '30d') {
        const d = new Date();
        w.push('created_at >= ?');
        p.push(new Date(d.getFullYear(), d.getMonth(), d.getDate() - 29).getTime());
      }
      return first(w.join(' AND '), p);
    },
    // the text index, or any id column by its beginning (written out here, independently of overview.ts)
    search(term: string): Expect {
      const ids = ['id', 'session_id', 'plink_id', 'order_id', 'payment_intent_id', 'charge_id', 'gateway_payment_id'];
      return first(
        `livemode = 0 AND (rowid IN (SELECT rowid FROM payments_fts WHERE payments_fts MATCH ?) OR ${ids.map((c) => `(${c} >= ? AND ${c} < ?)`).join(' OR ')})`,
        [`"${term.replace(/"/g, '""')}"`, ...ids.flatMap(() => [term, `${term}\u{10FFFF}`])],
      );
    },
    /** a gateway id of the row `n` rows from the newest (a term people paste) */
    gatewayIdAt(n: number): string {
      const r = db.prepare('SELECT coalesce(gateway_payment_id, session_id, plink_id) AS v FROM payments ORDER BY created_at DESC, id DESC LIMIT 1 OFFSET ?').get(n) as { v: string };
      return r.v;
    },
    close: () => db.close(),
  };
}

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

/** the built host on `dataDir` without the embedded sandbox: BENCH_HOST's when set, else the e2e fixture's */
async function startBenchHost(dataDir: string): Promise<{ url: string; stop(): Promise<void> }> {
  if (!BENCH_HOST) return startHost({ dataDir, sandbox: false });
  const h = await spawnHost(dataDir, ['--sandbox', 'off']);
  return { url: h.url, stop: () => stopHost(h.proc) };
}

async function main() {
  if (!BENCH_HOST) requireCurrentBuild();
  // BENCH_DATA_DIR: reuse a store a previous run kept (BENCH_KEEP=1) instead of filling a new one
  const reuse = process.env.BENCH_DATA_DIR;
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'paydesk-bench-payments-'));
  const keep = process.env.BENCH_KEEP === '1' || reuse !== undefined;
  if (!reuse) await prepareStore(dataDir);
  const o = oracle(dataDir);
  const host = await startBenchHost(dataDir);
  await coreReady(host); // the page loads measure the screen, not the host's start (bench:start does)
  const browser = await launchBrowser();
  try {
    // 1. first rows: cold loads of #/payments (a new browser context each: no cache, no storage)
    const loads: number[] = [];
    const timings: PageTiming[] = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
      const firstData = await watchFirstData(context, '.pay-row');
      const page = await context.newPage();
      const start = Date.now();
      await page.goto(`${host.url}#/payments`);
      loads.push((await firstData()) - start);
      timings.push(await pageTiming(page, ['payments.list']));
      await context.close();
    }
    const firstRows = pct(loads, 50);
    console.log(`first rows (page load to first row), ms: ${loads.map(fmt).join(' ')}`);
    console.log(`first rows breakdown: ${describeTimings(timings)}`);

    const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${host.url}#/payments`);
    await page.locator('.pay-row').first().waitFor({ timeout: 30_000 });
    const all = o.filter({ status: '', gateway: '', range: 'any' });
    await page.getByText(`${all.count.toLocaleString()} payments`).waitFor({ timeout: 30_000 });

    // 2a. filters: one select changed per run, each run a combination not asked before (never a query-cache hit)
    const filterTimes: Timing[] = [];
    for (const step of filterWalk(RUNS)) {
      filterTimes.push(await timeInPage(page, [{ kind: 'select', label: step.label, value: step.value }], o.filter(step.state)));
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
      else terms.push(o.gatewayIdAt(n % ROWS));
    }
    const searchTimes: Timing[] = [];
    for (const term of terms) searchTimes.push(await timeInPage(page, { kind: 'search', term }, o.search(term)));
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
    const line = `payments (sqlite): ${ROWS} rows; first rows ${fmt(firstRows)} ms; filter p95 ${fmt(pct(totals(filterTimes), 95))} ms; search p95 ${fmt(pct(totals(searchTimes), 95))} ms`;
    console.log(`filter p50 ${fmt(pct(totals(filterTimes), 50))} ms (payments.list p50 ${fmt(pct(rpcs(filterTimes), 50))}, p95 ${fmt(pct(rpcs(filterTimes), 95))}); search p50 ${fmt(pct(totals(searchTimes), 50))} ms (payments.list p50 ${fmt(pct(rpcs(searchTimes), 50))}, p95 ${fmt(pct(rpcs(searchTimes), 95))}); target: p95 < 100 ms`);
    console.log(`${await loadAverage()}; targets: first rows <= 400 ms (median of 5 cold loads), filter and search p95 < 100 ms`);
    console.log(line);
  } finally {
    o.close();
    await browser.close();
    await host.stop();
    if (!keep) rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
