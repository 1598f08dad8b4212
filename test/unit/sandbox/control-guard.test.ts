// The sandbox's control API over real HTTP on 127.0.0.1: a request with a foreign Host, a foreign Origin,
// a body that is not JSON, or a missing or wrong token is refused and changes nothing; the right one
// passes. The gateway routes keep working without the control token.
import { request } from 'node:http';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { controlHosts } from '../../../sandbox/core/control-guard.js';
import { createSandbox, sandboxControl, type RunningSandbox } from '../../../sandbox/index.js';

let sb: RunningSandbox;
let port: number;
/** a control call that, if it got through, would leave a fault rule behind */
const FAULT = JSON.stringify({ path: '/v1/products', status: 500, count: 1 });

beforeAll(async () => {
  sb = await createSandbox({ port: 0 });
  port = Number(new URL(sb.url).port);
});
afterAll(async () => {
  await sb?.close();
});
beforeEach(() => sb.faults.clear());

interface Raw {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
}

/** node:http rather than fetch, so the test controls every header (Host included) and the exact body. */
function raw(opts: Raw): Promise<{ status: number; body: { error?: { code?: string; message?: string } } & Record<string, unknown> }> {
  const body = opts.body ?? '';
  const headers: Record<string, string | number> = { host: `127.0.0.1:${port}`, ...opts.headers };
  if (body) headers['content-length'] = Buffer.byteLength(body);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method: opts.method ?? 'POST', path: opts.path ?? '/__sandbox/faults', headers }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : {} }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

const auth = (): Record<string, string> => ({ authorization: `Bearer ${sb.controlToken}` });
const json = (): Record<string, string> => ({ ...auth(), 'content-type': 'application/json' });

