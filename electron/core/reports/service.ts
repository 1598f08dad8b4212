// The reports service: refresh per account (refresh.ts, then the matcher), its status, and a daily
// refresh while core runs (start() / stop(), called by the composition root). Concurrent triggers for one
// account share the running refresh.
import type { AnnouncePayment } from '../payments/announce';
import { z } from 'zod';
import type { RefreshAccountResult, ReportsSettings } from '../../../shared/contract';
import { AppError } from '../../../shared/errors';
import { GATEWAYS } from '../../../shared/gateways';
import type { CoreEvents } from '../events';
import type { Gateways } from '../gateways';
import type { Log } from '../log';
import type { Transact } from '../store';
import type { AccountRow, AccountsRepo } from '../store/repos/accounts';
import type { Clock } from '../types';
import { matchAccount, type MatchAccount } from './matching';
import { refreshAccount, type Counts, type RefreshRepos } from './refresh';
import { readReportsSettings } from './settings';

const DAY_MS = 86_400_000;
const lastKey = (accountId: string) => `reports.lastRefresh.${accountId}`;

const ResultSchema = z.object({
  accountId: z.string(),
  gateway: z.enum(GATEWAYS),
  ok: z.boolean(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  fetched: z.object({ balanceTransactions: z.number(), payments: z.number(), settlements: z.number(), items: z.number() }),
  feesFilled: z.number(),
  finishedAt: z.number(),
});

export interface ReportsService {
  /** fetch + store + match one account; never throws for a gateway problem (the result carries it) */
  refresh(accountId: string): Promise<RefreshAccountResult>;
  /** every account (of one mode), one after the other */
  refreshAll(mode?: 'test' | 'live'): Promise<RefreshAccountResult[]>;
  /** re-run the matcher (no network) for every account, e.g. after the unsettled-after setting changed */
  rematchAll(): void;
  isRunning(accountId: string): boolean;
  lastResult(accountId: string): RefreshAccountResult | null;
  settings(): ReportsSettings;
  /** starts the daily refresh */
  start(): void;
  /** stops the daily refresh */
  stop(): void;
}

export interface ReportsServiceDeps {
  repos: RefreshRepos & { accounts: AccountsRepo };
  transaction: Transact;
  gateways: Pick<Gateways, 'client'>;
  events: CoreEvents;
  /** payment.changed, with the payment as it is now */
  announce: AnnouncePayment;
  clock: Clock;
  log: Log;
  /** false once the store is closed: refreshes then stop quietly */
  isOpen?: () => boolean;
  /** first automatic refresh after start (ms); default 5 minutes */
  firstRunDelayMs?: number;
  /** automatic refresh period (ms); default 24 h; 0 = no timer */
  periodMs?: number;
}

const matchAccountOf = (a: AccountRow): MatchAccount => ({ id: a.id, gateway: a.gateway, livemode: a.livemode });

export function createReportsService(d: ReportsServiceDeps): ReportsService {
  const running = new Map<string, Promise<RefreshAccountResult>>();
  const last = new Map<string, RefreshAccountResult>();
  const isOpen = d.isOpen ?? (() => true);
  const now = () => d.clock.now();
  const match = (a: AccountRow) =>
    matchAccount({ ...d.repos, transaction: d.transaction }, matchAccountOf(a), { now: now(), unsettledAfterDays: readReportsSettings(d.repos.settings).unsettledAfterDays });
  let timer: NodeJS.Timeout | null = null;
  let stopped = true;

  const readLast = (accountId: string): RefreshAccountResult | null => {
    const hit = last.get(accountId);
    if (hit) return hit;
    const stored = d.repos.settings.get(lastKey(accountId), ResultSchema.nullable(), null);
    if (stored) last.set(accountId, stored);
    return stored;
  };

  async function run(account: AccountRow): Promise<RefreshAccountResult> {
    const empty: Counts = { balanceTransactions: 0, payments: 0, settlements: 0, items: 0 };
    let result: RefreshAccountResult;
    let changed = false;
    try {
      const out = await refreshAccount({ repos: d.repos, transaction: d.transaction, now }, d.gateways.client(account.id), matchAccountOf(account));
      const m = match(account);
      changed = out.writes + m.linked + m.flagsAdded + m.flagsRemoved + m.flagsUpdated > 0;
      for (const p of out.feeChanged) d.announce(p.id);
      result = { accountId: account.id, gateway: account.gateway, ok: true, error: null, fetched: out.fetched, feesFilled: out.feeChanged.length, finishedAt: now() };
    } catch (err) {
      if (!isOpen()) throw err;
      const e = err instanceof AppError ? err : new AppError('internal', 'Refreshing the reconciliation data failed. The details are in the log.');
      if (!(err instanceof AppError) || e.code === 'internal') d.log('error', 'reports refresh failed', { accountId: account.id, error: err });
      else d.log('warn', `reports refresh failed: ${e.message}`, { accountId: account.id, code: e.code });
      result = { accountId: account.id, gateway: account.gateway, ok: false, error: { code: e.code, message: e.message }, fetched: empty, feesFilled: 0, finishedAt: now() };
    }
    last.set(account.id, result);
    if (isOpen()) d.repos.settings.set(lastKey(account.id), result);
    if (changed) d.events.emit('reports.changed', { accountIds: [account.id] });
    return result;
  }

  const svc: ReportsService = {
    refresh(accountId) {
      const inflight = running.get(accountId);
      if (inflight) return inflight;
      const account = d.repos.accounts.get(accountId);
      if (!account) return Promise.reject(new AppError('not_found', 'No such account'));
      const p = run(account).finally(() => running.delete(accountId));
      running.set(accountId, p);
      return p;
    },
    async refreshAll(mode) {
      const out: RefreshAccountResult[] = [];
      for (const a of d.repos.accounts.list()) {
        if (mode && a.mode !== mode) continue;
        if (!isOpen()) break;
        out.push(await svc.refresh(a.id));
      }
      return out;
    },
    rematchAll() {
      const changedIds: string[] = [];
      for (const a of d.repos.accounts.list()) {
        const m = match(a);
        if (m.linked + m.flagsAdded + m.flagsRemoved + m.flagsUpdated > 0) changedIds.push(a.id);
      }
      if (changedIds.length > 0) d.events.emit('reports.changed', { accountIds: changedIds });
    },
    isRunning: (accountId) => running.has(accountId),
    lastResult: readLast,
    settings: () => readReportsSettings(d.repos.settings),
    start() {
      const period = d.periodMs ?? DAY_MS;
      if (!stopped || period <= 0) return;
      stopped = false;
      // the timer never keeps the process alive
      const schedule = (ms: number) => {
        timer = setTimeout(tick, ms);
        timer.unref();
      };
      const tick = () => {
        timer = null;
        if (stopped || !isOpen()) return;
        void svc.refreshAll().catch((err: unknown) => d.log('warn', 'daily reports refresh failed', { error: err })).finally(() => {
          if (!stopped && isOpen()) schedule(period);
        });
      };
      schedule(d.firstRunDelayMs ?? 5 * 60_000);
    },
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
  return svc;
}
