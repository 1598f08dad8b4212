// What other desks committed, pushed to this desk within a moment: PostgreSQL LISTEN/NOTIFY on one channel.
// The store's client blocks the event loop for each statement (store/pg/sync-client.ts), which cannot wait
// for notices, so the feed has its own asynchronous connection in the main thread. A notice is a hint, not
// data: { d: the desk that committed, k: what changed, id }; the receiver reads the rows itself. Notices sent
// while a desk was away are lost to it, so on reconnecting after a loss it calls `onCaughtUp` and every screen
// refetches. The same connection is the desk's witness of the server: its errors, its reconnects and a
// `SELECT 1` heartbeat drive `onConnection`.
import type pg from 'pg';
import { pgClient } from '../store/pg/client';
import type { Log } from '../log';
import { reasonOf } from './connection';
import type { DeskIdentity } from './desk';

export const CHANNEL = 'paydesk_changes';
/** PostgreSQL refuses a payload of 8000 bytes or more */
const MAX_PAYLOAD = 7_900;
/** notices kept while the feed reconnects; beyond, the other desks are told to refetch everything */
const MAX_HELD = 500;

export interface ChangeNotice {
  /** the desk that committed the change */
  d: string;
  /** what changed: 'payment', or a contract event's name */
  k: string;
  id?: string;
  /** the event's payload, when it is small and carries no customer data */
  p?: unknown;
}

export interface ChangeFeedOptions {
  url: string;
  /** when it does not come from PGPASSWORD / ~/.pgpass (Settings → Team, sealed in the vault) */
  password?: string;
  desk: DeskIdentity;
  log: Log;
  /** a change another desk committed */
  onRemote: (n: ChangeNotice) => void;
  /** whether the server answers; `reason` in words when it does not */
  onConnection: (up: boolean, reason: string | null) => void;
  /** the feed is back after a loss: notices may have been missed */
  onCaughtUp: () => void;
  heartbeatMs?: number;
  /** how long a connect or a heartbeat may take before the server counts as unreachable */
  answerTimeoutMs?: number;
  backoffMs?: { min: number; max: number };
}

export interface ChangeFeed {
  /** tells the other desks; sent once the current synchronous work is done (so after its commit), duplicates merged */
  publish(kind: string, id?: string, payload?: unknown): void;
  /** checks the server now (a statement of the store just lost its connection) */
  probe(): void;
  close(): Promise<void>;
}

/** how late a timer may fire before the wait counts as the desk's own (a long synchronous statement), not the server's */
const LOOP_LAG_MS = 250;

/**
 * `p`, or a timeout after `ms`. The desk's main thread waits synchronously for its statements, so this timer can
 * fire late, at the same turn as the answer that came meanwhile: the answer is read first (setImmediate runs after
 * the socket's poll), and a wait the blocked thread stretched does not count against the server.
 */
