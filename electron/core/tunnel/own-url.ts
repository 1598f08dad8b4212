// "A URL I run myself": the merchant's reverse proxy, Cloudflare Tunnel, Tailscale Funnel or any
// other tool already forwards a public HTTPS URL to this computer. Paydesk only checks the URL and,
// when asked, that something answers there; it opens nothing itself.
import { TunnelError, normalizeBaseUrl, type TunnelCloseInfo, type TunnelProvider } from './provider';

export interface OwnUrlCheck {
  ok: boolean;
  /** the normalized base URL (no trailing slash, no query) when ok */
  url: string | null;
  /** why not, in words, when not ok */
  error: string | null;
  /** true for http://127.0.0.1 etc., allowed only with allowLoopbackHttp (the Paydesk Sandbox) */
  loopback: boolean;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export const isLoopbackHost = (hostname: string): boolean => LOOPBACK_HOSTS.has(hostname.toLowerCase()) || /^127\.\d+\.\d+\.\d+$/.test(hostname);

/**
 * Validate a base URL the merchant typed. https only; plain http is accepted only for a loopback
 * host and only when `allowLoopbackHttp` (the Paydesk Sandbox delivers to the local listener, real
 * gateways never can). No user:password, query or fragment: gateways would drop or log them.
 */
export function validateOwnUrl(input: string, opts: { allowLoopbackHttp?: boolean } = {}): OwnUrlCheck {
  const fail = (error: string, loopback = false): OwnUrlCheck => ({ ok: false, url: null, error, loopback });
  const text = input.trim();
  if (!text) return fail('Enter the public URL, for example https://pay.example.com.');
  let u: URL;
  try {
    u = new URL(text);
  } catch {
    return fail('That is not a URL. Enter it in full, starting with https://');
  }
  const loopback = isLoopbackHost(u.hostname);
  if (u.protocol === 'http:') {
    if (!(loopback && opts.allowLoopbackHttp)) {
      return fail('The URL must start with https:// (gateways send payment data only over HTTPS).', loopback);
    }
  } else if (u.protocol !== 'https:') {
    return fail('The URL must start with https://', loopback);
  }
  if (u.username || u.password) return fail('Leave the user name and password out of the URL.', loopback);
  if (u.search || u.hash) return fail('Leave the ?query and #fragment out of the URL: enter only the base address.', loopback);
  if (loopback && u.protocol === 'https:' && !opts.allowLoopbackHttp) {
    return fail('That address only works on this computer; the gateways need a public URL.', loopback);
  }
  return { ok: true, url: normalizeBaseUrl(`${u.protocol}//${u.host}${u.pathname}`), error: null, loopback };
}

/** Does anything answer at the URL? Any HTTP status counts: we only want to know that it is reachable. */
export type ReachabilityProbe = (url: string, signal: AbortSignal) => Promise<void>;

export interface OwnUrlProviderOptions {
  url: string;
  allowLoopbackHttp?: boolean;
  /** check reachability at start; omit to skip (offline, or a proxy that only forwards webhook paths) */
  probe?: ReachabilityProbe | null;
}

export function createOwnUrlProvider(opts: OwnUrlProviderOptions): TunnelProvider {
  const listeners = new Set<(info: TunnelCloseInfo) => void>();
  return {
    kind: 'own',
    async start(_startOpts, signal) {
      const check = validateOwnUrl(opts.url, { allowLoopbackHttp: opts.allowLoopbackHttp });
      if (!check.ok || !check.url) throw new TunnelError('config', check.error ?? 'The URL is not valid.');
      if (opts.probe) {
        try {
          await opts.probe(check.url, signal);
        } catch (e) {
          if (signal.aborted) throw new TunnelError('timeout', `Nothing answered at ${check.url} in time.`);
          const why = e instanceof Error ? e.message : String(e);
          throw new TunnelError('network', `Could not reach ${check.url} (${why.slice(0, 120)}). Check that your proxy or tunnel tool is running and forwards to Paydesk, and that this computer is online.`);
        }
      }
      return { url: check.url };
    },
    async stop() {
      /* nothing of ours to close */
    },
    onClose(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}
