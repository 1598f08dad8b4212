// One suite over both renderer transports (STYLE.md §1.1): the same envelopes give the same values and the
// same typed ApiError, whether they come through the Electron bridge or browser-mode HTTP.
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../../shared/errors';
import { ApiError } from '../../../renderer/src/api/errors';
import { ipcTransport } from '../../../renderer/src/api/ipc';
import { adoptLaunchToken, exportDownloadUrl, httpTransport } from '../../../renderer/src/api/http';
import type { Transport } from '../../../renderer/src/api/transport';

type Reply = Envelope<unknown> | 'network-down';

interface Harness {
  transport: Transport;
  /** the next call answers with this */
  reply(r: Reply): void;
  /** what the last call sent: method and input */
  sent(): { method: string; input: unknown };
}

function ipcHarness(): Harness {
  let next: Reply = { ok: true, value: null };
  let last = { method: '', input: undefined as unknown };
  const transport = ipcTransport({
    call: async (method, input) => {
      last = { method, input };
      if (next === 'network-down') throw new Error('Error invoking remote method');
      return next;
    },
    on: () => () => {},
  });
  return { transport, reply: (r) => (next = r), sent: () => last };
}

function httpHarness(): Harness {
  let next: Reply = { ok: true, value: null };
  let last = { method: '', input: undefined as unknown };
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    last = { method: decodeURIComponent(url.replace(/^\/rpc\//, '')), input: JSON.parse(String(init.body)) };
    if (next === 'network-down') throw new TypeError('Failed to fetch');
    return new Response(JSON.stringify(next), { status: next.ok ? 200 : 400, headers: { 'content-type': 'application/json' } });
  });
  return { transport: httpTransport(), reply: (r) => (next = r), sent: () => last };
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe.each([
  ['ipc', ipcHarness],
  ['http', httpHarness],
] as const)('%s transport', (_name, make) => {
  it('returns the value of an ok envelope and sends the method and input as given', async () => {
    const h = make();
    h.reply({ ok: true, value: { pong: true, at: 5 } });
    await expect(h.transport.call('system.ping', {})).resolves.toEqual({ pong: true, at: 5 });
    expect(h.sent()).toEqual({ method: 'system.ping', input: {} });
  });

  it('rebuilds a typed ApiError with code, message, field and retryable from an error envelope', async () => {
    const h = make();
    h.reply({ ok: false, error: { code: 'invalid_input', message: 'This is a test key', field: 'publicKey', retryable: false } });
    const err = await h.transport
      .call('accounts.create', { gateway: 'stripe', mode: 'live', label: 'x', publicKey: 'pk_test_1', secretKey: 'sk_test_1' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ code: 'invalid_input', message: 'This is a test key', field: 'publicKey', retryable: false });
  });

  it('turns a malformed error envelope into internal, never into a success', async () => {
    const h = make();
    h.reply({ ok: false, error: { nope: 1 } } as never);
    await expect(h.transport.call('system.ping', {})).rejects.toMatchObject({ code: 'internal' });
  });

  it('reports an engine that cannot be reached as host_unreachable (retryable)', async () => {
    const h = make();
    h.reply('network-down');
    await expect(h.transport.call('system.ping', {})).rejects.toMatchObject({ code: 'host_unreachable', retryable: true });
  });

  it('refuses a method outside the contract before sending it', async () => {
    const h = make();
    await expect(h.transport.call('vault.getSecret' as never, {} as never)).rejects.toBeInstanceOf(ApiError);
    expect(h.sent().method).toBe('');
  });
});

it('http: a 401 from the host door means the session ended (not a PIN problem)', async () => {
  vi.stubGlobal('fetch', async () => new Response('Unauthorized', { status: 401 }));
  await expect(httpTransport().call('system.ping', {})).rejects.toMatchObject({ code: 'session_ended' });
});

it('ipc: pushed events reach listeners of contract events only', () => {
  const listeners = new Map<string, (p: unknown) => void>();
  const t = ipcTransport({
    call: async () => ({ ok: true, value: null }),
    on: (event, l) => {
      listeners.set(event, l);
      return () => listeners.delete(event);
    },
  });
  const got: unknown[] = [];
  const off = t.on('account.changed', (p) => got.push(p));
  t.on('not.an.event' as never, () => got.push('wrong'));
  listeners.get('account.changed')?.({ id: 'a1' });
  expect(got).toEqual([{ id: 'a1' }]);
  expect(listeners.has('not.an.event')).toBe(false);
  off();
  expect(listeners.has('account.changed')).toBe(false);
});

/** sessionStorage, location and history of a page opened at `href` (the tests run in node, without a DOM) */
function stubPage(href: string) {
  const url = new URL(href);
  const stored = new Map<string, string>();
  const replaced: string[] = [];
  vi.stubGlobal('sessionStorage', { getItem: (k: string) => stored.get(k) ?? null, setItem: (k: string, v: string) => stored.set(k, v) });
  vi.stubGlobal('location', { search: url.search, pathname: url.pathname, hash: url.hash });
  vi.stubGlobal('history', { state: null, replaceState: (_s: unknown, _t: string, to: string) => replaced.push(to) });
  return { stored, replaced };
}

it('http: takes ?token= of the printed address into the tab, off the address bar, and sends it as a header on every call', async () => {
  const page = stubPage('http://127.0.0.1:5179/payments?token=launch-token&tab=all#/payments/p1');
  adoptLaunchToken();
  expect(page.replaced).toEqual(['/payments?tab=all#/payments/p1']);
  // kept for a reload once the first requests have left
  expect(page.stored.has('paydesk.token')).toBe(false);
  await new Promise((r) => setTimeout(r, 0));
  expect(page.stored.get('paydesk.token')).toBe('launch-token');
  const sent: Headers[] = [];
  vi.stubGlobal('fetch', async (_url: string, init: RequestInit) => {
    sent.push(new Headers(init.headers));
    return new Response(JSON.stringify({ ok: true, value: { pong: true } }), { headers: { 'content-type': 'application/json' } });
  });
  await httpTransport().call('system.ping', {});
  expect(sent[0]!.get('x-paydesk-token')).toBe('launch-token');
  expect(sent[0]!.has('cookie')).toBe(false);
});

it('http: a download link carries a one-time ticket, asked for with the token header', async () => {
  stubPage('http://127.0.0.1:5179/?token=launch-token');
  adoptLaunchToken();
  const asked: { url: string; token: string | null }[] = [];
  vi.stubGlobal('fetch', async (url: string, init: RequestInit) => {
    asked.push({ url, token: new Headers(init.headers).get('x-paydesk-token') });
    return new Response(JSON.stringify({ ok: true, value: { ticket: 'tk_1' } }), { headers: { 'content-type': 'application/json' } });
  });
  await expect(exportDownloadUrl('exp_abc')).resolves.toBe('/exports/exp_abc?ticket=tk_1');
  expect(asked).toEqual([{ url: '/tickets', token: 'launch-token' }]);
});
