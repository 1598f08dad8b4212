// The limits every HTTP listener of Paydesk applies (browser host, merchant API, webhook listener), in one
// place so the three cannot drift apart:
// - slow senders are cut off: an absolute deadline for the headers (from the connection) and one for the
//   body (from the end of the headers), each of which destroys the socket; dribbling a byte now and then
//   does not extend either. An idle timeout (no bytes either way) is the last resort for stuck peers.
// - bodies are capped: readBody() refuses beyond maxBodyBytes without buffering the rest, and
//   closeAfterResponse() ends the connection once the 413 is sent.
// - concurrent connections are capped: one beyond maxConnections is destroyed as soon as it arrives, while
//   the open ones keep working. Counted here rather than with node's server.maxConnections, because the
//   merchant API also injects connections from its forwarded entry (server.emit('connection')), which
//   node's own count never sees.
import type { IncomingMessage, Server, ServerOptions, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Socket } from 'node:net';

export interface HttpLimits {
  /** the largest request body accepted; beyond it 413 and the connection is closed */
  maxBodyBytes: number;
  /** from the connection (or the first byte of a later request on it) to the end of its headers */
  headersTimeoutMs: number;
  /** from the end of the headers to the end of the body */
  bodyTimeoutMs: number;
  /** no bytes either way for this long: the socket is destroyed. Must exceed the slowest handler. */
  idleTimeoutMs: number;
  /** keep-alive between requests */
  keepAliveTimeoutMs: number;
  /** connections open at once; one more is closed at once */
  maxConnections: number;
}

export class BodyTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`The request body is larger than ${limitBytes} bytes.`);
    this.name = 'BodyTooLargeError';
  }
}

const MAX_HEADER_BYTES = 16 * 1024;

/** Options for node's createServer: its own timers back ours up on later requests of a keep-alive socket. */
export function serverOptions(limits: HttpLimits): ServerOptions {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.headersTimeoutMs + limits.bodyTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    // node only checks its headers/request timeouts this often: keep it well inside the headers deadline
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(limits.headersTimeoutMs / 4))),
    maxHeaderSize: MAX_HEADER_BYTES,
  };
}

export interface LimitedServer {
  /** connections open now */
  readonly connections: () => number;
  /** destroy every open connection (the end of a graceful close) */
  destroyAll(): void;
}

/** Apply `limits` to a server created with serverOptions(limits). Call once, before it listens. */
export function applyLimits(server: Server, limits: HttpLimits): LimitedServer {
  const sockets = new Set<Socket>();
  const headerDeadlines = new WeakMap<Socket, NodeJS.Timeout>();

  // idle sockets are destroyed by node itself as long as nobody listens to the server's 'timeout'
  server.timeout = limits.idleTimeoutMs;

  server.on('connection', (socket: Socket) => {
    if (sockets.size >= limits.maxConnections) {
      socket.destroy();
      return;
    }
    sockets.add(socket);
    socket.setNoDelay(true);
    // node checks its headersTimeout only every connectionsCheckingInterval; this one is exact
    const deadline = setTimeout(() => socket.destroy(), limits.headersTimeoutMs);
    deadline.unref();
    headerDeadlines.set(socket, deadline);
    socket.once('close', () => {
      sockets.delete(socket);
      clearTimeout(deadline);
    });
  });

  // before the listener's own handler: the headers are in, the body (if any) is on the clock
  server.prependListener('request', (req: IncomingMessage) => {
    const deadline = headerDeadlines.get(req.socket);
    if (deadline) {
      clearTimeout(deadline);
      headerDeadlines.delete(req.socket);
    }
    startBodyDeadline(req, limits.bodyTimeoutMs);
  });

  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    const status = err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? '408 Request Timeout'
      : err.code === 'HPE_HEADER_OVERFLOW' ? '431 Request Header Fields Too Large' : '400 Bad Request';
    if (socket.writable && !socket.destroyed) socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-length: 0\r\n\r\n`);
    socket.destroy();
  });

  return {
    connections: () => sockets.size,
    destroyAll() {
      for (const s of sockets) s.destroy();
    },
  };
}

/**
 * Destroy the socket unless the request's body has fully arrived within `ms` of its headers. Checked by
 * `complete` (the parser saw the end), not by 'end', which only fires once a handler reads the body:
 * a body nobody reads (a refused request) is on the same clock.
 */
function startBodyDeadline(req: IncomingMessage, ms: number): void {
  if (req.complete) return;
  const t = setTimeout(() => {
    if (!req.complete) req.socket.destroy();
  }, ms);
  t.unref();
  req.once('end', () => clearTimeout(t));
}

/**
 * The whole body, at most `maxBytes`. Rejects with BodyTooLargeError as soon as the declared length or the
 * bytes received exceed it, and stops reading (answer with closeAfterResponse). Rejects too when the
 * connection closes first (e.g. the body deadline cut it).
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length']) > maxBytes) {
      reject(new BodyTooLargeError(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const stop = (): void => {
      req.off('data', onData);
      req.off('end', onEnd);
      req.off('error', onError);
      req.off('close', onClose);
    };
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        stop();
        req.pause();
        reject(new BodyTooLargeError(maxBytes));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      stop();
      resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks, size));
    };
    const onError = (err: Error): void => {
      stop();
      reject(err);
    };
    const onClose = (): void => {
      stop();
      reject(new Error('The connection closed before the whole body arrived.'));
    };
    req.on('data', onData);
    req.on('end', onEnd);
    req.on('error', onError);
    req.on('close', onClose);
  });
}

/**
 * For an answer that leaves the body unread (413): stop reading, send the answer with Connection: close,
 * then close; a peer that keeps sending is cut after `graceMs`. Call before writing the answer.
 */
export function closeAfterResponse(req: IncomingMessage, res: ServerResponse, graceMs = 1000): void {
  req.pause();
  if (!res.headersSent) res.setHeader('connection', 'close');
  res.once('finish', () => req.socket.destroySoon());
  const t = setTimeout(() => req.socket.destroy(), graceMs);
  t.unref();
}
