// bench:webhooks — the load generator, always in its own process: wrk (C, epoll) where it is installed,
// autocannon in a child Node process otherwise. Both replay the pre-signed requests of payloads.ts in order,
// wrapping to the start if a run outlasts them (counted: a storage server then sees duplicates, which the
// bench reports). Pinning: the generator runs on one core, every server on the other (taskset -c).
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface LoadResult {
  /** responses received (any status) */
  requests: number;
  /** 2xx responses: what the events/s count */
  acked: number;
  non2xx: number;
  /** connect/read/write errors and timeouts */
  errors: number;
  seconds: number;
  p50Ms: number;
  p99Ms: number;
  /** requests sent and how often the request list wrapped */
  sent: number;
  wraps: number;
}

export type Generator = 'wrk' | 'autocannon';

const has = (cmd: string, args: string[]): boolean => {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.error === undefined;
};

export function pickGenerator(): Generator {
  if (process.env.BENCH_LOADGEN === 'autocannon') return 'autocannon';
  return has('wrk', ['-v']) ? 'wrk' : 'autocannon';
}

/** `taskset -c <core>` prefix, or none when taskset is missing or there is one core. */
export interface Pinning {
  loadgen: string[];
  server: string[];
  note: string;
}

export function pinning(): Pinning {
  const cores = availableParallelism();
  if (cores < 2) return { loadgen: [], server: [], note: 'one core: load generator and servers share it (not pinned)' };
  if (!has('taskset', ['-V'])) return { loadgen: [], server: [], note: 'taskset not found (util-linux): not pinned' };
  return { loadgen: ['taskset', '-c', '0'], server: ['taskset', '-c', '1'], note: `load generator on core 0, each server on core 1 (taskset; ${cores} cores)` };
}

// Cycles through the pre-signed requests (read from the file as they are sent); signs nothing. Globals
// `sent` and `wraps` are read by done() through thread:get. No response() hook: it would cost a Lua call
// per response; non-2xx come from summary.errors.status (wrk counts statuses > 399 there).
const LUA = `
local file, lens, n, i
function init(args)
  lens = {}
  for line in io.lines(args[1] .. ".len") do lens[#lens + 1] = tonumber(line) end
  n = #lens
  file = assert(io.open(args[1] .. ".http", "rb"))
  i = 0
  sent = 0
  wraps = 0
end
function request()
  if i == n then
    file:seek("set", 0)
    i = 0
    wraps = wraps + 1
  end
  i = i + 1
  sent = sent + 1
  return file:read(lens[i])
end
local threads = {}
function setup(thread) threads[#threads + 1] = thread end
function done(summary, latency, requests)
  local s, w = 0, 0
  for _, t in ipairs(threads) do
    s = s + t:get("sent")
    w = w + t:get("wraps")
  end
  local e = summary.errors
  io.write(string.format('BENCH_JSON {"requests":%d,"duration_us":%d,"status":%d,"connect":%d,"read":%d,"write":%d,"timeout":%d,"p50_us":%.1f,"p99_us":%.1f,"sent":%d,"wraps":%d}\\n',
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(99), s, w))
end
`;

export function writeLuaScript(dir: string): string {
  const file = join(dir, 'replay.lua');
  writeFileSync(file, LUA);
  return file;
}

function runProcess(cmd: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd[0] as string, cmd.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${cmd.join(' ')} exited ${code}: ${err.trim().slice(0, 500)}`))));
  });
}

function parseJsonLine(out: string): Record<string, number> {
  const line = out.split('\n').find((l) => l.startsWith('BENCH_JSON '));
  if (!line) throw new Error(`the load generator printed no result:\n${out.slice(0, 1000)}`);
  return JSON.parse(line.slice('BENCH_JSON '.length)) as Record<string, number>;
}

export interface LoadSpec {
  generator: Generator;
  pin: Pinning;
  lua: string;
  port: number;
  connections: number;
  durationS: number;
  /** the request file base (payloads.ts) */
  base: string;
}

export async function runLoad(s: LoadSpec): Promise<LoadResult> {
  if (s.generator === 'wrk') {
    const out = await runProcess([
      ...s.pin.loadgen, 'wrk', '-t1', `-c${s.connections}`, `-d${s.durationS}s`, '--timeout', '10s', '--latency',
      '-s', s.lua, `http://127.0.0.1:${s.port}`, '--', s.base,
    ]);
    const j = parseJsonLine(out);
    const non2xx = j.status ?? 0;
    return {
      requests: j.requests ?? 0,
      acked: (j.requests ?? 0) - non2xx,
      non2xx,
      errors: (j.connect ?? 0) + (j.read ?? 0) + (j.write ?? 0) + (j.timeout ?? 0),
      seconds: (j.duration_us ?? 0) / 1e6,
      p50Ms: (j.p50_us ?? NaN) / 1000,
      p99Ms: (j.p99_us ?? NaN) / 1000,
      sent: j.sent ?? 0,
      wraps: j.wraps ?? 0,
    };
  }
  const runner = fileURLToPath(new URL('./autocannon-runner.ts', import.meta.url));
  const out = await runProcess([...s.pin.loadgen, process.execPath, '--import', 'tsx', runner, s.base, String(s.port), String(s.connections), String(s.durationS)]);
  const j = parseJsonLine(out);
  return {
    requests: j.requests ?? 0,
    acked: j.acked ?? 0,
    non2xx: j.non2xx ?? 0,
    errors: j.errors ?? 0,
    seconds: j.seconds ?? s.durationS,
    p50Ms: j.p50_ms ?? NaN,
    p99Ms: j.p99_ms ?? NaN,
    sent: j.sent ?? 0,
    wraps: j.wraps ?? 0,
  };
}
