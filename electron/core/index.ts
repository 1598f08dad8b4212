// The composition root of the main-process role: store -> migrations -> vault -> gateways -> services
// (compose.ts) -> handlers -> rpc. Both shells (electron/main.ts and electron/browser-host/cli.ts) call
// createCore. A start-up problem the merchant must see (a database from a newer Paydesk, a vault that
// cannot be unlocked) does not crash: core starts degraded, `system.info` carries `startupError`, and
// every other method answers with that error.
import type { AppInfo, MethodName } from '../../shared/contract';
import { AppError } from '../../shared/errors';
import { APP_VERSION, composeServices, type Composed } from './compose';
import type { CoreBase, CoreDeps } from './deps';
import { createEvents } from './events';
import { createGateways } from './gateways';
import { buildHandlers } from './handlers';
import { systemHandlers } from './handlers/system';
import { finishStagedRestore } from './backup/restore';
import { ensurePrivateDir } from './private-fs';
import { consoleSink, createLog } from './log';
import { createRpc, type AllHandlers } from './rpc';
import { sandboxControl } from './sandbox-control';
import { createStartupGate } from './startup-gate';
import { openSqliteStore, type SqliteStore, type Store } from './store';
import { describeStore } from './store/choice';
import { openPgStore } from './store/pg/store';
import type { CallContext, Clock, Core, CoreOptions } from './types';
import { openVault, type Vault } from './vault';
import { chooseProtector } from './vault/choose-protector';
import { deskIdentity } from './team/desk';
import { openTeam } from './team/open-team';
import { teamVaultRepo } from './team/team-key';
import { createJobs, type SingletonJobs } from './team/jobs';
import { forgetSavedJoinCode, readSavedStore, savedJoinRefused, savedStoreUnreachable } from './team/store-choice';
import { startCheckpointer, type Checkpointer } from './store/checkpointer';

export type { Core, CoreOptions, CallContext, KeyProtector, Clock } from './types';
export type { CoreDeps } from './deps';
export { APP_VERSION } from './compose';

/** core's parts as in-process tools and tests see them: the services, the store's connection on either engine, and SQLite's own */
export type InProcessDeps = CoreDeps & Pick<SqliteStore, 'db' | 'sql'>;

export interface PaydeskCore extends Core {
  /** the same value `system.info` returns */
  info(): AppInfo;
  /** the composed parts (null in degraded mode), and the SQLite connection, for in-process tools and tests */
  readonly deps: InProcessDeps | null;
  /** resolves when start-up background work (verifying the sandbox accounts, sandbox webhook registration, the first sync) has finished and every webhook received so far is applied */
  idle(): Promise<void>;
}

/** Background work started by core, awaited by idle() and close(). */
function backgroundTasks(log: ReturnType<typeof createLog>) {
  const running = new Set<Promise<unknown>>();
  return {
    track(p: Promise<unknown>) {
      const q = p.catch((err) => log('warn', 'background task failed', { error: err })).finally(() => running.delete(q));
      running.add(q);
    },
    async settle() {
      while (running.size > 0) await Promise.allSettled([...running]);
    },
  };
}

/** Opens the data dir's store and vault; throws AppError for what the merchant must see. */
/** On PostgreSQL there is no SQLite connection: a tool or test that reaches for one is told so. */
function noSqlite(): SqliteStore['db'] {
  return new Proxy({} as SqliteStore['db'], {
    get: () => {
      throw new AppError('unavailable', 'This desk runs on the team database (PostgreSQL): it has no SQLite file.');
    },
  });
}

/** A store core has opened, with the SQLite connection when it is SQLite (in-process tools and tests use it). */
type OpenedStore = Store & { close(): void; db: SqliteStore['db'] | null };

