// The benches measure what ships: the built browser host (dist/electron/browser-host.cjs) and the built
// renderer (dist/renderer). A build older than its sources would measure yesterday's code, so a bench
// refuses it, or builds first with BENCH_BUILD=1 (`node scripts/build.mjs --quiet`).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ROOT } from '../e2e/fixtures';

const OUTPUTS = [
  { file: join(ROOT, 'dist', 'electron', 'browser-host.cjs'), sources: ['electron', 'shared', 'sandbox'] },
  { file: join(ROOT, 'dist', 'renderer', 'index.html'), sources: ['renderer', 'shared'] },
];

function newest(dir: string): { file: string; mtimeMs: number } {
  let best = { file: '', mtimeMs: 0 };
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else {
        const m = statSync(p).mtimeMs;
        if (m > best.mtimeMs) best = { file: p, mtimeMs: m };
      }
    }
  };
  if (existsSync(dir)) walk(dir);
  return best;
}

/** Why the build cannot be measured (missing, or older than a named source file), or null when it is current. */
function staleness(): string | null {
  for (const o of OUTPUTS) {
    if (!existsSync(o.file)) return `${relative(ROOT, o.file)} is missing`;
    const built = statSync(o.file).mtimeMs;
    for (const s of o.sources) {
      const n = newest(join(ROOT, s));
      if (n.mtimeMs > built) return `${relative(ROOT, n.file)} is newer than ${relative(ROOT, o.file)}`;
    }
  }
  return null;
}

/** Makes sure the build is current: builds with BENCH_BUILD=1, else throws with what to run. */
export function requireCurrentBuild(): void {
  const why = staleness();
  if (why === null) return;
  if (process.env.BENCH_BUILD !== '1') {
    throw new Error(`bench: the build is stale (${why}). Run \`npm run build\` first, or set BENCH_BUILD=1 to build before measuring.`);
  }
  console.log(`bench: building first (${why})`);
  const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--quiet'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) throw new Error('bench: the build failed');
  const still = staleness();
  if (still !== null) throw new Error(`bench: still stale after building (${still}); is someone editing the sources right now?`);
}
