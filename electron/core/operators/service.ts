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
import type { Db } from '../store/db';
import type { SettingsRepo } from '../store/repos/settings';
import type { CallContext, Clock, OperatorRef } from '../types';
import { hashPin, verifyPin } from './pin';

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

interface OperatorRaw { id: string; name: string; role: OperatorRole; pin_hash: string; created_at: number; updated_at: number; disabled_at: number | null }

const toDto = (r: OperatorRaw): Operator => ({ id: r.id, name: r.name, role: r.role, disabled: r.disabled_at !== null, createdAt: r.created_at, updatedAt: r.updated_at });
const toRef = (r: OperatorRaw): OperatorRef => ({ id: r.id, name: r.name, role: r.role });

/** The operator of a call; handlers running outside rpc (tests, internal) fall back to the single-user owner. */
export const actorOf = (ctx: CallContext): OperatorRef => ctx.operator ?? SINGLE_USER_OWNER;

export interface OperatorsDeps {
  db: Db;
  settings: SettingsRepo;
  events: CoreEvents;
  clock: Clock;
  log: Log;
}

export function createOperatorsService(d: OperatorsDeps) {
  const { db, clock } = d;
  const byIdStmt = db.prepare('SELECT * FROM operators WHERE id = ?');
  const activeStmt = db.prepare('SELECT * FROM operators WHERE disabled_at IS NULL ORDER BY name COLLATE NOCASE, id');
  const allStmt = db.prepare('SELECT * FROM operators ORDER BY disabled_at IS NOT NULL, name COLLATE NOCASE, id');
  const countActiveStmt = db.prepare('SELECT count(*) AS n FROM operators WHERE disabled_at IS NULL');
  const countOwnersStmt = db.prepare("SELECT count(*) AS n FROM operators WHERE disabled_at IS NULL AND role = 'owner'");
  const insertStmt = db.prepare('INSERT INTO operators (id, name, role, pin_hash, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)');

  const session = { current: null as string | null, lastActivity: 0 };
  let policyCache: RefundPolicy | null = null;
  // wrong-PIN counts, in the database so a restart does not reset the backoff (migration 008)
  const failureGet = db.prepare('SELECT fails, until_at AS until FROM pin_failures WHERE operator_key = ?');
  const failureSet = db.prepare('INSERT INTO pin_failures (operator_key, fails, until_at) VALUES (?, ?, ?) ON CONFLICT (operator_key) DO UPDATE SET fails = excluded.fails, until_at = excluded.until_at');
  const failureClear = db.prepare('DELETE FROM pin_failures WHERE operator_key = ?');
  const failures = {
    get: (key: string) => failureGet.get(key) as { fails: number; until: number } | undefined,
    set: (key: string, f: { fails: number; until: number }) => void failureSet.run(key, f.fails, f.until),
    delete: (key: string) => void failureClear.run(key),
  };

  const byId = (id: string): OperatorRaw | undefined => byIdStmt.get(id) as OperatorRaw | undefined;
  const activeCount = (): number => (countActiveStmt.get() as { n: number }).n;
  const ownerCount = (): number => (countOwnersStmt.get() as { n: number }).n;

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
    const ops = activeStmt.all() as OperatorRaw[];
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

  function authorize(method: MethodName, ctx: CallContext): CallContext {
    if (ctx.transport === 'api') return { ...ctx, operator: { ...API_ACTOR } };
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
  async function checkPin(operatorId: string, pin: string, field: string): Promise<OperatorRaw> {
    const now = clock.now();
    const row = byId(operatorId);
    const key = row ? row.id : '*unknown*';
    const f = failures.get(key);
    if (f && f.until > now) {
      const s = Math.ceil((f.until - now) / 1000);
      throw new AppError('unauthorized', `Too many wrong PINs. Try again in ${s} second${s === 1 ? '' : 's'}.`, { field });
    }
    const ok = await verifyPin(pin, row && row.disabled_at === null ? row.pin_hash : null);
    if (!ok || !row || row.disabled_at !== null) {
      const fails = (f?.fails ?? 0) + 1;
      const until = fails > MAX_FREE_FAILURES ? clock.now() + Math.min(BASE_LOCKOUT_MS * 2 ** (fails - MAX_FREE_FAILURES - 1), MAX_LOCKOUT_MS) : 0;
      failures.set(key, { fails, until });
      throw new AppError('unauthorized', row ? 'That PIN is not right.' : 'Choose who is at the desk.', { field: row ? field : 'operatorId' });
    }
    failures.delete(key);
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
  const uniqueName = (err: unknown): boolean => (err as { code?: string } | null)?.code === 'SQLITE_CONSTRAINT_UNIQUE';

  async function create(input: { name: string; role: OperatorRole; pin: string }, actor: OperatorRef): Promise<Operator> {
    const first = activeCount() === 0;
    if (first && input.role !== 'owner') throw invalid('role', 'The first operator must be an owner, so someone can manage the desk.');
    const hash = await hashPin(input.pin);
    const id = newId();
    const now = clock.now();
    try {
      db.transaction(() => {
        insertStmt.run(id, input.name, input.role, hash, now, now);
        recordAudit(db, { operator: actor, action: 'operator.added', subject: { type: 'operator', id }, details: { name: input.name, role: input.role }, at: now });
      }).immediate();
    } catch (err) {
      if (uniqueName(err)) throw invalid('name', 'Another operator already has this name.');
      throw err;
    }
    if (first) {
      // the person who turned operators on is the one at the desk
      session.current = id;
      session.lastActivity = now;
      emitDesk();
    }
    return toDto(byId(id) as OperatorRaw);
  }

  async function update(input: { id: string; name?: string | undefined; role?: OperatorRole | undefined; pin?: string | undefined; enabled?: true | undefined }, actor: OperatorRef): Promise<Operator> {
    const row = byId(input.id);
    if (!row) throw new AppError('not_found', 'No such operator.');
    const hash = input.pin ? await hashPin(input.pin) : null;
    const changed: string[] = [];
    const now = clock.now();
    try {
      db.transaction(() => {
        const cur = byId(input.id) as OperatorRaw;
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
        db.prepare('UPDATE operators SET name = ?, role = ?, pin_hash = ?, disabled_at = ?, updated_at = ? WHERE id = ?')
          .run(next.name, next.role, next.pin_hash, next.disabled_at, now, cur.id);
        recordAudit(db, { operator: actor, action: 'operator.changed', subject: { type: 'operator', id: cur.id }, details: { name: next.name, role: next.role, changed }, at: now });
      }).immediate();
    } catch (err) {
      if (uniqueName(err)) throw invalid('name', 'Another operator already has this name.');
      throw err;
    }
    if (changed.includes('pin')) failures.delete(input.id);
    if (changed.length) emitDesk();
    return toDto(byId(input.id) as OperatorRaw);
  }

  function disable(id: string, actor: OperatorRef): Operator {
    const now = clock.now();
    db.transaction(() => {
      const cur = byId(id);
      if (!cur) throw new AppError('not_found', 'No such operator.');
      if (cur.disabled_at !== null) return;
      if (cur.role === 'owner' && ownerCount() <= 1 && activeCount() > 1) {
        throw new AppError('conflict', 'This is the only owner: make someone else an owner before disabling them.');
      }
      db.prepare('UPDATE operators SET disabled_at = ?, updated_at = ? WHERE id = ?').run(now, now, id);
      recordAudit(db, { operator: actor, action: 'operator.changed', subject: { type: 'operator', id }, details: { name: cur.name, role: cur.role, changed: ['disabled'] }, at: now });
    }).immediate();
    if (session.current === id) lockNow('operator disabled');
    else emitDesk();
    return toDto(byId(id) as OperatorRaw);
  }

  function setPolicy(p: RefundPolicy, actor: OperatorRef): RefundPolicy {
    const before = policy();
    const now = clock.now();
    db.transaction(() => {
      d.settings.set(POLICY_KEY, p);
      recordAudit(db, { operator: actor, action: 'settings.changed', subject: { type: 'settings', id: POLICY_KEY }, details: { before, after: p }, at: now });
    }).immediate();
    policyCache = p;
    return p;
  }

  // the idle lock must reach the screen even when nobody calls: check every few seconds
  const timer = setInterval(() => {
    try {
      if (db.open) checkIdle();
    } catch (err) {
      d.log('warn', 'idle check failed', { error: err });
    }
  }, 5_000);
  timer.unref();

  return {
    authorize,
    status,
    signIn,
    lock,
    list: (): Operator[] => (allStmt.all() as OperatorRaw[]).map(toDto),
    create,
    update,
    disable,
    policy,
    setPolicy,
    verifyApproval,
    /** the staff limit of a currency for an operator: null = no limit (owners) */
    limitFor(actor: OperatorRef, currency: string): number | null {
      if (actor.role === 'owner') return null;
      return policy().staffLimits[currency.toUpperCase()] ?? 0;
    },
    close(): void {
      clearInterval(timer);
    },
  };
}

export type OperatorsService = ReturnType<typeof createOperatorsService>;
