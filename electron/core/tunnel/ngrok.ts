// The ngrok provider, through the official @ngrok/ngrok package (its native binary ships in the
// registry package; nothing is downloaded at install or run time). One session and one HTTP
// listener forwarding to the local webhook listener (its socket entry, else its port on 127.0.0.1). The
// authtoken and the optional reserved domain are read from the vault through an injected accessor at every start, and never
// logged: ngrok's own auth errors echo the token back, so every message is redacted.
import { TunnelError, redact, normalizeBaseUrl, type TunnelCloseInfo, type TunnelProvider, type TunnelStartOptions } from './provider';

/** The slice of @ngrok/ngrok this provider uses (narrow, so tests can pass a fake). */
export interface NgrokSdk {
  SessionBuilder: new () => NgrokSessionBuilder;
}
export interface NgrokSessionBuilder {
  authtoken(token: string): this;
  clientInfo(clientType: string, version: string, comments?: string | null): this;
  handleDisconnection(handler: (addr: string, error: string) => boolean): this;
  handleStopCommand(handler: () => void): this;
  connect(): Promise<NgrokSession>;
}
export interface NgrokSession {
  httpEndpoint(): NgrokHttpEndpointBuilder;
  close(): Promise<void>;
}
export interface NgrokHttpEndpointBuilder {
  domain(domain: string): this;
  metadata(metadata: string): this;
  listenAndForward(toUrl: string): Promise<NgrokListener>;
}
export interface NgrokListener {
  url(): string | null;
  close(): Promise<void>;
}

export interface NgrokSecrets {
  authtoken: string | null;
  /** reserved domain, e.g. "paydesk-shop.ngrok.app"; null for a random one */
  domain: string | null;
}

export interface NgrokProviderOptions {
  /** reads the authtoken and reserved domain from the vault at each start */
  secrets: () => Promise<NgrokSecrets>;
  /** default: dynamic import of '@ngrok/ngrok' (so a missing native binary is a status, not a crash) */
  loadSdk?: () => Promise<NgrokSdk>;
  /** app version for ngrok's client info */
  version?: string;
  /** bound on closing the session (offline, close is an RPC that may hang); default 3000 ms */
  closeTimeoutMs?: number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

/**
 * Where ngrok forwards: the listener's socket entry when it has one (so the client address ngrok reports is
 * believed, ../api/forwarded.ts), else its loopback port.
 */
export function forwardTarget(opts: TunnelStartOptions): string {
  const socket = opts.socketPath;
  if (!socket) return `http://127.0.0.1:${opts.port}`;
  // ngrok names a Windows pipe pipe://./<name>, a Unix socket unix:<path>
  const pipe = /^\\\\\.\\pipe\\(.+)$/.exec(socket);
  return pipe ? `pipe://./${pipe[1]}` : `unix:${socket}`;
}

const defaultLoadSdk = async (): Promise<NgrokSdk> => {
  const mod = (await import('@ngrok/ngrok')) as unknown as NgrokSdk & { default?: NgrokSdk };
  return mod.SessionBuilder ? mod : (mod.default as NgrokSdk);
};

const AUTH_CODES = new Set(['ERR_NGROK_105', 'ERR_NGROK_106', 'ERR_NGROK_107', 'ERR_NGROK_4018', 'ERR_NGROK_302', 'ERR_NGROK_304']);
const LIMIT_CODES = new Set(['ERR_NGROK_108', 'ERR_NGROK_334']);

/**
 * Turn whatever ngrok threw into a TunnelError with a message in words. Auth problems and network
 * problems are told apart, because the merchant fixes them in different places. Pure; exported for tests.
 */
export function classifyNgrokError(err: unknown, secrets: ReadonlyArray<string | null | undefined>, domain: string | null = null): TunnelError {
  const raw = err instanceof Error ? err.message : String(err);
  const text = redact(raw, secrets);
  const code = /ERR_NGROK_\d+/.exec(text)?.[0] ?? ((err as { errorCode?: unknown } | null)?.errorCode as string | undefined) ?? null;
  const lower = text.toLowerCase();
  const codeNote = code ? ` (${code})` : '';

  if ((code && AUTH_CODES.has(code)) || /authentication failed|authtoken|not authenticated|unauthori[sz]ed|credential/.test(lower)) {
    return new TunnelError('auth', `ngrok refused the authtoken${codeNote}. Check it on dashboard.ngrok.com (Your Authtoken) and enter it again in the tunnel settings.`, { ngrokCode: code });
  }
  if ((code && LIMIT_CODES.has(code)) || /simultaneous|session limit|account limit/.test(lower)) {
    return new TunnelError('limit', `Another ngrok agent is already running on this ngrok account${codeNote}. Stop it (or use an account that allows more sessions), then start the tunnel again.`, { ngrokCode: code });
  }
  if (/domain|hostname|subdomain/.test(lower) || (code !== null && /^ERR_NGROK_3(1\d|2\d)$/.test(code))) {
    const which = domain ? `the reserved domain ${domain}` : 'the requested domain';
    return new TunnelError('domain', `ngrok would not give this tunnel ${which}${codeNote}. Check that it is reserved on the same ngrok account as the authtoken, or clear it to use a random URL.`, { ngrokCode: code });
  }
  if (/tcp connection|dns|resolve|lookup|connect(ion)? (refused|reset|timed out)|timed out|timeout|network|unreachable|tls handshake|i\/o error|os error|eof|no route/.test(lower)) {
    return new TunnelError('network', 'Could not reach ngrok: check the internet connection (or a firewall or proxy blocking connect.ngrok-agent.com). If the connection is fine, check the authtoken.', { ngrokCode: code });
  }
  return new TunnelError('unknown', `ngrok could not start the tunnel${codeNote}: ${text.slice(0, 300)}`, { ngrokCode: code });
}

function abortError(signal: AbortSignal): TunnelError {
  const r: unknown = signal.reason;
  return r instanceof TunnelError ? r : new TunnelError('timeout', 'Starting the tunnel was cancelled.');
}

/** Resolve or reject with `p`, or reject as soon as `signal` aborts. */
function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(abortError(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(abortError(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener('abort', onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener('abort', onAbort); reject(e instanceof Error ? e : new Error(String(e))); },
    );
  });
}

function withTimeout(p: Promise<unknown>, ms: number): Promise<void> {
  return new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    t.unref?.();
    p.then(() => { clearTimeout(t); resolve(); }, () => { clearTimeout(t); resolve(); });
  });
}

