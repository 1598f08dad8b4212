// The audit log: one append-only record of every mutating action in the console (migration 003's
// triggers refuse UPDATE and DELETE). Every method the contract marks `audited` calls `recordAudit` once,
// inside the transaction of the change it records where the change is a database write, so a change never
// exists without its entry (test/security/audited.test.ts checks each one):
//
//   import { recordAudit } from '../audit';
//   recordAudit(d.db, { operator: ctx.operator, action: 'link.created', subject: { type: 'payment', id }, details: { amountMinor, currency }, livemode });
//
// `operator` is `ctx.operator` (filled in by core's desk session for every call). Details are shown
// on the Audit screen: never put a secret, a PIN or a full key in them (keys are scrubbed anyway).
import type { Statement } from 'better-sqlite3';
import type { Db } from './store/db';
import type { OperatorRef } from './types';

export const AUDIT_ACTIONS = [
  'link.created',
  'link.cancelled',
  'refund.requested',
  'refund.succeeded',
  'refund.failed',
  /** a refund attempt refused before anything was sent (bad input, over the limit, wrong approval PIN) */
  'refund.refused',
  'payment.captured',
  'account.key_added',
  'account.key_changed',
  'account.key_removed',
  'account.verified',
  'operator.added',
  'operator.changed',
  'export.made',
  'mode.live_switched',
  'settings.changed',
  /** the public tunnel: where gateways and the shop's website reach this desk */
  'tunnel.started',
  'tunnel.stopped',
  'tunnel.configured',
  'webhook.secret_generated',
  'webhook.endpoint_registered',
  /** Settings → Backup */
  'backup.made',
  'backup.passphrase_set',
  /** a backup checked and staged to replace this desk at the next start */
  'backup.restored',
] as const;
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

export interface AuditEntryInput {
  /** who did it: ctx.operator. Omitted: Paydesk itself (recovery, sync) */
  operator?: Pick<OperatorRef, 'id' | 'name'> | null | undefined;
  action: AuditAction;
  subject?: { type: string; id: string } | null;
  /** JSON-serialisable facts shown on the Audit screen */
  details?: Record<string, unknown>;
  livemode?: boolean;
  /** ms since the epoch; default Date.now() */
  at?: number;
}

export interface AuditEntry {
  id: number;
  at: number;
  operatorId: string | null;
  operatorName: string;
  action: string;
  subjectType: string | null;
  subjectId: string | null;
  details: Record<string, unknown>;
  livemode: boolean;
}

/** The actor of work Paydesk does on its own (recovery of an interrupted refund, sync). */
export const SYSTEM_ACTOR: OperatorRef = { id: null, name: 'Paydesk', role: 'owner' };

const SECRETISH = /(secret|password|pin|token|key)$/i;
const LOOKS_SECRET = /\b(sk|rk)_(test|live)_[A-Za-z0-9]{6,}|whsec_[A-Za-z0-9]{6,}/g;

function scrub(value: unknown, depth = 0): unknown {
  if (depth > 4) return null;
  if (typeof value === 'string') return value.replace(LOOKS_SECRET, '[redacted]').slice(0, 1000);
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => scrub(v, depth + 1));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (SECRETISH.test(k) && k !== 'idempotencyKey') continue;
      out[k] = scrub(v, depth + 1);
    }
    return out;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  return null;
}

type AuditListener = (entry: AuditEntry) => void;
const listeners = new WeakMap<Db, Set<AuditListener>>();

/** Core subscribes once per database to push `audit.appended`; returns an unsubscribe function. */
export function onAudit(db: Db, listener: AuditListener): () => void {
  let set = listeners.get(db);
  if (!set) {
    set = new Set();
    listeners.set(db, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

const insertSql = `INSERT INTO audit_log (at, operator_id, operator_name, action, subject_type, subject_id, details, livemode)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?)`;
const statements = new WeakMap<Db, Statement<unknown[]>>();

/** Appends one entry and returns its id. Safe inside a caller's transaction (it is then part of it). */
export function recordAudit(db: Db, entry: AuditEntryInput): number {
  let stmt = statements.get(db);
  if (!stmt) {
    stmt = db.prepare<unknown[]>(insertSql);
    statements.set(db, stmt);
  }
  const actor = entry.operator ?? SYSTEM_ACTOR;
  const at = entry.at ?? Date.now();
  const details = (scrub(entry.details ?? {}) ?? {}) as Record<string, unknown>;
  const r = stmt.run(at, actor.id, actor.name, entry.action, entry.subject?.type ?? null, entry.subject?.id ?? null, JSON.stringify(details), entry.livemode ? 1 : 0);
  const id = Number(r.lastInsertRowid);
  const set = listeners.get(db);
  if (set && set.size > 0) {
    const full: AuditEntry = {
      id,
      at,
      operatorId: actor.id,
      operatorName: actor.name,
      action: entry.action,
      subjectType: entry.subject?.type ?? null,
      subjectId: entry.subject?.id ?? null,
      details,
      livemode: entry.livemode ?? false,
    };
    for (const l of [...set]) {
      try {
        l(full);
      } catch {
        // a listener's failure never undoes the record
      }
    }
  }
  return id;
}

export interface AuditFilter {
  action?: string | undefined;
  operatorId?: string | undefined;
  subjectType?: string | undefined;
  subjectId?: string | undefined;
  from?: number | undefined;
  to?: number | undefined;
  /** entries with id < before (the previous page's nextBefore) */
  before?: number | undefined;
  limit: number;
}

interface AuditRaw {
  id: number; at: number; operator_id: string | null; operator_name: string; action: string;
  subject_type: string | null; subject_id: string | null; details: string; livemode: number;
}

const fromRaw = (r: AuditRaw): AuditEntry => {
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

/** Newest first; `nextBefore` pages on (null at the end). */
export function listAudit(db: Db, f: AuditFilter): { items: AuditEntry[]; nextBefore: number | null } {
  const where: string[] = [];
  const args: (string | number)[] = [];
  if (f.action) {
    // 'refund' or 'refund.*' = every refund action; 'refund.failed' = that one
    const prefix = f.action.endsWith('.*') ? f.action.slice(0, -2) : f.action.includes('.') ? null : f.action;
    if (prefix !== null) {
      where.push("substr(action, 1, length(?) + 1) = ? || '.'");
      args.push(prefix, prefix);
    } else {
      where.push('action = ?');
      args.push(f.action);
    }
  }
  if (f.operatorId) {
    where.push('operator_id = ?');
    args.push(f.operatorId);
  }
  if (f.subjectType) {
    where.push('subject_type = ?');
    args.push(f.subjectType);
  }
  if (f.subjectId) {
    where.push('subject_id = ?');
    args.push(f.subjectId);
  }
  if (f.from !== undefined) {
    where.push('at >= ?');
    args.push(f.from);
  }
  if (f.to !== undefined) {
    where.push('at < ?');
    args.push(f.to);
  }
  if (f.before !== undefined) {
    where.push('id < ?');
    args.push(f.before);
  }
  const sql = `SELECT * FROM audit_log ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ?`;
  const rows = db.prepare(sql).all(...args, f.limit + 1) as AuditRaw[];
  const more = rows.length > f.limit;
  const items = rows.slice(0, f.limit).map(fromRaw);
  return { items, nextBefore: more ? (items.at(-1)?.id ?? null) : null };
}
