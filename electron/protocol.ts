// app://paydesk/ serves the built renderer (dist/renderer) with the one CSP header from shared/csp.ts.
// No file:// anywhere (security checklist #18). The path logic is the pure `resolveAppPath`, unit-tested
// with traversal attempts in test/security/protocol.test.ts.
import { protocol } from 'electron';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { CSP } from '../shared/csp';
import { APP_HOST, APP_SCHEME } from './core/external-url';

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
  if (decoded.includes('\0') || decoded.includes('\\')) return null;
  const relative = decoded.replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) return resolveInside(root, `${relative}index.html`);
  return resolveInside(root, relative);
}

function resolveInside(root: string, relative: string): string | null {
  if (path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  const rel = path.relative(base, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return full;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

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
      if (path.extname(file) !== '') return new Response('Not found', { status: 404, headers: headers('text/plain; charset=utf-8') });
      file = path.join(path.resolve(root), 'index.html');
    }
    const body = await readFile(file);
    const type = MIME[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
    return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: headers(type) });
  });
}
