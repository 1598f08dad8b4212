// The /pay/ router's own rules, on a real node:http server: without the payment services only the return
// pages and the script answer; pages and verify calls are counted per minute (429 beyond, with Retry-After),
// the window starts again after a minute; a wrong method is 405 with Allow.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createPayRoutes, type PayDeps, type PayRoutes } from '../../../../electron/core/webhooks/pay-routes';

let server: Server | null = null;

async function serve(routes: PayRoutes): Promise<string> {
  // as the edge does: the client it names (here from a test header), else the socket address
  server = createServer((req, res) => routes(req, res, typeof req.headers['x-test-client'] === 'string' ? req.headers['x-test-client'] : undefined));
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = null;
});

/** services that know no payment: every id is unknown */
const noPayments: PayDeps = {
  gateways: { client: () => { throw new Error('no account'); } },
  services: () => ({ links: { get: () => { throw new Error('not found'); } }, sync: {} }) as never,
  accounts: { get: () => null },
  successUrlOf: () => null,
};

describe('the /pay/ router', () => {
  it('without the payment services: return pages and the script only', async () => {
    const base = await serve(createPayRoutes());
    expect((await fetch(`${base}/pay/done?ref=A-1`)).status).toBe(200);
    expect((await fetch(`${base}/pay/assets/pay.js`)).status).toBe(200);
    expect((await fetch(`${base}/pay/pd_abc123`)).status).toBe(404);
    expect((await fetch(`${base}/pay/pd_abc123/verify`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${base}/pay/done`, { method: 'POST' })).status).toBe(405);
  });

  it('counts pages per client and verify calls per payment per minute', async () => {
    let now = 1_000_000;
    const base = await serve(createPayRoutes(noPayments, { limits: { pagesPerMinute: 2, verifyPerPayment: 1 }, now: () => now }));
    expect((await fetch(`${base}/pay/pd_abc123`)).status).toBe(404);
    expect((await fetch(`${base}/pay/done`)).status).toBe(200);
    const limited = await fetch(`${base}/pay/done`);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('60');
    const post = () => fetch(`${base}/pay/pd_abc123/verify`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect((await post()).status).toBe(404);
    expect((await post()).status).toBe(429);
    now += 60_000;
    expect((await fetch(`${base}/pay/done`)).status).toBe(200);
    expect((await post()).status).toBe(404);
  });

  it('counts each client the edge names apart: customers behind one tunnel do not share a budget', async () => {
    const base = await serve(createPayRoutes(noPayments, { limits: { pagesPerMinute: 1, verifyPerPayment: 1 }, now: () => 5_000_000 }));
    const page = (client: string) => fetch(`${base}/pay/done`, { headers: { 'x-test-client': client } });
    expect((await page('remote:203.0.113.9')).status).toBe(200);
    expect((await page('remote:203.0.113.9')).status).toBe(429);
    expect((await page('remote:198.51.100.7')).status).toBe(200);
  });
});
