// One interface for everything that can give Paydesk a public HTTPS URL in front of the local
// webhook listener: ngrok (ngrok.ts) and "a URL I run myself" (own-url.ts). The manager (manager.ts)
// owns the state machine, deadlines and reconnection; a provider only opens, closes and reports a drop.

export type TunnelProviderKind = 'ngrok' | 'own';

export interface TunnelStartOptions {
  /** port of the local webhook listener on 127.0.0.1 */
  port: number;
  /** the listener's socket file (or Windows pipe), where the client address a tunnel reports is believed */
  socketPath?: string | null;
}

export interface TunnelCloseInfo {
  /** in words, for the status line; never contains a secret */
  reason: string;
  /** false when reconnecting cannot help (stopped from the ngrok dashboard, authtoken revoked) */
  retry: boolean;
}

export interface TunnelProvider {
  readonly kind: TunnelProviderKind;
  /**
   * Open the tunnel and resolve with its public base URL (no trailing slash). Rejects with a
   * TunnelError. Must give up promptly when `signal` aborts (the manager's deadline) and release
   * anything that opens after the abort.
   */
  start(opts: TunnelStartOptions, signal: AbortSignal): Promise<{ url: string }>;
  /** close whatever start opened; never rejects; safe to call twice or before start */
  stop(): Promise<void>;
  /** called when an open tunnel drops by itself (not after stop()); returns an unsubscribe function */
  onClose(listener: (info: TunnelCloseInfo) => void): () => void;
}

/**
 * Why a tunnel could not open, sorted so the UI can say what to fix:
 * `network`: no internet / ngrok unreachable; `auth`: the authtoken is missing, malformed or refused;
 * `domain`: the reserved domain is not yours or not allowed on the plan; `limit`: another agent session
 * is already running on the account; `config`: an invalid own URL or listener not running;
 * `unavailable`: the provider cannot run here (native binary missing); `unknown`: anything else.
 */
export type TunnelErrorKind = 'network' | 'auth' | 'domain' | 'limit' | 'config' | 'unavailable' | 'timeout' | 'unknown';

export class TunnelError extends Error {
  readonly kind: TunnelErrorKind;
  /** ngrok's ERR_NGROK_nnn code when there is one */
  readonly ngrokCode: string | null;
  constructor(kind: TunnelErrorKind, message: string, opts: { ngrokCode?: string | null; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'TunnelError';
    this.kind = kind;
    this.ngrokCode = opts.ngrokCode ?? null;
  }
  /** retrying later can help (network trouble, a busy session), unlike a wrong authtoken or URL */
  get retryable(): boolean {
    return this.kind === 'network' || this.kind === 'timeout' || this.kind === 'limit' || this.kind === 'unknown';
  }
}

/** Remove every occurrence of each secret from a text (ngrok's auth errors echo the token back). */
export function redact(text: string, secrets: ReadonlyArray<string | null | undefined>): string {
  let out = text;
  for (const s of secrets) {
    if (s && s.length >= 4) out = out.split(s).join('[redacted]');
  }
  return out;
}

/** Strip a trailing slash so `${base}/webhooks/...` never has a double slash. */
export const normalizeBaseUrl = (url: string): string => url.replace(/\/+$/, '');
