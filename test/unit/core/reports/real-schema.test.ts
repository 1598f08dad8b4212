// The export statement against the REAL migrations (001-003 from the store, plus our 004): every column
// queries.ts reads exists, and the hot arms walk the time indexes instead of scanning and sorting.
// The other report tests use test/fixtures/report-schema.ts so they do not depend on 001-003 while
// those change; this file is the one that tells when queries.ts and the real schema drift apart.
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { PRESETS } from '../../../../electron/core/reports/columns';
import { buildMovementQuery, buildTotalsQuery } from '../../../../electron/core/reports/queries';
import { migrate } from '../../../../electron/core/store/migrate';
import { migrations } from '../../../../electron/core/store/migrations/index';
import { migration as m004 } from '../../../../electron/core/store/migrations/004-settlements';

function realDb(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  // 004 follows whatever the index lists up to 003 (the lead registers it there)
  const list = migrations.some((m) => m.version === 4) ? migrations : [...migrations.filter((m) => m.version <= 3), m004];
  migrate(db, { migrations: list, to: 4 });
  return db;
}

describe('queries.ts against the real migrations 001-004', () => {
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
