import { afterEach, describe, expect, it, vi } from 'vitest';
import { backoffDelay, createTunnelManager, DEFAULT_BACKOFF } from '../../../../electron/core/tunnel/manager';
import { classifyNgrokError, createNgrokProvider, forwardTarget, type NgrokSdk } from '../../../../electron/core/tunnel/ngrok';
import { TunnelError, type TunnelCloseInfo, type TunnelProvider } from '../../../../electron/core/tunnel/provider';
import type { TunnelStatus } from '../../../../shared/contract';

/** A provider whose start outcomes are scripted, and whose drop can be triggered. */
function fakeProvider(outcomes: Array<{ url: string } | TunnelError | 'hang'>) {
  const closeListeners = new Set<(i: TunnelCloseInfo) => void>();
  const calls = { start: 0, stop: 0, ports: [] as number[], signals: [] as AbortSignal[] };
  const provider: TunnelProvider = {
    kind: 'ngrok',
    start(opts, signal) {
      calls.start++;
      calls.ports.push(opts.port);
      calls.signals.push(signal);
      const next = outcomes.shift() ?? new TunnelError('unknown', 'no more scripted outcomes');
      if (next === 'hang') return new Promise(() => undefined);
      return next instanceof TunnelError ? Promise.reject(next) : Promise.resolve(next);
    },
    async stop() {
      calls.stop++;
    },
    onClose(fn) {
      closeListeners.add(fn);
      return () => closeListeners.delete(fn);
    },
  };
  const drop = (info: TunnelCloseInfo = { reason: 'connection reset', retry: true }) => { for (const fn of [...closeListeners]) fn(info); };
  return { provider, calls, drop };
}

function setup(extra: Partial<Parameters<typeof createTunnelManager>[0]> = {}) {
  const events: TunnelStatus[] = [];
  const manager = createTunnelManager({
    getPort: () => 4321,
    emit: (name, payload) => { expect(name).toBe('tunnel.changed'); events.push(payload); },
    clock: { now: () => Date.now() },
    random: () => 0, // no jitter: delays are exactly base * 2^(n-1)
    ...extra,
  });
  return { manager, events, states: () => events.map((e) => e.state) };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('backoffDelay', () => {
  it('doubles from the base, caps at the maximum, and jitters only downwards', () => {
    const none = [1, 2, 3, 4, 5, 6, 7, 8, 20].map((n) => backoffDelay(n, DEFAULT_BACKOFF, () => 0));
    expect(none).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000]);
    expect(backoffDelay(1, DEFAULT_BACKOFF, () => 1)).toBe(700);
    for (let n = 1; n < 40; n++) {
      const d = backoffDelay(n, DEFAULT_BACKOFF, Math.random);
      expect(d).toBeLessThanOrEqual(DEFAULT_BACKOFF.maxMs);
      expect(d).toBeGreaterThanOrEqual(Math.min(DEFAULT_BACKOFF.maxMs, 1000 * 2 ** (n - 1)) * (1 - DEFAULT_BACKOFF.jitter) - 1);
    }
  });
});

