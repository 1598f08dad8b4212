#!/usr/bin/env node
// `npm start`: build, then run the desktop app if Electron's binary is installed, else browser mode.
// Electron 45's `require('electron')` DOWNLOADS the binary when it is missing (and fails offline), so we
// never require it here: we read node_modules/electron/path.txt and check the file it names exists.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_PORT = 5179;

/** The Electron executable if it is installed, else null with the reason. */
function findElectron() {
  let dir;
  try {
    dir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { path: null, why: 'the electron package is not installed' };
  }
  let rel = '';
  try {
    rel = readFileSync(path.join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    /* no path.txt: the binary was never downloaded */
  }
  const base = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (base) {
    const p = path.join(base, rel || 'electron');
    return existsSync(p) ? { path: p } : { path: null, why: `ELECTRON_OVERRIDE_DIST_PATH has no Electron binary (${p})` };
  }
  if (!rel) return { path: null, why: "Electron's binary is not installed on this machine (it cannot be downloaded here)" };
  const p = path.join(dir, 'dist', rel);
  return existsSync(p) ? { path: p } : { path: null, why: `Electron's binary is missing (${p})` };
}

function portIsFree(port) {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

function run(cmd, args, env = process.env) {
  const child = spawn(cmd, args, { cwd: root, stdio: 'inherit', env });
  const forward = (signal) => {
    if (child.exitCode === null) child.kill(signal);
  };
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

const build = spawnSync(process.execPath, [path.join(root, 'scripts/build.mjs'), '--quiet'], { cwd: root, stdio: 'inherit' });
if (build.status !== 0) {
  console.error('npm start: the build failed (errors above); not starting.');
  process.exit(build.status ?? 1);
}

// `npm start -- --store postgres://user@host/db` opens a team's database; passed on as PAYDESK_STORE, which
// the desktop app and browser mode both read (electron/core/store/choice.ts)
const storeArg = process.argv.slice(2).find((a, i, all) => a.startsWith('--store=') || all[i - 1] === '--store');
if (storeArg !== undefined) process.env.PAYDESK_STORE = storeArg.replace(/^--store=/, '');
// `npm start -- --join <code>`: an owner's one-time join code, passed on as PAYDESK_JOIN (kept out of the app's argv)
const joinArg = process.argv.slice(2).find((a, i, all) => a.startsWith('--join=') || all[i - 1] === '--join');
if (joinArg !== undefined) process.env.PAYDESK_JOIN = joinArg.replace(/^--join=/, '');

const electron = findElectron();
if (electron.path) {
  // `electron <root>` loads package.json's main (dist/electron/main.cjs) under the app name "paydesk".
  const env = { ...process.env };
  delete env.ELECTRON_RUN_AS_NODE;
  run(electron.path, [root], env);
} else {
  console.log(`${electron.why}; starting browser mode instead.`);
  const port = (await portIsFree(DEFAULT_PORT)) ? DEFAULT_PORT : 0;
  // no --sandbox flag: browser mode runs the sandbox unless the saved setting says off (electron/core/sandbox-policy.ts)
  run(process.execPath, [path.join(root, 'dist/electron/browser-host.cjs'), '--port', String(port)]);
}
