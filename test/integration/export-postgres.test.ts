// The reconciliation export on the team database gives the same file as on SQLite. One set of rows (payments
// with fees and GST, half-refunds, daily settlements and payouts, fees and an adjustment the gateway settled,
// a refund still pending and one that failed, text that needs CSV quoting) is written to a SQLite file with
// every migration, copied into a throwaway PostgreSQL database at the same schema version by the store move's
// own table copy, and exported with every preset from both: the bytes must be equal. Then what only the
// PostgreSQL reader does: the rows come a page at a time from one snapshot, and cancelling closes the cursor.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PRESETS, type PresetId } from '../../electron/core/reports/columns';
import { ExportCancelledError, startExport, type ExportFilters } from '../../electron/core/reports/export';
import { copyTable, planCopy } from '../../electron/core/store/move/copy';
import { migratePg } from '../../electron/core/store/pg/migrate';
import { openPgSync, type PgSync } from '../../electron/core/store/pg/sync-client';
import { moveRepo } from '../../electron/core/store/repos/move';
import { pgSql, sqliteSql } from '../../electron/core/store/sql';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { createReportDb, insertSettlement, insertSettlementItem, seedBulk, type Db } from '../fixtures/report-schema';

const START = Date.UTC(2024, 0, 1);
const JANUARY: ExportFilters = { from: '2024-01-01', to: '2024-01-31', mode: 'test' };
const IST = 'Asia/Kolkata';
const PAYMENTS = 12_000;

let dir: string;
let cluster: PgCluster;
let url: string;
let db: Db;
let pg: PgSync;

/** What the bulk seed leaves out: items the gateway settled on its own, and refunds that moved no money yet. */
function seedEdges(d: Db): void {
  const at = START + 20 * 86_400_000;
  insertSettlement(d, { id: 'stl_extra', account_id: 'acc_rzp_test', gateway: 'razorpay', livemode: 0, gateway_settlement_id: 'setl_extra0000001', currency: 'INR', amount_minor: -1_500, status: 'processed', created_at: at + 7, utr: 'UTR-EXTRA' });
  insertSettlementItem(d, { settlement_id: 'stl_extra', kind: 'fee', gateway_txn_id: 'fee_extra_1', amount_minor: -1_200, fee_minor: 1_200, tax_minor: 183, net_minor: -1_200, created_at: at + 3 });
  insertSettlementItem(d, { settlement_id: 'stl_extra', kind: 'adjustment', gateway_txn_id: 'adj_extra_1', amount_minor: -300, net_minor: -300, created_at: at + 5 });
  d.prepare("UPDATE refunds SET status = 'pending' WHERE id = (SELECT min(id) FROM refunds)").run();
  d.prepare("UPDATE refunds SET status = 'failed' WHERE id = (SELECT max(id) FROM refunds)").run();
  d.prepare('UPDATE payments SET fee_minor = NULL, tax_minor = NULL, net_minor = NULL WHERE id = ?').run('pay_local_00000007');
}

/** The store move's table copy, in one transaction, as `npm run store -- migrate` does it. */
function copyIntoPostgres(from: Db, to: PgSync): void {
  const source = moveRepo(sqliteSql(from));
  const target = moveRepo(pgSql(to));
  to.transaction(() => {
    for (const t of planCopy(source.tables(), target.tables())) copyTable(source, target, t);
  });
}

/** the index of the first column holding the row's time, by its header */
const timeColumn = (header: string): number => header.replace(/^\uFEFF/, '').split(',').findIndex((h) => /^(created_utc|created|settled_at|transaction_date)/.test(h));
/** one cell of a line whose cells before `i` need no quoting (ids, codes and times come first in every preset) */
const cell = (line: string, i: number): string => line.split(',')[i] ?? '';

async function exportFrom(where: { dbPath: string } | { postgres: { url: string } }, preset: PresetId, name: string, filters = JANUARY): Promise<string> {
  const outPath = path.join(dir, `${name}-${preset}.csv`);
  await startExport({ ...where, outPath, preset, filters, timeZone: IST, bom: true }).done;
  return readFileSync(outPath, 'utf8');
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'paydesk-export-pg-'));
  db = createReportDb(path.join(dir, 'paydesk.sqlite'));
  seedBulk(db, { payments: PAYMENTS, refundEvery: 5, startMs: START, days: 30, settle: true });
  seedEdges(db);
  cluster = await startPgCluster();
  url = await cluster.createDatabase('paydesk_export');
  pg = openPgSync({ url });
  migratePg(pg, { now: () => START });
  copyIntoPostgres(db, pg);
}, 120_000);