describe('tunnel manager with an injected provider', () => {
  it('goes offline → connecting → online with the URL, forwarding to the listener port', async () => {
    const { provider, calls } = fakeProvider([{ url: 'https://abc.ngrok-free.app' }]);
    const { manager, states, events } = setup();
    expect(manager.status().state).toBe('offline');
    const s = await manager.start(provider);
    expect(s).toMatchObject({ state: 'online', url: 'https://abc.ngrok-free.app', provider: 'ngrok', error: null });
    expect(states()).toEqual(['connecting', 'online']);
    expect(calls.ports).toEqual([4321]);
    expect(events.at(-1)?.url).toBe('https://abc.ngrok-free.app');
  });

  it('reconnects after a drop with exponential backoff, then comes back online', async () => {
    vi.useFakeTimers();
    const { provider, calls, drop } = fakeProvider([
      { url: 'https://one.example' },
      new TunnelError('network', 'Could not reach ngrok.'),
      new TunnelError('network', 'Could not reach ngrok.'),
      { url: 'https://two.example' },
    ]);
    const { manager, events } = setup();
    await manager.start(provider);
    expect(manager.status().state).toBe('online');

    const t0 = Date.now();
    drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(calls.stop).toBeGreaterThanOrEqual(1); // the dropped session is released
    let s = manager.status();
    expect(s.state).toBe('connecting');
    expect(s.url).toBeNull();
    expect(s.error).toMatch(/dropped: connection reset.*Reconnecting in 1 s/);
    expect(s.retryAt).toBe(t0 + 1000);

    await vi.advanceTimersByTimeAsync(999);
    expect(calls.start).toBe(1); // not yet
    await vi.advanceTimersByTimeAsync(1);
    expect(calls.start).toBe(2); // first retry fails → waits 2 s
    s = manager.status();
    expect(s.state).toBe('connecting');
    expect(s.error).toMatch(/Reconnecting in 2 s/);

    await vi.advanceTimersByTimeAsync(2000);
    expect(calls.start).toBe(3); // second retry fails → waits 4 s
    expect(manager.status().error).toMatch(/Reconnecting in 4 s/);

    await vi.advanceTimersByTimeAsync(4000);
    expect(calls.start).toBe(4);
    expect(manager.status()).toMatchObject({ state: 'online', url: 'https://two.example', error: null, retryAt: null });
    expect(events.map((e) => e.state)).toContain('online');
  });

  it('does not reconnect when the drop says retrying cannot help', async () => {
    vi.useFakeTimers();
    const { provider, calls, drop } = fakeProvider([{ url: 'https://one.example' }]);
    const { manager } = setup();
    await manager.start(provider);
    drop({ reason: 'The tunnel was stopped from the ngrok dashboard.', retry: false });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(manager.status()).toMatchObject({ state: 'error', error: 'The tunnel was stopped from the ngrok dashboard.' });
    expect(calls.start).toBe(1);
  });

  it('stops: offline, provider closed, and a later drop or timer does nothing', async () => {
    vi.useFakeTimers();
    const { provider, calls, drop } = fakeProvider([{ url: 'https://one.example' }]);
    const { manager, states } = setup();
    await manager.start(provider);
    const s = await manager.stop();
    expect(s).toMatchObject({ state: 'offline', url: null, provider: null, error: null });
    expect(calls.stop).toBe(1);
    drop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(manager.status().state).toBe('offline');
    expect(calls.start).toBe(1);
    expect(states()).toEqual(['connecting', 'online', 'offline']);
  });

  it('stopping during a reconnect wait cancels the retry', async () => {
    vi.useFakeTimers();
    const { provider, calls, drop } = fakeProvider([{ url: 'https://one.example' }]);
    const { manager } = setup();
    await manager.start(provider);
    drop();
    await vi.advanceTimersByTimeAsync(0);
    expect(manager.status().state).toBe('connecting');
    await manager.stop();
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls.start).toBe(1);
    expect(manager.status().state).toBe('offline');
  });

  it('a failed start is an error state with the reason in words, and no retry', async () => {
    vi.useFakeTimers();
    const { provider, calls } = fakeProvider([new TunnelError('auth', 'ngrok refused the authtoken (ERR_NGROK_107).')]);
    const { manager, states } = setup();
    const s = await manager.start(provider);
    expect(s).toMatchObject({ state: 'error', errorKind: 'auth', error: 'ngrok refused the authtoken (ERR_NGROK_107).', url: null, retryAt: null });
    await vi.advanceTimersByTimeAsync(120_000);
    expect(calls.start).toBe(1);
    expect(states()).toEqual(['connecting', 'error']);
  });

  it('a provider that hangs is cut off by the deadline and its signal aborted', async () => {
    vi.useFakeTimers();
    const { provider, calls } = fakeProvider(['hang']);
    const { manager } = setup({ startTimeoutMs: 12_000 });
    const pending = manager.start(provider);
    await vi.advanceTimersByTimeAsync(11_999);
    expect(manager.status().state).toBe('connecting');
    await vi.advanceTimersByTimeAsync(1);
    const s = await pending;
    expect(s.state).toBe('error');
    expect(s.errorKind).toBe('timeout');
    expect(s.error).toMatch(/internet connection.*authtoken/);
    expect(calls.signals[0]?.aborted).toBe(true);
    expect(calls.stop).toBeGreaterThanOrEqual(1);
  });

  it('an error when the webhook listener is not running, and a throwing provider or listener affects nothing else', async () => {
    const noPort = setup({ getPort: () => null });
    const { provider } = fakeProvider([{ url: 'https://x.example' }]);
    expect((await noPort.manager.start(provider)).errorKind).toBe('config');

    const throwing: TunnelProvider = { kind: 'own', start: () => { throw new Error('boom'); }, stop: async () => { throw new Error('boom'); }, onClose: () => () => undefined };
    const m = createTunnelManager({ getPort: () => 1, emit: () => { throw new Error('listener broke'); } });
    await expect(m.start(throwing)).resolves.toMatchObject({ state: 'error', errorKind: 'unknown' });
    await expect(m.stop()).resolves.toMatchObject({ state: 'offline' });
  });

  it('starting again replaces the running tunnel', async () => {
    const a = fakeProvider([{ url: 'https://a.example' }]);
    const b = fakeProvider([{ url: 'https://b.example' }]);
    const { manager } = setup();
    await manager.start(a.provider);
    const s = await manager.start(b.provider);
    expect(a.calls.stop).toBe(1);
    expect(s.url).toBe('https://b.example');
    a.drop(); // the old provider's drop is ignored
    await new Promise((r) => setTimeout(r, 5));
    expect(manager.status()).toMatchObject({ state: 'online', url: 'https://b.example' });
  });
});

