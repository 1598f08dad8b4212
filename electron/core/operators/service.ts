// The people at the desk. With no (active) operators Paydesk is single-user and every call is
// attributed to "owner". Once operators exist the console is locked until someone signs in with a
// PIN; it locks again after the idle time of the refund policy. The console has one screen, so core
// keeps ONE desk session in memory (who is signed in, the last activity): restarting Paydesk locks it.
//
// Every RPC call passes through `authorize`, which puts the operator into ctx (overwriting whatever a
// transport sent) and counts activity; rpc.ts then checks the method's declared role against it.
import { randomBytes } from 'node:crypto';
import type { DeskStatus, MethodName, Operator, OperatorRole, RefundPolicy } from '../../../shared/contract';
import { methods, RefundPolicySchema } from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import { recordAudit } from '../audit';
import type { CoreEvents } from '../events';
import type { Log } from '../log';
import type { Transact } from '../store';
import type { AuditRepo } from '../store/repos/audit';
import type { OperatorRecord, OperatorsRepo } from '../store/repos/operators';
import type { SettingsRepo } from '../store/repos/settings';
import type { CallContext, Clock, OperatorRef } from '../types';
import { hashPin, verifyPin } from './pin';
import { isConnectionLoss } from '../store/pg/sync-client';

export const SINGLE_USER_OWNER: OperatorRef = { id: null, name: 'owner', role: 'owner' };
export const API_ACTOR: OperatorRef = { id: null, name: 'API', role: 'staff' };
export const DEFAULT_POLICY: RefundPolicy = { staffLimits: {}, idleMinutes: 10 };
const POLICY_KEY = 'refunds.policy';

/** what counts as someone working at the desk: their changes and the UI's explicit activity signal, never
 *  queries (the UI refetches lists whenever an event arrives, with nobody at the desk) */
const isActivity = (method: MethodName): boolean => method !== 'desk.lock' && methods[method].kind === 'mutation';

const MAX_FREE_FAILURES = 4;
const BASE_LOCKOUT_MS = 30_000;
const MAX_LOCKOUT_MS = 15 * 60_000;

const toDto = (r: OperatorRecord): Operator => ({ id: r.id, name: r.name, role: r.role, disabled: r.disabled_at !== null, createdAt: r.created_at, updatedAt: r.updated_at });
const toRef = (r: OperatorRecord): OperatorRef => ({ id: r.id, name: r.name, role: r.role });

/** The operator of a call; handlers running outside rpc (tests, internal) fall back to the single-user owner. */
export const actorOf = (ctx: CallContext): OperatorRef => ctx.operator ?? SINGLE_USER_OWNER;

export interface OperatorsDeps {
  operators: OperatorsRepo;
  settings: SettingsRepo;
  audit: AuditRepo;
  transaction: Transact;
  events: CoreEvents;
  clock: Clock;
  log: Log;
}

