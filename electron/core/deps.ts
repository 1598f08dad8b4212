// What handlers receive: the composed parts of core. Built once in index.ts.
import type { AppInfo } from '../../shared/contract';
import type { CoreEvents } from './events';
import type { Gateways } from './gateways';
import type { Log } from './log';
import type { Db } from './store/db';
import type { Store } from './store';
import type { AccountsRepo } from './store/repos/accounts';
import type { SettingsRepo } from './store/repos/settings';
import type { Clock, CoreOptions } from './types';
import type { Vault } from './vault';
import type { AccountsService } from './accounts/service';
import type { TunnelService } from './tunnel/service';
import type { BackupService } from './backup/service';

export interface CoreDeps {
  options: CoreOptions;
  /** TRANSITIONAL: services move to `store` (repositories + transaction); nothing new may use db */
  db: Db;
  /** every repository and the one transaction seam */
  store: Store;
  vault: Vault;
  events: CoreEvents;
  gateways: Gateways;
  clock: Clock;
  log: Log;
  repos: { accounts: AccountsRepo; settings: SettingsRepo };
  accounts: AccountsService;
  tunnel: TunnelService;
  /** Settings → Backup and its schedule */
  backup: BackupService;
  /** facts known only once things run (the webhook listener's port), read by the services that need them */
  runtime: {
    webhookListenerPort: number | null;
    /** why the webhook listener is not running (e.g. its port is in use), in words for the UI; null while it runs */
    webhookListenerError: string | null;
  };
  info(): AppInfo;
}

/** The subset available even when start-up failed (degraded mode): system.* only. */
export interface SystemDeps {
  clock: Clock;
  info(): AppInfo;
}
