// The end-to-end tests drive the built app in dist/, as it ships. A dist/ older than its sources would test
// old code and pass or fail for the wrong reason, so before a host starts, every output whose sources are
// newer is rebuilt with scripts/build.mjs (only the stale steps, under a lock: test files run in parallel).
// Up to date, this is one walk of the source trees' mtimes.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..');
const LOCK = join(ROOT, 'dist', '.e2e-build.lock');
const LOCK_WAIT_MS = 180_000;

/** One step of scripts/build.mjs (its id), the file it writes, and what that file is built from. */
interface Output {
  step: string;
  file: string;
  sources: string[];
}

const RENDERER: Output = { step: 'renderer', file: 'dist/renderer/index.html', sources: ['renderer', 'shared', 'vite.config.ts', 'package.json'] };
const HOST: Output[] = [
  { step: 'browser-host', file: 'dist/electron/browser-host.cjs', sources: ['electron', 'shared', 'sandbox', 'package.json'] },
  { step: 'export-worker', file: 'dist/electron/export-worker.cjs', sources: ['electron/core', 'shared', 'package.json'] },
  // the host runs PostgreSQL's connection in this worker thread (store/pg/sync-client.ts)
  { step: 'pg-worker', file: 'dist/electron/pg-worker.cjs', sources: ['electron/core/store/pg', 'package.json'] },
  // and SQLite's WAL checkpoints in this one (store/checkpointer.ts)
  { step: 'checkpoint-worker', file: 'dist/electron/checkpoint-worker.cjs', sources: ['electron/core/store/checkpoint-worker.ts', 'package.json'] },
];

export const BUILT_HOST = join(ROOT, 'dist', 'electron', 'browser-host.cjs');

/**
 * Rebuilds what is stale: the renderer always, the host bundles unless the host runs from source
 * (`withHost: false`). Throws with the build's output when the build fails.
 */
export function ensureBuilt(opts: { withHost: boolean }): void {
  const wanted = opts.withHost ? [RENDERER, ...HOST] : [RENDERER];
  if (stale(wanted).length === 0) return;
  withLock(() => {
    // another test file may have built it while this one waited for the lock
    const steps = stale(wanted).map((o) => o.step);
    if (steps.length === 0) return;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts', 'build.mjs'), '--quiet', '--only', steps.join(',')], {
      cwd: ROOT,
      encoding: 'utf8',
      // vitest sets NODE_ENV=test, which would build React's development bundle: test what ships
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (r.status !== 0) throw new Error(`e2e: dist/ is older than its sources and rebuilding it (${steps.join(', ')}) failed:\n${r.stdout}\n${r.stderr}`);
  });
}

function stale(outputs: Output[]): Output[] {
  return outputs.filter((o) => {
    const file = join(ROOT, o.file);
    return !existsSync(file) || statSync(file).mtimeMs < newestMtime(o.sources.map((s) => join(ROOT, s)));
  });
}

/** The newest mtime in these files and trees; a folder's own mtime counts, so a deleted source counts too. */
function newestMtime(paths: string[]): number {
  let newest = 0;
  const walk = (p: string): void => {
    const st = statSync(p);
    newest = Math.max(newest, st.mtimeMs);
    if (!st.isDirectory()) return;
    for (const e of readdirSync(p, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name.endsWith('.test.ts')) continue;
      walk(join(p, e.name));
    }
  };
  for (const p of paths) if (existsSync(p)) walk(p);
  return newest;
}

function withLock(fn: () => void): void {
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      if (Date.now() > deadline) throw new Error(`e2e: timed out waiting for ${LOCK}; delete it if no build is running`);
      // a synchronous wait: startHost's callers are async, but this keeps the lock logic in one place
      spawnSync(process.execPath, ['-e', 'setTimeout(()=>{},250)']);
    }
  }
  try {
    fn();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}
