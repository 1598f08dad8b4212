// Every SQL statement backup and restore need: the facts a backup's manifest records (counted on the
// snapshot itself, so they describe exactly what is in the file), and the vault's sealed data key.
import type { Db } from '../db';

export interface DeskTotals {
  payments: number;
  refunds: number;
  auditRows: number;
  operators: number;
  /** per currency and mode, sorted: captured and refunded minor units */
  sums: { currency: string; livemode: boolean; capturedMinor: number; refundedMinor: number }[];
}

const count = (db: Db, table: string): number => (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

export function backupRepo(db: Db) {
  return {
    /** the manifest's counts and sums, read in one transaction so they agree with each other */
    totals(): DeskTotals {
      return db.transaction((): DeskTotals => ({
        payments: count(db, 'payments'),
        refunds: count(db, 'refunds'),
        auditRows: count(db, 'audit_log'),
        operators: count(db, 'operators'),
        sums: (db.prepare(`SELECT currency, livemode, sum(captured_minor) AS c, sum(refunded_minor) AS r
            FROM payments GROUP BY currency, livemode ORDER BY currency, livemode`).all() as { currency: string; livemode: number; c: number; r: number }[])
          .map((x) => ({ currency: x.currency, livemode: x.livemode === 1, capturedMinor: x.c, refundedMinor: x.r })),
      })).deferred();
    },
    /** true when the desk holds anything a restore would replace (a fresh install's sandbox accounts do not count) */
    hasData(): boolean {
      const t = (name: string) => (db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) as { n: number }).n > 0;
      if (!t('accounts')) return false;
      if ((db.prepare('SELECT count(*) AS n FROM accounts WHERE builtin IS NULL').get() as { n: number }).n > 0) return true;
      return ['payments', 'refunds', 'operators', 'audit_log'].some((table) => t(table) && count(db, table) > 0);
    },
    /** the vault's data key as this machine's protector sealed it */
    sealedKey(): { protector: string; sealedKey: Buffer } | null {
      const row = db.prepare('SELECT protector, sealed_key FROM vault_meta WHERE id = 1').get() as { protector: string; sealed_key: Buffer } | undefined;
      return row ? { protector: row.protector, sealedKey: row.sealed_key } : null;
    },
    /** a restored desk: the data key re-sealed with THIS machine's protector */
    resealKey(protector: string, sealedKey: Buffer): void {
      const r = db.prepare('UPDATE vault_meta SET protector = ?, sealed_key = ? WHERE id = 1').run(protector, sealedKey);
      if (r.changes !== 1) throw new Error('the backup holds no vault key');
    },
  };
}

export type BackupRepo = ReturnType<typeof backupRepo>;
