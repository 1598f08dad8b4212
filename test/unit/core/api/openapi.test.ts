// docs/openapi.json against the server: every route the server answers is documented (method, path, scope),
// every documented operation answers over real HTTP (not 404 or 405), every $ref resolves, and the
// description is served at /api/openapi.json without a token.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { merchantRoutes } from '../../../../electron/core/api/server';
import type { RouteDeps } from '../../../../electron/core/api/route-types';
import { startPaymentsFixture, type PaymentsFixture } from '../payments/core-fixture';

interface Operation { 'x-scope'?: string; security?: unknown[]; requestBody?: { content: { 'application/json': { example?: unknown } } } }
const spec = JSON.parse(readFileSync(join(__dirname, '../../../../docs/openapi.json'), 'utf8')) as {
  openapi: string;
  paths: Record<string, Record<string, Operation>>;
};
const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.entries(ops).map(([method, op]) => ({ path, method: method.toUpperCase(), op })));
const routes = merchantRoutes({} as RouteDeps);

describe('docs/openapi.json', () => {
  it('is OpenAPI 3.1 and every $ref resolves', () => {
    expect(spec.openapi).toBe('3.1.0');
    const text = JSON.stringify(spec);
    const refs = [...text.matchAll(/"\$ref":"#\/([^"]+)"/g)].map((m) => m[1] as string);
    expect(refs.length).toBeGreaterThan(10);
    for (const r of refs) {
      const target = r.split('/').reduce<unknown>((o, k) => (o as Record<string, unknown> | undefined)?.[k], spec);
      expect(target, `#/${r}`).toBeDefined();
    }
  });

  it('documents every route the server answers, with its scope', () => {
    for (const r of routes) {
      const op = spec.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path} is not in docs/openapi.json`).toBeDefined();
      if (r.scope) expect(op!['x-scope'], `${r.method} ${r.path}`).toBe(r.scope);
      else expect(op!.security, `${r.method} ${r.path} needs no token`).toEqual([]);
    }
  });

  it('documents nothing the server does not route', () => {
    for (const d of documented) {
      expect(routes.some((r) => r.path === d.path && r.method === d.method), `${d.method} ${d.path} is documented but not routed`).toBe(true);
    }
  });
});

describe('every documented operation answers', () => {
  let f: PaymentsFixture;
  let base = '';
  let token = '';
  const ids: Record<string, string> = {};
  beforeAll(async () => {
    f = await startPaymentsFixture();
    base = (await f.call('api.enable', { port: 0 })).url!;
    token = (await f.call('api.tokens.create', { name: 'OpenAPI check', scopes: ['payments:create', 'payments:read', 'refunds:create'] })).secret;
    for (const [gateway, path, currency] of [['stripe', 'stripe/checkout', 'usd'], ['razorpay', 'razorpay/orders', 'INR']] as const) {
      const r = await fetch(`${base}/api/payments/${path}`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ order_id: `OA-${gateway}`, amount: 50000, currency }) });
      ids[gateway] = ((await r.json()) as { id: string }).id;
    }
  });
  afterAll(async () => {
    await f?.close();
  });

  it('with a token of every scope, no documented operation is 404 or 405', async () => {
    for (const d of documented) {
      const id = d.path.includes('razorpay') ? ids.razorpay! : ids.stripe!;
      const url = `${base}${d.path.replace('{id}', id)}`;
      const example = d.op.requestBody?.content['application/json'].example;
      const res = await fetch(url, {
        method: d.method,
        headers: { authorization: `Bearer ${token}`, ...(example ? { 'content-type': 'application/json' } : {}) },
        body: d.method === 'POST' ? JSON.stringify(example ?? {}) : undefined,
      });
      const body = await res.text();
      expect([404, 405], `${d.method} ${d.path} answered ${res.status}: ${body}`).not.toContain(res.status);
    }
  });

  it('serves the description without a token', async () => {
    const res = await fetch(`${base}/api/openapi.json`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(spec);
  });
});
