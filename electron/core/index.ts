// The composition root of the main-process role: store -> migrations -> vault -> gateways -> services
// -> handlers -> rpc. Both shells (electron/main.ts and electron/browser-host/cli.ts) call createCore.
// A start-up problem the merchant must see (a database from a newer Paydesk, a vault that cannot be
// unlocked) does not crash: core starts degraded, `system.info` carries `startupError`, and every
// other method answers with that error.
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import pkg from '../../package.json';
import type { AppInfo, MethodName } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { createAccountsService } from './accounts/service';
import type { CoreDeps } from './deps';
import { createEvents } from './events';
import { createGateways } from './gateways';
import { accountHandlers } from './handlers/accounts';
import { reportsHandlers } from './handlers/reports';
import { settingsHandlers } from './handlers/settings';
import { systemHandlers } from './handlers/system';
import { paymentsHandlers, paymentsOf } from './handlers/payments';
import { apiHandlers } from './handlers/api';
import { apiOf } from './api';
import { createIngest, type Ingest, type WebhookSecrets } from './webhooks/ingest';
import { startWebhookListener, type WebhookListener } from './webhooks/listener';
import { ensureStripeEndpoint } from './tunnel/stripe-endpoint';
import { webhooksHandlers } from './handlers/webhooks';
import { refundsHandlers } from './handlers/refunds';
import { operatorsHandlers } from './handlers/operators';
import { deskHandlers } from './handlers/desk';
import { auditHandlers } from './handlers/audit';
import { backupHandlers } from './handlers/backup';
import { createBackupService } from './backup/service';
import { finishStagedRestore } from './backup/restore';
import { ensurePrivateDir } from './private-fs';
import { backupRepo } from './store/repos/backup';
import { deskAuthorizer } from './operators';
import { closeRefundsAndDesk } from './refunds';
import { closeExportService } from './reports/export-service';
import { createTunnelService } from './tunnel/service';
import { consoleSink, createLog, type Log } from './log';
import { createRpc, type AllHandlers } from './rpc';
import { dbPath, openDataDirDb, type Db } from './store/db';
import { migrate } from './store/migrate';
import { createStore } from './store';
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
    ...paymentsHandlers(d),
    ...apiHandlers(d),
    ...webhooksHandlers(d),
    ...refundsHandlers(d),
    ...operatorsHandlers(d),
    ...deskHandlers(d),
    ...auditHandlers(d),
    ...reportsHandlers(d),
    ...settingsHandlers(d),
    ...backupHandlers(d),
  };
}