describe('ngrok errors', () => {
  const token = '2aBcDeFgHiJkLmNoPqRsTuVwXyZ_0123456789abcdefghij';

  it('tells an auth failure from a network failure, and never echoes the authtoken', () => {
    const auth = classifyNgrokError(new Error(`failed to connect session: authentication failed: The authtoken you specified does not look like a proper ngrok authtoken.\nYour authtoken: ${token}\n\nERR_NGROK_105`), [token]);
    expect(auth.kind).toBe('auth');
    expect(auth.ngrokCode).toBe('ERR_NGROK_105');
    expect(auth.message).toMatch(/authtoken/);
    expect(auth.message).not.toContain(token);

    const revoked = classifyNgrokError(Object.assign(new Error('The authtoken you specified is properly formed, but it is invalid.'), { errorCode: 'ERR_NGROK_107' }), [token]);
    expect(revoked.kind).toBe('auth');

    const net = classifyNgrokError(new Error('failed to connect session: failed to establish tcp connection'), [token]);
    expect(net.kind).toBe('network');
    expect(net.message).toMatch(/internet connection/);

    expect(classifyNgrokError(new Error('Your account is limited to 1 simultaneous ngrok agent sessions. ERR_NGROK_108'), [token]).kind).toBe('limit');
    const dom = classifyNgrokError(new Error('failed to start tunnel: The domain shop.ngrok.app is not reserved on this account. ERR_NGROK_320'), [token], 'shop.ngrok.app');
    expect(dom.kind).toBe('domain');
    expect(dom.message).toContain('shop.ngrok.app');

    const other = classifyNgrokError(new Error(`weird failure ${token}`), [token]);
    expect(other.kind).toBe('unknown');
    expect(other.message).not.toContain(token);
  });

  it('without an authtoken, says so before touching the network', async () => {
    const loadSdk = vi.fn();
    const p = createNgrokProvider({ secrets: async () => ({ authtoken: null, domain: null }), loadSdk });
    const m = createTunnelManager({ getPort: () => 1 });
    const s = await m.start(p);
    expect(s).toMatchObject({ state: 'error', errorKind: 'auth' });
    expect(s.error).toMatch(/No ngrok authtoken/);
    expect(loadSdk).not.toHaveBeenCalled();
  });

  it('drives the SDK: 127.0.0.1:<port>, the reserved domain, and a disconnection reported as a drop', async () => {
    let onDisc: ((addr: string, err: string) => boolean) | null = null;
    const seen: { token?: string; forward?: string; domain?: string } = {};
    const closed: string[] = [];
    const sdk: NgrokSdk = {
      SessionBuilder: class {
        authtoken(t: string) { seen.token = t; return this; }
        clientInfo() { return this; }
        handleDisconnection(h: (a: string, e: string) => boolean) { onDisc = h; return this; }
        handleStopCommand() { return this; }
        async connect() {
          return {
            httpEndpoint() {
              const ep = {
                domain(dn: string) { seen.domain = dn; return ep; },
                metadata() { return ep; },
                async listenAndForward(to: string) {
                  seen.forward = to;
                  return { url: () => `https://${seen.domain}/`, close: async () => { closed.push('listener'); } };
                },
              };
              return ep;
            },
            close: async () => { closed.push('session'); },
          };
        }
      } as unknown as NgrokSdk['SessionBuilder'],
    };
    const p = createNgrokProvider({ secrets: async () => ({ authtoken: 'tok_1234567890', domain: 'shop.ngrok.app' }), loadSdk: async () => sdk });
    const { manager } = setup({ getPort: () => 5555, backoff: { baseMs: 10_000 } });
    const s = await manager.start(p);
    expect(s).toMatchObject({ state: 'online', url: 'https://shop.ngrok.app' });
    expect(seen).toEqual({ token: 'tok_1234567890', forward: 'http://127.0.0.1:5555', domain: 'shop.ngrok.app' });

    expect(onDisc).not.toBeNull();
    expect(onDisc!('connect.ngrok-agent.com:443', 'connection reset by peer')).toBe(true);
    await new Promise((r) => setTimeout(r, 20));
    expect(manager.status().state).toBe('connecting');
    expect(manager.status().error).toMatch(/dropped/);
    expect(closed).toEqual(['listener', 'session']);
    await manager.stop();
  });
});

