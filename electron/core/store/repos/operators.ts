// The people at the desk (operators) and their wrong-PIN counts (pin_failures, migration 008: in the
// database so a restart does not reset the backoff).
import type { OperatorRole } from '../../../../shared/contract';
import { dialect, type SqlDb } from '../sql';

export interface OperatorRecord {
  id: string;
  name: string;
  role: OperatorRole;
  pin_hash: string;
  created_at: number;
  updated_at: number;
  disabled_at: number | null;
}

export interface PinFailures {
  fails: number;
  /** ms since the epoch until which PINs are refused; 0 = not locked out */
  until: number;
}

/** SQLite's code for a UNIQUE index (its primary key has another); PostgreSQL's 23505 is every unique kind, so the index is named */
const nameTaken = (err: unknown): boolean => {
  const e = err as { code?: string; constraint?: string | null } | null;
  return e?.code === 'SQLITE_CONSTRAINT_UNIQUE' || (e?.code === '23505' && e.constraint === 'operators_active_name');
};

/** Runs a write; false when it broke the unique operator name (two desks adding the same name at once). */
function unlessNameTaken(write: () => void): boolean {
  try {
    write();
    return true;
  } catch (err) {
    if (nameTaken(err)) return false;
    throw err;
  }
}

export function operatorsRepo(db: SqlDb) {
  const byId = db.prepare('SELECT * FROM operators WHERE id = ?');
  // SQLite's NOCASE folds ASCII only, as lower() does under PostgreSQL's "C" collation (the name column's)
  const byName = dialect(db, { sqlite: 'name COLLATE NOCASE', postgres: 'lower(name)' });
  const active = db.prepare(`SELECT * FROM operators WHERE disabled_at IS NULL ORDER BY ${byName}, id`);
  const all = db.prepare(`SELECT * FROM operators ORDER BY disabled_at IS NOT NULL, ${byName}, id`);
  const countActive = db.prepare('SELECT count(*) AS n FROM operators WHERE disabled_at IS NULL');
  const countOwners = db.prepare("SELECT count(*) AS n FROM operators WHERE disabled_at IS NULL AND role = 'owner'");
  // asked before writing: on PostgreSQL a failed statement spoils the caller's transaction, so a name clash
  // is found by a query first, and only a race between two desks reaches the unique index's error
  const nameTakenStmt = db.prepare(`SELECT 1 FROM operators WHERE disabled_at IS NULL AND ${byName} = ${dialect(db, {
    sqlite: '? COLLATE NOCASE',
    postgres: 'lower(CAST(? AS TEXT))',
  })} AND id <> ?`).pluck();
  const freeFor = (name: string, id: string): boolean => nameTakenStmt.get(name, id) === undefined;
  const insert = db.prepare('INSERT INTO operators (id, name, role, pin_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE operators SET name = ?, role = ?, pin_hash = ?, disabled_at = ?, updated_at = ? WHERE id = ?');
  const disable = db.prepare('UPDATE operators SET disabled_at = ?, updated_at = ? WHERE id = ?');
  const failureGet = db.prepare('SELECT fails, until_at AS until FROM pin_failures WHERE operator_key = ?');
  const failureSet = db.prepare(`INSERT INTO pin_failures (operator_key, fails, until_at) VALUES (?, ?, ?)
    ON CONFLICT (operator_key) DO UPDATE SET fails = excluded.fails, until_at = excluded.until_at`);
  const failureClear = db.prepare('DELETE FROM pin_failures WHERE operator_key = ?');

  return {
    get: (id: string): OperatorRecord | undefined => byId.get(id) as OperatorRecord | undefined,
    /** enabled operators by name */
    active: (): OperatorRecord[] => active.all() as OperatorRecord[],
    /** everyone, enabled first, by name */
    all: (): OperatorRecord[] => all.all() as OperatorRecord[],
    activeCount: (): number => (countActive.get() as { n: number }).n,
    activeOwnerCount: (): number => (countOwners.get() as { n: number }).n,
    /** false when another operator already has this name */
    add(op: { id: string; name: string; role: OperatorRole; pinHash: string; at: number }): boolean {
      return freeFor(op.name, op.id) && unlessNameTaken(() => insert.run(op.id, op.name, op.role, op.pinHash, op.at, op.at));
    },
    /** false when another operator already has this name */
    change(id: string, next: { name: string; role: OperatorRole; pinHash: string; disabledAt: number | null }, at: number): boolean {
      if (next.disabledAt === null && !freeFor(next.name, id)) return false;
      return unlessNameTaken(() => update.run(next.name, next.role, next.pinHash, next.disabledAt, at, id));
    },
    disable(id: string, at: number): void {
      disable.run(at, at, id);
    },
    pinFailures: (key: string): PinFailures | undefined => failureGet.get(key) as PinFailures | undefined,
    setPinFailures(key: string, f: PinFailures): void {
      failureSet.run(key, f.fails, f.until);
    },
    clearPinFailures(key: string): void {
      failureClear.run(key);
    },
  };
}

export type OperatorsRepo = ReturnType<typeof operatorsRepo>;
