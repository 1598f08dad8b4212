// The URL policy of the Electron shell, as pure functions so it is unit-testable without Electron.
// Every decision parses the URL with `new URL` and compares exact protocol, host and port: never
// `includes` / `startsWith` on the raw string (see STYLE.md, Actual's trusted-url.ts).
// Used by electron/security.ts (navigation, window-open) and electron/ipc.ts (the sender check).

/** The renderer's origin: `app://paydesk/`, served by electron/protocol.ts. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'paydesk';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost']);

function parse(raw: unknown): URL | null {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 8192) return null;
  try {
    return new URL(raw);
  } catch {
    return null;
  }
}

/** True when `raw` is a page of the app itself: `app://paydesk/...`, no credentials, no port. */
export function isAppUrl(raw: unknown): boolean {
  const url = parse(raw);
  if (!url) return false;
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === '';
}

export interface ExternalUrlPolicy {
  /** the embedded Paydesk Sandbox's port on 127.0.0.1, or null when it does not run */
  sandboxPort?: number | null;
}

/**
 * May this URL be handed to the system browser (shell.openExternal)?
 * - https anywhere, as long as it carries no credentials (`https://user:pw@host` is refused);
 * - http only on 127.0.0.1 / localhost AND only on the sandbox's port (its hosted checkout pages);
 * - everything else (javascript:, file:, data:, app:, smb:, custom schemes, other http) is refused.
 */
export function isAllowedExternalUrl(raw: unknown, policy: ExternalUrlPolicy = {}): boolean {
  const url = parse(raw);
  if (!url) return false;
  if (url.username !== '' || url.password !== '') return false;
  if (url.protocol === 'https:') return url.hostname !== '';
  if (url.protocol === 'http:') {
    const port = policy.sandboxPort;
    if (typeof port !== 'number' || !Number.isInteger(port) || port <= 0 || port > 65535) return false;
    // url.port is '' for the default port 80; the sandbox never runs there, so '' never matches.
    return LOOPBACK_HOSTS.has(url.hostname) && url.port === String(port);
  }
  return false;
}
