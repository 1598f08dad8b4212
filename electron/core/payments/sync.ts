// Catch-up from the gateways: webhooks are a speed-up, this is the source of truth. Facts go through the
// same state machine as webhooks (shared/status.ts via applyFacts), so nothing ever moves backwards and a
// fact learnt twice (webhook + sync) counts once.
//
// When: on start, every minute while a link is open (or an intent is still `creating`), after the webhook
// listener or the tunnel was down, and on "Check status" (links.checkStatus).
// - Stripe: events.list({ created: { gte: cursor }, types }) since the last event seen (cursor persisted in
//   settings per account, with the ids seen at the cursor second so none is applied twice), skipping events
//   already received by webhook; plus a retrieve of every open Checkout Session (expanding the payment
//   intent's latest charge and its balance transaction for the fee) and a session list of open Payment Links.
// - Razorpay: paymentLink.fetch of open links and payments.fetch of their payments (fee, tax);
//   orders.fetchPayments of open orders.
import type Stripe from 'stripe';
import type Razorpay from 'razorpay';
import { z } from 'zod';
import type { PaymentEvent } from '../../../shared/status';
import { AppError } from '../../../shared/errors';
import type { CoreEvents } from '../events';
import type { Gateways } from '../gateways';
import { mapRazorpayError, mapStripeError } from '../gateways/errors';
import type { Log } from '../log';
import { tx, type Db } from '../store/db';
import type { AccountsRepo } from '../store/repos/accounts';
import { paymentsRepo, type PaymentRow } from '../store/repos/payments';
import type { SettingsRepo } from '../store/repos/settings';
import type { Clock } from '../types';
import { applyFacts } from './links';
import { normalizeStripe, type GatewayIds } from './normalize';

/** The Stripe event types the catch-up reads (Stripe allows at most 20 in `types`). */
export const STRIPE_SYNC_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.amount_capturable_updated',
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'payment_link.updated',
] as const;

/** statuses a link can still move from (paid ones are re-read only to learn a missing fee) */
const OPEN_STATUSES = "('creating', 'open', 'failed', 'authorized', 'partially_paid')";
const FEE_WINDOW_MS = 3 * 24 * 3600_000;
/** Stripe keeps events for 30 days */
const STRIPE_EVENTS_WINDOW_S = 30 * 24 * 3600 - 3600;
const MAX_EVENTS_PER_RUN = 5000;

const CursorSchema = z.object({ created: z.number().int(), ids: z.array(z.string()).max(500) });
const cursorKey = (accountId: string): string => `sync.stripe.cursor.${accountId}`;

export interface SyncDeps {
  db: Db;
  gateways: Gateways;
  events: CoreEvents;
  clock: Clock;
  log: Log;
  accounts: AccountsRepo;
  settings: SettingsRepo;
}

export interface SyncReport {
  accounts: number;
  payments: number;
  changed: number;
  /** accounts that could not be reached (the next run tries again) */
  errors: { accountId: string; message: string }[];
}

const idOf = (v: unknown): string | undefined => {
  if (typeof v === 'string' && v) return v;
  if (v && typeof v === 'object' && typeof (v as { id?: unknown }).id === 'string') return (v as { id: string }).id;
  return undefined;
};
const objOf = <T>(v: unknown): T | null => (v && typeof v === 'object' ? (v as T) : null);
const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

