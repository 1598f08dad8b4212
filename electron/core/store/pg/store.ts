// The PostgreSQL store of a team: the same repositories and transaction seam as SQLite's (../index.ts), over
// the synchronous client. Opening migrates the database forward (one desk at a time, ./migrate.ts) or
// refuses one a newer Paydesk upgraded. Commits are durable when COMMIT returns (synchronous_commit on),
// so the webhook ingest's group commit has nothing to defer here.
import type { Durability } from '../durability';
import { createRepos, type Store } from '../index';
import { pgSql } from '../sql';
import { migratePg } from './migrate';
import { openPgSync, type PgSync } from './sync-client';

export interface PgStore extends Store {
  readonly pg: PgSync;
  close(): void;
}

/** Every commit is already durable: nothing is deferred, nothing to wait for. */
const immediateDurability: Durability = {
  commit(commit) {
    commit();
    return false;
  },
  whenDurable: (done) => done(null),
  relaxed: (fn) => fn(),
  close: () => undefined,
};

export function openPgStore(url: string, now: () => number, log: (level: 'info', message: string) => void, applicationName = 'paydesk', password?: string): PgStore {
  const pg = openPgSync({ url, applicationName, ...(password !== undefined ? { password } : {}) });
  try {
    const m = migratePg(pg, { now });
    if (m.applied.length > 0) log('info', `team database migrated to version ${m.to}`);
  } catch (err) {
    pg.close();
    throw err;
  }
  const sql = pgSql(pg);
  return {
    engine: 'postgres',
    sql,
    repos: createRepos(sql, now, null),
    transaction: (fn) => pg.transaction(fn),
    durability: () => immediateDurability,
    pg,
    close: () => pg.close(),
  };
}
