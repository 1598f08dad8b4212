// The composition root's second half: from an open store and vault, every service in dependency order,
// each built once and explicitly; `close` stops them in reverse. Nothing is created on first use and
// nothing is attached after construction.
import pkg from '../../package.json';
import { AppError } from '../../shared/errors';
import { createAccountsService } from './accounts/service';
import { createApiService } from './api';
import { pushAuditEvents } from './audit';
import { createBackupService } from './backup/service';
import { createCallbacksService } from './callbacks';
import type { CoreBase, CoreDeps } from './deps';
import { createPaymentServices } from './handlers/payments';
import { paymentAnnouncer } from './payments/announce';
import { createOperatorsService } from './operators';
import { createRefundsService } from './refunds';
import { createExportService } from './reports/export-service';
import { createReportsService } from './reports/settlements';
import { dbPath } from './store/db';
import { createTunnelService } from './tunnel/service';
import { createTeamService, soloParts } from './team';
import { deskIdentity } from './team/desk';
import { createLease, type Lease, type LeaseOptions } from './team/lease';
import { startTeamRelay } from './team/relay';
import { describeStore } from './store/choice';
import type { AccountRow } from './store/repos/accounts';
import type { ExportSource } from './store/repos/export-reader';
import { shopReturnOf } from './accounts/return-pages';
import type { KeyProtector } from './types';
import { createDuplicateCounter } from './webhooks/deliveries';
import { createIngest, type Ingest } from './webhooks/ingest';
import { webhookSecrets } from './webhooks/secrets';
import { createTeamMembers } from './team/members';
import { loadLocalTeamKey, teamVaultRepo } from './team/team-key';
import { createStoreChoiceService } from './team/store-choice';

export const APP_VERSION: string = (pkg as { version: string }).version;

export interface Composed {
  deps: CoreDeps;
  ingest: Ingest;
  /** on PostgreSQL, the lease on the singleton jobs (started by createCore); null on SQLite */
  lease: Lease | null;
  /** stops every service, in reverse order of construction; the caller closes the store afterwards */
  close(): Promise<void>;
}

export interface ComposeHooks {
  /** the public URL came (back) up: catch up on what was missed while webhooks could not arrive */
  onTunnelOnline: (reconnected: boolean) => void;
  /** a webhook secret was stored for an account (the sandbox link passes it on) */
  onWebhookSecret: (accountId: string, secret: string) => Promise<void>;
  /** false once core is closing: background refreshes stop quietly */
  isOpen: () => boolean;
  /** on PostgreSQL: this desk took or lost the lease on the singleton jobs (team/jobs.ts starts or stops them) */
  lease?: Pick<LeaseOptions, 'onAcquired' | 'onLost'>;
}

/** The export reads with its own connections: the data folder's SQLite file, or the desk's team database. */
function exportSourceOf(options: CoreBase['options']): ExportSource {
  const s = options.store;
  if (s?.engine !== 'postgres') return dbPath(options.dataDir);
  return { url: s.url, ...(s.password !== undefined ? { password: s.password } : {}) };
}

