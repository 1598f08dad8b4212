// The lease on the singleton jobs (the listener and tunnel, the merchant API, callbacks, sync, report refresh)
// for desks on one PostgreSQL database: every desk tries to take or renew the lease row 'jobs' every ~2 s;
// it expires ~8 s after its last renew on the DATABASE's clock, so a desk that died hands over within the
// ttl. A holder whose renew fails, or that has not reached the database for longer than it may safely
// assume it still holds the lease, stops the jobs at once: a desk that cannot store webhooks must not
// acknowledge them. A clean close releases the lease so a planned restart hands over at once.
import type { TeamLease } from '../../../shared/contract';
import type { LeaseRepo, LeaseRow } from '../store/repos/lease';
import type { Clock } from '../types';
import type { DeskIdentity } from './desk';
import type { TeamLeaseView } from './index';

export const LEASE_NAME = 'jobs';
export const LEASE_TTL_MS = 8_000;
export const LEASE_RENEW_MS = 2_000;

type LeaseLog = (level: 'info' | 'warn' | 'error', message: string, detail?: Record<string, unknown>) => void;

/** what the new holder learns when it takes the lease */
export interface Acquired {
  /** the desk that held it before (null: nobody ever did, or it was this desk) */
  previousHolder: string | null;
  /** the public address the previous holder registered with the gateways */
  previousUrl: string | null;
}

export interface LeaseOptions {
  repo: LeaseRepo;
  desk: DeskIdentity;
  /** measures the time since the last renew (core passes a monotonic clock; tests a fake one) */
  clock: Clock;
  log: LeaseLog;
  /** this desk took the lease: start the jobs (awaited before the next renew) */
  onAcquired: (a: Acquired) => unknown;
  /** this desk lost the lease (taken, or the database unreachable too long): stop the jobs at once */
  onLost: () => unknown;
  /** the lease moved (team.changed) */
  onChanged?: () => void;
  ttlMs?: number;
  renewMs?: number;
  /** the time instead of the database's clock (tests) */
  dbTime?: () => number;
}

export interface Lease extends TeamLeaseView {
  /** starts trying every renewMs; resolves after the first try (made at once) */
  start(): Promise<void>;
  /** one try: take or renew; resolves after onAcquired / onLost ran */
  tick(): Promise<void>;
  /**
   * whether this desk holds the lease now: held at its last try, and renewed recently enough that no other
   * desk can have taken it (a desk paused, then resumed, stops answering for the team before its next try)
   */
  holds(): boolean;
  /** records the public address this desk registered (only while it holds the lease) */
  setPublicUrl(url: string | null): void;
  /** stops trying; releases the lease when held (after onLost ran) */
  close(): Promise<void>;
}

export function createLease(o: LeaseOptions): Lease {
  const ttlMs = o.ttlMs ?? LEASE_TTL_MS;
  const renewMs = o.renewMs ?? LEASE_RENEW_MS;
  const at = (): number | null => o.dbTime?.() ?? null;
  // a holder that has not renewed for this long stops: by then another desk may take it on the database's clock
  const safeMs = Math.max(ttlMs - renewMs, renewMs);
  let held = false;
  let lastRenewed = 0;
  let lastSeen: LeaseRow | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let chain: Promise<void> = Promise.resolve();
  let closed = false;

  const changed = (): void => {
    try {
      o.onChanged?.();
    } catch (err) {
      o.log('warn', 'team.changed listener failed', { error: err instanceof Error ? err.message : String(err) });
    }
  };

  const run = async (what: 'acquired' | 'lost', fn: () => unknown): Promise<void> => {
    try {
      await fn();
    } catch (err) {
      o.log('error', `the singleton jobs could not be ${what === 'acquired' ? 'started' : 'stopped'}`, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  const lose = async (why: string, level: 'info' | 'warn' = 'warn'): Promise<void> => {
    if (!held) return;
    held = false;
    o.log(level, `this desk no longer runs the singleton jobs: ${why}`);
    changed();
    await run('lost', o.onLost);
  };

  const noteHolder = (row: LeaseRow | null): void => {
    const moved = row?.holder_id !== lastSeen?.holder_id || row?.acquired_at !== lastSeen?.acquired_at;
    lastSeen = row;
    if (moved) changed();
  };

  async function attempt(): Promise<void> {
    let before = lastSeen;
    let row: LeaseRow | null;
    // the lease runs from when the statement was sent at the latest: a slow answer shortens what is left
    const sentAt = o.clock.now();
    try {
      // who held it before, for the log and the hand-over (a desk just started has seen nobody yet)
      if (!held) before = o.repo.read(LEASE_NAME, at()).row;
      row = o.repo.take({ name: LEASE_NAME, holderId: o.desk.id, holderName: o.desk.name, ttlMs, at: at() });
      if (!row) noteHolder(held ? o.repo.read(LEASE_NAME, at()).row : before);
    } catch (err) {
      if (held && o.clock.now() - lastRenewed >= safeMs) await lose('the team database has not answered for too long to be sure of the lease');
      else o.log('warn', 'could not renew the lease on the singleton jobs', { error: err instanceof Error ? err.message : String(err) });
      return;
    }
    if (!row) return lose(`desk ${lastSeen?.holder_name ?? 'another desk'} holds the lease now`);
    lastRenewed = sentAt;
    noteHolder(row);
    if (held) return;
    held = true;
    const previousHolder = before && before.holder_id !== o.desk.id ? before.holder_name : null;
    o.log('info', `this desk runs the singleton jobs now${previousHolder ? ` (taken over from ${previousHolder})` : ''}`);
    await run('acquired', () => o.onAcquired({ previousHolder, previousUrl: row.public_url }));
  }

  const tick = (): Promise<void> => {
    chain = chain.then(() => (closed ? undefined : attempt()));
    return chain;
  };

  const schedule = (): void => {
    if (closed) return;
    timer = setTimeout(() => void tick().finally(schedule), renewMs);
    timer.unref?.();
  };

  return {
    start() {
      if (timer || closed) return chain;
      const first = tick();
      void first.finally(schedule);
      return first;
    },
    tick,
    holds: () => held && o.clock.now() - lastRenewed < safeMs,
    setPublicUrl(url) {
      if (!held) return;
      try {
        if (o.repo.setPublicUrl(LEASE_NAME, o.desk.id, url)) changed();
      } catch (err) {
        o.log('warn', 'could not record the public address on the lease', { error: err instanceof Error ? err.message : String(err) });
      }
    },
    current(): TeamLease | null {
      let row = lastSeen;
      let dbNow: number | null = null;
      try {
        const r = o.repo.read(LEASE_NAME, at());
        row = r.row;
        dbNow = r.dbNow;
      } catch {
        // the database does not answer: what this desk saw last
      }
      if (!row || (dbNow !== null && row.expires_at < dbNow)) return null;
      return {
        holderId: row.holder_id, holderName: row.holder_name, thisDesk: row.holder_id === o.desk.id,
        acquiredAt: row.acquired_at, expiresAt: row.expires_at, publicUrl: row.public_url,
      };
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      timer = null;
      await chain;
      if (!held) return;
      await lose('this desk is closing', 'info');
      try {
        o.repo.release(LEASE_NAME, o.desk.id);
      } catch (err) {
        o.log('warn', 'could not release the lease (another desk takes it when it expires)', { error: err instanceof Error ? err.message : String(err) });
      }
      changed();
    },
  };
}
