// The one transaction seam. Services never see the database: they get repositories and this function.
// A call inside another runs as a savepoint, so a service can compose others' writes into its own commit.
import type { Db } from './db';

/** Runs `fn` in one transaction: all its repository writes commit together or none does. */
export type Transact = <T>(fn: () => T) => T;

/**
 * SQLite: IMMEDIATE at the outermost level (the write lock up front: two writers queue on the busy timeout
 * instead of one failing to upgrade a read lock), a savepoint when nested.
 */
export function sqliteTransact(db: Db): Transact {
  return <T>(fn: () => T): T => (db.inTransaction ? db.transaction(fn)() : db.transaction(fn).immediate());
}
