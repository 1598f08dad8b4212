// The two engines refuse the same rows at schema 15: each case inserts one row (after the rows it needs) with the
// same SQL and values into SQLite (in memory) and PostgreSQL (a throwaway cluster), in a transaction rolled back
// afterwards, and both must accept it or both refuse it with a constraint error. The shape is compared by
// pg-parity.test.ts; this checks what the translated CHECKs, partial and case-blind unique indexes and foreign
// keys mean: json_valid, GLOB, LIKE (case-blind in SQLite), length of a BLOB, NOCASE. Last, both sort and compare
// text the same (byte order: SQLite's BINARY, PostgreSQL's COLLATE "C"), which keyset cursors rely on.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../../electron/core/store/migrate';
import { migratePg } from '../../electron/core/store/pg/migrate';
import { pgStatement } from '../../electron/core/store/pg/statement';
import { openPgSync, type PgSync } from '../../electron/core/store/pg/sync-client';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';

type Row = Record<string, unknown>;

const BASE: Record<string, Row> = {
  accounts: { id: 'acct_x', gateway: 'stripe', mode: 'test', livemode: 0, label: 'Shop', sandbox: 0, builtin: null, created_at: 1, updated_at: 1 },
  vault_secrets: { ref: 'r1', nonce: Buffer.alloc(12), ciphertext: Buffer.from('sealed'), tag: Buffer.alloc(16), mode: null, created_at: 1, updated_at: 1 },
  vault_meta: { id: 1, protector: 'keyfile', sealed_key: Buffer.from('k'), created_at: 1 },
  settings: { key: 'k', value: '{"a":1}', updated_at: 1 },
  operators: { id: 'op1', name: 'Ann', role: 'staff', pin_hash: 'scrypt$1$2', created_at: 1, updated_at: 1, disabled_at: null },
  payments: {
    id: 'pd_x', account_id: 'acct_1', gateway: 'stripe', livemode: 0, kind: 'stripe_checkout', order_ref: 'O-1', amount_minor: 100,
    currency: 'EUR', idempotency_key: 'idem_x', created_at: 1, updated_at: 1, gateway_ref: 'O-1', machine: null, parent_id: null, reusable: 0,
  },
  audit_log: { at: 1, operator_name: 'owner', action: 'link.created', details: '{}', livemode: 0 },
  api_idempotency: { token_id: 't', key: 'k', method: 'POST', path: '/api', body_sha256: Buffer.alloc(32), status: null, response: null, created_at: 1 },
  callback_events: {
    id: 'evt_1', type: 'payment.paid', subject: 's', payment_id: 'p', account_id: 'a', livemode: 0, payload: '{}', created_at: 1,
    status: 'pending', next_attempt_at: 5, delivered_at: null,
  },
  api_rate: { bucket: 'b', window_start: 0, count: 0, expires_at: 1 },
};

interface Case { table: string; what: string; row: Row; ok: boolean; before?: Array<[string, Row]> }
const c = (table: string, what: string, row: Row, ok: boolean, before?: Array<[string, Row]>): Case => ({ table, what, row, ok, before });

const CASES: Case[] = [
  ...Object.keys(BASE).map((t) => c(t, 'a valid row', {}, true)),
  c('accounts', 'livemode contradicting the mode', { livemode: 1 }, false),
  c('accounts', 'a live sandbox', { mode: 'live', livemode: 1, sandbox: 1 }, false),
  c('accounts', 'a built-in account that is no sandbox', { builtin: 'sandbox-stripe' }, false),
  c('accounts', 'a 61-character label', { label: 'x'.repeat(61) }, false),
  c('vault_secrets', 'an 11-byte nonce', { nonce: Buffer.alloc(11) }, false),
  c('vault_meta', 'a second key row', { id: 2 }, false),
  c('settings', 'a value that is not JSON', { value: '{oops' }, false),
  c('settings', 'a JSON string', { value: '"text"' }, true),
  c('operators', 'a PIN hash spelled in capitals (LIKE ignores case)', { pin_hash: 'SCRYPT$1' }, true),
  c('operators', 'a PIN in clear', { pin_hash: '1234' }, false),
  c('operators', 'a second active operator of the same name in other case', { id: 'op2', name: 'ann' }, false, [['operators', {}]]),
  c('operators', 'names differing only in a non-ASCII capital (NOCASE folds ASCII only)', { id: 'op2', name: 'émile' }, true, [['operators', { name: 'Émile' }]]),
  c('operators', 'the same name as a disabled operator', { id: 'op2', name: 'ann' }, true, [['operators', { disabled_at: 5 }]]),
  c('payments', 'an unknown account', { account_id: 'acct_none' }, false),
  c('payments', 'a lower-case currency', { currency: 'eur' }, false),
  c('payments', 'a zero amount', { amount_minor: 0 }, false),
  c('payments', 'a flag of 2', { livemode: 2 }, false),
  c('payments', 'a state that is not JSON', { machine: '{' }, false),
  c('payments', 'a second attempt number 1 of the same order', { id: 'pd_y', idempotency_key: 'idem_y', gateway_ref: 'O-1/2' }, false, [['payments', {}]]),
  c('payments', 'a child payment of a link with the same order', { id: 'pd_y', idempotency_key: 'idem_y', parent_id: 'pd_x' }, true, [['payments', { reusable: 1 }]]),
  c('payments', 'a reusable child', { id: 'pd_y', idempotency_key: 'idem_y', parent_id: 'pd_x', reusable: 1 }, false, [['payments', {}]]),
  c('audit_log', 'an action without a dot', { action: 'refund' }, false),
  c('audit_log', 'an action starting with a capital', { action: 'Refund.requested' }, false),
  c('audit_log', 'an action with two dots', { action: 'a.b.c' }, true),
  c('audit_log', 'details that are not JSON', { details: 'x' }, false),
  c('api_idempotency', 'a status without a response', { status: 200 }, false),
  c('api_idempotency', 'an answered request', { status: 200, response: '{}' }, true),
  c('api_idempotency', 'a 31-byte body hash', { body_sha256: Buffer.alloc(31) }, false),
  c('api_idempotency', 'a status of 600', { status: 600, response: '{}' }, false),
  c('callback_events', 'pending without a next attempt', { next_attempt_at: null }, false),
  c('callback_events', 'delivered', { status: 'delivered', next_attempt_at: null, delivered_at: 9 }, true),
  c('callback_events', 'an id spelled in capitals (LIKE ignores case)', { id: 'EVT_1' }, true),
  c('callback_events', 'an id without the evt_ prefix', { id: 'cb_1' }, false),
  c('api_rate', 'an empty bucket', { bucket: '' }, false),
  c('api_rate', 'a negative count', { count: -1 }, false),
];

