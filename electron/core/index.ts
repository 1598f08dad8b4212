// The composition root of the main-process role: store -> migrations -> vault -> gateways -> services
// -> handlers -> rpc. Both shells (electron/main.ts and electron/browser-host/cli.ts) call createCore.
// A start-up problem the merchant must see (a database from a newer Paydesk, a vault that cannot be
// unlocked) does not crash: core starts degraded, `system.info` carries `startupError`, and every
// other method answers with that error.
import { existsSync } from 'node:fs';
import pkg from '../../package.json';
import type { AppInfo, MethodName } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { createAccountsService } from './accounts/service';
import type { CoreDeps } from './deps';
import { createEvents } from './events';
import { createGateways } from './gateways';
import { accountHandlers } from './handlers/accounts';
import { systemHandlers } from './handlers/system';
import { webhooksHandlers } from './handlers/webhooks';
import { createTunnelService } from './tunnel/service';
import { consoleSink, createLog, type Log } from './log';
import { createRpc, type AllHandlers } from './rpc';
import { dbPath, openDataDirDb, type Db } from './store/db';
import { migrate } from './store/migrate';
import { accountsRepo } from './store/repos/accounts';
import { settingsRepo } from './store/repos/settings';
import type { CallContext, Clock, Core, CoreOptions, KeyProtector } from './types';
import { createKeyFileProtector, createKeyringProtector, keyFilePath, openVault, type Vault } from './vault';

export type { Core, CoreOptions, CallContext, KeyProtector, Clock } from './types';
export type { CoreDeps } from './deps';

export const APP_VERSION: string = (pkg as { version: string }).version;

/**
 * Every domain's handlers, joined. To add a domain: write `handlers/<domain>.ts` exporting
 * `<domain>Handlers(d: CoreDeps): Handlers<'<domain>.'>` and add ONE line below.
 * The `AllHandlers` return type makes a contract method without a handler a compile error.
 */
function buildHandlers(d: CoreDeps): AllHandlers {
  return {
    ...systemHandlers(d),
    ...accountHandlers(d),
    ...webhooksHandlers(d),
  };
}

export interface PaydeskCore extends Core {
  /** the same value `system.info` returns */
  info(): AppInfo;
  /** the composed parts (null in degraded mode); for in-process callers such as tests and the webhook listener */
  readonly deps: CoreDeps | null;
  /** resolves when start-up background work (verifying the sandbox accounts) has finished */
  idle(): Promise<void>;
}

/**
 * The key protector: the one passed in (Electron: safeStorage); else the kind that sealed this data
 * dir before; else the OS keyring when reachable; else a 0600 key file.
 * PAYDESK_VAULT_PROTECTOR=keyfile skips the keyring probe (CI, tests).
 */
async function chooseProtector(db: Db, dataDir: string, given: KeyProtector | undefined, log: Log): Promise<KeyProtector> {
  if (given) return given;
  const sealedWith = (db.prepare('SELECT protector FROM vault_meta WHERE id = 1').get() as { protector: string } | undefined)?.protector;
  if (sealedWith === 'keyfile' || process.env.PAYDESK_VAULT_PROTECTOR === 'keyfile') return createKeyFileProtector(dataDir);
  if (sealedWith === 'safeStorage') {
    throw new AppError('unavailable', 'The saved keys in this data folder were sealed by the Paydesk desktop app (Electron safeStorage). Open it with the desktop app, or use another data folder for browser mode.');
  }
  const ring = await createKeyringProtector(dataDir, { create: sealedWith === undefined });
  if (ring.protector) return ring.protector;
  if (sealedWith === 'keyring') {
    throw new AppError('unavailable', `The saved keys were sealed with the OS keyring, which cannot be reached now (${ring.reason}). Unlock or start the keyring and restart Paydesk.`);
  }
  log('info', `OS keyring not reachable (${ring.reason}); sealing the vault key with a key file at ${keyFilePath(dataDir)}`);
  return createKeyFileProtector(dataDir);
}

