// The store: every repository over one database, and the one transaction seam. Services receive
// repositories and `transaction`, never the database, so a second engine implements these same
// interfaces (docs/architecture.md, "The store").
import { existsSync } from 'node:fs';
import { dbPath, openDataDirDb, type Db } from './db';
import { migrate } from './migrate';
import { accountsRepo } from './repos/accounts';
import { auditRepo } from './repos/audit';
import { operatorsRepo } from './repos/operators';
import { paymentListRepo } from './repos/payment-list';
import { vaultRepo } from './repos/vault';
import { snapshotRepo } from './snapshot';
import { backupRepo } from './repos/backup';
import { paymentLinksRepo } from './repos/payment-links';
import { paymentsRepo } from './repos/payments';
import { ordersRepo } from './repos/orders';
import { refundsRepo } from './repos/refunds';
import { settingsRepo } from './repos/settings';
import { ledgerRepo } from './repos/ledger';
import { reconciliationRepo } from './repos/reconciliation';
import { reportViewsRepo } from './repos/report-views';
import { settlementsRepo } from './repos/settlements';
import { webhookEventsRepo } from './repos/webhook-events';
import { deliveriesRepo } from './repos/deliveries';
import { apiIdempotencyRepo } from './repos/api-idempotency';
import { apiRateRepo } from './repos/api-rate';
import { callbacksRepo } from './repos/callbacks';
import { createDurability, type Durability, type DurabilityOptions } from './durability';
import { sqliteTransact, type Transact } from './transaction';

export type { Transact } from './transaction';

/** One repository per table group, each built once over the store's connection. */
export function createRepos(db: Db, now: () => number) {
  const payments = paymentsRepo(db);
  return {
    accounts: accountsRepo(db),
    settings: settingsRepo(db, now),
    payments,
    paymentLinks: paymentLinksRepo(db, payments),
    orders: ordersRepo(db),
    webhookEvents: webhookEventsRepo(db),
    deliveries: deliveriesRepo(db),
    refunds: refundsRepo(db),
    backup: backupRepo(db),
    snapshots: snapshotRepo(db),
    audit: auditRepo(db),
    operators: operatorsRepo(db),
    vault: vaultRepo(db),
    paymentList: paymentListRepo(db),
    settlements: settlementsRepo(db),
    ledger: ledgerRepo(db),
    reconciliation: reconciliationRepo(db),
    reportViews: reportViewsRepo(db),
    apiIdempotency: apiIdempotencyRepo(db),
    apiRate: apiRateRepo(db),
    callbacks: callbacksRepo(db),
  };
}

export type Repos = ReturnType<typeof createRepos>;

export interface Store {
  readonly engine: 'sqlite';
  readonly repos: Repos;
  /** runs `fn` in one transaction (a savepoint when nested) */
  readonly transaction: Transact;
  /** group-commit durability for the webhook ingest: commits answered once an fsync begun after them ends */
  durability(opts?: DurabilityOptions): Durability;
}

export function createStore(db: Db, now: () => number): Store {
  return { engine: 'sqlite', repos: createRepos(db, now), transaction: sqliteTransact(db), durability: (opts) => createDurability(db, opts) };
}

/** The SQLite store of a data dir: the store, plus the connection for in-process tools and tests. */
export interface SqliteStore extends Store {
  readonly db: Db;
  close(): void;
}

/**
 * Opens (creating if needed) the data dir's database, migrated to this version. Throws AppError
 * (db_from_future, ...) with the file closed and left as it was.
 */
export function openSqliteStore(dataDir: string, now: () => number, log: (level: 'info', message: string) => void): SqliteStore {
  const fresh = !existsSync(dbPath(dataDir));
  const db = openDataDirDb(dataDir);
  try {
    const m = migrate(db, { now });
    if (m.applied.length > 0) log('info', `database ${fresh ? 'created' : 'migrated'} to version ${m.to}`);
  } catch (err) {
    db.close();
    throw err;
  }
  return { ...createStore(db, now), db, close: () => db.close() };
}
