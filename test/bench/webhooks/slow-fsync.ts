// bench:webhooks, BENCH_SLOW_FSYNC_US: the servers run as on a disk whose flushes take that much longer
// (slow-fsync.c, compiled with the system's C compiler into the run's folder and loaded with LD_PRELOAD).
// How a server's rate compares with another's depends on the disk: one that fsyncs on its event loop waits
// for it, one that fsyncs in the thread pool goes on applying. PostgreSQL's flushes are its own processes'
// and are not slowed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The environment the servers get: LD_PRELOAD and SLOW_FSYNC_US; {} when the knob is not set. Throws when it cannot be built. */
export function slowFsyncEnv(workDir: string): Record<string, string> {
  const us = Number(process.env.BENCH_SLOW_FSYNC_US ?? 0);
  if (!Number.isFinite(us) || us <= 0) return {};
  if (process.platform !== 'linux') throw new Error('BENCH_SLOW_FSYNC_US needs Linux (LD_PRELOAD)');
  const source = fileURLToPath(new URL('./slow-fsync.c', import.meta.url));
  const lib = join(workDir, 'slow-fsync.so');
  const cc = spawnSync('cc', ['-shared', '-fPIC', '-O2', '-o', lib, source, '-ldl'], { encoding: 'utf8' });
  if (cc.error || cc.status !== 0) throw new Error(`BENCH_SLOW_FSYNC_US needs a C compiler (apt-get install gcc): ${cc.error?.message ?? cc.stderr}`);
  return { LD_PRELOAD: lib, SLOW_FSYNC_US: String(Math.round(us)) };
}
