// Whether the team database answers, as this desk knows it. Two witnesses drive it: the change feed's own
// connection (./changes.ts: it drops, it reconnects, its heartbeat answers or not) and the store's
// statements (a statement that lost its connection says so at once). While unreachable the desk keeps what
// its screens hold, refuses every action that changes something before it reaches a gateway, and its
// statements fail at once instead of each waiting for a connection timeout.
import type { TeamConnection } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { isConnectionLoss, type PgSync } from '../store/pg/sync-client';
import type { TeamConnectionView } from './index';

export interface TeamConnectionMonitor extends TeamConnectionView {
  /** the server answered */
  up(): void;
  /** the server did not answer; `reason` in words (no password) */
  down(reason: string): void;
}

export interface ConnectionMonitorOptions {
  /** host:port of the team database, as people may see it */
  where: string;
  now: () => number;
  /** the state changed (connected ⇄ unreachable) */
  onChange: (c: TeamConnection) => void;
  /** the store's synchronous client: its lost statements are witnesses, and it fails fast while unreachable */
  pg: Pick<PgSync, 'hold' | 'onLoss'> | null;
}

const CODE_WORDS: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'the server refuses connections (is PostgreSQL running?)',
  ECONNRESET: 'the connection was cut',
  EPIPE: 'the connection was cut',
  ETIMEDOUT: 'the server does not answer (network or firewall)',
  EHOSTUNREACH: 'the host cannot be reached from this machine',
  ENETUNREACH: 'the network of the host cannot be reached from this machine',
  ENOTFOUND: 'the host name is not known',
  EAI_AGAIN: 'the host name cannot be looked up now',
  '57P01': 'the server shut the connection (it is stopping or an administrator ended it)',
  '57P02': 'the server is crashing and restarting',
  '57P03': 'the server is starting or stopping',
  '28P01': 'the password was refused',
  '28000': 'the server does not let this user in',
  '3D000': 'the database does not exist',
};

/** Why a connection failed, in words: from its code where there is one; never the URL or a password. */
export function reasonOf(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === 'string' ? e.code : '';
  if (CODE_WORDS[code]) return CODE_WORDS[code];
  const message = typeof e?.message === 'string' ? e.message : '';
  if (/timeout|timed out/i.test(message)) return 'the server does not answer in time';
  if (/terminated|ended|closed/i.test(message)) return 'the connection was cut';
  return code ? `the connection failed (${code})` : 'the connection failed';
}

/** host:port of a postgres:// URL (no user, no password) */
export function whereOf(url: string): string {
  const u = new URL(url);
  return `${u.hostname}:${u.port || '5432'}`;
}

const clockOf = (ms: number): string => {
  const d = new Date(ms);
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
};

export function createConnectionMonitor(o: ConnectionMonitorOptions): TeamConnectionMonitor {
  let state: TeamConnection = { state: 'connected', since: o.now(), message: null };
  const since = (): string => clockOf(state.since);
  const refusalWords = (): string =>
    `The team database (${o.where}) has been out of reach since ${since()}, so this desk cannot change anything now: nothing was sent to the gateway. It reconnects by itself.`;
  // a statement that failed may have been part of an action, so these words do not promise what was sent
  const failedWords = (): string =>
    `The team database (${o.where}) has been out of reach since ${since()}, so this desk cannot load or save this now. It reconnects by itself; what the screens show stays as it was.`;

  const monitor: TeamConnectionMonitor = {
    current: () => state,
    up() {
      if (state.state === 'connected') return;
      state = { state: 'connected', since: o.now(), message: null };
      o.pg?.hold(null);
      o.onChange(state);
    },
    down(reason) {
      const message = `The team database at ${o.where} cannot be reached: ${reason}.`;
      if (state.state === 'unreachable') {
        state = { ...state, message };
        return;
      }
      state = { state: 'unreachable', since: o.now(), message };
      o.pg?.hold(failedWords());
      o.onChange(state);
    },
    refusal: () => (state.state === 'unreachable' ? new AppError('store_unreachable', refusalWords(), { retryable: true }) : null),
    explain(err) {
      if (!isConnectionLoss(err)) return null;
      if (state.state === 'connected') monitor.down(reasonOf(err));
      return new AppError('store_unreachable', failedWords(), { retryable: true, cause: err });
    },
  };
  // a statement only learns that its connection broke; the feed, which keeps trying, knows better why
  o.pg?.onLoss((err) => {
    if (state.state === 'connected') monitor.down(reasonOf(err));
  });
  return monitor;
}
