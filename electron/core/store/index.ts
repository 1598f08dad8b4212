// The store: every repository over one database, and the one transaction seam. Services receive
// repositories and `transaction`, never the database, so a second engine implements these same
// interfaces (docs/architecture.md, "The store").
import type { Db } from './db';
import { accountsRepo } from './repos/accounts';
import { backupRepo } from './repos/backup';
import { paymentsRepo } from './repos/payments';
import { settingsRepo } from './repos/settings';
import { webhookEventsRepo } from './repos/webhook-events';
import { sqliteTransact, type Transact } from './transaction';

export type { Transact } from './transaction';

/** One repository per table group, each built once over the store's connection. */
export function createRepos(db: Db, now: () => number) {
  return {
    accounts: accountsRepo(db),
    settings: settingsRepo(db, now),
    payments: paymentsRepo(db),
    webhookEvents: webhookEventsRepo(db),
    backup: backupRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;

export interface Store {
  readonly engine: 'sqlite';
  readonly repos: Repos;
  /** runs `fn` in one transaction (a savepoint when nested) */
  readonly transaction: Transact;
}

export function createStore(db: Db, now: () => number): Store {
  return { engine: 'sqlite', repos: createRepos(db, now), transaction: sqliteTransact(db) };
}
