// Whether a shell starts the embedded Paydesk Sandbox, and where the merchant's choice is kept.
//
// The sandbox is a local server holding test keys that can fake payments, so a packaged desktop app
// (what a shop installs) leaves it off until the merchant turns it on; a development build, `npm start`
// and browser mode (developers and demos) run it unless told not to. Plain Node, no 'electron': both
// electron/main.ts and electron/browser-host/cli.ts call it before core starts.
//
// The saved choice lives in a small JSON file in the data dir, not in the database's settings table:
// the sandbox must be up before core opens the database (core is given its URL), and a JSON file needs
// no migration to read. The file is private (0600) like the other files of the data dir.
import { closeSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';

export interface SandboxPolicyInput {
  /** Electron's app.isPackaged; browser mode passes false */
  packaged: boolean;
  shell: 'electron' | 'browser';
  /** the saved choice (readSandboxSetting), null when the merchant never made one */
  setting: boolean | null;
  /** a choice for this launch only (--sandbox on|off, PAYDESK_SANDBOX), null when none was given */
  override?: boolean | null;
}

export interface SandboxDecision {
  start: boolean;
  /** one line for the log, e.g. "off: packaged desktop app (turn it on in Settings → Sandbox)" */
  reason: string;
}

/** A launch flag beats the saved setting, which beats the default for this kind of build. */
export function sandboxDecision(input: SandboxPolicyInput): SandboxDecision {
  if (input.override !== undefined && input.override !== null) {
    return { start: input.override, reason: `${onOff(input.override)}: asked for on the command line or in PAYDESK_SANDBOX` };
  }
  if (input.setting !== null) return { start: input.setting, reason: `${onOff(input.setting)}: the saved setting` };
  if (input.shell === 'browser') return { start: true, reason: 'on: browser mode runs it unless --sandbox off' };
  if (input.packaged) return { start: false, reason: 'off: packaged desktop app (turn it on in Settings → Sandbox)' };
  return { start: true, reason: 'on: development build' };
}

export function shouldStartSandbox(input: SandboxPolicyInput): boolean {
  return sandboxDecision(input).start;
}

const onOff = (on: boolean): string => (on ? 'on' : 'off');

/** "on"/"off" and the usual spellings of yes/no; null for anything else (or nothing). */
export function parseSandboxSwitch(value: string | undefined): boolean | null {
  const v = value?.trim().toLowerCase();
  if (v === 'on' || v === '1' || v === 'true' || v === 'yes') return true;
  if (v === 'off' || v === '0' || v === 'false' || v === 'no') return false;
  return null;
}

/** Settings read before core starts, one JSON object: `{ "sandbox": true | false }`. */
export const LAUNCH_SETTINGS_FILE = 'launch-settings.json';

export const launchSettingsPath = (dataDir: string): string => join(dataDir, LAUNCH_SETTINGS_FILE);

/** The saved sandbox choice; null when never saved, or when the file is missing or unreadable. */
export function readSandboxSetting(dataDir: string): boolean | null {
  const value = readLaunchSettings(dataDir).sandbox;
  // written as a boolean; "on"/"off" from a hand-edited file count too
  if (typeof value === 'boolean') return value;
  return typeof value === 'string' ? parseSandboxSwitch(value) : null;
}

/** Saves the choice (null forgets it, so the default for the build applies again). Takes effect at the next start. */
export function writeSandboxSetting(dataDir: string, value: boolean | null): void {
  const settings = readLaunchSettings(dataDir);
  if (value === null) delete settings.sandbox;
  else settings.sandbox = value;
  writePrivateJson(launchSettingsPath(dataDir), settings);
}

function readLaunchSettings(dataDir: string): Record<string, unknown> {
  const file = launchSettingsPath(dataDir);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return {};
  }
  try {
    const parsed: unknown = JSON.parse(text);
    // a damaged file means "no choice saved", never a refusal to start
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Atomic replace with a file created 0600 (exclusively, so nothing planted at the temporary name is reused). */
function writePrivateJson(file: string, value: unknown): void {
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    try {
      writeFileSync(fd, `${JSON.stringify(value, null, 2)}\n`);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, file);
  } catch (err) {
    rmSync(tmp, { force: true });
    throw err;
  }
}
