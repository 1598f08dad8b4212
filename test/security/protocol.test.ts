// app://paydesk/ must only ever serve files inside dist/renderer (electron/protocol.ts, checklist #18).
// resolveAppPath is pure; the handler itself is exercised through a fake `protocol` (Electron is faked,
// our code is real) and real files in a temp directory.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => ({
  handlers: new Map<string, (req: Request) => Promise<Response>>(),
  privileged: [] as unknown[],
}));

vi.mock('electron', () => ({
  protocol: {
    handle: (scheme: string, handler: (req: Request) => Promise<Response>) => fake.handlers.set(scheme, handler),
    registerSchemesAsPrivileged: (schemes: unknown[]) => fake.privileged.push(...schemes),
  },
}));

const { resolveAppPath, installAppProtocol, registerAppSchemePrivileges } = await import('../../electron/protocol');
const { CSP } = await import('../../shared/csp');

const outside = mkdtempSync(path.join(os.tmpdir(), 'paydesk-protocol-'));
const root = path.join(outside, 'renderer');

beforeAll(() => {
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), '<!doctype html><title>Paydesk</title>');
  writeFileSync(path.join(root, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(path.join(outside, 'secret.txt'), 'TOP SECRET');
  // a sibling directory whose name starts with the root's name: a startsWith check would let it through
  mkdirSync(`${root}-evil`, { recursive: true });
  writeFileSync(path.join(`${root}-evil`, 'x.js'), 'evil');
  installAppProtocol(root);
});

afterAll(() => rmSync(outside, { recursive: true, force: true }));

describe('resolveAppPath', () => {
  it('maps app://paydesk/ paths into the root', () => {
    expect(resolveAppPath(root, 'app://paydesk/')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://paydesk/index.html')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://paydesk/index.html?x=1#/settings')).toBe(path.join(root, 'index.html'));
    expect(resolveAppPath(root, 'app://paydesk/assets/app.js')).toBe(path.join(root, 'assets', 'app.js'));
    expect(resolveAppPath(root, 'app://paydesk/assets/a%20b.js')).toBe(path.join(root, 'assets', 'a b.js'));
  });

  it.each([
    'app://paydesk/../secret.txt',
    'app://paydesk/assets/../../secret.txt',
    'app://paydesk/%2e%2e/secret.txt',
    'app://paydesk/%2E%2E/%2e%2E/secret.txt',
    'app://paydesk/.%2e/secret.txt',
    'app://paydesk/..%2fsecret.txt',
    'app://paydesk/..%2Fsecret.txt',
    'app://paydesk/assets/..%2f..%2fsecret.txt',
    'app://paydesk/%2e%2e%2fsecret.txt',
    'app://paydesk/%252e%252e/secret.txt',
    'app://paydesk/..%5csecret.txt',
    'app://paydesk/..\\secret.txt',
    'app://paydesk/%2fetc%2fpasswd',
    'app://paydesk//etc/passwd',
    'app://paydesk/%2F%2Fetc/passwd',
    'app://paydesk/C:/Windows/win.ini',
    'app://paydesk/c%3a%5cWindows%5cwin.ini',
    'app://paydesk/index.html%00.js',
    'app://paydesk/%E0%A4%A',
    `app://paydesk/..%2f${path.basename(root)}-evil/x.js`,
  ])('refuses %s', (url) => {
    const resolved = resolveAppPath(root, url);
    // either refused outright, or (for a path that stays inside after normalization) still inside the root
    if (resolved !== null) {
      const rel = path.relative(root, resolved);
      expect(rel.startsWith('..') || path.isAbsolute(rel)).toBe(false);
      expect(resolved).not.toBe(path.join(outside, 'secret.txt'));
    }
    expect(resolved === null || resolved.startsWith(root + path.sep)).toBe(true);
  });

  it('refuses anything that escapes after decoding, explicitly', () => {
    expect(resolveAppPath(root, 'app://paydesk/..%2fsecret.txt')).toBeNull();
    expect(resolveAppPath(root, 'app://paydesk/..%5csecret.txt')).toBeNull();
    expect(resolveAppPath(root, 'app://paydesk/%2fetc%2fpasswd')).toBe(path.join(root, 'etc', 'passwd'));
    expect(resolveAppPath(root, 'app://paydesk/c%3a%5cWindows%5cwin.ini')).toBeNull();
    expect(resolveAppPath(root, 'app://paydesk/index.html%00.js')).toBeNull();
    expect(resolveAppPath(root, 'app://paydesk/%E0%A4%A')).toBeNull();
    expect(resolveAppPath(root, `app://paydesk/..%2f${path.basename(root)}-evil/x.js`)).toBeNull();
  });

  it.each([
    'app://evil/index.html',
    'app://paydesk.evil/index.html',
    'app://user:pw@paydesk/index.html',
    'app://paydesk:81/index.html',
    'file:///etc/passwd',
    'https://paydesk/index.html',
    'not a url',
  ])('refuses a foreign URL %s', (url) => {
    expect(resolveAppPath(root, url)).toBeNull();
  });
});

describe('the app:// handler', () => {
  const get = (url: string, method = 'GET') => fake.handlers.get('app')!(new Request(url, { method }));

  it('registers app as a privileged, standard, secure scheme', () => {
    registerAppSchemePrivileges();
    expect(fake.privileged).toContainEqual(expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) }));
  });

  it('serves index.html with the CSP header from shared/csp.ts', async () => {
    const res = await get('app://paydesk/index.html');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CSP);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await res.text()).toContain('<title>Paydesk</title>');
  });

  it('serves assets with their type and the CSP', async () => {
    const res = await get('app://paydesk/assets/app.js');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(res.headers.get('content-security-policy')).toBe(CSP);
  });

  it('answers 403 to traversal and never returns the file outside the root', async () => {
    for (const url of ['app://paydesk/..%2fsecret.txt', `app://paydesk/..%2f${path.basename(root)}-evil/x.js`]) {
      const res = await get(url);
      expect(res.status).toBe(403);
      expect(await res.text()).not.toContain('TOP SECRET');
    }
  });

  it('serves the app shell for client routes, 404 for missing assets, 405 for other methods', async () => {
    expect(await (await get('app://paydesk/payments')).text()).toContain('<title>Paydesk</title>');
    expect((await get('app://paydesk/assets/missing.js')).status).toBe(404);
    expect((await get('app://paydesk/index.html', 'POST')).status).toBe(405);
  });
});
