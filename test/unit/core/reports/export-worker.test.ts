// The export worker over 80,000 payments: progress while it runs, cancel, parallel slices that write what one
// worker writes, a snapshot that holds while others write, and a failure that leaves no file.
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExportCancelledError, startExport, type ExportFilters, type ExportProgress } from '../../../../electron/core/reports/export';
import { createReportDb, insertPayment, seedBulk } from '../../../fixtures/report-schema';

const dir = mkdtempSync(path.join(os.tmpdir(), 'paydesk-export-worker-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const IST = 'Asia/Kolkata';
const JAN: ExportFilters = { from: '2024-01-01', to: '2024-01-31', mode: 'test' };

describe('worker: progress and cancel', () => {
  const bigDb = path.join(dir, 'big.db');
  /** payout rows: the bulk data is paid out daily per account, each payout a row of its own */
  let payouts = 0;
  beforeAll(() => {
    const db = createReportDb(bigDb);
    // 80,000 payments over twenty days of January, every fourth refunded, paid out daily
    payouts = seedBulk(db, { payments: 80_000, refundEvery: 4, startMs: Date.UTC(2024, 0, 1), days: 20, settle: true }).settlements;
    db.close();
    expect(payouts).toBeGreaterThan(30);
  });

  it('posts progress (rows written) while it runs and ends with every row', async () => {
    const outPath = path.join(dir, 'big.csv');
    const progress: ExportProgress[] = [];
    const h = startExport({ dbPath: bigDb, outPath, preset: 'paydesk', filters: JAN, timeZone: IST, progressEveryRows: 10_000 });
    h.onProgress((p) => progress.push(p));
    const result = await h.done;
    expect(result.rows).toBe(100_000 + payouts);
    expect(progress.length).toBeGreaterThanOrEqual(5);
    for (let i = 1; i < progress.length; i++) {
      expect(progress[i]!.rows).toBeGreaterThan(progress[i - 1]!.rows);
      expect(progress[i]!.bytes).toBeGreaterThan(progress[i - 1]!.bytes);
    }
    expect(readFileSync(outPath).length).toBe(result.bytes);
    expect(existsSync(`${outPath}.partial`)).toBe(false);
  });

  it('cancel stops the worker and deletes the partial file', async () => {
    const outPath = path.join(dir, 'cancelled.csv');
    let seen = 0;
    const h = startExport({
      dbPath: bigDb, outPath, preset: 'paydesk', filters: JAN, timeZone: IST, progressEveryRows: 5_000,
      onProgress: (p) => {
        seen = p.rows;
        h.cancel();
      },
    });
    const err = await h.done.then(() => null, (e: unknown) => e);
    expect(err).toBeInstanceOf(ExportCancelledError);
    expect((err as ExportCancelledError).rows).toBeLessThan(100_000);
    expect(seen).toBeGreaterThan(0);
    expect(existsSync(outPath)).toBe(false);
    expect(existsSync(`${outPath}.partial`)).toBe(false);
  });

  const partFiles = (outPath: string): string[] => readdirSync(dir).filter((f) => f.startsWith(`${path.basename(outPath)}.partial`));

  it('in parallel (3 workers, one per time slice) writes byte for byte what one worker writes', async () => {
    const one = path.join(dir, 'one.csv');
    const three = path.join(dir, 'three.csv');
    const progress: ExportProgress[] = [];
    const sliceRows: number[] = [];
    const a = await startExport({ dbPath: bigDb, outPath: one, preset: 'paydesk', filters: JAN, timeZone: IST, bom: true, parallelism: 1 }).done;
    const b = await startExport({
      dbPath: bigDb, outPath: three, preset: 'paydesk', filters: JAN, timeZone: IST, bom: true, parallelism: 3, progressEveryRows: 5_000,
      onProgress: (p) => progress.push(p), onPartDone: (i, rows) => (sliceRows[i] = rows),
    }).done;
    expect(b.rows).toBe(100_000 + payouts);
    // the range was really split: every worker exported a slice of its own
    expect(sliceRows).toHaveLength(3);
    for (const n of sliceRows) expect(n).toBeGreaterThan(10_000);
    expect(sliceRows.reduce((x, y) => x + y, 0)).toBe(b.rows);
    expect(b).toEqual({ ...a, outPath: three });
    expect(readFileSync(three).equals(readFileSync(one))).toBe(true);
    // progress is the sum over the workers and only grows
    expect(progress.length).toBeGreaterThan(3);
    for (let i = 1; i < progress.length; i++) expect(progress[i]!.rows).toBeGreaterThanOrEqual(progress[i - 1]!.rows);
    expect(partFiles(three)).toEqual([]);
  });

  it('a write committed while the workers take their snapshots makes them all take a new one', async () => {
    const outPath = path.join(dir, 'resnapshot.csv');
    const attempts: number[] = [];
    const writer = new Database(bigDb);
    const result = await startExport({
      dbPath: bigDb, outPath, preset: 'paydesk', filters: JAN, timeZone: IST, parallelism: 2,
      onSnapshots: (attempt) => {
        attempts.push(attempt);
        if (attempt === 0) insertPayment(writer, { id: 'p_late', account_id: 'acc_stripe_test', gateway: 'stripe', livemode: 0, order_ref: 'ORD-LATE', amount_minor: 100, currency: 'USD', paid_at: Date.UTC(2024, 0, 20) });
      },
    }).done;
    writer.close();
    expect(attempts).toEqual([0, 1]);
    // the second snapshot holds the new payment, and every worker read that same snapshot: it is there once
    const lines = readFileSync(outPath, 'utf8').split('\r\n').filter((l) => l.includes('ORD-LATE'));
    expect(lines).toHaveLength(1);
    expect(result.rows).toBe(100_001 + payouts);
  });

  it('under a steady stream of writes it gives up on parallel and exports alone, from one snapshot', async () => {
    const outPath = path.join(dir, 'solo.csv');
    const attempts: number[] = [];
    const writer = new Database(bigDb);
    const before = (writer.prepare(`SELECT count(*) FROM payments WHERE order_ref LIKE 'ORD-STREAM-%'`).pluck().get() as number);
    const result = await startExport({
      dbPath: bigDb, outPath, preset: 'paydesk', filters: JAN, timeZone: IST, parallelism: 2,
      onSnapshots: (attempt) => {
        attempts.push(attempt);
        insertPayment(writer, { id: `p_stream_${attempt}`, account_id: 'acc_stripe_test', gateway: 'stripe', livemode: 0, order_ref: `ORD-STREAM-${attempt}`, amount_minor: 100, currency: 'USD', paid_at: Date.UTC(2024, 0, 21) });
      },
    }).done;
    writer.close();
    expect(before).toBe(0);
    expect(attempts).toEqual([0, 1, 2, 3]);
    // the snapshot of the last attempt: it saw the rows written at attempts 0-2 but not the one written after it
    const text = readFileSync(outPath, 'utf8');
    expect(['0', '1', '2', '3'].map((a) => text.includes(`ORD-STREAM-${a},`))).toEqual([true, true, true, false]);
    expect(result.rows).toBe(100_001 + 3 + payouts);
    expect(partFiles(outPath)).toEqual([]);
  });

  it('a failing export rejects and leaves no file behind', async () => {
    const outPath = path.join(dir, 'failed.csv');
    const h = startExport({ dbPath: path.join(dir, 'missing.db'), outPath, preset: 'paydesk', filters: JAN, timeZone: IST });
    await expect(h.done).rejects.toThrow();
    expect(existsSync(outPath)).toBe(false);
    expect(existsSync(`${outPath}.partial`)).toBe(false);
  });
});
