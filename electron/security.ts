// One window policy for every webContents the app ever creates (security checklist #5, #12-#15):
// - will-navigate / will-frame-navigate / will-redirect: anything outside app://paydesk is blocked;
//   a top-level link to an allowed external URL opens in the system browser instead;
// - setWindowOpenHandler: always deny; allowed URLs go to the system browser;
// - <webview>: never attached;
// - permissions: every request and check denied;
// - no 'certificate-error' handler and no setCertificateVerifyProc: bad TLS is never trusted.
// The URL decisions are the pure functions of core/external-url.ts (parsed with new URL, never substring-matched).
import { app, shell, type Session, type WebContents } from 'electron';
import { isAllowedExternalUrl, isAppUrl, type ExternalUrlPolicy } from './core/external-url';

export type Log = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

export interface SecurityOptions {
  /** read on every decision: the sandbox's port is known only once it listens, and an owner may change the allowed hosts at any time */
  externalPolicy: () => ExternalUrlPolicy;
  log: Log;
}

/** Only show the origin in logs: a payment link's query may carry identifiers. */
function originOf(raw: string): string {
  try {
    const u = new URL(raw);
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(unparseable)';
  }
}

/** Hands a URL to the system browser if, and only if, the policy allows it. */
export function openExternalIfAllowed(raw: string, opts: SecurityOptions): boolean {
  if (!isAllowedExternalUrl(raw, opts.externalPolicy())) {
    opts.log('warn', 'refused to open a URL outside the allowlist', { origin: originOf(raw) });
    return false;
  }
  // The URL was parsed and checked against the allowlist just above (a gateway's host, a link Paydesk made,
  // a host an owner added, or the sandbox's loopback port).
  const opening = shell.openExternal(new URL(raw).toString()); // eng-disable OPEN_EXTERNAL_JS_CHECK — only URLs that passed isAllowedExternalUrl (gateway hosts, Paydesk's own links, owner-added hosts over https, or the sandbox's loopback port)
  opening.catch((err: unknown) => {
    opts.log('warn', 'the system browser could not open a URL', { origin: originOf(raw), error: String(err) });
  });
  return true;
}

export function hardenWebContents(contents: WebContents, opts: SecurityOptions): void {
  contents.on('will-navigate', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    if (event.isMainFrame) openExternalIfAllowed(event.url, opts);
  });
  // sub-frames (the main frame is will-navigate's job above, which may hand the URL to the system browser)
  contents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame || isAppUrl(event.url)) return;
    event.preventDefault();
    opts.log('warn', 'blocked a frame navigation', { origin: originOf(event.url) });
  });
  contents.on('will-redirect', (event) => {
    if (isAppUrl(event.url)) return;
    event.preventDefault();
    opts.log('warn', 'blocked a redirect', { origin: originOf(event.url) });
  });
  contents.setWindowOpenHandler((details) => {
    openExternalIfAllowed(details.url, opts);
    return { action: 'deny' };
  });
  contents.on('will-attach-webview', (event) => {
    event.preventDefault();
    opts.log('warn', 'blocked a <webview>');
  });
}

/** Denies every permission: camera, microphone, notifications (main shows them), geolocation, clipboard-read, ... */
export function hardenSession(ses: Session): void {
  ses.setPermissionRequestHandler((_webContents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.setDevicePermissionHandler(() => false);
}

/** Installs the policy on every webContents created from now on. Call before the first window. */
export function installSecurityPolicy(ses: Session, opts: SecurityOptions): void {
  hardenSession(ses);
  app.on('web-contents-created', (_event, contents) => hardenWebContents(contents, opts));
}
