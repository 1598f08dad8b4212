// The built browser host as the benches start it: spawned with node the way `npm run host` runs it, ready
// once it prints "Paydesk running at". BENCH_HOST=<path of another build's browser-host.cjs> measures that
// build instead (its renderer next to it, as the host finds it), so two builds can be compared on one machine;
// a copy outside the repository finds its packages through NODE_PATH, set here to the repository's.
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../e2e/fixtures';

export const BENCH_HOST = process.env.BENCH_HOST || null;
export const HOST = BENCH_HOST ?? join(ROOT, 'dist', 'electron', 'browser-host.cjs');

export interface SpawnedHost {
  proc: ChildProcess;
  url: string;
  output(): string;
}

/** Spawns the host on `dataDir` (plus `args`), resolves with it and its address once it prints "Paydesk running at". */
export function spawnHost(dataDir: string, args: string[] = []): Promise<SpawnedHost> {
  const env: NodeJS.ProcessEnv = { ...process.env, FORCE_COLOR: '0', NODE_PATH: join(ROOT, 'node_modules') };
  delete env.NODE_ENV; // as `npm run host` runs it
  const proc = spawn(process.execPath, [HOST, '--port', '0', '--data-dir', dataDir, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`bench: the host did not print its address within 60 s:\n${out}`)), 60_000);
    proc.stdout!.setEncoding('utf8').on('data', (c: string) => {
      out += c;
      const m = /Paydesk running at (http:\/\/127\.0\.0\.1:\d+\/\S*)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, url: m[1]!, output: () => out });
      }
    });
    proc.stderr!.setEncoding('utf8').on('data', (c: string) => (out += c));
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`bench: the host exited (${code}) before it was ready:\n${out}`));
    });
  });
}

export async function stopHost(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  proc.kill('SIGTERM');
  const t = setTimeout(() => proc.kill('SIGKILL'), 8000);
  await exited;
  clearTimeout(t);
}
