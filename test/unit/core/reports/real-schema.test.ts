// The export statement against the real migrations: every column store/repos/movements.ts reads exists,
// and the hot arms walk the time indexes instead of scanning and sorting.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../../electron/core/reports/columns';
import { buildMovementQuery, buildTotalsQuery } from '../../../../electron/core/store/repos/movements';
import { migrate } from '../../../../electron/core/store/migrate';

function realDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db;
}

describe('movements.ts against the real migrations', () => {
  it('every preset statement prepares and runs', () => {
    const db = realDb();
    for (const preset of Object.values(PRESETS)) {
      const q = buildMovementQuery({ startMs: 0, endMs: Date.UTC(2030, 0, 1), mode: 'test', gateway: preset.gateway, accountIds: ['a', 'b'], payouts: preset.payouts });
      expect(db.prepare(q.sql).raw(true).all(q.params)).toEqual([]);
      const t = buildTotalsQuery({ startMs: 0, endMs: 1, mode: 'live' });
      expect(db.prepare(t.sql).all(t.params)).toEqual([]);
    }
    db.close();
  });

  it('reads payments and refunds through their time indexes, without a full sort', () => {
    const db = realDb();
    const q = buildMovementQuery({ startMs: 0, endMs: 1, mode: 'live' });
    const plan = (db.prepare(`EXPLAIN QUERY PLAN ${q.sql}`).all(q.params) as { detail: string }[]).map((r) => r.detail).join('\n');
    expect(plan).toMatch(/SEARCH p USING INDEX payments_by_paid/);
    expect(plan).toMatch(/SEARCH r USING INDEX refunds_by_created/);
    expect(plan).toMatch(/MERGE \(UNION ALL\)/);
    expect(plan).not.toMatch(/SCAN p\b|SCAN r\b/);
    db.close();
  });
});
