// app://paydesk/ serves the built renderer (dist/renderer) with the one CSP header from shared/csp.ts.
// No file:// anywhere (security checklist #18). The path logic is the pure `resolveAppPath`, unit-tested
// with traversal attempts in test/security/protocol.test.ts.
import { protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CSP } from '../shared/csp';
import { APP_HOST, APP_SCHEME } from './core/external-url';
import { contentTypeOf, isClientRoute, resolveStaticPath } from './core/static-files';

/** Must run before app 'ready': app:// behaves like https (standard, secure origin, fetch allowed). */
export function registerAppSchemePrivileges(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/**
 * Maps an app:// request URL to a file inside `root`, or null when it must be refused:
 * a foreign scheme or host, credentials, a port, a malformed escape, NUL or backslash,
 * or any path that resolves outside `root` (`..`, `%2e%2e`, `%2f`, absolute or drive paths).
 * `/` maps to index.html.
 */
export function resolveAppPath(root: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST || url.username !== '' || url.password !== '') return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  return resolveStaticPath(root, decoded);
}

function headers(contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'content-security-policy': CSP,
    'x-content-type-options': 'nosniff',
    'cross-origin-opener-policy': 'same-origin',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-cache',
  };
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Serves `root` (dist/renderer) on app://paydesk/. Call after app 'ready'. */
export function installAppProtocol(root: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405, headers: headers('text/plain; charset=utf-8') });
    }
    let file = resolveAppPath(root, request.url);
    if (file === null) return new Response('Forbidden', { status: 403, headers: headers('text/plain; charset=utf-8') });
    if (!(await isFile(file))) {
      // Client-side routes (`/payments`) have no extension: serve the app shell; a missing asset is a 404.
      if (!isClientRoute(file)) return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
      file = path.join(path.resolve(root), 'index.html');
    }
    const body = await readFile(file);
    const type = contentTypeOf(file);
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(type) });
  });
}
