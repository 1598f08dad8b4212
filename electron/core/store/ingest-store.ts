// What the webhook ingest needs of the store, over one connection: its repositories, the transaction
// seam and the group commit's durability (for the composition root, tests and the bench).
import type { Db } from './db';
import { createDurability, type DurabilityOptions } from './durability';
import { ordersRepo } from './repos/orders';
import { paymentsRepo } from './repos/payments';
import { webhookEventsRepo } from './repos/webhook-events';
import { sqliteSql } from './sql';
import { sqliteTransact } from './transaction';

export function ingestStoreOf(db: Db, opts: DurabilityOptions = {}) {
  return { events: webhookEventsRepo(sqliteSql(db)), payments: paymentsRepo(sqliteSql(db)), orders: ordersRepo(sqliteSql(db)), transaction: sqliteTransact(db), durability: createDurability(db, opts) };
}

export type IngestStore = ReturnType<typeof ingestStoreOf>;