export function createNgrokProvider(opts: NgrokProviderOptions): TunnelProvider {
  const loadSdk = opts.loadSdk ?? defaultLoadSdk;
  const closeTimeoutMs = opts.closeTimeoutMs ?? 3000;
  const listeners = new Set<(info: TunnelCloseInfo) => void>();
  let session: NgrokSession | null = null;
  let listener: NgrokListener | null = null;
  /** bumps on every start and stop, so callbacks of an old session are ignored */
  let generation = 0;

  const closeQuietly = async (s: NgrokSession | null, l: NgrokListener | null): Promise<void> => {
    if (l) await withTimeout(Promise.resolve().then(() => l.close()), closeTimeoutMs);
    if (s) await withTimeout(Promise.resolve().then(() => s.close()), closeTimeoutMs);
  };

  const notifyClose = (gen: number, info: TunnelCloseInfo): void => {
    if (gen !== generation) return;
    // the callback runs inside the native SDK: leave it before anyone reacts
    setTimeout(() => {
      if (gen !== generation) return;
      for (const fn of [...listeners]) {
        try { fn(info); } catch { /* a listener's failure is not the tunnel's */ }
      }
    }, 0);
  };

  return {
    kind: 'ngrok',

    async start(startOpts: TunnelStartOptions, signal: AbortSignal): Promise<{ url: string }> {
      const gen = ++generation;
      const { authtoken, domain } = await raceAbort(opts.secrets(), signal);
      if (!authtoken) {
        throw new TunnelError('auth', 'No ngrok authtoken is set. Copy yours from dashboard.ngrok.com (Your Authtoken) into the tunnel settings, then start again.');
      }
      const secrets = [authtoken];
      let sdk: NgrokSdk;
      try {
        sdk = await raceAbort(loadSdk(), signal);
      } catch (e) {
        if (e instanceof TunnelError) throw e;
        throw new TunnelError('unavailable', 'The ngrok component of Paydesk could not be loaded on this computer. Use "a URL I run myself" instead.', { cause: redact(String(e), secrets) });
      }

      let s: NgrokSession | null = null;
      let l: NgrokListener | null = null;
      const connecting = (async () => {
        const builder = new sdk.SessionBuilder()
          .authtoken(authtoken)
          .clientInfo('paydesk', opts.version ?? '0.0.0')
          .handleDisconnection((_addr, error) => {
            notifyClose(gen, { reason: classifyNgrokError(error, secrets, domain).message, retry: true });
            // returning false makes the SDK throw an uncaught error; the manager closes this session instead
            return true;
          })
          .handleStopCommand(() => {
            notifyClose(gen, { reason: 'The tunnel was stopped from the ngrok dashboard.', retry: false });
          });
        s = await builder.connect();
        let ep = s.httpEndpoint().metadata('paydesk webhooks');
        if (domain) ep = ep.domain(domain);
        l = await ep.listenAndForward(forwardTarget(startOpts));
        const url = l.url();
        if (!url) throw new TunnelError('unknown', 'ngrok opened the tunnel but gave no URL.');
        return normalizeBaseUrl(url);
      })();

      try {
        const url = await raceAbort(connecting, signal);
        if (gen !== generation) {
          // stop() ran while we were connecting
          await closeQuietly(s, l);
          throw new TunnelError('timeout', 'The tunnel was stopped while it was starting.');
        }
        session = s;
        listener = l;
        opts.log?.('info', `ngrok tunnel online at ${url}`);
        return { url };
      } catch (e) {
        // whatever opened late (after the deadline) must not linger
        void connecting.then(
          () => closeQuietly(s, l),
          () => closeQuietly(s, l),
        );
        const err = e instanceof TunnelError ? e : classifyNgrokError(e, secrets, domain);
        opts.log?.('warn', `ngrok start failed: ${err.kind}${err.ngrokCode ? ` ${err.ngrokCode}` : ''}`);
        throw err;
      }
    },

    async stop(): Promise<void> {
      generation++;
      const s = session;
      const l = listener;
      session = null;
      listener = null;
      await closeQuietly(s, l);
    },

    onClose(fn: (info: TunnelCloseInfo) => void): () => void {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
