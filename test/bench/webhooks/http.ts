// bench:webhooks — what the servers of servers.ts and pg-servers.ts share: reading a request, answering,
// verifying with the gateways' SDK functions, and the Paydesk listener wrapped so the bench can check every
// event it acknowledged.
import type { IncomingMessage, ServerResponse, createServer } from 'node:http';
import Stripe from 'stripe';
import Razorpay from 'razorpay';
import type { Ingest } from '../../../electron/core/webhooks/ingest';
import { startWebhookListener } from '../../../electron/core/webhooks/listener';
import { RAZORPAY_SECRET, STRIPE_SECRET } from '../../fixtures/webhook-helpers';

export function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

export const ACK = '{"received":true}';
export function answer(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) });
  res.end(body);
}

export async function listen(server: ReturnType<typeof createServer>): Promise<number> {
  // the listener caps connections (http-limits); these servers leave node's default (none)
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return (server.address() as { port: number }).port;
}

/** Verifies with the SDK functions; returns the row to store, or null for a bad signature. */
export function verifyWithSdk(req: IncomingMessage, body: Buffer): { gateway: string; id: string; type: string } | null {
  try {
    if (req.url!.startsWith('/webhooks/stripe/')) {
      const event = Stripe.webhooks.constructEvent(body, String(req.headers['stripe-signature']), STRIPE_SECRET);
      return { gateway: 'stripe', id: event.id, type: event.type };
    }
    const text = body.toString();
    if (!Razorpay.validateWebhookSignature(text, String(req.headers['x-razorpay-signature']), RAZORPAY_SECRET)) return null;
    const event = JSON.parse(text) as { event: string };
    return { gateway: 'razorpay', id: String(req.headers['x-razorpay-event-id']), type: event.event };
  } catch {
    return null;
  }
}

/** sequence numbers and times (ms) of the 2xx the Paydesk server sent, since the last ask */
let ackSeq: number[] = [];
let ackAt: number[] = [];
// The clock applied_at is read from (Date.now()). performance.timeOrigin + performance.now() follows the
// monotonic clock, which parts from the wall clock by hundreds of milliseconds while the system clock is
// slewed; the apply lag would then measure the two clocks, not the ingest.
const nowMs = (): number => Date.now();

/**
 * The Paydesk server over `ingest` (either engine): the real listener, recording each 2xx it sends, and
 * answering {type:'acks'} over IPC once the ingest is idle.
 */
export async function serveIngest(ingest: Ingest): Promise<number> {
  ingest.applyPending();
  const listener = await startWebhookListener({
    port: 0,
    // the listener's connection cap is an option: far above what the bench opens, so it never throttles it
    limits: { maxConnections: 4096 },
    onConnection: () => ingest.connectionArrived(),
    onDelivery: (d) => {
      const r = ingest.handle(d);
      if (!(r instanceof Promise)) return r;
      return r.then((resp) => {
        if (resp.status >= 200 && resp.status < 300) {
          ackSeq.push(Number(d.headers['x-bench-seq']));
          ackAt.push(nowMs());
        }
        return resp;
      });
    },
  });
  process.on('message', (m: { type?: string }) => {
    if (m?.type !== 'acks') return;
    void ingest.idle().then(() => {
      process.send!({ type: 'acks', seq: ackSeq, at: ackAt, stats: ingest.stats() });
      ackSeq = [];
      ackAt = [];
    });
  });
  return listener.port;
}
