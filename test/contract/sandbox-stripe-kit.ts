// What the Stripe sandbox contract tests share: the official SDK pointed at a running sandbox, its control
// API, a local webhook receiver and a paid checkout session.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { expect } from 'vitest';
import { sandboxControl, type RunningSandbox } from '../../sandbox/index.js';

export const DAY = 24 * 60 * 60 * 1000;

export function sdk(sb: RunningSandbox, key = sb.keys.STRIPE_SECRET_KEY, maxNetworkRetries = 2): Stripe {
  const url = new URL(sb.url);
  return new Stripe(key, { host: url.hostname, port: Number(url.port), protocol: 'http', maxNetworkRetries });
}

export async function control(sb: RunningSandbox, path: string, body?: unknown, method: 'GET' | 'POST' | 'DELETE' = 'POST'): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await sandboxControl(sb.url, sb.controlToken).request<Record<string, unknown>>(method, path, body);
  return { status: res.status, json: res.body };
}

export interface Received { body: string; headers: IncomingHttpHeaders }

/** A local webhook receiver; `failFirst` answers 500 to that many requests first. */
export async function receiver(failFirst = 0): Promise<{ url: string; received: Received[]; close: () => Promise<void> }> {
  const received: Received[] = [];
  let failures = failFirst;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (failures > 0) {
        failures -= 1;
        res.writeHead(500).end();
        return;
      }
      received.push({ body: Buffer.concat(chunks).toString('utf8'), headers: req.headers });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/hook`, received, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

export async function paidSession(sb: RunningSandbox, stripe: Stripe, amount = 2500, currency = 'usd') {
  const session = await stripe.checkout.sessions.create({
    mode: 'payment',
    success_url: 'https://merchant.test/ok?session={CHECKOUT_SESSION_ID}',
    cancel_url: 'https://merchant.test/cancel',
    line_items: [{ quantity: 1, price_data: { currency, unit_amount: amount, product_data: { name: 'Consultation' } } }],
    customer_email: 'payer@example.com',
  });
  const paid = await control(sb, `/__sandbox/stripe/checkout/sessions/${session.id}/pay`, {});
  expect(paid.json.status).toBe('succeeded');
  const pi = paid.json.payment_intent as Stripe.PaymentIntent;
  return { session, pi };
}
