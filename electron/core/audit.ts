// The audit log: one append-only record of every mutating action in the console (migration 003's
// triggers refuse UPDATE and DELETE). Every method the contract marks `audited` calls `recordAudit` once,
// inside the transaction of the change it records where the change is a database write, so a change never
// exists without its entry (test/security/audited.test.ts checks each one):
//
//   import { recordAudit } from '../audit';
//   recordAudit(d.audit, { operator: ctx.operator, action: 'link.created', subject: { type: 'payment', id }, details: { amountMinor, currency }, livemode });
//
// `d.audit` is the audit repository (store.repos.audit); `operator` is `ctx.operator` (set by core's
// desk session for every call). Details are shown on the Audit screen: never put a secret, a PIN or a full
// key in them (keys are scrubbed anyway).
import type { CoreEvents } from './events';
import type { AuditFilter, AuditRepo, StoredAuditRow } from './store/repos/audit';
import type { OperatorRef } from './types';

export type { AuditFilter } from './store/repos/audit';

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
  /** a call to the merchant HTTP API by a token: endpoint and result status (electron/core/api/server.ts) */
  'api.called',
  /** team mode: an owner made a one-time join code; a desk received the team key with one; an owner removed a desk */
  'team.desk_invited',
  'team.desk_joined',
  'team.desk_removed',
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

export type AuditEntry = StoredAuditRow;

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
const listeners = new WeakMap<AuditRepo, Set<AuditListener>>();

/** Subscribes to every entry appended through `audit`; returns an unsubscribe function. */
export function onAudit(audit: AuditRepo, listener: AuditListener): () => void {
  let set = listeners.get(audit);
  if (!set) {
    set = new Set();
    listeners.set(audit, set);
  }
  set.add(listener);
  return () => {
    set.delete(listener);
  };
}

/** Every entry, whoever wrote it, is pushed to the screen as `audit.appended`; returns the unsubscribe. */
export const pushAuditEvents = (audit: AuditRepo, events: CoreEvents): (() => void) =>
  onAudit(audit, (e) => events.emit('audit.appended', { id: e.id, action: e.action }));

function notify(audit: AuditRepo, entry: AuditEntry): void {
  const set = listeners.get(audit);
  if (!set) return;
  for (const l of [...set]) {
    try {
      l(entry);
    } catch {
      // a listener's failure never undoes the record
    }
  }
}

/** Appends one entry and returns its id. Safe inside a caller's transaction (it is then part of it). */
export function recordAudit(audit: AuditRepo, entry: AuditEntryInput): number {
  const actor = entry.operator ?? SYSTEM_ACTOR;
  const full: Omit<AuditEntry, 'id'> = {
    at: entry.at ?? Date.now(),
    operatorId: actor.id,
    operatorName: actor.name,
    action: entry.action,
    subjectType: entry.subject?.type ?? null,
    subjectId: entry.subject?.id ?? null,
    details: (scrub(entry.details ?? {}) ?? {}) as Record<string, unknown>,
    livemode: entry.livemode ?? false,
  };
  const id = audit.append(full);
  notify(audit, { id, ...full });
  return id;
}

/** Newest first; `nextBefore` pages on (null at the end). */
export function listAudit(audit: AuditRepo, f: AuditFilter): { items: AuditEntry[]; nextBefore: number | null } {
  const rows = audit.newestFirst(f);
  const more = rows.length > f.limit;
  const items = rows.slice(0, f.limit);
  return { items, nextBefore: more ? (items.at(-1)?.id ?? null) : null };
}
