// When a shell starts the embedded sandbox: a packaged desktop app only when the merchant turned it on;
// development builds and browser mode unless told not to; a launch flag over the saved setting over the
// default. The saved setting is a 0600 JSON file in the data dir.
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  launchSettingsPath,
  parseSandboxSwitch,
  readSandboxSetting,
  sandboxDecision,
  shouldStartSandbox,
  writeSandboxSetting,
} from '../../../electron/core/sandbox-policy';

describe('shouldStartSandbox', () => {
  const cases: Array<[string, Parameters<typeof shouldStartSandbox>[0], boolean]> = [
    ['packaged desktop app, nothing saved: off', { packaged: true, shell: 'electron', setting: null }, false],
    ['packaged desktop app, turned on: on', { packaged: true, shell: 'electron', setting: true }, true],
    ['packaged desktop app, turned off: off', { packaged: true, shell: 'electron', setting: false }, false],
    ['development desktop build, nothing saved: on', { packaged: false, shell: 'electron', setting: null }, true],
    ['development desktop build, turned off: off', { packaged: false, shell: 'electron', setting: false }, false],
    ['browser mode, nothing saved: on', { packaged: false, shell: 'browser', setting: null }, true],
    ['browser mode, turned off: off', { packaged: false, shell: 'browser', setting: false }, false],
    ['browser mode from a packaged build, nothing saved: on', { packaged: true, shell: 'browser', setting: null }, true],
    ['a launch flag on beats a saved off', { packaged: true, shell: 'electron', setting: false, override: true }, true],
    ['a launch flag off beats a saved on', { packaged: false, shell: 'browser', setting: true, override: false }, false],
    ['no launch flag (null) leaves the saved setting', { packaged: true, shell: 'electron', setting: true, override: null }, true],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => {
      expect(shouldStartSandbox(input)).toBe(expected);
      expect(sandboxDecision(input).start).toBe(expected);
    });
  }

  it('says why', () => {
    expect(sandboxDecision({ packaged: true, shell: 'electron', setting: null }).reason).toMatch(/^off: packaged/);
    expect(sandboxDecision({ packaged: true, shell: 'electron', setting: true }).reason).toMatch(/^on: the saved setting/);
    expect(sandboxDecision({ packaged: false, shell: 'browser', setting: null, override: false }).reason).toMatch(/^off: .*command line/);
  });

  it('reads on/off switches', () => {
    expect(['on', 'ON', ' 1', 'true', 'yes'].map(parseSandboxSwitch)).toEqual([true, true, true, true, true]);
    expect(['off', 'Off', '0', 'false', 'no'].map(parseSandboxSwitch)).toEqual([false, false, false, false, false]);
    expect([undefined, '', 'maybe'].map(parseSandboxSwitch)).toEqual([null, null, null]);
  });
});

describe('the saved sandbox setting', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });
  const dataDir = (): string => {
    const d = mkdtempSync(join(tmpdir(), 'paydesk-sandbox-policy-'));
    dirs.push(d);
    return d;
  };

  it('is null until saved, then round-trips; null forgets it', () => {
    const dir = dataDir();
    expect(readSandboxSetting(dir)).toBeNull();
    writeSandboxSetting(dir, true);
    expect(readSandboxSetting(dir)).toBe(true);
    writeSandboxSetting(dir, false);
    expect(readSandboxSetting(dir)).toBe(false);
    writeSandboxSetting(dir, null);
    expect(readSandboxSetting(dir)).toBeNull();
  });

  it.skipIf(process.platform === 'win32')('is written to a 0600 file, rewrites included', () => {
    const dir = dataDir();
    const previous = process.umask(0o022);
    try {
      writeSandboxSetting(dir, true);
      expect(statSync(launchSettingsPath(dir)).mode & 0o777).toBe(0o600);
      writeSandboxSetting(dir, false);
      expect(statSync(launchSettingsPath(dir)).mode & 0o777).toBe(0o600);
    } finally {
      process.umask(previous);
    }
  });

  it('keeps other launch settings, and reads a damaged file as "nothing saved"', () => {
    const dir = dataDir();
    writeFileSync(launchSettingsPath(dir), JSON.stringify({ other: 'kept', sandbox: true }));
    writeSandboxSetting(dir, false);
    expect(JSON.parse(readFileSync(launchSettingsPath(dir), 'utf8'))).toEqual({ other: 'kept', sandbox: false });
    writeFileSync(launchSettingsPath(dir), '{not json');
    expect(readSandboxSetting(dir)).toBeNull();
    writeFileSync(launchSettingsPath(dir), JSON.stringify({ sandbox: 'maybe' }));
    expect(readSandboxSetting(dir)).toBeNull();
    // a hand-edited "on"/"off" counts
    writeFileSync(launchSettingsPath(dir), JSON.stringify({ sandbox: 'on' }));
    expect(readSandboxSetting(dir)).toBe(true);
  });
});