export interface PaydeskCore extends Core {
  /** the same value `system.info` returns */
  info(): AppInfo;
  /** the composed parts (null in degraded mode); for in-process callers such as tests and the webhook listener */
  readonly deps: CoreDeps | null;
  /** resolves when start-up background work (verifying the sandbox accounts, sandbox webhook registration, the first sync) has finished and every webhook received so far is applied */
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

// ---- webhooks in (issue 4): the listener + ingest, the sandbox registration, the catch-up sync, the merchant API

/** Each account's webhook secret for ingest: read from the vault once, dropped when the account changes. */
function webhookSecrets(d: CoreDeps): (gateway: 'stripe' | 'razorpay', accountId: string) => WebhookSecrets | null {
  const cache = new Map<string, WebhookSecrets>();
  d.events.on((e) => {
    if (e.name === 'account.changed') {
      cache.delete(`stripe|${e.payload.id}`);
      cache.delete(`razorpay|${e.payload.id}`);
    }
  });
  return (gateway, accountId) => {
    const key = `${gateway}|${accountId}`;
    const hit = cache.get(key);
    if (hit) return hit;
    // unknown ids are not cached (a flood of made-up ids must not grow the cache)
    const a = d.repos.accounts.get(accountId);
    if (!a || a.gateway !== gateway || !a.webhookSecretRef) return null;
    const secret = d.vault.get(a.webhookSecretRef);
    if (!secret) return null;
    const v: WebhookSecrets = { secrets: [secret], livemode: a.livemode };
    cache.set(key, v);
    return v;
  };
}

/** The embedded sandbox as core reaches it: its base URL and its control token. */
type SandboxLink = Pick<NonNullable<CoreOptions['sandbox']>, 'url' | 'controlToken'>;

/**
 * With the embedded sandbox: point each sandbox account's webhooks at the local listener, as a real gateway
 * would be pointed at the tunnel. Stripe through its webhook_endpoints API (one Paydesk endpoint per account,
 * updated in place; the signing secret straight into the vault); Razorpay through the sandbox's control API
 * (Razorpay has no merchant webhook API) with a generated secret kept in the vault.
 */
/** Points the sandbox's Razorpay webhooks for one account at the listener, signed with `secret` (the
 *  sandbox's control API stands in for the Razorpay Dashboard, where the merchant would paste it). */
async function pointSandboxRazorpay(listener: WebhookListener, sandbox: SandboxLink, accountId: string, secret: string): Promise<void> {
  const res = await fetch(`${new URL(sandbox.url).origin}/__sandbox/webhooks/targets`, {
    method: 'POST',
    // the control API answers only its bearer token and JSON bodies (sandbox/README.md, "Control API")
    headers: { authorization: `Bearer ${sandbox.controlToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ id: `paydesk_${accountId}`, gateway: 'razorpay', url: listener.urlFor('razorpay', accountId), secret, events: ['*'], enabled: true }),
  });
  if (!res.ok) throw new Error(`the sandbox refused the webhook target (${res.status})`);
}

async function registerWithSandbox(d: CoreDeps, listener: WebhookListener, sandbox: SandboxLink): Promise<void> {
  for (const a of d.repos.accounts.list().filter((x) => x.sandbox)) {
    try {
      if (a.gateway === 'stripe') {
        await ensureStripeEndpoint({
          stripe: d.gateways.stripe(a.id),
          accountId: a.id,
          publicUrl: listener.url,
          storeWebhookSecret: async (id, secret) => {
            await d.accounts.update({ id, webhookSecret: secret });
          },
          hasWebhookSecret: (id) => {
            const row = d.repos.accounts.get(id);
            return !!(row?.webhookSecretRef && d.vault.get(row.webhookSecretRef));
          },
        });
      } else {
        let secret = a.webhookSecretRef ? d.vault.get(a.webhookSecretRef) : null;
        if (!secret) {
          secret = randomBytes(24).toString('base64url');
          await d.accounts.update({ id: a.id, webhookSecret: secret });
        }
        await pointSandboxRazorpay(listener, sandbox, a.id, secret);
      }
    } catch (err) {
      d.log('warn', `could not point the sandbox's webhooks at Paydesk for account ${a.id}`, { error: err instanceof Error ? err.message : String(err) });
    }
  }
}

export async function createCore(options: CoreOptions): Promise<PaydeskCore> {
  const clock: Clock = options.clock ?? { now: () => Date.now() };
  const sandbox = options.sandbox ?? null;
  let vault: Vault | null = null;
  const sandboxSecrets = sandbox ? [sandbox.keys.STRIPE_SECRET_KEY, sandbox.keys.RAZORPAY_KEY_SECRET, sandbox.controlToken] : [];
  const log = createLog(options.log ?? consoleSink, function* () {
    yield* sandboxSecrets;
    if (vault) yield* vault.knownSecrets();
  });
  const events = createEvents({ log });

  let db: Db | null = null;
  let deps: CoreDeps | null;
  // the webhook listener, started below once core is up (the tunnel service's callbacks read it later)
  let listener: WebhookListener | null = null;
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
    // a restore staged in Settings → Backup (or on a fresh install's first screen) takes its place now
    ensurePrivateDir(options.dataDir);
    const restored = await finishStagedRestore(options.dataDir, clock.now());
    if (restored) log('info', `restored a backup into ${options.dataDir}${restored.replacedTo ? `; the desk that was there is in ${restored.replacedTo}` : ''}`);
    const fresh = !existsSync(dbPath(options.dataDir));
    db = openDataDirDb(options.dataDir);
    const m = migrate(db, { now: clock.now });
    if (m.applied.length > 0) log('info', `database ${fresh ? 'created' : 'migrated'} to version ${m.to}`);
    const protector = await chooseProtector(db, options.dataDir, options.protector, log);
    vault = await openVault(db, protector, clock.now);
    protection = vault.protection;

    const store = createStore(db, clock.now);
    const repos = { accounts: store.repos.accounts, settings: store.repos.settings };
    const gateways = createGateways({ accounts: repos.accounts, vault, sandboxUrl: sandbox?.url ?? null, version: APP_VERSION });
    const accounts = createAccountsService({ db, repo: repos.accounts, settings: repos.settings, vault, gateways, events, clock, log });
    const runtime: CoreDeps['runtime'] = { webhookListenerPort: null, webhookListenerError: null };
    const tunnel = createTunnelService({
      getListenerPort: () => runtime.webhookListenerPort,
      vault,
      accounts: () => accounts.list(),
      stripeFor: (id) => gateways.stripe(id),
      storeWebhookSecret: async (id, secret) => {
        await accounts.update({ id, webhookSecret: secret });
        // a new Razorpay secret for a sandbox account: the embedded sandbox signs with it from now on, as
        // Razorpay would once the merchant pasted it in the Dashboard (else its webhooks fail until restart)
        const row = repos.accounts.get(id);
        if (sandbox && listener && row?.sandbox && row.gateway === 'razorpay') {
          await pointSandboxRazorpay(listener, sandbox, id, secret).catch((err: unknown) =>
            log('warn', `could not give the sandbox the new webhook secret for account ${id}`, { error: err instanceof Error ? err.message : String(err) }));
        }
      },
      emit: (name, payload) => events.emit(name, payload),
      clock,
      log: (level, message) => log(level, message),
      version: APP_VERSION,
      // the embedded sandbox delivers webhooks over loopback http; a real gateway needs https
      allowLoopbackHttp: sandbox !== null,
      // the public URL came (back) up: catch up on what was missed while webhooks could not arrive
      onOnline: (_url, { reconnected }) => {
        if (deps && !closed) void paymentsOf(deps).sync.syncAll(reconnected ? 'tunnel reconnected' : 'tunnel online');
      },
    });
    const liveDb = db;
    const backup = createBackupService({
      db: liveDb,
      dataDir: options.dataDir,
      settings: repos.settings,
      // the data key, unsealed again by this machine's protector whenever a backup wraps or encrypts with it
      dataKey: async () => {
        const sealed = backupRepo(liveDb).sealedKey();
        if (!sealed) throw new AppError('internal', 'The vault has no data key');
        return protector.unprotect(sealed.sealedKey);
      },
      protector,
      appVersion: APP_VERSION,
      now: clock.now,
      log,
      onChange: () => events.emit('backup.changed', {}),
    });
    deps = { options, db, store, vault, events, gateways, clock, log, repos, accounts, tunnel, backup, runtime, info };
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
    // the desk session: who is at the desk goes into ctx.operator; a locked desk refuses all but desk.* / system.*
    ...(deps ? { authorize: deskAuthorizer(deps) } : {}),
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

  // webhooks in: ingest (verify -> persist + apply -> ack) behind the loopback listener; events stored but
  // not applied (by an older version) are applied first. A listener that cannot start (port in use) leaves
  // core running: the reason is in runtime.webhookListenerError and sync keeps payments current.
  let ingest: Ingest | null = null;
  if (deps) {
    const d = deps;
    const pay = paymentsOf(d);
    const ing = createIngest({
      db: d.db,
      getSecret: webhookSecrets(d),
      clock,
      log,
      onApplied: (c) => events.emit('payment.changed', { id: c.id, status: c.status }),
      onReceived: (r) => events.emit('webhook.received', r),
    });
    ingest = ing;
    const applied = ing.applyPending();
    if (applied > 0) log('info', `applied ${applied} webhook event(s) received before the last shutdown`);
    pay.reapplyUnmatched = (accountId) => {
      ing.reapplyUnmatched(accountId);
    };
    try {
      listener = await startWebhookListener({
        port: options.webhookPort ?? 0,
        onDelivery: (delivery) => ing.handle(delivery),
        now: clock.now,
        onError: (err) => log('warn', 'webhook listener error', { error: err.message }),
      });
      d.runtime.webhookListenerPort = listener.port;
    } catch (err) {
      const message = err instanceof AppError ? err.message : 'The webhook listener could not start.';
      d.runtime.webhookListenerError = message;
      log('error', `webhook listener not started: ${message}`);
    }
    const started = listener;
    track((async () => {
      if (sandbox && started) await registerWithSandbox(d, started, sandbox);
      // on start: finish intents left `creating`, then catch up from the gateways
      await pay.links.retryPending();
      if (!closed) await pay.sync.syncAll('start');
    })());
    // every minute while a link is open
    pay.sync.start(async () => {
      if (closed) return;
      await pay.links.retryPending();
      await pay.sync.syncAll('every minute');
    });
    track(apiOf(d).startIfEnabled());
    // the backup schedule: checks every minute whether a backup is due
    d.backup.start();
  }

  return {
    info,
    deps,
    async idle() {
      while (background.size > 0) await Promise.allSettled([...background]);
      // and every webhook received so far is committed and applied
      await ingest?.idle();
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
      if (deps) {
        await deps.backup.stop();
        await paymentsOf(deps).sync.stop();
        await apiOf(deps).close();
      }
      await listener?.close();
      while (background.size > 0) await Promise.allSettled([...background]);
      await ingest?.close();
      await deps?.tunnel.close();
      if (deps) await closeRefundsAndDesk(deps);
      // a running export is cancelled (its workers see the flag within 1024 rows) and its files deleted
      if (deps) closeExportService(deps);
      db?.close();
      db = null;
    },
  };
}
