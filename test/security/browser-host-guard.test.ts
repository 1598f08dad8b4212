// The browser host's door: token header (no cookie), one-time tickets, Host (DNS rebinding) and Origin (CSRF)
// checks; refused requests change nothing.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CSP } from '../../shared/csp';
import { startHarness, type Harness } from '../contract/harness';
import { createGuard, TICKET_TTL_MS } from '../../electron/browser-host/guard';
import { startBrowserHost } from '../../electron/browser-host/server';

interface Res { status: number; headers: Record<string, string | string[] | undefined>; body: string }

function raw(port: number, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string | Buffer; hostAddr?: string }): Promise<Res> {
  return new Promise((resolve, reject) => {
    const req = request({ host: opts.hostAddr ?? '127.0.0.1', port, method: opts.method ?? 'GET', path: opts.path, headers: opts.headers ?? {}, setHost: !(opts.headers && 'host' in opts.headers) }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        chunks.push(c);
        if (res.headers['content-type']?.startsWith('text/event-stream')) req.destroy();
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('close', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('timeout')));
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

describe('browser host guard', () => {
  let h: Harness;
  let port: number;
  let token: string;
  let own: string;
  let rendererDir: string;
  const json = { 'content-type': 'application/json' };

  const rpc = (method: string, input: unknown, headers: Record<string, string>) =>
    raw(port, { method: 'POST', path: `/rpc/${method}`, headers: { ...json, ...headers }, body: JSON.stringify(input) });
  const listIds = async (): Promise<string[]> => {
    const r = await rpc('accounts.list', {}, { 'x-paydesk-token': token, origin: own });
    expect(r.status).toBe(200);
    return (JSON.parse(r.body) as { value: { id: string }[] }).value.map((a) => a.id).sort();
  };
  const createInput = () =>
    h.sandbox
      ? { gateway: 'stripe', mode: 'test', label: 'Guarded', publicKey: h.sandbox.keys.STRIPE_PUBLISHABLE_KEY, secretKey: h.sandbox.keys.STRIPE_SECRET_KEY, sandbox: true }
      : { gateway: 'stripe', mode: 'test', label: 'Guarded', publicKey: 'pk_test_abcdefgh1234', secretKey: 'sk_test_abcdefgh1234' };

  beforeAll(async () => {
    rendererDir = mkdtempSync(join(tmpdir(), 'paydesk-renderer-'));
    mkdirSync(join(rendererDir, 'assets'));
    writeFileSync(join(rendererDir, 'index.html'), '<!doctype html><title>Paydesk</title><div id="root"></div>');
    writeFileSync(join(rendererDir, 'assets', 'app.js'), 'console.log("app")');
    writeFileSync(join(tmpdir(), 'paydesk-outside-secret.txt'), 'OUTSIDE');
    h = await startHarness({ rendererDir });
    port = h.host.port;
    token = h.host.token;
    own = `http://127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await h?.close();
    rmSync(rendererDir, { recursive: true, force: true });
  });

  it('binds to 127.0.0.1 only', async () => {
    expect(h.host.origin).toBe(`http://127.0.0.1:${port}`);
    const others = Object.values(networkInterfaces()).flat().filter((i) => i && i.family === 'IPv4' && !i.internal).map((i) => i!.address);
    for (const addr of others) {
      await expect(raw(port, { path: '/', hostAddr: addr })).rejects.toThrow(/ECONNREFUSED|EHOSTUNREACH|ENETUNREACH|timeout/);
    }
  });

  it('no token or a wrong token -> 401, and nothing changes', async () => {
    const before = await listIds();
    const none = await rpc('accounts.create', createInput(), { origin: own });
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
    const wrong = await rpc('accounts.create', createInput(), { origin: own, 'x-paydesk-token': token.slice(0, -2) + 'xx' });
    expect(wrong.status).toBe(401);
    const viaQuery = await raw(port, { method: 'POST', path: `/rpc/accounts.create?token=${token}`, headers: json, body: JSON.stringify(createInput()) });
    expect(viaQuery.status).toBe(401);
    expect((await raw(port, { path: '/events' })).status).toBe(401);
    expect((await raw(port, { path: '/exports/exp_AAAAAAAAAAAAAAAAAAAA' })).status).toBe(401);
    expect((await raw(port, { method: 'POST', path: '/tickets' })).status).toBe(401);
    expect(await listIds()).toEqual(before);
  });

  it('a cookie alone, even one carrying the right token, opens nothing: any 127.0.0.1 service would receive it', async () => {
    const before = await listIds();
    // as an older Paydesk set it, and port-named, as a design that kept a cookie might
    for (const cookie of [`paydesk_token=${token}`, `paydesk_token_${port}=${token}`, `paydesk_token=${token}; paydesk_token_${port}=${token}`]) {
      for (const headers of [{ origin: own }, { origin: own, 'sec-fetch-site': 'same-origin' }, {}] as Record<string, string>[]) {
        const r = await rpc('accounts.create', createInput(), { ...headers, cookie });
        expect(r.status, cookie).toBe(401);
        expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'unauthorized' } });
      }
      expect((await raw(port, { method: 'POST', path: '/tickets', headers: { cookie, origin: own, 'sec-fetch-site': 'same-origin' } })).status, cookie).toBe(401);
      expect((await raw(port, { path: '/events', headers: { cookie } })).status, cookie).toBe(401);
    }
    expect(await listIds()).toEqual(before);
  });

  it('a ticket opens the event stream once; it never calls RPC and is no good a second time', async () => {
    const ticketOf = async (): Promise<string> => {
      const r = await raw(port, { method: 'POST', path: '/tickets', headers: { 'x-paydesk-token': token, origin: own } });
      expect(r.status).toBe(200);
      expect(r.headers['set-cookie']).toBeUndefined();
      return (JSON.parse(r.body) as { ok: true; value: { ticket: string } }).value.ticket;
    };
    const t = await ticketOf();
    const sse = await raw(port, { path: `/events?ticket=${t}` });
    expect(sse.status).toBe(200);
    expect(sse.headers['content-type']).toMatch(/^text\/event-stream/);
    expect((await raw(port, { path: `/events?ticket=${t}` })).status).toBe(401);
    const before = await listIds();
    const t2 = await ticketOf();
    for (const path of [`/rpc/accounts.create?ticket=${t2}`, `/rpc/accounts.create?token=${t2}`]) {
      const r = await raw(port, { method: 'POST', path, headers: { ...json, origin: own }, body: JSON.stringify(createInput()) });
      expect(r.status, path).toBe(401);
    }
    expect((await rpc('accounts.create', createInput(), { 'x-paydesk-token': t2, origin: own })).status).toBe(401);
    expect(await listIds()).toEqual(before);
    expect((await raw(port, { path: '/tickets', headers: { 'x-paydesk-token': token } })).status).toBe(405);
    expect((await raw(port, { path: `/events?ticket=${t2.slice(0, -2)}xx` })).status).toBe(401);
  });

  it('a ticket expires', () => {
    let now = 1_000_000;
    const guard = createGuard({ token: 't'.repeat(43), port: () => 1234, now: () => now });
    const req = (path: string) => [{ headers: { host: '127.0.0.1:1234' } } as never, new URL(path, 'http://127.0.0.1')] as const;
    const fresh = guard.issueTicket();
    const stale = guard.issueTicket();
    expect(guard.check(...req(`/events?ticket=${fresh}`))).toMatchObject({ ok: true, via: 'ticket' });
    now += TICKET_TTL_MS;
    expect(guard.check(...req(`/events?ticket=${stale}`))).toMatchObject({ ok: false, status: 401 });
  });

  it('a foreign Origin -> 403 even with the token (CSRF), and nothing changes', async () => {
    const before = await listIds();
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:${port + 1}`, `https://127.0.0.1:${port}`, `http://127.0.0.1.evil.example:${port}`]) {
      const r = await rpc('accounts.create', createInput(), { origin, 'x-paydesk-token': token });
      expect(r.status, origin).toBe(403);
      expect(JSON.parse(r.body)).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    }
    const crossSite = await rpc('accounts.create', createInput(), { 'sec-fetch-site': 'cross-site', 'x-paydesk-token': token });
    expect(crossSite.status).toBe(403);
    expect(await listIds()).toEqual(before);
  });

  it('a foreign Host -> 403 even with the token (DNS rebinding), and nothing changes', async () => {
    const before = await listIds();
    for (const host of ['evil.example', `evil.example:${port}`, `127.0.0.1:${port + 1}`, `localhost.evil.example:${port}`, `0.0.0.0:${port}`]) {
      const r = await rpc('accounts.create', createInput(), { host, 'x-paydesk-token': token });
      expect(r.status, host).toBe(403);
    }
    const page = await raw(port, { path: `/?token=${token}`, headers: { host: `evil.example:${port}` } });
    expect(page.status).toBe(403);
    expect(page.headers['set-cookie']).toBeUndefined();
    expect(await listIds()).toEqual(before);
  });

  it('a text/plain POST (a form-style request) is refused and changes nothing', async () => {
    const before = await listIds();
    const r = await raw(port, { method: 'POST', path: '/rpc/accounts.create', headers: { 'content-type': 'text/plain', 'x-paydesk-token': token }, body: JSON.stringify(createInput()) });
    expect(r.status).toBe(415);
    expect(await listIds()).toEqual(before);
  });

  it('accepts the token from the header (own Origin or none) and localhost as Host', async () => {
    expect((await rpc('system.ping', {}, { 'x-paydesk-token': token })).status).toBe(200);
    expect((await rpc('system.ping', {}, { 'x-paydesk-token': token, origin: own })).status).toBe(200);
    const lh = await rpc('system.ping', {}, { 'x-paydesk-token': token, host: `localhost:${port}`, origin: `http://localhost:${port}` });
    expect(lh.status).toBe(200);
    expect(JSON.parse(lh.body)).toMatchObject({ ok: true, value: { pong: true } });
  });

  it('the printed address (?token=) serves the console page, which takes the token from it; no cookie is set', async () => {
    const r = await raw(port, { path: `/payments?token=${token}&tab=all` });
    expect(r.status).toBe(200);
    expect(r.headers['set-cookie']).toBeUndefined();
    expect(r.headers['content-security-policy']).toBe(CSP);
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    expect(r.body).toContain('<div id="root">');
    // a stale address (an earlier launch's token) says so instead of loading a console that cannot work
    const stale = await raw(port, { path: `/?token=${token.slice(0, -2)}xx` });
    expect(stale.status).toBe(401);
    expect(stale.body).toMatch(/Open the address Paydesk printed/);
  });

  it('the built renderer is public code and is served without a credential, still behind the Host check', async () => {
    for (const path of ['/', '/payments', '/assets/app.js']) {
      const r = await raw(port, { path });
      expect(r.status, path).toBe(200);
      expect(r.headers['content-security-policy'], path).toBe(CSP);
      expect(r.headers['set-cookie'], path).toBeUndefined();
    }
    expect((await raw(port, { path: '/', headers: { host: `evil.example:${port}` } })).status).toBe(403);
  });

  it('serves static files with the CSP, and refuses path traversal', async () => {
    const a = await raw(port, { path: '/assets/app.js', headers: { 'x-paydesk-token': token } });
    expect(a.status).toBe(200);
    expect(a.headers['content-type']).toMatch(/javascript/);
    expect(a.headers['content-security-policy']).toBe(CSP);
    expect(a.headers['x-content-type-options']).toBe('nosniff');
    for (const path of ['/..%2fpaydesk-outside-secret.txt', '/%2e%2e/%2e%2e/etc/passwd', '/assets/..%2f..%2f..%2fetc%2fpasswd', '/..%5c..%5cetc%5cpasswd', '/%00index.html']) {
      const r = await raw(port, { path, headers: { 'x-paydesk-token': token } });
      expect(r.body, path).not.toContain('OUTSIDE');
      expect(r.body, path).not.toContain('root:');
      // either refused, or normalised to a client route inside the renderer dir (index.html)
      if (r.status === 200) expect(r.body, path).toContain('<div id="root">');
      else expect([400, 404], path).toContain(r.status);
    }
    expect((await raw(port, { path: '/assets/missing.js', headers: { 'x-paydesk-token': token } })).status).toBe(404);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const big = JSON.stringify({ label: 'x'.repeat(1024 * 1024 + 10) });
    const r = await rpc('accounts.create', JSON.parse(big), { 'x-paydesk-token': token });
    expect(r.status).toBe(413);
  });

  it('with the token and the own Origin the same create goes through (the refusals above were the guard)', async (ctx) => {
    if (!h.sandbox) return ctx.skip();
    const before = await listIds();
    const r = await rpc('accounts.create', createInput(), { 'x-paydesk-token': token, origin: own });
    expect(JSON.parse(r.body)).toMatchObject({ ok: true });
    expect((await listIds()).length).toBe(before.length + 1);
  });

  it('sends a heartbeat comment on the SSE stream and each core event as event/data', async () => {
    const host = await startBrowserHost({ core: h.core, port: 0, rendererDir: null, heartbeatMs: 50 });
    try {
      const text = await new Promise<string>((resolve, reject) => {
        let buf = '';
        const req = request({ host: '127.0.0.1', port: host.port, path: '/events', headers: { 'x-paydesk-token': host.token } }, (res) => {
          expect(res.statusCode).toBe(200);
          res.setEncoding('utf8');
          res.on('data', (c: string) => {
            buf += c;
            if (buf.includes(': connected')) h.core.deps!.events.emit('account.changed', { id: 'acc_heartbeat' });
            if (buf.includes(': heartbeat') && buf.includes('event: account.changed')) {
              req.destroy();
              resolve(buf);
            }
          });
        });
        req.on('error', reject);
        req.setTimeout(10_000, () => req.destroy(new Error('no heartbeat')));
        req.end();
      });
      expect(text).toContain('event: account.changed\ndata: {"id":"acc_heartbeat"}\n\n');
    } finally {
      await host.close();
    }
  });
});
