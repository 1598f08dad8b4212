// Migration 016: build to 15, migrate to 16, assert the team tables are STRICT, that a join code's id is a
// SHA-256 in hex, that there is at most one team row, and that a lease has one row per name.
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from '../../electron/core/store/migrate';

describe('migration 016 team', () => {
  let db: Database.Database;
  beforeEach(() => {
    db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, { to: 15, now: () => 1000 });
    expect(migrate(db, { to: 16, now: () => 2000 })).toEqual({ from: 15, to: 16, applied: [16] });
    expect(schemaVersion(db)).toBe(16);
  });
  afterEach(() => db.close());

  it('adds four STRICT tables', () => {
    const strict = db.prepare("SELECT name FROM pragma_table_list WHERE schema = 'main' AND strict = 1 AND name LIKE 'team_%' ORDER BY name").pluck().all();
    expect(strict).toEqual(['team_desks', 'team_join_codes', 'team_lease', 'team_meta']);
  });

  it('keeps one team row, and a join code is known only by its SHA-256', () => {
    const team = db.prepare('INSERT INTO team_meta (id, team_id, key_check, created_at) VALUES (?, ?, ?, 1)');
    team.run(1, 'team-a', Buffer.alloc(32));
    expect(() => team.run(2, 'team-b', Buffer.alloc(32))).toThrow(/CHECK/);
    const code = db.prepare("INSERT INTO team_join_codes (id, nonce, wrapped_key, tag, created_by, created_at, expires_at) VALUES (?, x'00', x'00', x'00', 'Asha', 1, 2)");
    code.run('a'.repeat(64));
    expect(() => code.run('ABC-123')).toThrow(/CHECK/);
  });

  it('has one lease row per name', () => {
    const lease = db.prepare("INSERT INTO team_lease (name, holder_id, holder_name, acquired_at, renewed_at, expires_at) VALUES ('jobs', ?, 'Desk', 1, 1, 2)");
    lease.run('desk-a');
    expect(() => lease.run('desk-b')).toThrow(/UNIQUE|PRIMARY KEY/);
  });
});