export async function createCore(options: CoreOptions): Promise<PaydeskCore> {
  const clock: Clock = options.clock ?? { now: () => Date.now() };
  const sandbox = options.sandbox ?? null;
  let vault: Vault | null = null;
  const sandboxSecrets = sandbox ? [sandbox.keys.STRIPE_SECRET_KEY, sandbox.keys.RAZORPAY_KEY_SECRET] : [];
  const log = createLog(options.log ?? consoleSink, function* () {
    yield* sandboxSecrets;
    if (vault) yield* vault.knownSecrets();
  });
  const events = createEvents({ log });

  let db: Db | null = null;
  let deps: CoreDeps | null;
  let startupError: AppInfo['startupError'] = null;
  let protection: AppInfo['vaultProtection'] = options.protector
    ? { kind: options.protector.kind, description: options.protector.description }
    : { kind: 'keyfile', description: 'The vault is not open.' };

  const info = (): AppInfo => ({
    version: APP_VERSION,
    shell: options.shell,
    dataDir: options.dataDir,
    sandboxUrl: sandbox?.url ?? null,
    vaultProtection: protection,
    startupError,
  });

  try {
    const fresh = !existsSync(dbPath(options.dataDir));
    db = openDataDirDb(options.dataDir);
    const m = migrate(db, { now: clock.now });
    if (m.applied.length > 0) log('info', `database ${fresh ? 'created' : 'migrated'} to version ${m.to}`);
    const protector = await chooseProtector(db, options.dataDir, options.protector, log);
    vault = await openVault(db, protector, clock.now);
    protection = vault.protection;

    const repos = { accounts: accountsRepo(db), settings: settingsRepo(db, clock.now) };
    const gateways = createGateways({ accounts: repos.accounts, vault, sandboxUrl: sandbox?.url ?? null, version: APP_VERSION });
    const accounts = createAccountsService({ db, repo: repos.accounts, settings: repos.settings, vault, gateways, events, clock, log });
    const runtime: CoreDeps['runtime'] = { webhookListenerPort: null };
    const tunnel = createTunnelService({
      getListenerPort: () => runtime.webhookListenerPort,
      vault,
      accounts: () => accounts.list(),
      stripeFor: (id) => gateways.stripe(id),
      storeWebhookSecret: async (id, secret) => {
        await accounts.update({ id, webhookSecret: secret });
      },
      emit: (name, payload) => events.emit(name, payload),
      clock,
      log: (level, message) => log(level, message),
      version: APP_VERSION,
      // the embedded sandbox delivers webhooks over loopback http; a real gateway needs https
      allowLoopbackHttp: sandbox !== null,
    });
    deps = { options, db, vault, events, gateways, clock, log, repos, accounts, tunnel, runtime, info };
  } catch (err) {
    if (!(err instanceof AppError)) {
      db?.close();
      throw err;
    }
    startupError = { code: err.code, message: err.message };
    log('error', `start-up problem: ${err.message}`, { code: err.code });
    // a database from the future is left exactly as it is; nothing else touches it
    db?.close();
    db = null;
    deps = null;
  }

  const handlers: AllHandlers = deps ? buildHandlers(deps) : ({ ...systemHandlers({ clock, info }) } as AllHandlers);
  const rpc = createRpc({
    handlers,
    log,
    gate: (method: MethodName) =>
      startupError && !method.startsWith('system.') ? new AppError(startupError.code as AppError['code'], startupError.message) : null,
  });

  // background start-up work, awaited by idle() and close()
  const background = new Set<Promise<unknown>>();
  let closed = false;
  const track = (p: Promise<unknown>) => {
    const q = p.catch((err) => log('warn', 'background task failed', { error: err })).finally(() => background.delete(q));
    background.add(q);
  };

  if (deps && sandbox) {
    const d = deps;
    const changed = d.accounts.ensureSandboxAccounts(sandbox);
    const toVerify = new Set([...changed, ...d.repos.accounts.list().filter((r) => r.builtin && r.verificationStatus !== 'verified').map((r) => r.id)]);
    for (const id of toVerify) track((async () => { if (!closed) await d.accounts.verify(id); })());
  }

  return {
    info,
    deps,
    async idle() {
      while (background.size > 0) await Promise.allSettled([...background]);
    },
    call(method, input, ctx) {
      return rpc.call(method, input, ctx);
    },
    callUnknown(method: string, input: unknown, ctx: CallContext) {
      return rpc.dispatch(method, input, ctx);
    },
    onEvent(listener) {
      return events.on(listener);
    },
    async close() {
      if (closed) return;
      closed = true;
      while (background.size > 0) await Promise.allSettled([...background]);
      await deps?.tunnel.close();
      db?.close();
      db = null;
    },
  };
}
