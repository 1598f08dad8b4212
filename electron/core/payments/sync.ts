// Catch-up from the gateways: webhooks are a speed-up, this is the source of truth. Facts go through the
// one fold (apply.ts), the same state machine as webhooks, so nothing ever moves backwards and a fact learnt
// twice (webhook + sync) counts once.
//
// When: on start, every minute while a link is open (or an intent is still `creating`), after the webhook
// listener or the tunnel was down, and on "Check status" (links.checkStatus).
// Where the gateway has an event list (SyncPort.events), the account's events since the last one seen are
// read (cursor persisted in settings per account, with the ids seen at the cursor second so none is applied
// twice), skipping events already received by webhook; then every open link is read (SyncPort.linkFacts).
import type { AnnouncePayment } from './announce';
import { z } from 'zod';
import { AppError } from '../../../shared/errors';
import type { PaymentEvent } from '../../../shared/status';
import type { CoreEvents } from '../events';
import type { Gateways } from '../gateways';
import type { EventCursor, SyncFacts, SyncPort } from '../gateways/ports/sync';
import type { Log } from '../log';
import type { Transact } from '../store';
import type { AccountRow, AccountsRepo } from '../store/repos/accounts';
import type { PaymentLinksRepo } from '../store/repos/payment-links';
import type { PaymentRow, PaymentsRepo } from '../store/repos/payments';
import type { SettingsRepo } from '../store/repos/settings';
import type { Clock } from '../types';
import { commitFold, hasRefundFact, type FollowRefunds, type PaymentChange } from './apply';
import { materialize, planFacts } from './route';
import type { OrdersRepo } from '../store/repos/orders';
import { linkHandleOf } from './link-rows';
import type { CustomerFacts, GatewayIds } from '../gateways/facts';

const FEE_WINDOW_MS = 3 * 24 * 3600_000;

const CursorSchema = z.object({ created: z.number().int(), ids: z.array(z.string()).max(500) });
const cursorKey = (a: Pick<AccountRow, 'id' | 'gateway'>): string => `sync.${a.gateway}.cursor.${a.id}`;

export interface SyncDeps {
  payments: PaymentsRepo;
  paymentLinks: PaymentLinksRepo;
  orders: OrdersRepo;
  transaction: Transact;
  accounts: Pick<AccountsRepo, 'get' | 'list'>;
  settings: SettingsRepo;
  gateways: Pick<Gateways, 'client' | 'sandboxUrl'>;
  events: CoreEvents;
  /** payment.changed, with the payment as it is now */
  announce: AnnouncePayment;
  /** our refund rows follow a refund fact this sync folded, in the same commit */
  followRefunds?: FollowRefunds;
  clock: Clock;
  log: Log;
  /** run before each periodic sync (finishing link intents still `creating`) */
  beforeTick?: () => Promise<unknown>;
}

export interface SyncReport {
  accounts: number;
  payments: number;
  changed: number;
  /** accounts that could not be reached (the next run tries again) */
  errors: { accountId: string; message: string }[];
}

