// Serving the built renderer from disk, shared by the two shells: app:// in Electron (electron/protocol.ts)
// and the browser host (electron/browser-host/server.ts). Plain Node: the path check is the security
// boundary of both, so it lives in one place and is unit-tested with traversal attempts.
import path from 'node:path';

const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
};

export function contentTypeOf(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps an already URL-decoded request path to a file inside `root`, or null when it must be refused:
 * NUL or backslash, an absolute or drive path, or anything that resolves outside `root` (`..`).
 * `/` and paths ending in `/` map to their index.html.
 */
export function resolveStaticPath(root: string, decodedPath: string): string | null {
  if (decodedPath.includes('\0') || decodedPath.includes('\\')) return null;
  let relative = decodedPath.replace(/^\/+/, '');
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  if (path.isAbsolute(relative) || /^[a-zA-Z]:/.test(relative)) return null;
  const base = path.resolve(root);
  const full = path.resolve(base, relative);
  const rel = path.relative(base, full);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return null;
  return full;
}

/** A client-side route (no extension, e.g. `/payments`) is answered with the app shell; a missing asset is a 404. */
export function isClientRoute(decodedPath: string): boolean {
  const ext = path.extname(decodedPath);
  return ext === '' || ext === '.html';
}