export function composeServices(base: CoreBase, protector: KeyProtector, hooks: ComposeHooks): Composed {
  const { store, repos, events, clock, log, gateways, vault, options } = base;
  const { transaction } = store;
  const stops: (() => unknown)[] = [];

  const accounts = createAccountsService({ transaction, repo: repos.accounts, settings: repos.settings, vault, gateways, events, clock, log });

  const operators = createOperatorsService({ operators: repos.operators, settings: repos.settings, audit: repos.audit, transaction, events, clock, log });
  operators.start();
  stops.push(() => operators.close(), pushAuditEvents(repos.audit, events));
  // callbacks hear of every payment change through the one announcement, after its commit
  const callbacks = createCallbacksService({
    repos: { callbacks: repos.callbacks, payments: repos.payments, settings: repos.settings },
    transaction, vault, clock, log, onChange: () => events.emit('callbacks.changed', {}),
  });
  stops.push(() => callbacks.close());
  const announceScreens = paymentAnnouncer(repos.payments, events, () => operators.atDesk());
  const announce = (paymentId: string): void => {
    announceScreens(paymentId);
    callbacks.noteChange(paymentId);
  };

  const refunds = createRefundsService({
    repos: { refunds: repos.refunds, payments: repos.payments, accounts: repos.accounts },
    transaction, gateways, operators, audit: repos.audit, events, clock, log, announce,
  });
  stops.push(() => refunds.close());
  const followRefunds = (paymentId: string) => refunds.followInCommit(paymentId);

  // webhooks in: verify -> persist + apply (the one fold) -> ack, behind the listener started by createCore
  const webhookDuplicates = createDuplicateCounter(events);
  stops.push(() => webhookDuplicates.stop());
  const ingest = createIngest({
    events: repos.webhookEvents,
    payments: repos.payments,
    orders: repos.orders,
    transaction,
    durability: store.durability({ log }),
    webhooks: (g) => gateways.adapter(g).webhooks,
    getSecret: webhookSecrets(repos.accounts, vault, events),
    clock,
    log,
    onApplied: (c) => announce(c.id),
    followRefunds,
    onReceived: (r) => events.emit('webhook.received', r),
  });

  // the customer returns to the public address while it is up; the embedded sandbox's accounts reach the listener itself
  const returnBase = (account: AccountRow): string | null => {
    const port = base.runtime.webhookListenerPort;
    return tunnel.status().url ?? (account.sandbox && port ? `http://127.0.0.1:${port}` : null) ?? holderBase(account);
  };
  // a desk of a team without the lease: the address the lease holder serves the shop's pages under
  const holderBase = (account: AccountRow): string | null => {
    const url = lease?.current()?.publicUrl ?? null;
    return url && (account.sandbox || url.startsWith('https://')) ? url : null;
  };
  // ... unless the account has the shop's own pages (Settings → Accounts)
  const shopReturn = (account: AccountRow) => shopReturnOf(repos.settings, account.id);
  const payments = createPaymentServices(base, { announce, followRefunds, onIdsLearned: (accountId) => ingest.reapplyUnmatched(accountId), returnBase, shopReturn });
  stops.push(() => payments.sync.stop());

  const reports = createReportsService({
    repos: { accounts: repos.accounts, settings: repos.settings, payments: repos.payments, settlements: repos.settlements, ledger: repos.ledger, reconciliation: repos.reconciliation },
    transaction, gateways, events, clock, log, announce, isOpen: hooks.isOpen,
  });
  stops.push(() => reports.stop());

  const exports = createExportService({
    dataDir: options.dataDir, source: exportSourceOf(options), accounts: repos.accounts, audit: repos.audit, events, clock, log,
    timeZone: () => reports.settings().timeZone,
  });
  // a running export is cancelled (its workers see the flag within 1024 rows) and its files deleted
  stops.push(() => exports.close());

  const tunnel = createTunnelService({
    getListenerPort: () => base.runtime.webhookListenerPort,
    getListenerSocket: () => base.runtime.webhookListenerSocket,
    vault,
    accounts: () => accounts.list(),
    webhooks: (g) => gateways.adapter(g).webhooks,
    endpointsFor: (id) => gateways.client(id).endpoints,
    storeWebhookSecret: async (id, secret) => {
      await accounts.update({ id, webhookSecret: secret });
      await hooks.onWebhookSecret(id, secret);
    },
    emit: (name, payload) => events.emit(name, payload),
    clock,
    log: (level, message) => log(level, message),
    version: APP_VERSION,
    // the embedded sandbox delivers webhooks over loopback http; a real gateway needs https
    allowLoopbackHttp: options.sandbox != null,
    onOnline: (_url, { reconnected }) => hooks.onTunnelOnline(reconnected),
  });
  stops.push(() => tunnel.close());

  const backup = createBackupService({
    backup: repos.backup,
    snapshots: repos.snapshots,
    dataDir: options.dataDir,
    settings: repos.settings,
    // the data key, unsealed again by this machine's protector whenever a backup wraps or encrypts with it
    dataKey: async () => {
      // on the team database the data key is the team key, kept in this data folder (team/team-key.ts)
      const sealed = (store.engine === 'postgres' ? teamVaultRepo(options.dataDir, repos.vault) : repos.vault).sealedKey();
      if (!sealed) throw new AppError('internal', 'The vault has no data key');
      return protector.unprotect(sealed.sealedKey);
    },
    protector,
    appVersion: APP_VERSION,
    now: clock.now,
    log,
    onChange: () => events.emit('backup.changed', {}),
  });
  stops.push(() => backup.stop());

  const api = createApiService({ ...base, payments, refunds }, () => tunnel.status().url);
  stops.push(() => api.close());

  const desk = deskIdentity(options.dataDir);
  // on PostgreSQL: what the other desks commit reaches this desk's screens, and whether the database answers
  const relay = options.store?.engine === 'postgres' ? startTeamRelay({ url: options.store.url, ...(options.store.password !== undefined ? { password: options.store.password } : {}), desk, store, events, log, now: clock.now, announce }) : null;
  if (relay) stops.push(() => relay.close());
  const lease = store.engine === 'postgres' && hooks.lease
    // elapsed time since the last renew on a monotonic clock: a wall clock set forward must not drop the lease
    ? createLease({ repo: repos.lease, desk, clock: { now: () => performance.now() }, log, ...hooks.lease, onChanged: () => events.emit('team.changed', {}) })
    : null;
  // on PostgreSQL: the desks holding the team key, and one-time join codes
  const members = store.engine === 'postgres'
    ? createTeamMembers({ team: repos.team, audit: repos.audit, transaction: store.transaction, desk, teamKey: () => loadLocalTeamKey(options.dataDir, protector), now: clock.now, onChange: () => events.emit('team.changed', {}) })
    : null;
  const team = createTeamService({
    engine: store.engine,
    database: options.store?.engine === 'postgres' ? describeStore(options.store) : null,
    desk,
    ...soloParts(desk, clock.now()),
    ...(relay ? { connection: relay.connection } : {}),
    ...(lease ? { lease } : {}),
    ...(members ? { members } : {}),
    stableAddress: () => tunnel.stableAddress(),
  });

  const storeChoice = createStoreChoiceService({ dataDir: options.dataDir, protector, now: clock.now });
  const deps: CoreDeps = { ...base, accounts, operators, payments, refunds, reports, exports, tunnel, backup, api, callbacks, team, storeChoice, webhookDuplicates, announcePayment: announce };
  return {
    deps,
    ingest,
    lease,
    async close() {
      for (const stop of stops.reverse()) await stop();
    },
  };
}
