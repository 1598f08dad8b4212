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
import { leaseRepo } from './repos/lease';
import { teamRepo } from './repos/team';
import { createDurability, type Durability, type DurabilityOptions } from './durability';
import { sqliteTransact, type Transact } from './transaction';
import { sqliteSql, type Engine, type SqlDb } from './sql';
import { AppError } from '../../../shared/errors';

export type { Transact } from './transaction';

/**
 * What only SQLite has: the file snapshot a backup copies. On PostgreSQL, backing up is the database
 * server's job (pg_dump, its own replication), and these answer so in words.
 */
function sqliteOnly(sqlite: Db | null) {
  return {
    backup: sqlite ? backupRepo(sqlite) : unavailableOnPostgres<ReturnType<typeof backupRepo>>('Backups'),
    snapshots: sqlite ? snapshotRepo(sqlite) : unavailableOnPostgres<ReturnType<typeof snapshotRepo>>('Backups'),
  };
}

/** A repository every call of which refuses: the feature is the database server's on PostgreSQL. */
function unavailableOnPostgres<T extends object>(feature: string): T {
  return new Proxy({} as T, {
    get: () => () => {
      throw new AppError('unavailable', `${feature} of a team database on PostgreSQL are made by the database server (pg_dump or its own backups), not by Paydesk.`);
    },
  });
}

/**
 * One repository per table group, each built once over the store's connection: `sql` is the connection in
 * the shape both engines share (sql.ts); `sqlite` the SQLite connection itself, null on PostgreSQL.
 */
export function createRepos(sql: SqlDb, now: () => number, sqlite: Db | null) {
  const payments = paymentsRepo(sql);
  return {
    accounts: accountsRepo(sql),
    settings: settingsRepo(sql, now),
    payments,
    paymentLinks: paymentLinksRepo(sql, payments),
    orders: ordersRepo(sql),
    webhookEvents: webhookEventsRepo(sql),
    deliveries: deliveriesRepo(sql),
    refunds: refundsRepo(sql),
    audit: auditRepo(sql),
    operators: operatorsRepo(sql),
    vault: vaultRepo(sql),
    paymentList: paymentListRepo(sql),
    settlements: settlementsRepo(sql),
    ledger: ledgerRepo(sql),
    reconciliation: reconciliationRepo(sql),
    reportViews: reportViewsRepo(sql),
    apiIdempotency: apiIdempotencyRepo(sql),
    apiRate: apiRateRepo(sql),
    callbacks: callbacksRepo(sql),
    lease: leaseRepo(sql),
    team: teamRepo(sql),
    ...sqliteOnly(sqlite),
  };
}

export type Repos = ReturnType<typeof createRepos>;

export interface Store {
  readonly engine: Engine;
  readonly repos: Repos;
  /** the connection in the shape both engines share: for in-process tools and tests that read rows the way repositories do */
  readonly sql: SqlDb;
  /** runs `fn` in one transaction (a savepoint when nested) */
  readonly transaction: Transact;
  /** group-commit durability for the webhook ingest: commits answered once an fsync begun after them ends */
  durability(opts?: DurabilityOptions): Durability;
}

export function createStore(db: Db, now: () => number): Store {
  const sql = sqliteSql(db);
  return { engine: 'sqlite', sql, repos: createRepos(sql, now, db), transaction: sqliteTransact(db), durability: (opts) => createDurability(db, opts) };
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
