// What the Razorpay sandbox contract tests share: the official SDK pointed at a fresh sandbox (one per test
// file), a local webhook receiver registered as its target for every event, and the checks of entity shapes.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type Razorpay from 'razorpay';
import { afterAll, beforeAll, expect } from 'vitest';
import { CARD_FIELDS, PAYMENT_FIELDS, PAYMENT_OPTIONAL_FIELDS } from '../../sandbox/razorpay/types';
import { control, rzpClient, startSandbox, type RzpTestSandbox } from '../fixtures/razorpay-sandbox';

export interface Received {
  headers: IncomingHttpHeaders;
  raw: string;
  body: { event: string; payload: Record<string, { entity: Record<string, unknown> }>; [k: string]: unknown };
}

export const WEBHOOK_SECRET = 'whsec_rzp_contract_test';
export const DAY = 24 * 60 * 60 * 1000;

export interface RzpContract {
  sb: RzpTestSandbox;
  rzp: Razorpay;
  /** every webhook the sandbox delivered, in order */
  received: Received[];
}

/** Starts a sandbox and a webhook receiver before the file's tests and closes both after them. */
export function useRazorpaySandbox(): RzpContract {
  const ctx = { received: [] } as unknown as RzpContract;
  let receiver: Server | undefined;
  beforeAll(async () => {
    ctx.sb = await startSandbox();
    ctx.rzp = rzpClient(ctx.sb);
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        ctx.received.push({ headers: req.headers, raw, body: JSON.parse(raw) as Received['body'] });
        res.writeHead(200).end('ok');
      });
    });
    receiver = server;
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as AddressInfo).port;
    const t = await control(ctx.sb, 'POST', '/__sandbox/webhooks/targets', {
      gateway: 'razorpay', url: `http://127.0.0.1:${port}/hooks/razorpay`, secret: WEBHOOK_SECRET, events: ['*'],
    });
    expect(t.status).toBe(200);
  });
  afterAll(async () => {
    await ctx.sb?.close();
    await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  });
  return ctx;
}

export function expectFields(obj: unknown, fields: readonly string[], optional: readonly string[] = []): void {
  const keys = Object.keys(obj as object).sort();
  const required = fields.filter((f) => !optional.includes(f));
  for (const f of required) expect(keys, `missing ${f}`).toContain(f);
  for (const k of keys) expect(fields, `unexpected field ${k}`).toContain(k);
}

export function expectPayment(p: unknown): void {
  expectFields(p, PAYMENT_FIELDS, PAYMENT_OPTIONAL_FIELDS);
  const card = (p as { card: unknown }).card;
  if (card) expectFields(card, CARD_FIELDS);
}

/** the SDK rejects with { statusCode, error } */
export async function sdkError(promise: Promise<unknown>): Promise<{ statusCode: number; error: Record<string, unknown> }> {
  try {
    await promise;
  } catch (err) {
    return err as { statusCode: number; error: Record<string, unknown> };
  }
  throw new Error('expected the call to fail');
}
