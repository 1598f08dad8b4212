// The edge listener the tunnel exposes: it serves the shop's API under /api/ (503 while the API is off), the
// customer's pages under /pay/, webhooks under /webhooks/, and nothing of the console. The integration
// document's curl request is sent to the public address (here the "URL I run myself" pointing at the edge
// on 127.0.0.1, as the sandbox allows), and the API answers for the public host name it is served under and
// for no other. Real core, real sandbox, real HTTP.
import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiStatus } from '../../shared/contract';
import { withCore, type CoreFixture } from '../fixtures/with-core';

let f: CoreFixture;
let edge = '';

beforeAll(async () => {
  f = await withCore();
  const port = f.core.deps!.runtime.webhookListenerPort;
  expect(port).not.toBeNull();
  edge = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await f?.dispose();
});

interface Reply { status: number; body: Record<string, unknown> & { error?: { code: string; message: string } }; text: string }

/** a raw request to the edge with the Host header we choose (a tunnel keeps the public one) */
function send(path: string, opts: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  const url = new URL(edge);
  return new Promise((resolve, reject) => {
    const req = request({
      host: url.hostname, port: url.port, path, method: opts.method ?? 'GET', agent: false,
      headers: { host: opts.host ?? url.host, ...opts.headers },
    }, (res) => {
      let text = '';
      res.on('data', (c: Buffer) => (text += c.toString()));
      res.on('end', () => {
        let body: Reply['body'] = {};
        try { body = JSON.parse(text) as Reply['body']; } catch { /* an HTML page */ }
        resolve({ status: res.statusCode ?? 0, body, text });
      });
    });
    req.on('error', reject);
    req.end(opts.body);
  });
}

/** the integration document's request, as curl sends it: -H Authorization and -d, so a form content type */
const seedCurl = (token: string, host?: string, orderId = 'ORD123'): Promise<Reply> => send('/api/payments/stripe/checkout', {
  method: 'POST', ...(host ? { host } : {}),
  headers: { authorization: `Bearer ${token}`, 'user-agent': 'curl/8.5.0', accept: '*/*', 'content-type': 'application/x-www-form-urlencoded' },
  body: `{"order_id":"${orderId}","amount":5000,"currency":"usd"}`,
});

describe('the edge listener', () => {
  let token = '';

  it('answers /api/ with 503 and what to do while the API is switched off', async () => {
    const r = await seedCurl('pdk_api_whatever');
    expect(r.status).toBe(503);
    expect(r.body.error).toMatchObject({ code: 'api_off', message: expect.stringMatching(/Settings → Developers/) });
  });

  it('serves the integration document\'s curl through the public address, and the status turns paid', async () => {
    await f.call<ApiStatus>('api.enable', { port: 0 });
    token = (await f.call<{ secret: string }>('api.tokens.create', { name: 'Shop website' })).secret;
    await f.call('tunnel.start', { provider: 'own', ownUrl: edge });

    const r = await seedCurl(token);
    expect(r.status).toBe(201);
    expect(r.body).toMatchObject({ order_id: 'ORD123', amount: 5000, currency: 'usd', status: 'open' });
    const sessionId = r.body.session_id as string;
    const session = await (await fetch(`${f.sandbox!.url}/v1/checkout/sessions/${sessionId}`, { headers: { authorization: `Bearer ${f.sandbox!.keys.STRIPE_SECRET_KEY}` } })).json() as { success_url: string | null; cancel_url: string | null };
    expect(session.success_url).toBe(`${edge}/pay/done?ref=ORD123`);
    expect(session.cancel_url).toBe(`${edge}/pay/cancelled?ref=ORD123`);
    // the page the customer comes back to is on the same address
    expect((await send('/pay/done?ref=ORD123')).text).toMatch(/Thank you/);

    await f.control(`/stripe/checkout/sessions/${sessionId}/pay`, {});
    const paid = await send(`/api/payments/stripe/status/${r.body.id as string}`, { headers: { authorization: `Bearer ${token}` } });
    expect(paid.status).toBe(200);
    expect(paid.body).toMatchObject({ id: r.body.id, order_id: 'ORD123', status: 'paid', amount_captured: 5000 });
  });

  it('answers for the public host it is served under and refuses any other (DNS rebinding)', async () => {
    await f.call('tunnel.start', { provider: 'own', ownUrl: 'https://shop.example.com' });
    const ok = await send('/api/payments/stripe/status/pd_none', { host: 'shop.example.com', headers: { authorization: `Bearer ${token}` } });
    expect(ok.status).toBe(404);
    expect(ok.body.error).toMatchObject({ code: 'not_found' });
    const foreign = await send('/api/payments/stripe/status/pd_none', { host: 'attacker.example', headers: { authorization: `Bearer ${token}` } });
    expect(foreign.status).toBe(421);
    expect(foreign.body.error?.message).toMatch(/attacker\.example/);
  });

  it('never serves the console: only /webhooks/, /api/ and /pay/ answer', async () => {
    for (const path of ['/', '/index.html', '/rpc', '/rpc/system.info', '/events', '/assets/index.js', '/api-docs', '/payments']) {
      const r = await send(path);
      expect(r.status, path).toBe(404);
      expect(r.text, path).not.toMatch(/<script|Paydesk console/i);
    }
    expect((await send('/api/openapi.json')).status).toBe(200);
  });

  it('records each call made through the edge in the audit log, with the token name and endpoint', async () => {
    const page = await f.call<{ items: Array<{ action: string; details: Record<string, unknown> }> }>('audit.list', { action: 'api.called' });
    const viaEdge = page.items.filter((r) => r.details.endpoint === '/api/payments/stripe/checkout');
    expect(viaEdge.length).toBeGreaterThan(0);
    expect(viaEdge[0]!.details).toMatchObject({ tokenName: 'Shop website', method: 'POST', status: 201 });
  });
});