const insertSql = (table: string, row: Row): string => {
  const cols = Object.keys(row);
  return `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map((k) => `@${k}`).join(', ')})`;
};

class Rollback extends Error {}

/** 'ok', 'refused' (a constraint error), or the unexpected error's message */
function outcome(transaction: (fn: () => void) => void, insert: (table: string, row: Row) => void, isConstraint: (e: unknown) => boolean, k: Case): string {
  try {
    transaction(() => {
      for (const [t, r] of k.before ?? []) insert(t, { ...BASE[t], ...r });
      try {
        insert(k.table, { ...BASE[k.table], ...k.row });
      } catch (e) {
        if (isConstraint(e)) throw new Rollback('refused');
        throw e;
      }
      throw new Rollback('ok');
    });
    return 'not rolled back';
  } catch (e) {
    return e instanceof Rollback ? e.message : `error: ${(e as Error).message}`;
  }
}

let cluster: PgCluster;
let pgdb: PgSync;
let sqlite: Database.Database;
const ACCOUNT = "INSERT INTO accounts (id, gateway, mode, livemode, label, created_at, updated_at) VALUES ('acct_1', 'stripe', 'test', 0, 'Shop', 1, 1)";

beforeAll(async () => {
  cluster = await startPgCluster();
  pgdb = openPgSync({ url: await cluster.createDatabase('paydesk_constraints') });
  migratePg(pgdb, { now: () => 1000 });
  pgdb.query(ACCOUNT);
  sqlite = new Database(':memory:');
  sqlite.pragma('foreign_keys = ON');
  migrate(sqlite, { to: 15, now: () => 1000 });
  sqlite.exec(ACCOUNT);
}, 60_000);
afterAll(() => {
  sqlite?.close();
  pgdb?.close();
  cluster?.stop();
});

describe('the two engines at schema 15 refuse the same rows', () => {
  it.each(CASES.map((k) => [`${k.table}: ${k.what}`, k] as const))('%s', (_name, k) => {
    const onSqlite = outcome(
      (fn) => sqlite.transaction(fn)(),
      (t, r) => void sqlite.prepare(insertSql(t, r)).run(r),
      (e) => String((e as { code?: unknown }).code).startsWith('SQLITE_CONSTRAINT'),
      k,
    );
    const onPg = outcome(
      (fn) => pgdb.transaction(fn),
      (t, r) => void pgStatement(pgdb, insertSql(t, r)).run(r),
      (e) => String((e as { code?: unknown }).code).startsWith('23'),
      k,
    );
    const want = k.ok ? 'ok' : 'refused';
    expect({ sqlite: onSqlite, postgres: onPg }).toEqual({ sqlite: want, postgres: want });
  });
});

/** runs `fn` in a transaction that is always rolled back, and returns what it returned */
function rolledBack<T>(transaction: (fn: () => void) => void, fn: () => T): T {
  let out: T | undefined;
  try {
    transaction(() => {
      out = fn();
      throw new Rollback('done');
    });
  } catch (e) {
    if (!(e instanceof Rollback)) throw e;
  }
  return out as T;
}

describe('the two engines at schema 15 order text the same', () => {
  it("sorts names byte by byte, as SQLite's BINARY does, whatever the server's locale", () => {
    const names = ['bob', 'Ann', 'ann', 'Émile', 'émile', 'Zoë', 'zoe', '10', '9', 'a b', 'a-b'];
    const insert = `INSERT INTO operators (id, name, role, pin_hash, created_at, updated_at, disabled_at)
      VALUES (@id, @name, 'staff', 'scrypt$x', 1, 1, 1)`;
    const read = 'SELECT name FROM operators WHERE name > @after ORDER BY name, id';
    const onSqlite = rolledBack((fn) => sqlite.transaction(fn)(), () => {
      names.forEach((name, i) => sqlite.prepare(insert).run({ id: `op${i}`, name }));
      return sqlite.prepare(read).pluck().all({ after: 'Zoë' });
    });
    const onPg = rolledBack((fn) => pgdb.transaction(fn), () => {
      names.forEach((name, i) => pgStatement(pgdb, insert).run({ id: `op${i}`, name }));
      return pgStatement(pgdb, read).pluck().all({ after: 'Zoë' });
    });
    expect(onSqlite).toEqual(['a b', 'a-b', 'ann', 'bob', 'zoe', 'Émile', 'émile']);
    expect(onPg).toEqual(onSqlite);
  });
});
