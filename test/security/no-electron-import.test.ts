// Core, the browser host, shared code, the sandbox and the renderer are plain Node / web code: only the files
// directly in electron/ may import 'electron' (ARCHITECTURE.md). ESLint bans it too; this test checks the
// sources and, what ESLint cannot see, the built browser-host bundle (everything it pulls in, transitively).
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

function sources(dir: string): string[] {
  const abs = path.join(root, dir);
  if (!existsSync(abs)) return [];
  const out: string[] = [];
  for (const e of readdirSync(abs, { withFileTypes: true })) {
    const rel = path.join(dir, e.name);
    if (e.isDirectory()) {
      if (e.name !== 'node_modules' && e.name !== 'dist') out.push(...sources(rel));
    } else if (/\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(e.name)) out.push(rel);
  }
  return out;
}

/** import/export ... from 'electron', import('electron'), require('electron'), and 'electron/...' subpaths */
const ELECTRON_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\brequire\s*\(\s*|^\s*import\s+)(['"`])electron(?:\/[^'"`]*)?\1/m;

describe('no electron import outside electron/*.ts', () => {
  const dirs = ['electron/core', 'electron/browser-host', 'shared', 'sandbox', 'renderer'];
  const files = dirs.flatMap(sources);

  it('finds the sources to scan', () => {
    expect(files.some((f) => f.startsWith('shared'))).toBe(true);
    expect(files.some((f) => f.startsWith(path.join('electron', 'core')))).toBe(true);
  });

  it('the pattern catches every spelling', () => {
    for (const s of ["import { app } from 'electron';", 'import type { App } from "electron"', "export { app } from 'electron'", "const e = require('electron')", "await import('electron')", "import 'electron';", "import { ipcMain } from 'electron/main'"]) {
      expect(s).toMatch(ELECTRON_IMPORT);
    }
    for (const s of ["import x from 'electron-builder'", "import x from './electron'", "// the electron shell", "const s = 'electron';"]) {
      expect(s).not.toMatch(ELECTRON_IMPORT);
    }
  });

  it.each(dirs)('%s imports no electron', (dir) => {
    const offenders = sources(dir).filter((f) => ELECTRON_IMPORT.test(readFileSync(path.join(root, f), 'utf8')));
    expect(offenders).toEqual([]);
  });
});

describe('the built browser host', () => {
  const bundle = path.join(root, 'dist/electron/browser-host.cjs');

  it('dist/electron/browser-host.cjs contains no require("electron")', () => {
    if (!existsSync(bundle)) {
      const r = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, encoding: 'utf8' });
      expect(existsSync(bundle), `the build did not produce ${bundle}:\n${r.stderr}`).toBe(true);
    }
    const code = readFileSync(bundle, 'utf8');
    expect(code).not.toMatch(/require\(\s*["'`]electron(?:\/[^"'`]*)?["'`]\s*\)/);
    expect(code).not.toMatch(/from\s*["'`]electron["'`]/);
  }, 120_000);
});