afterAll(() => {
  pg?.close();
  db?.close();
  cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the CSV export on the team database', () => {
  // Rows of one millisecond (two accounts paid out at 10:00) may come in another order on each engine; the
  // rows themselves, and the order of everything else, must be the same.
  it.each(Object.keys(PRESETS) as PresetId[])('writes the same %s rows as SQLite, in the same time order', async (preset) => {
    const fromSqlite = await exportFrom({ dbPath: path.join(dir, 'paydesk.sqlite') }, preset, 'sqlite');
    const fromPostgres = await exportFrom({ postgres: { url } }, preset, 'postgres');
    const sqliteLines = fromSqlite.split('\r\n');
    const pgLines = fromPostgres.split('\r\n');
    expect(sqliteLines.length).toBeGreaterThan(preset === 'razorpay_recon' ? 5_000 : 7_000);
    expect(pgLines[0]).toBe(sqliteLines[0]);
    expect([...pgLines].sort()).toEqual([...sqliteLines].sort());
    const time = timeColumn(sqliteLines[0]!);
    expect(pgLines.map((l) => cell(l, time))).toEqual(sqliteLines.map((l) => cell(l, time)));
  }, 60_000);

  it('filters by gateway and account as SQLite does', async () => {
    const filters: ExportFilters = { ...JANUARY, gateway: 'razorpay', accountIds: ['acc_rzp_test'] };
    const fromSqlite = await exportFrom({ dbPath: path.join(dir, 'paydesk.sqlite') }, 'paydesk', 'sqlite-rzp', filters);
    expect(await exportFrom({ postgres: { url } }, 'paydesk', 'postgres-rzp', filters)).toBe(fromSqlite);
    expect(fromSqlite).not.toContain('acc_stripe_test');
  }, 60_000);

  it('exports from one snapshot: a payment paid while the file is being written is not in it', async () => {
    const outPath = path.join(dir, 'snapshot.csv');
    const late = 'pay_local_late_0001';
    const h = startExport({ postgres: { url }, outPath, preset: 'paydesk', filters: JANUARY, timeZone: 'UTC', progressEveryRows: 5_000, progressEveryMs: 0 });
    let wrote = false;
    h.onProgress(() => {
      if (wrote) return;
      wrote = true;
      pg.query(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, status, idempotency_key, paid_at, captured_minor, created_at, updated_at, gateway_ref)
        VALUES ($1, 'acc_stripe_test', 'stripe', 0, 'stripe_checkout', 'ORD-LATE', 5000, 'USD', 'paid', 'idem_late', $2, 5000, $2, $2, 'ORD-LATE')`, [late, START + 86_400_000 * 29]);
    });
    const done = await h.done;
    expect(wrote).toBe(true);
    expect(readFileSync(outPath, 'utf8')).not.toContain('ORD-LATE');
    expect(done.rows).toBeGreaterThan(10_000);
    pg.query('DELETE FROM payments WHERE id = $1', [late]);
  }, 60_000);

  it('cancels mid-way: no file, and the export connection is gone', async () => {
    const outPath = path.join(dir, 'cancelled.csv');
    const h = startExport({ postgres: { url }, outPath, preset: 'paydesk', filters: JANUARY, timeZone: 'UTC', progressEveryRows: 1_024, progressEveryMs: 0 });
    h.onProgress(() => h.cancel());
    await expect(h.done).rejects.toBeInstanceOf(ExportCancelledError);
    expect(() => readFileSync(outPath)).toThrow(/ENOENT/);
    const open = async (): Promise<number> => Number(pg.query<{ n: number }>("SELECT count(*) AS n FROM pg_stat_activity WHERE application_name = 'paydesk-export'").rows[0]?.n);
    for (let i = 0; i < 50 && (await open()) > 0; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await open()).toBe(0);
  }, 60_000);
});
