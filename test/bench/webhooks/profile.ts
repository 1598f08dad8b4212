// bench:webhooks — summarises a V8 CPU profile (.cpuprofile, as written by node --cpu-prof, which
// BENCH_PROF turns on for the Paydesk server): self time by function, inclusive time by function, and self
// time by area (node's http, the SDKs, SQLite, ingest, ...). Native frames (no script URL: SQLite's
// statement calls, JSON.parse, HMAC digests) are named with the script that called them.
//   npx tsx test/bench/webhooks/profile.ts <file.cpuprofile> [top]
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Node {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: Node[];
  samples: number[];
  timeDeltas: number[];
}

function shortUrl(url: string): string {
  if (!url) return '';
  const u = url.replace(/^file:\/\//, '');
  const nm = u.lastIndexOf('node_modules/');
  if (nm >= 0) return u.slice(nm + 'node_modules/'.length);
  const i = u.search(/\/(electron|test|shared)\//);
  return i >= 0 ? u.slice(i + 1) : u;
}

function area(url: string): string {
  const u = shortUrl(url);
  if (!u) return '';
  if (u.startsWith('node:')) {
    if (/_http|http_|node:http|internal\/http|node:net|stream|internal\/streams/.test(u)) return 'node http/net/streams';
    return `node ${u.replace(/^node:(internal\/)?/, '').split('/')[0]}`;
  }
  if (u.startsWith('stripe/')) return 'stripe SDK';
  if (u.startsWith('razorpay/')) return 'razorpay SDK';
  if (u.startsWith('better-sqlite3/')) return 'better-sqlite3 (JS)';
  const m = /^(electron\/core\/[^/]+(?:\/[^/]+)?|shared\/[^/]+|test\/[^/]+\/[^/]+)/.exec(u);
  return m ? (m[1] as string).replace(/\.ts$/, '') : u;
}

export interface ProfileSummary {
  totalMs: number;
  idleMs: number;
  lines: string[];
}

export function summarise(file: string, top = 25): ProfileSummary {
  const p = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<number, number>();
  let totalUs = 0;
  for (let i = 0; i < p.samples.length; i++) {
    const dt = p.timeDeltas[i + 1] ?? p.timeDeltas[i] ?? 0;
    const id = p.samples[i] as number;
    self.set(id, (self.get(id) ?? 0) + dt);
    totalUs += dt;
  }
  const nearestUrl = (id: number): string => {
    for (let cur: number | undefined = id; cur !== undefined; cur = parent.get(cur)) {
      const u = byId.get(cur)?.callFrame.url;
      if (u) return u;
    }
    return '';
  };
  const keyOf = (n: Node): string => {
    const f = n.callFrame;
    const name = f.functionName || '(anonymous)';
    if (f.url) return `${name}  ${shortUrl(f.url)}:${f.lineNumber + 1}`;
    if (name.startsWith('(')) return name;
    return `${name} [native, from ${area(nearestUrl(n.id)) || '?'}]`;
  };
  const areaOf = (n: Node): string => {
    const f = n.callFrame;
    if (f.url) return area(f.url);
    if (f.functionName.startsWith('(')) return f.functionName;
    return `native, called from ${area(nearestUrl(n.id)) || '?'}`;
  };

  const selfByKey = new Map<string, number>();
  const selfByArea = new Map<string, number>();
  for (const [id, us] of self) {
    const n = byId.get(id) as Node;
    selfByKey.set(keyOf(n), (selfByKey.get(keyOf(n)) ?? 0) + us);
    selfByArea.set(areaOf(n), (selfByArea.get(areaOf(n)) ?? 0) + us);
  }
  // inclusive: self + descendants, counted once per function along a path (recursion is not doubled)
  const incl = new Map<number, number>();
  const visit = (id: number): number => {
    const n = byId.get(id) as Node;
    let t = self.get(id) ?? 0;
    for (const c of n.children ?? []) t += visit(c);
    incl.set(id, t);
    return t;
  };
  const root = p.nodes[0] as Node;
  visit(root.id);
  const inclByKey = new Map<string, number>();
  const walk = (id: number, onPath: Set<string>): void => {
    const n = byId.get(id) as Node;
    const k = keyOf(n);
    const fresh = !onPath.has(k);
    if (fresh) {
      inclByKey.set(k, (inclByKey.get(k) ?? 0) + (incl.get(id) ?? 0));
      onPath.add(k);
    }
    for (const c of n.children ?? []) walk(c, onPath);
    if (fresh) onPath.delete(k);
  };
  walk(root.id, new Set());

  const idleUs = selfByKey.get('(idle)') ?? 0;
  const busyUs = totalUs - idleUs;
  const pct = (us: number): string => `${((100 * us) / busyUs).toFixed(1).padStart(5)}%`;
  const ms = (us: number): string => `${(us / 1000).toFixed(0).padStart(7)} ms`;
  const sorted = (m: Map<string, number>) => [...m.entries()].filter(([k]) => k !== '(idle)' && k !== '(root)').sort((a, b) => b[1] - a[1]);
  const lines: string[] = [];
  lines.push(`profile ${file}: ${(totalUs / 1e6).toFixed(1)} s sampled, ${(idleUs / 1e6).toFixed(1)} s idle; percentages are of the busy ${(busyUs / 1e6).toFixed(1)} s`);
  lines.push('self time by area:');
  for (const [k, us] of sorted(selfByArea).slice(0, top)) lines.push(`  ${pct(us)} ${ms(us)}  ${k}`);
  lines.push('self time by function:');
  for (const [k, us] of sorted(selfByKey).slice(0, top)) lines.push(`  ${pct(us)} ${ms(us)}  ${k}`);
  lines.push('inclusive time by function (script functions only):');
  for (const [k, us] of sorted(inclByKey).filter(([k]) => !k.startsWith('(') && !k.includes('[native')).slice(0, top)) lines.push(`  ${pct(us)} ${ms(us)}  ${k}`);
  return { totalMs: totalUs / 1000, idleMs: idleUs / 1000, lines };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const file = process.argv[2];
  if (!file) {
    console.error('usage: tsx test/bench/webhooks/profile.ts <file.cpuprofile> [top]');
    process.exit(2);
  }
  for (const l of summarise(file, Number(process.argv[3] ?? 25)).lines) console.log(l);
}
