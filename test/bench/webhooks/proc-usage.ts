// bench:webhooks — what a server process used during a run, from Linux's /proc: CPU time (user + system, all
// its threads, the thread pool's fsyncs included) and bytes it sent to storage (write_bytes: WAL frames and
// checkpoints, counted when the pages are dirtied). Divided by the events it acknowledged, they say where a
// storage server's time and disk go per event. null where /proc is not there (not Linux).
import { readFileSync } from 'node:fs';

export interface Usage {
  cpuMs: number;
  /** of which in the kernel (system calls: socket and file writes, fsync) */
  sysMs: number;
  writtenBytes: number;
}

const TICK_MS = 10; // USER_HZ is 100 on every Linux this runs on

export function usageOf(pid: number | undefined): Usage | null {
  if (pid === undefined) return null;
  try {
    // fields after the command name (which may hold spaces) start at index 2 (state); utime is 14, stime 15
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const io = readFileSync(`/proc/${pid}/io`, 'utf8');
    const written = Number(/^write_bytes: (\d+)$/m.exec(io)?.[1] ?? NaN);
    return { cpuMs: ticks * TICK_MS, sysMs: Number(fields[12]) * TICK_MS, writtenBytes: written };
  } catch {
    return null;
  }
}

/** per acknowledged event between two readings: CPU µs and KB written */
export function perEvent(before: Usage | null, after: Usage | null, events: number): { cpuUs: number; sysUs: number; writtenKb: number } | undefined {
  if (!before || !after || events <= 0) return undefined;
  return {
    cpuUs: ((after.cpuMs - before.cpuMs) * 1000) / events,
    sysUs: ((after.sysMs - before.sysMs) * 1000) / events,
    writtenKb: (after.writtenBytes - before.writtenBytes) / 1024 / events,
  };
}
