// npm run bench:payments — the Payments screen against a store of 100,000 payments, in Chromium.
//
// 1. Starts the built browser host once on a fresh data dir (it creates the database at the latest
//    migration), stops it, and fills `payments` with BENCH_ROWS rows by direct SQL inserts following
//    migration 002 (the FTS triggers index them as the app's own inserts would), under two bench accounts.
// 2. Starts the host again on that data dir and measures in Debian Chromium (playwright-core):
//    - first rows: page load of #/payments until the first table row is in the DOM (median of 5 cold loads);
//    - filter: a change of the status/gateway/date filters until the table shows the new first row and count
//      (p95 of BENCH_RUNS, every run a combination not asked before, so each one goes to core);
//    - search: a search submitted (Enter) until the same (p95 of BENCH_RUNS distinct terms).
//    The expected count and first row of every run come from SQL on the same file, so a fast wrong answer fails.
// 3. Scrolls deep into the table (loading further cursor pages) and checks the DOM holds only the visible rows.
//
// Last line: `payments: 100000 rows; first rows <ms> ms; filter p95 <ms> ms; search p95 <ms> ms`.
// Target: filter and search p95 under 100 ms. Not part of npm test.
// Env: BENCH_ROWS (default 100000), BENCH_RUNS (default 20), BENCH_KEEP=1 keeps the data dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from 'playwright-core';
import { launchBrowser, startHost, type Host } from '../e2e/fixtures';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const RUNS = Math.max(5, Number(process.env.BENCH_RUNS ?? 20));
const DB_FILE = 'paydesk.sqlite';

const STATUSES = [
  ['paid', 55],
  ['expired', 18],
  ['open', 10],
  ['cancelled', 9],
  ['failed', 8],
] as const;
const FIRST = ['Asha', 'Ben', 'Chloé', 'Dmitri', 'Emi', 'Farah', 'Gustavo', 'Hana', 'Ivan', 'Jia', 'Kofi', 'Lena', 'Mateo', 'Nadia', 'Omar', 'Priya'];
const LAST = ['Rao', 'Okafor', 'Martin', 'Ivanov', 'Tanaka', 'Haddad', 'Silva', 'Kim', 'Petrov', 'Chen', 'Mensah', 'Weber', 'Rossi', 'Khan', 'Ali', 'Nair'];
const ACCOUNTS = [
  { id: 'acc_bench_stripe', gateway: 'stripe', label: 'Bench Stripe' },
  { id: 'acc_bench_razorpay', gateway: 'razorpay', label: 'Bench Razorpay' },
] as const;