export function createSync(d: SyncDeps) {
  const { db, clock, log } = d;
  const payments = paymentsRepo(db);
  const openOfAccount = db.prepare(`SELECT * FROM payments WHERE account_id = ? AND (status IN ${OPEN_STATUSES} OR (status IN ('paid', 'partially_paid') AND fee_minor IS NULL AND paid_at >= ?)) ORDER BY created_at LIMIT 500`);
  const accountsWithOpen = db.prepare(`SELECT DISTINCT account_id FROM payments WHERE status IN ${OPEN_STATUSES} OR (status = 'paid' AND fee_minor IS NULL AND paid_at >= ?)`);
  const anyOpen = db.prepare(`SELECT 1 FROM payments WHERE status IN ${OPEN_STATUSES} LIMIT 1`);
  const oldestOfAccount = db.prepare(`SELECT min(created_at) AS t FROM payments WHERE account_id = ? AND status IN ${OPEN_STATUSES}`);
  const knownEvent = db.prepare('SELECT 1 FROM webhook_events WHERE gateway = ? AND account_id = ? AND event_id = ?');
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

  /** Applies facts to one payment in one transaction; emits payment.changed when the merchant sees a change. */
  function apply(paymentId: string, facts: PaymentEvent[], gatewayType: string | null, ids: GatewayIds): boolean {
    if (facts.length === 0 && Object.keys(ids).length === 0) return false;
    const now = clock.now();
    let changed = false;
    tx(db, () => {
      const row = payments.byId(paymentId);
      if (row) changed = applyFacts(db, row, facts, { source: 'sync', gatewayType, ids, now });
    });
    if (changed) {
      const row = payments.byId(paymentId);
      if (row) d.events.emit('payment.changed', { id: row.id, status: row.status });
    }
    return changed;
  }

  // ---- Stripe -------------------------------------------------------------------------------------

  async function stripeEvents(accountId: string, stripe: Stripe): Promise<number> {
    const nowS = Math.floor(clock.now() / 1000);
    let cursor = d.settings.get(cursorKey(accountId), CursorSchema.nullable(), null);
    if (!cursor) {
      const oldest = (oldestOfAccount.get(accountId) as { t: number | null }).t;
      // nothing open yet: start from now; else from the oldest open payment
      cursor = { created: oldest === null ? nowS - 60 : Math.floor(oldest / 1000) - 60, ids: [] };
    }
    const since = Math.max(cursor.created, nowS - STRIPE_EVENTS_WINDOW_S);
    const seen = new Set(cursor.ids);
    const list: Stripe.Event[] = [];
    for await (const ev of stripe.events.list({ created: { gte: since }, types: [...STRIPE_SYNC_TYPES], limit: 100 })) {
      list.push(ev);
      if (list.length >= MAX_EVENTS_PER_RUN) break;
    }
    list.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    let changed = 0;
    let maxCreated = cursor.created;
    let idsAtMax = new Set(cursor.ids);
    for (const ev of list) {
      if (ev.created > maxCreated) {
        maxCreated = ev.created;
        idsAtMax = new Set();
      }
      if (ev.created === maxCreated) idsAtMax.add(ev.id);
      if (seen.has(ev.id)) continue;
      // already received by webhook (applied there, or about to be)
      if (knownEvent.get('stripe', accountId, ev.id)) continue;
      const n = normalizeStripe(ev);
      if (!n.ref || n.events.length === 0) continue;
      const row = payments.findForRef(accountId, n.ref);
      if (!row || row.gateway !== 'stripe') continue;
      if (apply(row.id, n.events, ev.type, n.ref.ids)) changed++;
    }
    d.settings.set(cursorKey(accountId), { created: maxCreated, ids: [...idsAtMax].slice(-500) });
    return changed;
  }

  function stripeFeeFact(pi: Stripe.PaymentIntent | null, at: number): PaymentEvent | null {
    const ch = objOf<Stripe.Charge>(pi?.latest_charge);
    const bt = objOf<Stripe.BalanceTransaction>(ch?.balance_transaction);
    if (!pi || !bt) return null;
    const fee = int(bt.fee);
    if (fee === null) return null;
    return { type: 'fee_known', at, paymentId: pi.id, fee, tax: 0, net: int(bt.net) };
  }

  /** Facts a retrieved session states (with its payment intent expanded). */
  function sessionFacts(s: Stripe.Checkout.Session, reusableLink: boolean): { facts: PaymentEvent[]; ids: GatewayIds } {
    const now = clock.now();
    const pi = objOf<Stripe.PaymentIntent>(s.payment_intent);
    const piId = idOf(s.payment_intent);
    const ch = objOf<Stripe.Charge>(pi?.latest_charge);
    const ids: GatewayIds = { sessionId: s.id };
    if (piId) ids.paymentIntentId = piId;
    const chId = idOf(pi?.latest_charge);
    if (chId) ids.chargeId = chId;
    const facts: PaymentEvent[] = [];
    const paidAt = (int(ch?.created) ?? int(pi?.created) ?? Math.floor(now / 1000)) * 1000;
    if (s.status === 'complete' && (s.payment_status === 'paid' || s.payment_status === 'no_payment_required')) {
      facts.push({ type: 'captured', at: paidAt, paymentId: piId ?? s.id, amount: int(s.amount_total) ?? 0, full: true });
      const fee = stripeFeeFact(pi, paidAt);
      if (fee) facts.push(fee);
    } else if (s.status === 'expired') {
      if (!reusableLink) facts.push({ type: 'expired', at: (int(s.expires_at) ?? Math.floor(now / 1000)) * 1000 });
    } else if (s.status === 'open') {
      if (!reusableLink) facts.push({ type: 'opened', at: (int(s.created) ?? Math.floor(now / 1000)) * 1000 });
      const e = pi?.last_payment_error;
      if (e && pi) {
        const code = e.decline_code ?? e.code ?? '';
        const msg = e.message ?? '';
        facts.push({ type: 'attempt_failed', at: (int(ch?.created) ?? int(pi.created) ?? Math.floor(now / 1000)) * 1000, reason: (code && msg ? `${code}: ${msg}` : code || msg || 'payment_failed').slice(0, 500), paymentId: pi.id });
      }
    }
    return { facts, ids };
  }

  async function stripePayment(row: PaymentRow, stripe: Stripe): Promise<boolean> {
    const expand = ['payment_intent.latest_charge.balance_transaction'];
    if (row.kind === 'stripe_checkout' && row.session_id) {
      const s = await stripe.checkout.sessions.retrieve(row.session_id, { expand });
      const { facts, ids } = sessionFacts(s, false);
      return apply(row.id, facts, 'checkout.session (sync)', ids);
    }
    if (row.kind === 'stripe_payment_link' && row.plink_id) {
      let changed = false;
      const link = await stripe.paymentLinks.retrieve(row.plink_id);
      if (link.active === false) changed = apply(row.id, [{ type: 'cancelled', at: clock.now() }], 'payment_link (sync)', {}) || changed;
      const sessions = await stripe.checkout.sessions.list({ payment_link: row.plink_id, limit: 100, expand: ['data.payment_intent.latest_charge.balance_transaction'] });
      for (const s of sessions.data) {
        const { facts } = sessionFacts(s, true);
        if (facts.length > 0) changed = apply(row.id, facts, 'checkout.session (sync)', {}) || changed;
      }
      return changed;
    }
    return false;
  }

  // ---- Razorpay -----------------------------------------------------------------------------------

  interface RzpPaymentLite { id: string; amount: number; status: string; fee?: number | null; tax?: number | null; error_code?: string | null; error_description?: string | null; error_reason?: string | null; created_at: number; order_id?: string | null }

  function rzpPaymentFacts(p: RzpPaymentLite, fullWhenCaptured: boolean): PaymentEvent[] {
    const at = p.created_at * 1000;
    const out: PaymentEvent[] = [];
    if (p.status === 'captured' || p.status === 'refunded') {
      out.push({ type: 'captured', at, paymentId: p.id, amount: p.amount, full: fullWhenCaptured });
      const fee = int(p.fee);
      if (fee !== null) out.push({ type: 'fee_known', at, paymentId: p.id, fee, tax: int(p.tax) ?? 0, net: p.amount - fee });
    } else if (p.status === 'authorized') {
      out.push({ type: 'authorized', at, paymentId: p.id, amount: p.amount });
    } else if (p.status === 'failed') {
      const c = p.error_reason ?? p.error_code ?? '';
      const m = p.error_description ?? '';
      out.push({ type: 'attempt_failed', at, reason: (c && m ? `${c}: ${m}` : c || m || 'payment_failed').slice(0, 500), paymentId: p.id });
    }
    return out;
  }

  async function razorpayPayment(row: PaymentRow, rzp: Razorpay): Promise<boolean> {
    if (row.kind === 'razorpay_link' && row.plink_id) {
      const link = (await rzp.paymentLink.fetch(row.plink_id)) as unknown as {
        status: string; expire_by?: number; expired_at?: number; cancelled_at?: number; created_at: number; order_id?: string;
        payments: { payment_id: string; amount: number; status: string; created_at: number }[] | null;
      };
      const facts: PaymentEvent[] = [];
      const ids: GatewayIds = {};
      if (link.order_id) ids.orderId = link.order_id;
      if (link.status === 'created') facts.push({ type: 'opened', at: link.created_at * 1000 });
      else if (link.status === 'expired') facts.push({ type: 'expired', at: (link.expired_at || link.expire_by || Math.floor(clock.now() / 1000)) * 1000 });
      else if (link.status === 'cancelled') facts.push({ type: 'cancelled', at: (link.cancelled_at || Math.floor(clock.now() / 1000)) * 1000 });
      for (const lp of link.payments ?? []) {
        // the payment itself carries the fee and tax
        let p: RzpPaymentLite = { id: lp.payment_id, amount: lp.amount, status: lp.status, created_at: lp.created_at };
        try {
          p = (await rzp.payments.fetch(lp.payment_id)) as unknown as RzpPaymentLite;
        } catch (err) {
          log('warn', 'razorpay payment fetch failed during sync', { paymentId: lp.payment_id, error: mapRazorpayError(err).message });
        }
        facts.push(...rzpPaymentFacts(p, link.status === 'paid'));
      }
      return apply(row.id, facts, 'payment_link (sync)', ids);
    }
    if (row.kind === 'razorpay_order' && row.order_id) {
      const res = (await rzp.orders.fetchPayments(row.order_id)) as unknown as { items?: RzpPaymentLite[] };
      const facts: PaymentEvent[] = [];
      for (const p of res.items ?? []) facts.push(...rzpPaymentFacts(p, false));
      return apply(row.id, facts, 'order (sync)', {});
    }
    return false;
  }

  // ---- per account / per payment --------------------------------------------------------------------

  async function syncAccount(accountId: string, only?: string): Promise<{ payments: number; changed: number }> {
    const account = d.accounts.get(accountId);
    if (!account) return { payments: 0, changed: 0 };
    let rows = openOfAccount.all(accountId, clock.now() - FEE_WINDOW_MS) as PaymentRow[];
    if (only) {
      const one = payments.byId(only);
      rows = one ? [one] : [];
    }
    let changed = 0;
    if (account.gateway === 'stripe') {
      let stripe: Stripe;
      try {
        stripe = d.gateways.stripe(accountId);
      } catch (err) {
        throw err instanceof AppError ? err : mapStripeError(err);
      }
      try {
        changed += await stripeEvents(accountId, stripe);
        for (const row of rows) if (await stripePayment(row, stripe)) changed++;
      } catch (err) {
        throw err instanceof AppError ? err : mapStripeError(err);
      }
    } else {
      const rzp = d.gateways.razorpay(accountId);
      try {
        for (const row of rows) if (await razorpayPayment(row, rzp)) changed++;
      } catch (err) {
        throw err instanceof AppError ? err : mapRazorpayError(err);
      }
    }
    return { payments: rows.length, changed };
  }

  async function syncAll(reason: string): Promise<SyncReport> {
    const report: SyncReport = { accounts: 0, payments: 0, changed: 0, errors: [] };
    const ids = new Set((accountsWithOpen.all(clock.now() - FEE_WINDOW_MS) as { account_id: string }[]).map((r) => r.account_id));
    // Stripe accounts with a cursor keep their event stream current even with nothing open
    for (const a of d.accounts.list()) if (a.gateway === 'stripe' && d.settings.get(cursorKey(a.id), CursorSchema.nullable(), null)) ids.add(a.id);
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
    /** links.checkStatus: this payment now (and its account's Stripe event stream) */
    async syncPayment(id: string): Promise<void> {
      const row = payments.byId(id);
      if (!row) throw new AppError('not_found', 'No such payment. It may have been removed.');
      await serial(row.account_id, () => syncAccount(row.account_id, id));
    },
    /** whether any link can still change (the minute timer runs only then) */
    hasOpen(): boolean {
      return anyOpen.get() !== undefined;
    },
    /** every minute: `tick` (retry pending intents, then sync) while anything is open */
    start(tick: () => Promise<void>, everyMs = 60_000): void {
      if (timer || stopped) return;
      timer = setInterval(() => {
        if (anyOpen.get() === undefined) return;
        void tick().catch((err: unknown) => log('warn', 'periodic sync failed', { error: err }));
      }, everyMs);
      timer.unref();
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
