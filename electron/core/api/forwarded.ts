// Telling tunnel traffic from local traffic, for the merchant API's throttle, and the edge's socket entry.
//
// Behind a tunnel every request arrives from this computer, so the socket address says nothing about the
// client; the tunnel tells who it is in X-Forwarded-For. But a loopback port cannot tell the tunnel from any
// other local program (any user's), and a header is whatever the sender writes. So the API is reached three
// ways (ApiEntry), and the header is believed only where a tunnel is the likely sender:
// - 'loopback', the API's own port, for the shop's scripts on this computer: counted by socket address, any
//   X-Forwarded-For ignored, so a local program cannot pick its bucket;
// - 'edge-socket', the edge listener's Unix domain socket (a named pipe on Windows) in a 0700 directory of
//   the data dir, where ngrok forwards (listenAndForward('unix:<path>')). Only programs of this OS user can
//   open it, and they can already read the data dir, so their header is believed;
// - 'edge', the edge listener's loopback port, where "a URL I run myself" proxies (nginx, Caddy,
//   cloudflared) forward and the sandbox delivers. The header is believed only for a request addressed to the
//   public host: a local program could still forge one, but all it gains is its own bucket for guessing
//   256-bit tokens, and without it every public client would share one bucket, which a stranger could
//   exhaust to lock the shop out.
// Of the header only the LAST hop counts: ngrok (and nginx's $proxy_add_x_forwarded_for) append the
// address they saw to whatever the client sent, so earlier hops are the client's own choice.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import type { IncomingMessage, Server } from 'node:http';
import { connect, createServer, isIPv4, isIPv6, type Socket } from 'node:net';
import { join } from 'node:path';

export type ApiEntry = 'loopback' | 'edge' | 'edge-socket';

/** The host (with any port) of a public base URL, as a request to it names it in Host; null for none. */
export function publicHostOf(url: string | null): string | null {
  if (!url) return null;
  try {
    return new URL(url).host;
  } catch {
    return null;
  }
}

/** The throttle's bucket for a request: `local:<socket address>` or `remote:<forwarded client>`. */
export function clientKey(req: IncomingMessage, entry: ApiEntry, publicHost: string | null = null): string {
  const proxied = entry === 'edge-socket'
    || (entry === 'edge' && publicHost !== null && (req.headers.host ?? '').toLowerCase() === publicHost.toLowerCase());
  if (!proxied || req.headers['x-forwarded-for'] === undefined) return `local:${bucketOf(req.socket.remoteAddress ?? '') ?? 'unknown'}`;
  const header = req.headers['x-forwarded-for'];
  const hops = (Array.isArray(header) ? header.join(',') : header ?? '').split(',');
  const last = hops[hops.length - 1]?.trim() ?? '';
  return `remote:${bucketOf(last) ?? 'unknown'}`;
}

/**
 * An IPv4 address as is; an IPv6 address as its /64, which one subscriber usually holds whole (so rotating
 * addresses inside it does not escape the count); null for anything else. Accepts ::ffff:-mapped IPv4 and
 * a port after the address ("1.2.3.4:5678", "[2001:db8::1]:443").
 */
export function bucketOf(address: string): string | null {
  let a = address.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(a);
  if (bracketed) a = bracketed[1] as string;
  else if (/^[\d.]+:\d+$/.test(a)) a = a.slice(0, a.lastIndexOf(':'));
  a = a.replace(/%.*$/, '').toLowerCase();
  if (a.startsWith('::ffff:') && isIPv4(a.slice(7))) a = a.slice(7);
  if (isIPv4(a)) return a;
  if (!isIPv6(a)) return null;
  return `${ipv6Groups(a).slice(0, 4).join(':')}::/64`;
}

/** the eight 16-bit groups of a valid IPv6 address, as hex without leading zeros */
function ipv6Groups(a: string): string[] {
  const toGroups = (part: string): string[] => {
    if (!part) return [];
    return part.split(':').flatMap((g) => {
      if (!g.includes('.')) return [g];
      const [b0, b1, b2, b3] = g.split('.').map(Number) as [number, number, number, number];
      return [((b0 << 8) | b1).toString(16), ((b2 << 8) | b3).toString(16)];
    });
  };
  const [head = '', tail] = a.split('::');
  const left = toGroups(head);
  const right = tail === undefined ? [] : toGroups(tail);
  const zeros: string[] = Array.from({ length: 8 - left.length - right.length }, () => '0');
  return [...left, ...zeros, ...right].map((g) => parseInt(g, 16).toString(16));
}

/**
 * Where the edge listener's socket entry of a data dir lives: `<dataDir>/run/edge.sock`, its directory
 * created 0700; on Windows a pipe named after the data dir. null when the path is too long for a Unix socket
 * (about 104 bytes on macOS): the tunnel then forwards to the edge's loopback port.
 */
export function edgeSocketPath(dataDir: string): string | null {
  if (process.platform === 'win32') {
    return `\\\\.\\pipe\\paydesk-edge-${createHash('sha256').update(dataDir).digest('hex').slice(0, 16)}`;
  }
  const dir = join(dataDir, 'run');
  const path = join(dir, 'edge.sock');
  if (Buffer.byteLength(path) > 100) return null;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  return path;
}

export interface ForwardedEntry {
  readonly path: string;
  /** did this connection come through the forwarded entry? */
  isForwarded(socket: Socket): boolean;
  close(): Promise<void>;
}

/** Listen on `path` and hand every connection to `server` (so the same limits and routes apply), marked. */
export async function listenForwardedEntry(server: Server, path: string): Promise<ForwardedEntry> {
  const forwarded = new WeakSet<Socket>();
  // as node's http server does: the answer may still be written after the peer ended its side
  const entry = createServer({ allowHalfOpen: true }, (socket) => {
    forwarded.add(socket);
    server.emit('connection', socket);
  });
  await listenOrReplaceStale(entry, path);
  if (process.platform !== 'win32') chmodSync(path, 0o600);
  return {
    path,
    isForwarded: (socket) => forwarded.has(socket),
    close: () => new Promise<void>((resolve) => entry.close(() => resolve())),
  };
}

/** A socket file left by a crash answers nothing: remove it and listen again. A live one is another Paydesk. */
async function listenOrReplaceStale(entry: ReturnType<typeof createServer>, path: string): Promise<void> {
  try {
    await listen(entry, path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EADDRINUSE' || process.platform === 'win32') throw err;
    if (await answers(path)) throw err;
    if (existsSync(path) && lstatSync(path).isSocket()) unlinkSync(path);
    await listen(entry, path);
  }
}

function listen(entry: ReturnType<typeof createServer>, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    entry.once('error', reject);
    entry.listen(path, () => {
      entry.off('error', reject);
      resolve();
    });
  });
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}
