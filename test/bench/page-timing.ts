// Where a page load's time goes, read from the page's own clock (no CDP round trip is timed):
//   bundle     navigation start -> the entry script is downloaded (HTML, script; the renderer process start)
//   boot       -> the data request that fed the first rows is sent (evaluation, React, the shell's own
//              requests, the screen's code)
//   first RPC  that request, sent -> answered (network + core)
//   render     answered -> the first data element is in the DOM
// Install `watchFirstData(context, selector)` before the page loads; read `pageTiming(page, rpcs)` after.
// The page itself reports the first data through a binding: a Playwright locator or waitForFunction would
// inject its script into the page while it starts, and that evaluation lands on the measured path.
import type { BrowserContext, Page } from 'playwright-core';

export interface PageTiming {
  /** navigation start -> first data element in the DOM, ms */
  total: number;
  bundle: number;
  boot: number;
  rpc: number;
  render: number;
  /** which request fed the first rows, e.g. payments.list */
  rpcName: string;
}

/**
 * Records (in the page) when an element matching `selector` first appears (window.__benchFirstData) and
 * returns `firstData(timeoutMs)`, which resolves with that moment as wall-clock ms (Date.now() terms).
 */
export async function watchFirstData(context: BrowserContext, selector: string): Promise<(timeoutMs?: number) => Promise<number>> {
  let report: (epochMs: number) => void = () => {};
  const seen = new Promise<number>((resolve) => (report = resolve));
  await context.exposeBinding('__benchSeen', (_source, epochMs: number) => report(epochMs));
  await context.addInitScript(`(() => {
    const sel = ${JSON.stringify(selector)};
    const seen = () => {
      if (window.__benchFirstData !== undefined || !document.querySelector(sel)) return;
      window.__benchFirstData = performance.now();
      obs.disconnect();
      window.__benchSeen(performance.timeOrigin + window.__benchFirstData);
    };
    const obs = new MutationObserver(seen);
    obs.observe(document, { subtree: true, childList: true });
  })()`);
  return (timeoutMs = 30_000) => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`bench: no ${selector} within ${timeoutMs / 1000} s`)), timeoutMs);
    });
    return Promise.race([seen, timeout]).finally(() => clearTimeout(timer));
  };
}

/** The breakdown; `rpcs` names the data requests to pick from (the last one answered before the first data). */
export async function pageTiming(page: Page, rpcs: string[]): Promise<PageTiming> {
  const raw = await page.evaluate<{ first: number | null; entries: { name: string; type: string; start: number; end: number }[] }>(`({
    first: window.__benchFirstData ?? null,
    entries: performance.getEntriesByType('resource').map((e) => ({ name: new URL(e.name).pathname, type: e.initiatorType, start: e.startTime, end: e.responseEnd })),
  })`);
  if (raw.first === null) throw new Error('bench: the first data element was never seen (was watchFirstData installed?)');
  const first = raw.first;
  const entry = raw.entries.find((e) => /\/assets\/index-[^/]*\.js$/.test(e.name));
  const fed = raw.entries
    .filter((e) => rpcs.some((r) => e.name === `/rpc/${r}`) && e.end <= first)
    .sort((a, b) => b.end - a.end)[0];
  const bundle = entry?.end ?? 0;
  if (!fed) return { total: first, bundle, boot: first - bundle, rpc: 0, render: 0, rpcName: '(none)' };
  return { total: first, bundle, boot: fed.start - bundle, rpc: fed.end - fed.start, render: first - fed.end, rpcName: fed.name.replace('/rpc/', '') };
}

export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

/** "bundle 120 · boot 150 · first RPC 20 (payments.list) · render 30" from the per-phase medians */
export function describeTimings(ts: PageTiming[]): string {
  const f = (k: 'bundle' | 'boot' | 'rpc' | 'render') => median(ts.map((t) => t[k])).toFixed(0);
  const names = [...new Set(ts.map((t) => t.rpcName))].join('/');
  return `bundle ${f('bundle')} · boot ${f('boot')} · first RPC ${f('rpc')} (${names}) · render ${f('render')} ms (medians; in-page total ${median(ts.map((t) => t.total)).toFixed(0)} ms)`;
}

/** "load average 0.42 0.80 1.10" for the record: figures from a busy machine are not comparable */
export async function loadAverage(): Promise<string> {
  const { loadavg, cpus } = await import('node:os');
  return `load average ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${cpus().length} CPUs`;
}
