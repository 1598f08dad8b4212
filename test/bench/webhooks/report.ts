// bench:webhooks — the report: per engine, each server's events/s and p50/p99 per concurrency (median and
// spread over the rounds), the ratios to the other servers in the same run, and the applied check of the
// Paydesk server; then both engines side by side at each concurrency.
import { loadavg } from 'node:os';
import type { Engine } from '../../../electron/core/store/sql';
import type { AppliedCheck } from './check';
import type { LoadResult } from './load';
import { LABEL, type Kind } from './payloads';

export interface Run extends LoadResult {
  kind: Kind;
  /** null for the bound, which stores nothing */
  engine: Engine | null;
  c: number;
  round: number;
  rps: number;
  check?: AppliedCheck;
  /** the server process's CPU and storage writes per acknowledged event (proc-usage.ts); SQLite's storage work is in it */
  usage?: { cpuUs: number; sysUs: number; writtenKb: number };
}

export const fmt = (n: number, d = 0): string => (Number.isFinite(n) ? n.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d }) : 'n/a');
export const load = (): string => loadavg().map((x) => x.toFixed(2)).join(' ');

export function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] as number;
}

export function spread(xs: number[], d: number): string {
  const s = xs.filter(Number.isFinite);
  if (s.length === 0) return 'n/a';
  return `${fmt(median(s), d)} [${fmt(Math.min(...s), d)}-${fmt(Math.max(...s), d)}]`;
}

/**
 * The tables, ratios and applied check of one engine's servers (with the shared bound); returns its summary
 * line, printed with the other engine's at the very end.
 */
export function reportEngine(all: Run[], engine: Engine, SERVERS: Kind[], CONCURRENCY: number[]): string {
  const runs = all.filter((r) => r.kind === 'bound' || r.engine === engine);
  const of = (k: Kind, c: number): Run[] => runs.filter((r) => r.kind === k && r.c === c);
  const med = (k: Kind, c: number, f: (r: Run) => number): number => median(of(k, c).map(f));
  console.log('');
  console.log(`on ${engine}:`);
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
  usageLines(runs, SERVERS, CONCURRENCY, engine);
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
      `applied check: the Paydesk server on ${engine} acknowledged ${fmt(sum((x) => x.acked))} events (the load generator counted ${fmt(clientAcked)} 2xx); ` +
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
    return `webhooks (${engine}): lost ${lost} (the summary line needs all four servers and concurrency 1 and 64)`;
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
  return `webhooks (${engine}): c64 ${Math.round(p64)}/s = ${r2(gc)}x group-commit minimum, ${r2(p64 / rps('bound'))}x bound, ${r2(tut)}x tutorial; c1 p99 ${r2(c1p99)} ms; lost ${lost}`;
}

/**
 * Per acknowledged event, each server's CPU time and bytes written to storage (medians over the rounds). On
 * PostgreSQL the storage work is in the database's own processes, so only the server's CPU is its own.
 */
function usageLines(runs: Run[], servers: Kind[], concurrency: number[], engine: Engine): void {
  const rows: string[] = [];
  for (const c of concurrency) {
    const cells = servers
      .map((k) => {
        const measured = runs.filter((r) => r.kind === k && r.c === c && r.usage);
        const us = measured.map((r) => r.usage!);
        if (us.length === 0) return null;
        const kb = engine === 'sqlite' && k !== 'bound' ? `, ${fmt(median(us.map((u) => u.writtenKb)), 1)} KB written` : '';
        // events/s x CPU per event: the share of its one core the server used
        const busy = median(measured.map((r) => (r.rps * r.usage!.cpuUs) / 10_000));
        return `${k} ${fmt(median(us.map((u) => u.cpuUs)))} µs CPU (${fmt(median(us.map((u) => u.sysUs)))} in the kernel)${kb}, core ${fmt(busy)}% busy`;
      })
      .filter((x): x is string => x !== null);
    if (cells.length) rows.push(`  c${c}: ${cells.join('; ')}`);
  }
  if (rows.length === 0) return;
  console.log(`per acknowledged event (server process, /proc; medians; core busy = events/s x CPU per event: near 100%, the server is bound by its CPU, not by the disk):`);
  for (const r of rows) console.log(r);
}

/** Each storage server's median events/s, p50 and p99 on both engines, one line per server and concurrency. */
export function sideBySide(runs: Run[], engines: Engine[], servers: Kind[], concurrency: number[]): void {
  if (engines.length < 2) return;
  const cell = (k: Kind, c: number, e: Engine | null): string => {
    const rs = runs.filter((r) => r.kind === k && r.c === c && r.engine === e);
    if (rs.length === 0) return 'n/a'.padEnd(30);
    return `${fmt(median(rs.map((r) => r.rps))).padStart(7)}/s  p50 ${fmt(median(rs.map((r) => r.p50Ms)), 2).padStart(6)}  p99 ${fmt(median(rs.map((r) => r.p99Ms)), 2).padStart(7)}`.padEnd(30);
  };
  console.log('');
  console.log(`side by side (medians; ms)          conc  ${engines.map((e) => e.padEnd(36)).join(' ')}`.trimEnd());
  for (const c of concurrency) {
    for (const k of servers) {
      const cells = engines.map((e) => cell(k, c, k === 'bound' ? null : e).padEnd(36));
      console.log(`${LABEL[k].padEnd(35)} ${String(c).padStart(4)}  ${cells.join(' ')}`.trimEnd());
    }
  }
}
