import { afterEach, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';
import { request } from 'node:http';
import { AppError } from '../../../../shared/errors';
import { startWebhookListener, type WebhookDelivery, type WebhookListener } from '../../../../electron/core/webhooks/listener';
import { dribbleBody, dribbleHeaders, exchange, holdConnections, open as openSocket, timerThatFired, whenClosed } from '../../../fixtures/http-limits';

const open: WebhookListener[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((l) => l.close()));
});

async function start(limits: Parameters<typeof startWebhookListener>[0]['limits'] = {}) {
  const seen: WebhookDelivery[] = [];
  const l = await startWebhookListener({
    port: 0,
    onDelivery: (d) => {
      seen.push(d);
      return { status: 200, body: { received: true } };
    },
    limits,
  });
  open.push(l);
  return { l, seen };
}

function http(port: number, method: string, path: string, body?: Buffer | string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Record<string, unknown>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

describe('webhook listener', () => {
  it('hands the raw body, gateway and account to onDelivery', async () => {
    const { l, seen } = await start();
    const raw = Buffer.from('{"id":"evt_1",  "spacing": "kept" }\n');
    const r = await http(l.port, 'POST', '/webhooks/stripe/acc_1', raw, { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=ab' });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.text)).toEqual({ received: true });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.gateway).toBe('stripe');
    expect(seen[0]?.accountId).toBe('acc_1');
    expect(seen[0]?.body.equals(raw)).toBe(true);
    expect(seen[0]?.headers['stripe-signature']).toBe('t=1,v1=ab');
    expect(l.url).toBe(`http://127.0.0.1:${l.port}`);
    expect(l.urlFor('razorpay', 'acc_2')).toBe(`http://127.0.0.1:${l.port}/webhooks/razorpay/acc_2`);
    const rz = await http(l.port, 'POST', '/webhooks/razorpay/acc_2?x=1', '{}');
    expect(rz.status).toBe(200);
    expect(seen[1]?.gateway).toBe('razorpay');
  });

  it('404 for any other path, without calling onDelivery', async () => {
    const { l, seen } = await start();
    for (const p of ['/', '/webhooks', '/webhooks/paypal/acc_1', '/webhooks/stripe/', '/webhooks/stripe/acc_1/extra', '/webhooks/stripe/a%2Fb', '/webhooks/stripe/../x']) {
      expect((await http(l.port, 'POST', p, '{}')).status, p).toBe(404);
    }
    expect(seen).toHaveLength(0);
  });

  it('405 with Allow: POST for other methods', async () => {
    const { l, seen } = await start();
    for (const m of ['GET', 'PUT', 'DELETE', 'PATCH']) {
      const r = await http(l.port, m, '/webhooks/stripe/acc_1', m === 'PUT' || m === 'PATCH' ? '{}' : undefined);
      expect(r.status).toBe(405);
      expect(r.headers.allow).toBe('POST');
    }
    expect(seen).toHaveLength(0);
  });

  it('413 beyond the limit by content-length, and for a chunked body that grows past it', async () => {
    const { l, seen } = await start({ maxBodyBytes: 1024 });
    const ok = await http(l.port, 'POST', '/webhooks/stripe/acc_1', Buffer.alloc(1024, 0x61));
    expect(ok.status).toBe(200);
    const big = await http(l.port, 'POST', '/webhooks/stripe/acc_1', Buffer.alloc(1025, 0x61));
    expect(big.status).toBe(413);
    // chunked: no content-length, the listener counts and stops reading
    const r = await new Promise<number>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: l.port, method: 'POST', path: '/webhooks/razorpay/acc_1', agent: false, headers: { 'transfer-encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', (e) => (e.message.includes('EPIPE') || e.message.includes('ECONNRESET') ? undefined : reject(e)));
      let sent = 0;
      const pump = (): void => {
        while (sent < 64 * 1024 && !req.destroyed) {
          sent += 512;
          if (!req.write(Buffer.alloc(512, 0x62))) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    });
    expect(r).toBe(413);
    expect(seen).toHaveLength(1);
  });

  it('413 for the default 1 MiB limit', async () => {
    const { l } = await start();
    const r = await http(l.port, 'POST', '/webhooks/stripe/acc_1', Buffer.alloc(1024 * 1024 + 1, 0x61));
    expect(r.status).toBe(413);
  });

  // The three timers get distinct deadlines, the one under test the shortest, so the time of the close
  // tells which timer fired (timerThatFired).
  it('cuts off a sender that dribbles its body at the body deadline, not the headers or idle one', async () => {
    const limits = { headersTimeoutMs: 2_000, bodyTimeoutMs: 400, idleTimeoutMs: 4_000 };
    const { l, seen } = await start(limits);
    const head = 'POST /webhooks/stripe/acc_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 1000\r\n\r\n';
    const closed = await dribbleBody({ port: l.port }, head);
    expect(timerThatFired(closed.afterMs, limits), `closed after ${closed.afterMs} ms`).toBe('body');
    expect(seen).toHaveLength(0);
  });

  it('cuts off a sender that dribbles its headers at the headers deadline, not the body or idle one', async () => {
    const limits = { headersTimeoutMs: 400, bodyTimeoutMs: 2_000, idleTimeoutMs: 4_000 };
    const { l, seen } = await start(limits);
    const head = 'POST /webhooks/stripe/acc_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ' + 'a'.repeat(200);
    const closed = await dribbleHeaders({ port: l.port }, head);
    expect(timerThatFired(closed.afterMs, limits), `closed after ${closed.afterMs} ms`).toBe('headers');
    expect(seen).toHaveLength(0);
  });

  it('closes a connection beyond the cap at once; the open ones keep working, and a freed slot is reused', async () => {
    const { l } = await start({ maxConnections: 3, headersTimeoutMs: 5_000, keepAliveTimeoutMs: 10_000 });
    const req = 'POST /webhooks/stripe/acc_1 HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 2\r\n\r\n{}';
    const held = await holdConnections({ port: l.port }, 3, req);
    const extra = await openSocket({ port: l.port });
    const refused = await whenClosed(extra, Date.now());
    expect(refused.afterMs).toBeLessThan(1_000);
    expect(refused.received).toBe('');
    for (const s of held) expect(await exchange(s, req)).toBe(200);
    held[0]!.destroy();
    await new Promise((r) => setTimeout(r, 100));
    const next = await openSocket({ port: l.port });
    expect(await exchange(next, req)).toBe(200);
    for (const s of [...held, next]) s.destroy();
  });

  it('cuts off a connection that sends nothing at the headers deadline, not the idle one', async () => {
    const limits = { headersTimeoutMs: 300, bodyTimeoutMs: 2_000, idleTimeoutMs: 4_000 };
    const { l } = await start(limits);
    const s = await openSocket({ port: l.port });
    const cut = await whenClosed(s, Date.now());
    expect(timerThatFired(cut.afterMs, limits), `closed after ${cut.afterMs} ms`).toBe('headers');
    expect(s.destroyed).toBe(true);
  });

  it('a port in use gives a clear error offering another port', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', () => r()));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await startWebhookListener({ port, onDelivery: () => ({ status: 200 }) }).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(AppError);
      const e = err as AppError;
      expect(e.code).toBe('unavailable');
      expect(e.field).toBe('webhookPort');
      expect(e.message).toMatch(new RegExp(`^Port ${port} is in use`));
      expect(e.message).toMatch(/Try \d+/);
    } finally {
      await new Promise<void>((r) => blocker.close(() => r()));
    }
  });

  it('refuses a host other than 127.0.0.1', async () => {
    await expect(startWebhookListener({ port: 0, host: '0.0.0.0' as '127.0.0.1', onDelivery: () => ({ status: 200 }) })).rejects.toThrow(/127\.0\.0\.1/);
  });

  it('a throwing onDelivery answers 500 without details', async () => {
    const errors: Error[] = [];
    const l = await startWebhookListener({
      port: 0,
      onDelivery: () => {
        throw new Error('boom whsec_secret');
      },
      onError: (e) => errors.push(e),
    });
    open.push(l);
    const r = await http(l.port, 'POST', '/webhooks/stripe/acc_1', '{}');
    expect(r.status).toBe(500);
    expect(r.text).not.toContain('whsec');
    expect(errors).toHaveLength(1);
  });

  it('close() ends it', async () => {
    const { l } = await start();
    await l.close();
    await expect(http(l.port, 'POST', '/webhooks/stripe/acc_1', '{}')).rejects.toThrow();
  });
});
