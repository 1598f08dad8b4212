// The renderer never needs an inline script: index.html's CSP meta matches shared/csp.ts (minus the
// directives a meta tag cannot carry), and neither the source nor the built page has an inline script.
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, it } from 'vitest';
import { CSP } from '../../../shared/csp';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const META_UNSUPPORTED = ['frame-ancestors', 'report-uri', 'sandbox'];

const metaCsp = (html: string) => /<meta http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
const inlineScripts = (html: string) => [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)].filter(([, attrs, body]) => !/\bsrc=/.test(attrs ?? '') || (body ?? '').trim() !== '');

it('index.html carries the shared CSP as a meta fallback', () => {
  const html = readFileSync(join(ROOT, 'renderer', 'index.html'), 'utf8');
  const expected = CSP.split('; ').filter((d) => !META_UNSUPPORTED.includes(d.split(' ')[0]!)).join('; ');
  expect(metaCsp(html)).toBe(expected);
  expect(inlineScripts(html)).toEqual([]);
});

it('the built renderer has no inline script and no inline event handler', () => {
  const built = join(ROOT, 'dist', 'renderer', 'index.html');
  if (!existsSync(built)) return; // the build stage of `npm test` runs before the tests
  const html = readFileSync(built, 'utf8');
  expect(inlineScripts(html)).toEqual([]);
  expect(html).not.toMatch(/\son[a-z]+=/i);
});
