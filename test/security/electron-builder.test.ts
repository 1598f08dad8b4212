// electron-builder.yml (issue 7, checklist #19): targets, asar unpacking of native modules, the package-time
// rebuild, and the fuses. Parsed with js-yaml (electron-builder's own YAML parser, already installed) and
// validated with electron-builder's own schema (app-builder-lib), offline.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');
const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): unknown };

type Config = Record<string, unknown> & {
  linux?: { target?: unknown };
  win?: { target?: unknown };
  mac?: { target?: unknown };
  electronFuses?: Record<string, unknown>;
};
const text = readFileSync(path.join(root, 'electron-builder.yml'), 'utf8');
const config = yaml.load(text) as Config;

const targetNames = (t: unknown): string[] =>
  (Array.isArray(t) ? t : [t]).map((x) => (typeof x === 'string' ? x : (x as { target: string }).target)).map((s) => s.toLowerCase());

describe('electron-builder.yml', () => {
  it('names the app', () => {
    expect(config.appId).toBe('app.paydesk.desktop');
    expect(config.productName).toBe('Paydesk');
    expect(config.icon).toBe('build/icon.png');
  });

  it('ships only the build output and package.json', () => {
    expect(config.files).toEqual(expect.arrayContaining(['dist/**', 'package.json']));
    for (const f of config.files as string[]) expect(f === 'package.json' || f.replace(/^!/, '').startsWith('dist/')).toBe(true);
  });

  it('builds Linux AppImage and deb, Windows NSIS, macOS dmg', () => {
    expect(targetNames(config.linux?.target).sort()).toEqual(['appimage', 'deb']);
    expect(targetNames(config.win?.target)).toEqual(['nsis']);
    expect(targetNames(config.mac?.target)).toEqual(['dmg']);
  });

  it('unpacks native modules from asar and rebuilds them for Electron at package time only', () => {
    expect(config.asar).not.toBe(false);
    expect(config.asarUnpack).toEqual(expect.arrayContaining(['**/*.node']));
    expect(config.npmRebuild ?? true).toBe(true);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    // no rebuild at install time: node_modules keeps the Node ABI the tests and browser mode use
    for (const hook of ['preinstall', 'install', 'postinstall', 'prepare']) {
      expect(pkg.scripts[hook] ?? '', hook).not.toMatch(/electron-rebuild|@electron\/rebuild|install-app-deps/);
    }
  });

  it('flips the fuses of the security checklist', () => {
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    });
  });

  it("passes electron-builder's own configuration schema", async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js') as {
      validateConfiguration(config: unknown, logger: unknown): Promise<void>;
    };
    const { DebugLogger } = require('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(structuredClone(config), new DebugLogger(false))).resolves.toBeUndefined();
  }, 60_000);

  it('has the icon it names: a 512x512 PNG', () => {
    const png = readFileSync(path.join(root, 'build/icon.png'));
    expect(png.subarray(1, 4).toString('ascii')).toBe('PNG');
    expect(png.readUInt32BE(16)).toBe(512);
    expect(png.readUInt32BE(20)).toBe(512);
  });
});
