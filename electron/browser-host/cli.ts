// `npm run host -- --port <p> --data-dir <dir> [--store sqlite|postgres://…] [--sandbox on|off] [--sandbox-port <p>] [--sandbox-url <url>] [--join <code>]`
// Browser mode: starts the embedded Paydesk Sandbox (unless switched off, see core/sandbox-policy.ts, or a
// running one is named with --sandbox-url, its control token in SANDBOX_CONTROL_TOKEN),
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
import { CONTROL_TOKEN_ENV, connectSharedSandbox, type SharedSandbox } from './shared-sandbox';

const USAGE = `Usage: paydesk-host [--port <p>] [--data-dir <dir>] [--store <store>] [--sandbox on|off] [--sandbox-port <p>] [--sandbox-url <url>] [--join <code>] [--renderer-dir <dir>] [--allow-origin <origin>]
  --port          port on 127.0.0.1 (0 = any free port; default 0)
  --data-dir      where the database and keys live (default: ${envPaths('Paydesk', { suffix: '' }).data})
  --store         sqlite (default), or a team's PostgreSQL database: postgres://user@host:port/db
                  (also PAYDESK_STORE; the password comes from PGPASSWORD or ~/.pgpass, never the URL)
  --sandbox       on: run the embedded Paydesk Sandbox; off: real gateways only
                  (default: the saved setting in the data dir, else on)
  --sandbox-port  port of the sandbox (default: any free port)
  --sandbox-url   use this running Paydesk Sandbox (npm run sandbox) instead of starting one; its control
                  token comes from ${CONTROL_TOKEN_ENV} in the environment (several desks can share it)
  --join          a one-time join code from an owner's desk (Settings → Team → Invite a desk): this desk
                  receives the team key of the --store database (also PAYDESK_JOIN, which keeps it out of ps)
  --renderer-dir  the built screens (default: dist/renderer next to this program)
  --allow-origin  also accept calls from this exact origin (the Vite dev server), may repeat`;

function fail(message: string): never {
  console.error(`paydesk-host: ${message}\n${USAGE}`);
  process.exit(2);
}

/** --store, else PAYDESK_STORE, else undefined: core opens the store chosen in Settings → Team, else SQLite; a bad value ends the program with the reason */
function storeChoiceOf(flag: string | undefined): StoreChoice | undefined {
  try {
    if (flag !== undefined) return parseStoreChoice(flag, '--store');
    return process.env.PAYDESK_STORE?.trim() ? parseStoreChoice(process.env.PAYDESK_STORE, 'PAYDESK_STORE') : undefined;
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

/** --sandbox-url: the running sandbox's keys (its token from the environment), or null; a problem ends the program in words */
async function sharedSandboxOf(url: string | undefined, sandboxFlag: boolean | null): Promise<SharedSandbox | null> {
  if (url === undefined) return null;
  if (sandboxFlag === false) fail('--sandbox off and --sandbox-url contradict each other: leave one out');
  try {
    return await connectSharedSandbox(url, process.env[CONTROL_TOKEN_ENV]);
  } catch (err) {
    fail(err instanceof Error ? err.message : String(err));
  }
}

/** --join, else PAYDESK_JOIN; never printed */
function joinCodeOf(flag: string | undefined): { join?: string } {
  const code = flag ?? process.env.PAYDESK_JOIN;
  return code?.trim() ? { join: code } : {};
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
        'sandbox-url': { type: 'string' },
        join: { type: 'string' },
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

  const shared = await sharedSandboxOf(args['sandbox-url'], sandboxFlag);
  const decision = sandboxDecision({ packaged: false, shell: 'browser', setting: readSandboxSetting(dataDir), override: shared ? false : sandboxFlag });
  if (!decision.start && !shared) console.log(`Paydesk Sandbox ${decision.reason}`);
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
      sandbox: sandbox ? { url: sandbox.url, keys: sandbox.keys, controlToken: sandbox.controlToken } : shared,
      ...(store ? { store } : {}),
      ...joinCodeOf(args.join),
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
  if (shared) console.log(`Paydesk Sandbox at ${shared.url} (shared)`);
  console.log(`Data: ${dataDir} (keys: ${info.vaultProtection.kind})`);
}

void main();
