// bench:webhooks fallback load generator (when wrk is not installed), run as its own pinned process:
//   node --import tsx autocannon-runner.ts <request file base> <port> <connections> <seconds>
// Replays the pre-signed requests of payloads.ts in order (split back into path, headers and body before
// the run starts); prints one BENCH_JSON line. autocannon is itself JavaScript, so it needs more of its
// core per request than wrk: prefer wrk (apt-get install wrk).
import { readFileSync } from 'node:fs';
import autocannon from 'autocannon';

interface Parsed {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

function load(base: string): Parsed[] {
  const all = readFileSync(`${base}.http`);
  const lens = readFileSync(`${base}.len`, 'utf8').trim().split('\n').map(Number);
  const out: Parsed[] = [];
  let off = 0;
  for (const len of lens) {
    const raw = all.subarray(off, off + len);
    off += len;
    const end = raw.indexOf('\r\n\r\n');
    const lines = raw.subarray(0, end).toString('latin1').split('\r\n');
    const path = (lines[0] ?? '').split(' ')[1] ?? '/';
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      const name = l.slice(0, i).toLowerCase();
      if (name !== 'host' && name !== 'content-length') headers[name] = l.slice(i + 1).trim();
    }
    out.push({ path, headers, body: raw.subarray(end + 4) });
  }
  return out;
}

async function main(): Promise<void> {
  const [base, port, connections, seconds] = process.argv.slice(2);
  const reqs = load(base as string);
  let i = 0;
  let sent = 0;
  let wraps = 0;
  const instance = autocannon({
    url: `http://127.0.0.1:${port}`,
    connections: Number(connections),
    duration: Number(seconds),
    requests: [
      {
        method: 'POST',
        setupRequest: (req) => {
          if (i === reqs.length) {
            i = 0;
            wraps++;
          }
          const r = reqs[i++] as Parsed;
          sent++;
          return { ...req, method: 'POST', path: r.path, headers: r.headers, body: r.body };
        },
      },
    ],
  });
  const res = await instance;
  const acked = res['2xx'];
  process.stdout.write(
    `BENCH_JSON ${JSON.stringify({ requests: acked + res.non2xx, acked, non2xx: res.non2xx, errors: res.errors + res.timeouts, seconds: res.duration || Number(seconds), p50_ms: res.latency.p50, p99_ms: res.latency.p99, sent, wraps })}\n`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