/** a small deterministic PRNG, so every run builds the same store */
function rng(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const hex = (r: () => number, n: number) => Array.from({ length: n }, () => Math.floor(r() * 16).toString(16)).join('');

function fill(dataDir: string): void {
  const db = new Database(join(dataDir, DB_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
  const now = Date.now();
  const r = rng(42);
  const insAccount = db.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, sandbox, verification_status, created_at, updated_at)
    VALUES (?, ?, 'test', 0, ?, 0, 'unverified', ?, ?)`);
  const ins = db.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, description,
      customer_name, customer_email, customer_phone, notes, status, status_reason, refund_state, idempotency_key,
      session_id, plink_id, gateway_payment_id, url, expires_at, paid_at, captured_minor, created_by, created_at, updated_at)
    VALUES (@id, @account, @gateway, 0, @kind, @orderRef, @amount, @currency, @description, @name, @email, @phone, '{}', @status, @reason, 'none', @key,
      @sessionId, @plinkId, @paymentId, @url, @expiresAt, @paidAt, @captured, 'console', @createdAt, @createdAt)`);
  const pick = (): string => {
    let x = r() * 100;
    for (const [s, w] of STATUSES) {
      if (x < w) return s;
      x -= w;
    }
    return 'paid';
  };
  db.transaction(() => {
    for (const a of ACCOUNTS) insAccount.run(a.id, a.gateway, a.label, now, now);
    for (let i = 0; i < ROWS; i++) {
      const a = ACCOUNTS[i % 3 === 0 ? 1 : 0]!;
      const stripe = a.gateway === 'stripe';
      const status = pick();
      // spread over ~a year, newest first at i = 0 (5 minutes apart, with jitter)
      const createdAt = now - i * 300_000 - Math.floor(r() * 60_000);
      const amount = (stripe ? 500 : 10_000) + Math.floor(r() * 500_000);
      const first = FIRST[Math.floor(r() * FIRST.length)]!;
      const last = LAST[Math.floor(r() * LAST.length)]!;
      const gid = hex(r, 24);
      ins.run({
        id: `pd_${hex(r, 20)}`,
        account: a.id,
        gateway: a.gateway,
        kind: stripe ? 'stripe_checkout' : 'razorpay_link',
        orderRef: `ORD-${String(i).padStart(7, '0')}`,
        amount,
        currency: stripe ? 'USD' : 'INR',
        description: r() < 0.5 ? 'Yoga class pass' : 'Invoice payment',
        name: r() < 0.85 ? `${first} ${last}` : null,
        email: r() < 0.8 ? `cust${i}@example.com` : null,
        phone: r() < 0.4 ? `+9198${String(10_000_000 + i).slice(-8)}` : null,
        status,
        reason: status === 'failed' ? 'Your card was declined.' : null,
        key: `bench-${i}`,
        sessionId: stripe ? `cs_test_${gid}` : null,
        plinkId: stripe ? null : `plink_${gid.slice(0, 14)}`,
        paymentId: status === 'paid' ? (stripe ? `pi_${gid}` : `pay_${gid.slice(0, 14)}`) : null,
        url: stripe ? `https://checkout.example/c/pay/cs_test_${gid}` : `https://rzp.example/${gid.slice(0, 10)}`,
        expiresAt: createdAt + 86_400_000,
        paidAt: status === 'paid' ? createdAt + 120_000 : null,
        captured: status === 'paid' ? amount : 0,
        createdAt,
      });
    }
  })();
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
}

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

async function main() {
  // BENCH_DATA_DIR: reuse a store a previous run kept (BENCH_KEEP=1) instead of filling a new one
  const reuse = process.env.BENCH_DATA_DIR;
  const dataDir = reuse ?? mkdtempSync(join(tmpdir(), 'paydesk-bench-payments-'));
  const keep = process.env.BENCH_KEEP === '1' || reuse !== undefined;
  let host: Host;
  if (!reuse) {
    host = await startHost({ dataDir, sandbox: false });
    await host.stop();
    const t0 = Date.now();
    fill(dataDir);
    console.log(`filled ${ROWS.toLocaleString()} payments in ${((Date.now() - t0) / 1000).toFixed(1)} s (${dataDir})`);
  }
  const o = oracle(dataDir);
  host = await startHost({ dataDir, sandbox: false });
  const browser = await launchBrowser();
  try {
    // 1. first rows: cold loads of #/payments
    const loads: number[] = [];
    for (let i = 0; i < 5; i++) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 820 }, deviceScaleFactor: 1 });
      const page = await context.newPage();
      const start = Date.now();
      await page.goto(`${host.url}#/payments`);
      await page.locator('.pay-row').first().waitFor({ timeout: 30_000 });
      loads.push(Date.now() - start);
      await context.close();
    }
    const firstRows = pct(loads, 50);
    console.log(`first rows (page load to first row), ms: ${loads.map(fmt).join(' ')}`);

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
    const line = `payments: ${ROWS} rows; first rows ${fmt(firstRows)} ms; filter p95 ${fmt(pct(totals(filterTimes), 95))} ms; search p95 ${fmt(pct(totals(searchTimes), 95))} ms`;
    console.log(`filter p50 ${fmt(pct(totals(filterTimes), 50))} ms (payments.list p50 ${fmt(pct(rpcs(filterTimes), 50))}, p95 ${fmt(pct(rpcs(filterTimes), 95))}); search p50 ${fmt(pct(totals(searchTimes), 50))} ms (payments.list p50 ${fmt(pct(rpcs(searchTimes), 50))}, p95 ${fmt(pct(rpcs(searchTimes), 95))}); target: p95 < 100 ms`);
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
