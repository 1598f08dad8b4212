// payments.lockForChange on both engines: on PostgreSQL it holds the payment's row lock until the
// transaction ends (another connection cannot take it meanwhile, and can once it commits), and a wait longer
// than lock_timeout fails with SQLSTATE 55P03; on SQLite, whose write transaction serialises every writer
// already, it is a no-op inside and outside a transaction.
import pg from 'pg';
import { beforeAll, expect, it } from 'vitest';
import { describeOnBothEngines, type EngineStore } from '../fixtures/engines';
import { paymentInsert, seedAccounts } from './payment-seed';

/** A second connection to the same database, outside the store's worker (so the test can hold a lock meanwhile). */
async function otherConnection(s: EngineStore & { pg?: { query(sql: string): { rows: Record<string, unknown>[] } } }): Promise<pg.Client> {
  const row = s.pg!.query('SELECT current_database() AS db, current_user AS who, inet_server_port() AS port').rows[0]!;
  const client = new pg.Client({ connectionString: `postgres://${String(row.who)}@127.0.0.1:${String(row.port)}/${String(row.db)}` });
  await client.connect();
  return client;
}

describeOnBothEngines('payments.lockForChange', (store, engine) => {
  beforeAll(() => {
    seedAccounts(store());
    store().repos.payments.insert(paymentInsert('pd_lock'));
  });

  it('locks the payment row until the transaction ends', async () => {
    const s = store();
    if (engine === 'sqlite') {
      expect(() => s.repos.payments.lockForChange('pd_lock')).not.toThrow();
      expect(() => s.transaction(() => s.repos.payments.lockForChange('pd_lock'))).not.toThrow();
      return;
    }
    const other = await otherConnection(s);
    try {
      s.exec('BEGIN');
      s.repos.payments.lockForChange('pd_lock');
      await expect(other.query("SELECT id FROM payments WHERE id = 'pd_lock' FOR UPDATE NOWAIT")).rejects.toMatchObject({ code: '55P03' });
      // a payment this desk did not lock stays free
      s.repos.payments.insert(paymentInsert('pd_free'));
      s.exec('COMMIT');
      const free = await other.query("SELECT id FROM payments WHERE id IN ('pd_lock', 'pd_free') FOR UPDATE NOWAIT");
      expect(free.rowCount).toBe(2);
    } finally {
      await other.end();
    }
  });

  it('gives up after lock_timeout with SQLSTATE 55P03 while another connection holds the row', async () => {
    if (engine === 'sqlite') return;
    const s = store();
    const other = await otherConnection(s);
    try {
      await other.query('BEGIN');
      await other.query("SELECT id FROM payments WHERE id = 'pd_lock' FOR UPDATE");
      const started = Date.now();
      let caught: unknown = null;
      s.exec('BEGIN');
      try {
        s.exec("SET LOCAL lock_timeout = '300ms'");
        s.repos.payments.lockForChange('pd_lock');
      } catch (err) {
        caught = err;
      } finally {
        s.exec('ROLLBACK');
      }
      expect(caught).toMatchObject({ code: '55P03' });
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      await other.query('ROLLBACK');
      // the row is free again: the lock is taken at once
      s.transaction(() => s.repos.payments.lockForChange('pd_lock'));
    } finally {
      await other.end();
    }
  });
});