describe('sandbox control API checks', () => {
  it('passes the right request: own Host, no Origin, the token, a JSON body', async () => {
    const res = await raw({ headers: json(), body: FAULT });
    expect(res.status).toBe(200);
    expect(sb.faults.list()).toHaveLength(1);
  });

  it('refuses a foreign Host with 421 (DNS rebinding), changing nothing', async () => {
    for (const host of [`evil.example:${port}`, `127.0.0.1:${port + 1}`, `127.0.0.1`, `127.0.0.1.evil.example:${port}`]) {
      const res = await raw({ headers: { ...json(), host }, body: FAULT });
      expect(res.status, host).toBe(421);
      expect(res.body.error?.code).toBe('control_host');
    }
    expect(sb.faults.list()).toHaveLength(0);
  });

  it('accepts localhost:<port> because it is bound to a loopback address', async () => {
    const res = await raw({ headers: { ...json(), host: `localhost:${port}` }, body: FAULT });
    expect(res.status).toBe(200);
  });

  it('refuses an Origin other than its own with 403, changing nothing', async () => {
    for (const origin of ['http://evil.example', `http://localhost:${port + 1}`, `https://127.0.0.1:${port}`, 'null']) {
      const res = await raw({ headers: { ...json(), origin }, body: FAULT });
      expect(res.status, origin).toBe(403);
      expect(res.body.error?.code).toBe('control_origin');
    }
    expect(sb.faults.list()).toHaveLength(0);
    const own = await raw({ headers: { ...json(), origin: `http://127.0.0.1:${port}` }, body: FAULT });
    expect(own.status).toBe(200);
  });

  it('refuses a body that is not JSON with 415, changing nothing', async () => {
    const forms: Array<Record<string, string>> = [
      { ...auth(), 'content-type': 'application/x-www-form-urlencoded' },
      { ...auth(), 'content-type': 'text/plain' },
      { ...auth(), 'content-type': 'application/json-patch+json' },
      auth(),
    ];
    for (const headers of forms) {
      const res = await raw({ headers, body: FAULT });
      expect(res.status, headers['content-type'] ?? 'no content-type').toBe(415);
      expect(res.body.error?.code).toBe('control_content_type');
    }
    // a body on a GET counts too, and a POST needs the JSON type even when empty
    expect((await raw({ method: 'GET', headers: { ...auth(), 'content-type': 'text/plain' }, body: 'x' })).status).toBe(415);
    expect((await raw({ method: 'POST', headers: auth() })).status).toBe(415);
    expect(sb.faults.list()).toHaveLength(0);
    // the media type may carry parameters
    expect((await raw({ headers: { ...auth(), 'content-type': 'Application/JSON; charset=utf-8' }, body: FAULT })).status).toBe(200);
  });

  it('refuses a missing or wrong token with 401, on every control path, changing nothing', async () => {
    const wrong = `${sb.controlToken.slice(0, -1)}${sb.controlToken.endsWith('x') ? 'y' : 'x'}`;
    for (const authorization of [undefined, `Bearer ${wrong}`, `Bearer ${sb.controlToken}x`, `Basic ${Buffer.from(`${sb.controlToken}:`).toString('base64')}`, sb.controlToken]) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) };
      const res = await raw({ headers, body: FAULT });
      expect(res.status, authorization ?? 'no authorization').toBe(401);
      expect(res.body.error?.code).toBe('control_token');
    }
    expect(sb.faults.list()).toHaveLength(0);
    // reads are guarded too: the keys and webhook secrets are behind the token; an unknown path does not answer 404 first
    for (const path of ['/__sandbox/keys', '/__sandbox/webhooks/targets', '/__sandbox/no-such-thing', '/__sandbox']) {
      expect((await raw({ method: 'GET', path })).status, path).toBe(401);
    }
    expect((await raw({ method: 'GET', path: '/__sandbox/keys', headers: auth() })).body).toEqual(sb.keys);
  });

  it('leaves the gateway routes to their own auth: no control token, form bodies allowed', async () => {
    const form = await raw({
      path: '/v1/products',
      headers: { authorization: `Bearer ${sb.keys.STRIPE_SECRET_KEY}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'name=Mat',
    });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ object: 'product', name: 'Mat' });
    const noKey = await raw({ method: 'GET', path: '/v1/products', headers: auth() });
    expect(noKey.status).toBe(401);
  });
});

describe('control token and client', () => {
  it('is random per sandbox without a state file', async () => {
    const other = await createSandbox({ port: 0 });
    try {
      expect(other.controlToken).toMatch(/^sbxctl_[0-9A-Za-z]{43}$/);
      expect(other.controlToken).not.toBe(sb.controlToken);
      expect(other.keys).toEqual(sb.keys); // the keys, by contrast, are fixed defaults
    } finally {
      await other.close();
    }
  });

  it('the client sends the token and JSON, and refuses to send the token anywhere but /__sandbox/', async () => {
    const control = sandboxControl(sb.url, sb.controlToken);
    expect((await control.post('/__sandbox/faults', JSON.parse(FAULT))).status).toBe(200);
    expect((await control.get<{ data: unknown[] }>('/__sandbox/faults')).body.data).toHaveLength(1);
    expect((await control.delete('/__sandbox/faults')).status).toBe(200);
    expect(sb.faults.list()).toHaveLength(0);
    expect((await control.post<{ idle: boolean }>('/__sandbox/webhooks/idle')).body).toEqual({ idle: true });
    expect((await sandboxControl(sb.url, 'sbxctl_wrong').get('/__sandbox/health')).status).toBe(401);
    await expect(control.get('/v1/products')).rejects.toThrow(/not a control path/);
  });
});

describe('controlHosts', () => {
  it('adds localhost only for a loopback bind', () => {
    expect([...controlHosts('127.0.0.1', '127.0.0.1', 4000)].sort()).toEqual(['127.0.0.1:4000', 'localhost:4000']);
    expect([...controlHosts('[::1]', '::1', 4000)].sort()).toEqual(['[::1]:4000', 'localhost:4000']);
    // a wildcard bind is reachable from the network: only the advertised loopback host counts
    expect([...controlHosts('127.0.0.1', '0.0.0.0', 4000)]).toEqual(['127.0.0.1:4000']);
    expect([...controlHosts('192.168.1.20', '192.168.1.20', 4000)]).toEqual(['192.168.1.20:4000']);
  });
});