export function createOperatorsService(d: OperatorsDeps) {
  const { operators: repo, clock, transaction } = d;
  const session = { current: null as string | null, lastActivity: 0 };
  let policyCache: RefundPolicy | null = null;
  let timer: NodeJS.Timeout | null = null;

  const byId = (id: string): OperatorRecord | undefined => repo.get(id);
  const activeCount = (): number => repo.activeCount();
  const ownerCount = (): number => repo.activeOwnerCount();
  const nameTaken = () => invalid('name', 'Another operator already has this name.');

  function policy(): RefundPolicy {
    policyCache ??= d.settings.get(POLICY_KEY, RefundPolicySchema, DEFAULT_POLICY);
    return policyCache;
  }

  function emitDesk(): void {
    d.events.emit('desk.changed', { locked: activeCount() > 0 && session.current === null, operatorId: session.current });
  }

  function lockNow(why: string): void {
    if (session.current === null) return;
    session.current = null;
    d.log('info', `desk locked (${why})`);
    emitDesk();
  }

  /** locks the desk when the idle time has passed; cheap, called on every call and by a timer */
  function checkIdle(): void {
    if (session.current === null) return;
    if (clock.now() - session.lastActivity >= policy().idleMinutes * 60_000) lockNow('idle');
  }

  function status(): DeskStatus {
    checkIdle();
    const ops = repo.active();
    if (ops.length === 0) {
      return { mode: 'single_user', locked: false, current: { ...SINGLE_USER_OWNER }, operators: [], idleMinutes: policy().idleMinutes, locksAt: null };
    }
    const cur = session.current ? ops.find((o) => o.id === session.current) : undefined;
    if (session.current && !cur) session.current = null;
    return {
      mode: 'operators',
      locked: !cur,
      current: cur ? toRef(cur) as DeskStatus['current'] : null,
      operators: ops.map((o) => ({ id: o.id, name: o.name, role: o.role })),
      idleMinutes: policy().idleMinutes,
      locksAt: cur ? session.lastActivity + policy().idleMinutes * 60_000 : null,
    };
  }

  // who was at the desk when the store last answered: while the team database is out of reach the desk keeps
  // showing what it has to that person (the RPC gate refuses every change before it runs)
  let lastSeen: { session: string | null; operator: OperatorRef } | null = null;
  function authorize(method: MethodName, ctx: CallContext): CallContext {
    if (ctx.transport === 'api') return { ...ctx, operator: { ...API_ACTOR } };
    try {
      const out = authorizeNow(method, ctx);
      lastSeen = out.operator ? { session: session.current, operator: out.operator } : null;
      return out;
    } catch (err) {
      if (isConnectionLoss(err) && lastSeen && lastSeen.session === session.current) return { ...ctx, operator: { ...lastSeen.operator } };
      throw err;
    }
  }

  function authorizeNow(method: MethodName, ctx: CallContext): CallContext {
    checkIdle();
    if (activeCount() === 0) return { ...ctx, operator: { ...SINGLE_USER_OWNER } };
    const cur = session.current ? byId(session.current) : undefined;
    if (cur && cur.disabled_at === null) {
      if (isActivity(method)) session.lastActivity = clock.now();
      return { ...ctx, operator: toRef(cur) };
    }
    if (session.current) lockNow('operator disabled');
    // nobody at the desk: no operator, so only `open` methods pass the role check (core/access.ts)
    const { operator: _ignored, ...rest } = ctx;
    return rest;
  }

  /** checks an operator's PIN with a small attempt limit: after 4 wrong PINs, 30 s, then doubling up to 15 min */
  async function checkPin(operatorId: string, pin: string, field: string): Promise<OperatorRecord> {
    const now = clock.now();
    const row = byId(operatorId);
    const key = row ? row.id : '*unknown*';
    const f = repo.pinFailures(key);
    if (f && f.until > now) {
      const s = Math.ceil((f.until - now) / 1000);
      throw new AppError('unauthorized', `Too many wrong PINs. Try again in ${s} second${s === 1 ? '' : 's'}.`, { field });
    }
    const ok = await verifyPin(pin, row && row.disabled_at === null ? row.pin_hash : null);
    if (!ok || !row || row.disabled_at !== null) {
      const fails = (f?.fails ?? 0) + 1;
      const until = fails > MAX_FREE_FAILURES ? clock.now() + Math.min(BASE_LOCKOUT_MS * 2 ** (fails - MAX_FREE_FAILURES - 1), MAX_LOCKOUT_MS) : 0;
      repo.setPinFailures(key, { fails, until });
      throw new AppError('unauthorized', row ? 'That PIN is not right.' : 'Choose who is at the desk.', { field: row ? field : 'operatorId' });
    }
    repo.clearPinFailures(key);
    return row;
  }

  async function signIn(operatorId: string, pin: string): Promise<DeskStatus> {
    const row = await checkPin(operatorId, pin, 'pin');
    session.current = row.id;
    session.lastActivity = clock.now();
    emitDesk();
    return status();
  }

  function lock(): DeskStatus {
    lockNow('locked by hand');
    return status();
  }

  /** An owner's approval on the spot (refunds above the staff limit): their id and PIN. */
  async function verifyApproval(operatorId: string, pin: string): Promise<OperatorRef> {
    const row = await checkPin(operatorId, pin, 'approval.pin');
    if (row.role !== 'owner') throw new AppError('forbidden', `${row.name} is not an owner: an owner must approve this refund.`, { field: 'approval.operatorId' });
    return toRef(row);
  }

  const newId = (): string => `op_${randomBytes(8).toString('hex')}`;

  async function create(input: { name: string; role: OperatorRole; pin: string }, actor: OperatorRef): Promise<Operator> {
    const first = activeCount() === 0;
    if (first && input.role !== 'owner') throw invalid('role', 'The first operator must be an owner, so someone can manage the desk.');
    const hash = await hashPin(input.pin);
    const id = newId();
    const now = clock.now();
    transaction(() => {
      if (!repo.add({ id, name: input.name, role: input.role, pinHash: hash, at: now })) throw nameTaken();
      recordAudit(d.audit, { operator: actor, action: 'operator.added', subject: { type: 'operator', id }, details: { name: input.name, role: input.role }, at: now });
    });
    if (first) {
      // the person who turned operators on is the one at the desk
      session.current = id;
      session.lastActivity = now;
      emitDesk();
    }
    return toDto(byId(id) as OperatorRecord);
  }

  async function update(input: { id: string; name?: string | undefined; role?: OperatorRole | undefined; pin?: string | undefined; enabled?: true | undefined }, actor: OperatorRef): Promise<Operator> {
    const row = byId(input.id);
    if (!row) throw new AppError('not_found', 'No such operator.');
    const hash = input.pin ? await hashPin(input.pin) : null;
    const changed: string[] = [];
    const now = clock.now();
    transaction(() => {
      const cur = byId(input.id) as OperatorRecord;
      if (input.role === 'staff' && cur.role === 'owner' && cur.disabled_at === null && ownerCount() <= 1) {
        throw invalid('role', 'This is the only owner: make someone else an owner first.');
      }
      const next = {
        name: input.name ?? cur.name,
        role: input.role ?? cur.role,
        pin_hash: hash ?? cur.pin_hash,
        disabled_at: input.enabled ? null : cur.disabled_at,
      };
      if (next.name !== cur.name) changed.push('name');
      if (next.role !== cur.role) changed.push('role');
      if (hash) changed.push('pin');
      if (next.disabled_at !== cur.disabled_at) changed.push('enabled');
      if (changed.length === 0) return;
      if (!repo.change(cur.id, { name: next.name, role: next.role, pinHash: next.pin_hash, disabledAt: next.disabled_at }, now)) throw nameTaken();
      recordAudit(d.audit, { operator: actor, action: 'operator.changed', subject: { type: 'operator', id: cur.id }, details: { name: next.name, role: next.role, changed }, at: now });
    });
    if (changed.includes('pin')) repo.clearPinFailures(input.id);
    if (changed.length) emitDesk();
    return toDto(byId(input.id) as OperatorRecord);
  }

  function disable(id: string, actor: OperatorRef): Operator {
    const now = clock.now();
    transaction(() => {
      const cur = byId(id);
      if (!cur) throw new AppError('not_found', 'No such operator.');
      if (cur.disabled_at !== null) return;
      if (cur.role === 'owner' && ownerCount() <= 1 && activeCount() > 1) {
        throw new AppError('conflict', 'This is the only owner: make someone else an owner before disabling them.');
      }
      repo.disable(id, now);
      recordAudit(d.audit, { operator: actor, action: 'operator.changed', subject: { type: 'operator', id }, details: { name: cur.name, role: cur.role, changed: ['disabled'] }, at: now });
    });
    if (session.current === id) lockNow('operator disabled');
    else emitDesk();
    return toDto(byId(id) as OperatorRecord);
  }

  function setPolicy(p: RefundPolicy, actor: OperatorRef): RefundPolicy {
    const before = policy();
    const now = clock.now();
    transaction(() => {
      d.settings.set(POLICY_KEY, p);
      recordAudit(d.audit, { operator: actor, action: 'settings.changed', subject: { type: 'settings', id: POLICY_KEY }, details: { before, after: p }, at: now });
    });
    policyCache = p;
    return p;
  }

  return {
    authorize,
    status,
    signIn,
    lock,
    list: (): Operator[] => repo.all().map(toDto),
    create,
    update,
    disable,
    policy,
    setPolicy,
    verifyApproval,
    /** someone may see the desk's data now: single-user mode, or an operator signed in and not locked out */
    atDesk(): boolean {
      if (activeCount() === 0) return true;
      const cur = session.current ? byId(session.current) : undefined;
      return !!cur && cur.disabled_at === null;
    },
    /** the staff limit of a currency for an operator: null = no limit (owners) */
    limitFor(actor: OperatorRef, currency: string): number | null {
      if (actor.role === 'owner') return null;
      return policy().staffLimits[currency.toUpperCase()] ?? 0;
    },
    /** the idle lock must reach the screen even when nobody calls: checks every few seconds until close() */
    start(): void {
      if (timer) return;
      timer = setInterval(() => {
        try {
          checkIdle();
        } catch (err) {
          d.log('warn', 'idle check failed', { error: err });
        }
      }, 5_000);
      timer.unref();
    },
    close(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

export type OperatorsService = ReturnType<typeof createOperatorsService>;