/** SQLite in the data dir, or the team's PostgreSQL database (options.store). */
async function openEngine(options: CoreOptions, clock: Clock, log: ReturnType<typeof createLog>): Promise<OpenedStore> {
  if (options.store?.engine === 'postgres') {
    log('info', `opening the team database: ${describeStore(options.store)}`);
    return { ...openPgStore(options.store.url, clock.now, log, 'paydesk', options.store.password), db: null };
  }
  // a restore staged in Settings → Backup (or on a fresh install's first screen) takes its place now
  const restored = await finishStagedRestore(options.dataDir, clock.now());
  if (restored) log('info', `restored a backup into ${options.dataDir}${restored.replacedTo ? `; the desk that was there is in ${restored.replacedTo}` : ''}`);
  return openSqliteStore(options.dataDir, clock.now, log);
}

async function openStore(given: CoreOptions, clock: Clock, log: ReturnType<typeof createLog>, onOpen: (store: OpenedStore) => void) {
  ensurePrivateDir(given.dataDir);
  // no --store / PAYDESK_STORE: the database chosen in Settings → Team, if any; one that does not answer is a
  // start-up problem in words, never a quiet fall back to this computer's file
  const saved = given.store === undefined ? await readSavedStore(given.dataDir, given.protector) : null;
  // a join code given at start (--join, PAYDESK_JOIN) wins over the saved one
  const options: CoreOptions = saved ? { ...given, ...saved, ...(given.join !== undefined ? { join: given.join } : {}) } : given;
  const savedJoin = saved?.join !== undefined && given.join === undefined;
  const store = await openEngine(options, clock, log).catch((err: unknown) => {
    throw saved ? savedStoreUnreachable(err, saved, options.dataDir) : err;
  });
  onOpen(store);
  // on the team database the data key is the team key, held in this data folder only (team/team-key.ts)
  const vaultRepo = store.engine === 'postgres' ? teamVaultRepo(options.dataDir, store.repos.vault) : store.repos.vault;
  const protector = await chooseProtector(vaultRepo, options.dataDir, options.protector, log);
  const team = store.engine === 'postgres' ? await openTeam({ dataDir: options.dataDir, store, protector, desk: deskIdentity(options.dataDir), join: options.join, now: clock.now, log }).catch((err: unknown) => {
    throw savedJoin && err instanceof AppError ? savedJoinRefused(err) : err;
  }) : null;
  // the saved join code is spent once this desk holds the team key
  if (team && saved?.join !== undefined) forgetSavedJoinCode(options.dataDir);
  const vault = await openVault(vaultRepo, protector, clock.now);
  return { options, store, protector, vault, team };
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
  const control = sandbox ? sandboxControl(sandbox.url, sandbox.controlToken) : null;
  const background = backgroundTasks(log);
  // verifying, pointing and syncing wait for the first screen's data (startup-gate.ts)
  const startup = createStartupGate(options.startup);

  let opened: OpenedStore | null = null;
  let composed: Composed | null = null;
  let jobs: SingletonJobs | null = null;
  let closed = false;
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
    const o = await openStore(options, clock, log, (x) => (opened = x));
    vault = o.vault;
    protection = vault.protection;
    const { store } = o;
    const gateways = createGateways({ accounts: store.repos.accounts, vault, sandboxUrl: sandbox?.url ?? null, version: APP_VERSION, ...(options.adapters ? { adapters: options.adapters } : {}) });
    const base: CoreBase = {
      options: o.options, store, repos: store.repos, vault, events, gateways, clock, log, info,
      runtime: { webhookListenerPort: null, webhookListenerSocket: null, webhookListenerError: null },
    };
    composed = composeServices(base, o.protector, {
      isOpen: () => !closed,
      lease: { onAcquired: (a) => jobs?.start(a), onLost: () => jobs?.stop() },
      onTunnelOnline: (reconnected) => {
        if (!closed) void composed?.deps.payments.sync.syncAll(reconnected ? 'tunnel reconnected' : 'tunnel online');
      },
      // a new secret for a sandbox account of a gateway without a webhook API: the embedded sandbox signs with
      // it from now on, as the gateway would once the merchant pasted it in its Dashboard
      onWebhookSecret: async (id, secret) => {
        const row = store.repos.accounts.get(id);
        const listener = jobs?.listener();
        if (!control || !listener || !row?.sandbox || gateways.adapter(row.gateway).webhooks.setup.kind !== 'manual') return;
        await control.pointWebhooks(row.gateway, id, listener.urlFor(row.gateway, id), secret).catch((err: unknown) =>
          log('warn', `could not give the sandbox the new webhook secret for account ${id}`, { error: err instanceof Error ? err.message : String(err) }));
      },
    });
    // the other desks' Team screens list the desk that just joined
    if (o.team?.how === 'joined') events.emit('team.changed', {});
  } catch (err) {
    if (!(err instanceof AppError)) {
      (opened as OpenedStore | null)?.close();
      throw err;
    }
    startupError = { code: err.code, message: err.message };
    log('error', `start-up problem: ${err.message}`, { code: err.code });
    // a database from the future is left exactly as it is; nothing else touches it
    (opened as OpenedStore | null)?.close();
    opened = null;
    composed = null;
  }

  const store = opened as OpenedStore | null;
  const deps = composed && store ? { ...(composed as Composed).deps, db: store.db ?? noSqlite(), sql: store.sql } : null;
  const handlers: AllHandlers = deps ? buildHandlers(deps) : ({ ...systemHandlers({ clock, info }) } as AllHandlers);
  const rpc = createRpc({
    handlers,
    log,
    gate: (method: MethodName) =>
      startupError && !method.startsWith('system.') ? new AppError(startupError.code as AppError['code'], startupError.message) : (deps?.team.refusal(method) ?? null),
    ...(deps ? { explain: deps.team.explain } : {}),
    // the desk session: who is at the desk goes into ctx.operator; a locked desk refuses all but desk.* / system.*
    ...(deps ? { authorize: deps.operators.authorize } : {}),
  });

  if (composed) {
    const c: Composed = composed;
    if (sandbox) prepareSandbox(c.deps, sandbox, background, () => closed, startup.opened);
    jobs = createJobs(c, { control, track: (p) => background.track(p), isClosed: () => closed, lease: c.lease, startup: startup.opened });
    // SQLite: this desk runs every job; a team: the desk holding the lease does (./team/lease.ts)
    if (c.lease) await c.lease.start();
    else await jobs.start();
  }
  // SQLite's checkpoints run on a thread of their own (store/checkpointer.ts), once the first screen has its data
  let checkpointer: Checkpointer | null = null;
  const sqliteDb = store?.db ?? null;
  if (sqliteDb) background.track(startup.opened.then(() => void (checkpointer = closed ? null : startCheckpointer(sqliteDb, { log }))));

  return {
    info,
    deps,
    async idle() {
      startup.open();
      await background.settle();
      // and every webhook received so far is committed and applied
      await composed?.ingest.idle();
    },
    call(method, input, ctx) {
      return startup.around(() => rpc.call(method, input, ctx));
    },
    callUnknown(method: string, input: unknown, ctx: CallContext) {
      return startup.around(() => rpc.dispatch(method, input, ctx));
    },
    onEvent(l) {
      return events.on(l);
    },
    async close() {
      if (closed) return;
      closed = true;
      startup.open();
      // the listener stops acknowledging first; a team's lease is released after, so the next desk takes over at once
      await jobs?.stop();
      await composed?.lease?.close();
      await background.settle();
      await composed?.ingest.close();
      await composed?.close();
      await checkpointer?.close();
      store?.close();
    },
  };
}

/** The embedded sandbox's accounts exist on every desk; those not yet verified are verified in the background, after `startup`. */
function prepareSandbox(d: CoreDeps, sandbox: NonNullable<CoreOptions['sandbox']>, background: ReturnType<typeof backgroundTasks>, isClosed: () => boolean, startup: Promise<void>): void {
  const changed = d.accounts.ensureSandboxAccounts(sandbox);
  const toVerify = new Set([...changed, ...d.repos.accounts.list().filter((r) => r.builtin && r.verificationStatus !== 'verified').map((r) => r.id)]);
  for (const id of toVerify) {
    background.track((async () => {
      await startup;
      if (!isClosed()) await d.accounts.verify(id);
    })());
  }
}