export function createSync(d: SyncDeps) {
  const { clock, log, payments, paymentLinks } = d;
  /** one run per account at a time */
  const chains = new Map<string, Promise<unknown>>();
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;

  function serial<T>(accountId: string, fn: () => Promise<T>): Promise<T> {
    const prev = chains.get(accountId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    const tail = next.catch(() => undefined);
    chains.set(accountId, tail);
    void tail.then(() => {
      if (chains.get(accountId) === tail) chains.delete(accountId);
    });
    return next;
  }

  /** Folds facts into one payment in one transaction; emits payment.changed when the merchant sees a change. */
  /**
   * Folds facts into one payment in one transaction (a reusable link's facts into the payment each names);
   * emits payment.changed for each row whose visible state changed.
   */
  function apply(paymentId: string, facts: PaymentEvent[], gatewayType: string | null, ids: GatewayIds, customer?: CustomerFacts | null): boolean {
    if (facts.length === 0 && Object.keys(ids).length === 0) return false;
    const now = clock.now();
    const changes = d.transaction(() => {
      // another desk's refund or webhook folds this row too: wait for it, then read what it committed
      payments.lockForChange(paymentId);
      const row = payments.byId(paymentId);
      if (!row) return [];
      const opts = { source: 'sync' as const, gatewayType, now };
      const out: PaymentChange[] = [];
      for (const { fold, ids: own } of materialize(d, planFacts(d, row, facts, ids, opts), customer, opts)) {
        const c = commitFold(payments, fold, own, now);
        if (c) out.push(c);
        if (c && d.followRefunds && hasRefundFact(facts)) d.followRefunds(fold.row.id);
      }
      return out;
    });
    for (const c of changes) d.announce(c.id);
    return changes.length > 0;
  }

  const applyGroups = (row: PaymentRow, groups: SyncFacts[]): boolean =>
    groups.reduce((changed, g) => apply(row.id, g.facts, g.gatewayType, g.ids, g.customer) || changed, false);

  /** the account's events since its cursor (first run: since its oldest open link, or now) */
  async function readEvents(account: AccountRow, port: SyncPort): Promise<number> {
    if (!port.events) return 0;
    const now = clock.now();
    let cursor: EventCursor | null = d.settings.get(cursorKey(account), CursorSchema.nullable(), null);
    if (!cursor) {
      const oldest = paymentLinks.oldestOpenAt(account.id);
      cursor = { created: oldest === null ? Math.floor(now / 1000) - 60 : Math.floor(oldest / 1000) - 60, ids: [] };
    }
    const read = await port.events.since(cursor, now);
    let changed = 0;
    for (const ev of read.events) {
      // already received by webhook (applied there, or about to be)
      if (paymentLinks.knownEvent(account.gateway, account.id, ev.id)) continue;
      const row = payments.findForRef(account.id, ev.ref);
      if (!row || row.gateway !== account.gateway) continue;
      if (apply(row.id, ev.facts, ev.type, ev.ref.ids, ev.customer)) changed++;
    }
    d.settings.set(cursorKey(account), read.cursor);
    return changed;
  }

  async function syncAccount(accountId: string, only?: string): Promise<{ payments: number; changed: number }> {
    const account = d.accounts.get(accountId);
    if (!account) return { payments: 0, changed: 0 };
    let rows = paymentLinks.openOf(accountId, clock.now() - FEE_WINDOW_MS);
    if (only) {
      const one = payments.byId(only);
      rows = one ? [one] : [];
    }
    const port = d.gateways.client(accountId).sync;
    let changed = await readEvents(account, port);
    for (const row of rows) {
      const facts = await port.linkFacts(linkHandleOf(row), clock.now());
      for (const w of facts.warnings) log('warn', w.message, w.detail);
      if (applyGroups(row, facts.groups)) changed++;
    }
    return { payments: rows.length, changed };
  }

  async function syncAll(reason: string): Promise<SyncReport> {
    const report: SyncReport = { accounts: 0, payments: 0, changed: 0, errors: [] };
    const ids = new Set(paymentLinks.accountsWithOpen(clock.now() - FEE_WINDOW_MS));
    // accounts with an event cursor keep their event stream current even with nothing open
    for (const a of d.accounts.list()) if (d.settings.get(cursorKey(a), CursorSchema.nullable(), null)) ids.add(a.id);
    for (const accountId of ids) {
      if (stopped) break;
      const a = d.accounts.get(accountId);
      if (!a || (a.sandbox && !d.gateways.sandboxUrl) || !a.secretKeyRef) continue;
      report.accounts++;
      try {
        const r = await serial(accountId, () => syncAccount(accountId));
        report.payments += r.payments;
        report.changed += r.changed;
      } catch (err) {
        const message = err instanceof AppError ? err.message : 'sync failed';
        report.errors.push({ accountId, message });
        log('warn', `sync of account ${accountId} failed (${reason})`, { message });
      }
    }
    if (report.changed > 0) log('info', `sync (${reason}): ${report.changed} payment(s) updated`);
    return report;
  }

  return {
    syncAll,
    /** links.checkStatus: this payment now (and its account's event stream) */
    async syncPayment(id: string): Promise<void> {
      const row = payments.byId(id);
      if (!row) throw new AppError('not_found', 'No such payment. It may have been removed.');
      await serial(row.account_id, () => syncAccount(row.account_id, id));
    },
    /** every `everyMs` while anything is open: `tick`, by default beforeTick then syncAll */
    start(tick?: () => Promise<void>, everyMs = 60_000): void {
      if (timer || stopped) return;
      const run = tick ?? (async () => {
        await d.beforeTick?.();
        if (!stopped) await syncAll('every minute');
      });
      timer = setInterval(() => {
        if (!paymentLinks.anyOpen()) return;
        void run().catch((err: unknown) => log('warn', 'periodic sync failed', { error: err }));
      }, everyMs);
      timer.unref();
    },
    /** stops the periodic sync (start() resumes it) */
    pause(): void {
      if (timer) clearInterval(timer);
      timer = null;
    },
    async stop(): Promise<void> {
      stopped = true;
      if (timer) clearInterval(timer);
      timer = null;
      await Promise.allSettled([...chains.values()]);
    },
  };
}

export type SyncService = ReturnType<typeof createSync>;
