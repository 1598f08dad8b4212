#!/usr/bin/env node
// Finds a Chromium for the Playwright e2e tests (playwright-core downloads no browser):
//   $CHROMIUM_PATH, then chromium, chromium-browser, google-chrome, google-chrome-stable on PATH or in /usr/bin.
// None found: as root with apt-get, installs Debian's `chromium`; otherwise prints exactly what to do and exits 1.
// Prints the path it uses on the last line (the e2e fixtures read CHROMIUM_PATH or find the same one).
import { spawnSync } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import path from 'node:path';

const NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function isExecutable(p) {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function works(p) {
  const r = spawnSync(p, ['--version'], { encoding: 'utf8', timeout: 20_000 });
  return r.status === 0 ? r.stdout.trim() : null;
}

export function findChromium() {
  const candidates = [];
  if (process.env.CHROMIUM_PATH) candidates.push(process.env.CHROMIUM_PATH);
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  for (const name of NAMES) {
    candidates.push(`/usr/bin/${name}`);
    for (const d of dirs) candidates.push(path.join(d, name));
  }
  for (const c of candidates) {
    if (existsSync(c) && isExecutable(c)) {
      const version = works(c);
      if (version) return { path: c, version };
    }
  }
  return null;
}

function canInstallWithApt() {
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  return isRoot && spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
}

if (process.env.CHROMIUM_PATH && !(existsSync(process.env.CHROMIUM_PATH) && isExecutable(process.env.CHROMIUM_PATH))) {
  console.error(`ensure-chromium: CHROMIUM_PATH=${process.env.CHROMIUM_PATH} is not an executable file; looking elsewhere.`);
}
let found = findChromium();
if (!found && canInstallWithApt()) {
  console.log("ensure-chromium: no Chromium found; installing Debian's chromium (apt-get update && apt-get install -y chromium)");
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', 'chromium'], { stdio: 'inherit', env }) : update;
  if (install.status !== 0) console.error('ensure-chromium: apt-get failed (output above).');
  found = findChromium();
}
if (!found) {
  console.error(
    [
      'ensure-chromium: no Chromium found, and it cannot be installed from here.',
      'Do one of these, then run the command again:',
      '  - Debian/Ubuntu: sudo apt-get update && sudo apt-get install -y chromium',
      '  - Fedora: sudo dnf install -y chromium',
      '  - macOS: brew install --cask chromium   (or install Google Chrome)',
      '  - or point CHROMIUM_PATH at any Chromium or Chrome executable: export CHROMIUM_PATH=/path/to/chrome',
    ].join('\n'),
  );
  process.exit(1);
}
console.log(`ensure-chromium: ${found.version} at ${found.path}`);
