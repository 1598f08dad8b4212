// `npm run host -- --port <p> --data-dir <dir> [--store sqlite|postgres://…] [--sandbox on|off] [--sandbox-port <p>]`
// Browser mode: starts the embedded Paydesk Sandbox (unless switched off, see core/sandbox-policy.ts),
// core and the browser host, prints the URL (and the sandbox's URL and control token).
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import envPaths from 'env-paths';
import { createSandbox } from '../../sandbox/index';
import { createCore, type PaydeskCore } from '../core/index';
import { consoleSink } from '../core/log';
import { ensurePrivateDir } from '../core/private-fs';
import { parseSandboxSwitch, readSandboxSetting, sandboxDecision } from '../core/sandbox-policy';
import { parseStoreChoice, type StoreChoice } from '../core/store/choice';
import { startBrowserHost, type BrowserHost } from './server';

const USAGE = `Usage: paydesk-host [--port <p>] [--data-dir <dir>] [--store <store>] [--sandbox on|off] [--sandbox-port <p>] [--renderer-dir <dir>] [--allow-origin <origin>]
  --port          port on 127.0.0.1 (0 = any free port; default 0)
  --data-dir      where the database and keys live (default: ${envPaths('Paydesk', { suffix: '' }).data})
  --store         sqlite (default), or a team's PostgreSQL database: postgres://user@host:port/db
                  (also PAYDESK_STORE; the password comes from PGPASSWORD or ~/.pgpass, never the URL)
  --sandbox       on: run the embedded Paydesk Sandbox; off: real gateways only
                  (default: the saved setting in the data dir, else on)
  --sandbox-port  port of the sandbox (default: any free port)
  --renderer-dir  the built screens (default: dist/renderer next to this program)
  --allow-origin  also accept calls from this exact origin (the Vite dev server), may repeat`;

function fail(message: string): never {
  console.error(`paydesk-host: ${message}\n${USAGE}`);
  process.exit(2);
}

/** --store, else PAYDESK_STORE, else SQLite; a bad value ends the program with the reason */
function storeChoiceOf(flag: string | undefined): StoreChoice {
  try {
    return flag !== undefined ? parseStoreChoice(flag, '--store') : parseStoreChoice(process.env.PAYDESK_STORE, 'PAYDESK_STORE');
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

function parsePort(value: string | undefined, flag: string): number {
  if (value === undefined) return 0;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) fail(`${flag} must be a port number (0-65535), got "${value}"`);
  return n;
}

/** dist/electron/browser-host.cjs -> dist/renderer; electron/browser-host/cli.ts (tsx) -> dist/renderer */
function defaultRendererDir(): string | null {
  const entry = process.argv[1] ? dirname(resolve(process.argv[1])) : process.cwd();
  const candidates = [join(entry, '..', 'renderer'), join(entry, '..', '..', 'dist', 'renderer'), join(process.cwd(), 'dist', 'renderer')];
  return candidates.find((c) => existsSync(join(c, 'index.html'))) ?? null;
}

async function main(): Promise<void> {
  let args;
  try {
    args = parseArgs({
      options: {
        port: { type: 'string' },
        'data-dir': { type: 'string' },
        store: { type: 'string' },
        sandbox: { type: 'string' },
        'sandbox-port': { type: 'string' },
        'renderer-dir': { type: 'string' },
        'allow-origin': { type: 'string', multiple: true },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }).values;
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
  if (args.help) {
    console.log(USAGE);
    return;
  }
  const port = parsePort(args.port, '--port');
  const sandboxPort = parsePort(args['sandbox-port'], '--sandbox-port');
  const sandboxFlag = args.sandbox === undefined ? null : parseSandboxSwitch(args.sandbox);
  if (args.sandbox !== undefined && sandboxFlag === null) fail(`--sandbox must be on or off, got "${args.sandbox}"`);
  const dataDir = resolve(args['data-dir'] ?? envPaths('Paydesk', { suffix: '' }).data);
  const store = storeChoiceOf(args.store);
  // before the sandbox writes its state there; core checks it again (it also serves the desktop app)
  ensurePrivateDir(dataDir);
  const rendererDir = args['renderer-dir'] ? resolve(args['renderer-dir']) : defaultRendererDir();

  const decision = sandboxDecision({ packaged: false, shell: 'browser', setting: readSandboxSetting(dataDir), override: sandboxFlag });
  if (!decision.start) console.log(`Paydesk Sandbox ${decision.reason}`);
  const sandbox = decision.start ? await createSandbox({ port: sandboxPort, host: '127.0.0.1', stateFile: join(dataDir, 'sandbox-state.json') }) : null;
  let core: PaydeskCore | null = null;
  let host: BrowserHost | null = null;
  let closing = false;
  const shutdown = async (code: number) => {
    if (closing) return;
    closing = true;
    const timer = setTimeout(() => process.exit(code), 5000);
    timer.unref();
    try {
      await host?.close();
      await core?.close();
      await sandbox?.close();
    } finally {
      process.exit(code);
    }
  };
  process.once('SIGINT', () => void shutdown(0));
  process.once('SIGTERM', () => void shutdown(0));

  try {
    core = await createCore({
      dataDir,
      shell: 'browser',
      sandbox: sandbox ? { url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken } : null,
      store,
      log: consoleSink,
    });
    host = await startBrowserHost({ core, port, rendererDir, extraOrigins: args['allow-origin'] ?? [], log: consoleSink });
  } catch (err) {
    console.error(`paydesk-host: could not start: ${err instanceof Error ? err.message : String(err)}`);
    await shutdown(1);
    return;
  }
  const info = core.info();
  if (info.startupError) console.error(`paydesk-host: started with a problem the console will show: ${info.startupError.message}`);
  if (!rendererDir) console.error('paydesk-host: the screens are not built (no dist/renderer/index.html); run `npm run build`.');
  console.log(`Paydesk running at ${host.url}`);
  if (sandbox) {
    console.log(`Paydesk Sandbox at ${sandbox.url}`);
    // for scripts and tests that drive the sandbox's control API (/__sandbox/…); the console never needs it
    console.log(`SANDBOX_CONTROL_TOKEN=${sandbox.controlToken}`);
  }
  console.log(`Data: ${dataDir} (keys: ${info.vaultProtection.kind})`);
}

void main();