function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let settled = false;
  p.then(() => (settled = true), () => (settled = true));
  const late = new Promise<never>((_, reject) => {
    const arm = (): void => {
      const due = Date.now() + ms;
      timer = setTimeout(() => setImmediate(() => {
        if (settled) return;
        if (Date.now() - due > LOOP_LAG_MS) return arm();
        reject(Object.assign(new Error('timeout'), { code: 'ETIMEDOUT' }));
      }), ms);
    };
    arm();
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

export function createChangeFeed(o: ChangeFeedOptions): ChangeFeed {
  const heartbeatMs = o.heartbeatMs ?? 2_000;
  const answerMs = o.answerTimeoutMs ?? 1_500;
  const backoff = o.backoffMs ?? { min: 500, max: 5_000 };
  let client: pg.Client | null = null;
  let connecting: Promise<void> | null = null;
  let retry: ReturnType<typeof setTimeout> | null = null;
  let delay = backoff.min;
  let missed = false;
  let closed = false;
  let beating = false;
  let queue = new Map<string, ChangeNotice>();
  let flushing = false;
  // node-postgres wants one query at a time per client: heartbeats and notices take turns
  let turn: Promise<unknown> = Promise.resolve();
  const inTurn = <T extends pg.QueryResultRow>(c: pg.Client, text: string, params: unknown[] = []): Promise<pg.QueryResult<T>> => {
    const p = turn.then(() => c.query<T>(text, params));
    turn = p.catch(() => undefined);
    return p;
  };

  const onNotice = (msg: pg.Notification): void => {
    if (msg.channel !== CHANNEL || !msg.payload) return;
    let n: ChangeNotice;
    try {
      n = JSON.parse(msg.payload) as ChangeNotice;
    } catch {
      return;
    }
    if (typeof n?.d !== 'string' || typeof n.k !== 'string' || n.d === o.desk.id) return;
    try {
      o.onRemote(n);
    } catch (err) {
      o.log('warn', `a change from another desk could not be shown: ${n.k}`, { error: err instanceof Error ? err.message : String(err) });
    }
  };

  /**
   * The feed's connection broke: connect again at once (an administrator may have ended just this one
   * connection); a server that is down refuses that at once too, and then the desk says so. A heartbeat that
   * got no answer says so first: connecting again may take as long again.
   */
  const lost = (c: pg.Client, err: unknown, silent: boolean): void => {
    if (client !== c) return;
    client = null;
    missed = true;
    c.removeAllListeners('notification');
    c.end().catch(() => undefined);
    if (closed) return;
    if (!silent) o.onConnection(false, reasonOf(err));
    void connect();
  };

  const schedule = (): void => {
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, delay);
    delay = Math.min(delay * 2, backoff.max);
  };

  const open = async (): Promise<void> => {
    const c = pgClient({ connectionString: o.url, connectionTimeoutMillis: answerMs * 2, application_name: `paydesk-changes:${o.desk.id}`, keepAlive: true }, o.password);
    c.on('error', (err) => lost(c, err, true));
    c.on('end', () => lost(c, Object.assign(new Error('Connection ended'), { code: '57P01' }), true));
    try {
      await c.connect();
      await withTimeout(c.query(`LISTEN ${CHANNEL}`), answerMs);
    } catch (err) {
      c.removeAllListeners('end');
      c.removeAllListeners('error');
      c.on('error', () => undefined);
      c.end().catch(() => undefined);
      throw err;
    }
    if (closed) {
      await c.end().catch(() => undefined);
      return;
    }
    c.on('notification', onNotice);
    client = c;
    turn = Promise.resolve();
    delay = backoff.min;
    o.onConnection(true, null);
    if (queue.size > 0) flush();
    if (missed) {
      missed = false;
      o.onCaughtUp();
    }
  };

  /** one attempt; a failure is reported and retried with backoff */
  const connect = (): Promise<void> => {
    if (closed || client) return Promise.resolve();
    connecting ??= open()
      .catch((err: unknown) => {
        missed = true;
        if (!closed) o.onConnection(false, reasonOf(err));
        schedule();
      })
      .finally(() => {
        connecting = null;
      });
    return connecting;
  };

  const beat = async (): Promise<void> => {
    const c = client;
    if (!c || beating) return;
    beating = true;
    try {
      await withTimeout(inTurn(c, 'SELECT 1'), answerMs);
      if (client === c) o.onConnection(true, null);
    } catch (err) {
      lost(c, err, false);
    } finally {
      beating = false;
    }
  };
  const heartbeat = setInterval(() => void beat(), heartbeatMs);
  heartbeat.unref?.();

  const flush = (): void => {
    flushing = false;
    const c = client;
    // between connections (one just broke; the store may still commit): kept until the feed is back
    if (!c) {
      if (queue.size > MAX_HELD) queue = new Map([['team.caughtUp', { d: o.desk.id, k: 'team.caughtUp' }]]);
      return;
    }
    const notices = [...queue.values()];
    queue = new Map();
    if (notices.length === 0) return;
    inTurn(c, 'SELECT pg_notify($1, n) FROM unnest($2::text[]) AS n', [CHANNEL, notices.map((n) => JSON.stringify(n))]).catch((err: unknown) =>
      o.log('warn', `could not tell the other desks of ${notices.length} change(s)`, { error: err instanceof Error ? err.message : String(err) }));
  };

  void connect();
  return {
    publish(kind, id, payload) {
      if (closed) return;
      let n: ChangeNotice = { d: o.desk.id, k: kind, ...(id !== undefined ? { id } : {}), ...(payload !== undefined ? { p: payload } : {}) };
      // too big for a notice: the other desks refetch everything instead
      if (Buffer.byteLength(JSON.stringify(n)) > MAX_PAYLOAD) n = { d: o.desk.id, k: 'team.caughtUp' };
      queue.set(`${n.k}\u0000${n.id ?? JSON.stringify(n.p ?? null)}`, n);
      // a microtask runs once the current synchronous work is done, so after its transaction committed
      if (!flushing) {
        flushing = true;
        queueMicrotask(flush);
      }
    },
    probe() {
      if (client) void beat();
      else {
        if (retry) clearTimeout(retry);
        retry = null;
        void connect();
      }
    },
    async close() {
      closed = true;
      clearInterval(heartbeat);
      if (retry) clearTimeout(retry);
      await connecting;
      const c = client;
      client = null;
      if (c) {
        c.removeAllListeners('end');
        await c.end().catch(() => undefined);
      }
    },
  };
}
