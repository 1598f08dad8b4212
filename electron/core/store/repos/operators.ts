// The people at the desk (operators) and their wrong-PIN counts (pin_failures, migration 008: in the
// database so a restart does not reset the backoff).
import type { OperatorRole } from '../../../../shared/contract';
import type { Db } from '../db';

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

const nameTaken = (err: unknown): boolean => (err as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';

/** Runs a write; false when it broke the unique operator name. */
function unlessNameTaken(write: () => void): boolean {
  try {
    write();
    return true;
  } catch (err) {
    if (nameTaken(err)) return false;
    throw err;
  }
}

export function operatorsRepo(db: Db) {
  const byId = db.prepare('SELECT * FROM operators WHERE id = ?');
  const active = db.prepare('SELECT * FROM operators WHERE disabled_at IS NULL ORDER BY name COLLATE NOCASE, id');
  const all = db.prepare('SELECT * FROM operators ORDER BY disabled_at IS NOT NULL, name COLLATE NOCASE, id');
  const countActive = db.prepare('SELECT count(*) AS n FROM operators WHERE disabled_at IS NULL');
  const countOwners = db.prepare("SELECT count(*) AS n FROM operators WHERE disabled_at IS NULL AND role = 'owner'");
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
      return unlessNameTaken(() => insert.run(op.id, op.name, op.role, op.pinHash, op.at, op.at));
    },
    /** false when another operator already has this name */
    change(id: string, next: { name: string; role: OperatorRole; pinHash: string; disabledAt: number | null }, at: number): boolean {
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
