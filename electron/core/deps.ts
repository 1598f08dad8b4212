// What handlers receive: the composed parts of core, every one built once by the composition root
// (compose.ts) in dependency order and closed by it in reverse.
import type { AppInfo } from '../../shared/contract';
import type { AccountsService } from './accounts/service';
import type { ApiService } from './api';
import type { BackupService } from './backup/service';
import type { CallbacksService } from './callbacks';
import type { CoreEvents } from './events';
import type { Gateways } from './gateways';
import type { PaymentServices } from './handlers/payments';
import type { Log } from './log';
import type { OperatorsService } from './operators';
import type { RefundsService } from './refunds';
import type { TeamService } from './team';
import type { StoreChoiceService } from './team/store-choice';
import type { ExportService } from './reports/export-service';
import type { ReportsService } from './reports/settlements';
import type { Repos, Store } from './store';
import type { TunnelService } from './tunnel/service';
import type { Clock, CoreOptions } from './types';
import type { Vault } from './vault';
import type { AnnouncePayment } from './payments/announce';
import type { DuplicateCounter } from './webhooks/deliveries';

/** Facts known only once things run, read by the services that need them. */
export interface Runtime {
  /** the webhook listener's port; null while it is not running */
  webhookListenerPort: number | null;
  /** the socket file (or Windows pipe) the listener also accepts the tunnel on; null when there is none */
  webhookListenerSocket: string | null;
  /** why the webhook listener is not running (e.g. its port is in use), in words for the UI; null while it runs */
  webhookListenerError: string | null;
}

/** The parts every service may use: the store, the vault, the gateways and the plumbing. */
export interface CoreBase {
  options: CoreOptions;
  store: Store;
  /** the store's repositories (the same objects as store.repos) */
  repos: Repos;
  vault: Vault;
  events: CoreEvents;
  gateways: Gateways;
  clock: Clock;
  log: Log;
  runtime: Runtime;
  info(): AppInfo;
}

export interface CoreDeps extends CoreBase {
  accounts: AccountsService;
  operators: OperatorsService;
  payments: PaymentServices;
  refunds: RefundsService;
  reports: ReportsService;
  exports: ExportService;
  tunnel: TunnelService;
  /** Settings → Backup and its schedule */
  backup: BackupService;
  /** the merchant's HTTP API */
  api: ApiService;
  /** signed events POSTed to the shop's server */
  callbacks: CallbacksService;
  /** the desks sharing the store: connection, lease, members */
  team: TeamService;
  /** Settings → Team: test a team database, and the store this desk opens from its next start */
  storeChoice: StoreChoiceService;
  /** pushes payment.changed with the payment as it is now (or null while the desk is locked) */
  announcePayment: AnnouncePayment;
  /** repeated webhook deliveries acknowledged since start (they leave no row) */
  webhookDuplicates: DuplicateCounter;
}

/** The subset available even when start-up failed (degraded mode): system.* only. */
export interface SystemDeps {
  clock: Clock;
  info(): AppInfo;
}
