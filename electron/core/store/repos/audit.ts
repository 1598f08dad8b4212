// The audit log's table (migration 003: its triggers refuse UPDATE and DELETE, so this repository only
// appends and reads). What goes into a row (scrubbing, the actor) is decided by core/audit.ts.
import type { SqlDb } from '../sql';

export interface AuditRow {
  at: number;
  operatorId: string | null;
  operatorName: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  /** JSON-serialisable; stored as text */
  details: Record<string, unknown>;
  livemode: boolean;
}

export interface StoredAuditRow extends AuditRow {
  id: number;
}

export interface AuditFilter {
  /** 'refund' or 'refund.*' = every refund action; 'refund.failed' = that one */
  action?: string | undefined;
  operatorId?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** entries with id < before (the previous page's last id) */
  before?: number | undefined;
  limit: number;
}

interface AuditRaw {
  id: number; at: number; operator_id: string | null; operator_name: string; action: string;
  subject_type: string | null; subject_id: string | null; details: string; livemode: number;
}

const fromRaw = (r: AuditRaw): StoredAuditRow => {
  let details: Record<string, unknown> = {};
  try {
    details = JSON.parse(r.details) as Record<string, unknown>;
  } catch {
    // json_valid CHECK makes this unreachable
  }
  return {
    id: r.id, at: r.at, operatorId: r.operator_id, operatorName: r.operator_name, action: r.action,
    subjectType: r.subject_type, subjectId: r.subject_id, details, livemode: r.livemode === 1,
  };
};

function filterSql(f: AuditFilter): { where: string; args: (string | number)[] } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  const add = (sql: string, ...values: (string | number)[]) => {
    where.push(sql);
    args.push(...values);
  };
  if (f.action) {
    const prefix = f.action.endsWith('.*') ? f.action.slice(0, -2) : f.action.includes('.') ? null : f.action;
    // the casts: PostgreSQL cannot infer a bare parameter's type in length(?) or ? || '.'
    if (prefix !== null) add("substr(action, 1, length(CAST(? AS TEXT)) + 1) = CAST(? AS TEXT) || '.'", prefix, prefix);
    else add('action = ?', f.action);
  }
  if (f.operatorId) add('operator_id = ?', f.operatorId);
  if (f.subjectType) add('subject_type = ?', f.subjectType);
  if (f.subjectId) add('subject_id = ?', f.subjectId);
  if (f.from !== undefined) add('at >= ?', f.from);
  if (f.to !== undefined) add('at < ?', f.to);
  if (f.before !== undefined) add('id < ?', f.before);
  return { where: where.length ? `WHERE ${where.join(' AND ')}` : '', args };
}

function createAuditRepo(db: SqlDb) {
  const insert = db.prepare(`INSERT INTO audit_log (at, operator_id, operator_name, action, subject_type, subject_id, details, livemode)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`).pluck();
  return {
    /** appends one row and returns its id; part of the caller's transaction when there is one */
    append(row: AuditRow): number {
      return Number(insert.get(row.at, row.operatorId, row.operatorName, row.action, row.subjectType, row.subjectId, JSON.stringify(row.details), row.livemode ? 1 : 0));
    },
    /** newest first, at most `limit + 1` rows (the extra one tells the caller another page exists) */
    newestFirst(f: AuditFilter): StoredAuditRow[] {
      const { where, args } = filterSql(f);
      return (db.prepare(`SELECT * FROM audit_log ${where} ORDER BY id DESC LIMIT ?`).all(...args, f.limit + 1) as AuditRaw[]).map(fromRaw);
    },
  };
}

export type AuditRepo = ReturnType<typeof createAuditRepo>;

// One repository per connection: an append through another auditRepo(db) of the same connection (a tool, a
// test) reaches the listeners registered on the store's repository too. The key is the SqlDb object, so a
// caller wraps a SQLite connection once (sqliteSql) and passes that same object around.
const perDb = new WeakMap<SqlDb, AuditRepo>();

export function auditRepo(db: SqlDb): AuditRepo {
  let repo = perDb.get(db);
  if (!repo) {
    repo = createAuditRepo(db);
    perDb.set(db, repo);
  }
  return repo;
}