describe('where ngrok forwards', () => {
  it("to the edge's socket entry when it has one (unix:<path>, or pipe:// on Windows), else its port", () => {
    expect(forwardTarget({ port: 5555 })).toBe('http://127.0.0.1:5555');
    expect(forwardTarget({ port: 5555, socketPath: null })).toBe('http://127.0.0.1:5555');
    expect(forwardTarget({ port: 5555, socketPath: '/data/run/edge.sock' })).toBe('unix:/data/run/edge.sock');
    expect(forwardTarget({ port: 5555, socketPath: '\\\\.\\pipe\\paydesk-edge-0123' })).toBe('pipe://./paydesk-edge-0123');
  });

  it('the manager hands the provider the socket it is given', async () => {
    const seen: Array<{ port: number; socketPath?: string | null }> = [];
    const provider: TunnelProvider = {
      kind: 'own',
      start: async (o) => { seen.push(o); return { url: 'https://shop.example.com' }; },
      stop: async () => undefined,
      onClose: () => () => undefined,
    };
    const manager = createTunnelManager({ getPort: () => 7, getSocket: () => '/d/run/edge.sock' });
    await manager.start(provider);
    expect(seen).toEqual([{ port: 7, socketPath: '/d/run/edge.sock' }]);
    await manager.stop();
  });
});

describe('the real @ngrok/ngrok without internet', () => {
  it('fails within 15 s with a message about the network or the authtoken', async () => {
    const token = '2aBcDeFgHiJkLmNoPqRsTuVwXyZ_0123456789abcdefghij';
    const events: TunnelStatus[] = [];
    const manager = createTunnelManager({ getPort: () => 9, emit: (_n, p) => events.push(p) });
    const provider = createNgrokProvider({ secrets: async () => ({ authtoken: token, domain: null }), closeTimeoutMs: 1000 });
    const t0 = performance.now();
    const s = await manager.start(provider);
    const elapsed = performance.now() - t0;
    await manager.stop();

    expect(s.state).toBe('error');
    expect(s.error).toMatch(/network|internet|authtoken/i);
    expect(['network', 'auth', 'timeout']).toContain(s.errorKind);
    expect(s.error).not.toContain(token);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(elapsed).toBeLessThan(15_000); // the promise to the merchant, not a performance target
  }, 30_000);
});
