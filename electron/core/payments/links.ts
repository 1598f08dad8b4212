// Payment links: validate -> commit the intent (row + idempotency key, status `creating`) -> ask the account's
// link port (gateways/<gateway>/links.ts) with that key -> store the gateway ids and URL -> `opened` through
// the one fold (apply.ts).
//
// Never two links for one intent:
// - every (re)try of an intent sends a request derived only from the stored row, with the row's idempotency
//   key; the port makes a replay create nothing new (an idempotency key, or a lookup by our id first);
// - a double submit with the same client `requestId` maps to the same idempotency key, so it returns the
//   existing payment instead of creating a second intent;
// - an intent the gateway could not be reached for stays `creating`; `retryPending()` (on start and every
//   minute) finishes it with the same key. In-flight intents are tracked, so the background retry and a
//   user's request never run at once for one intent.
import type { AnnouncePayment } from './announce';
import type { Payment } from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import { gatewayLabel } from '../../../shared/gateways';
import type { PaymentEvent } from '../../../shared/status';
import type { AuditEntryInput } from '../audit';
import type { CoreEvents } from '../events';
import type { Gateways } from '../gateways';
import type { LinkMade, LinkPort } from '../gateways/ports/links';
import type { Log } from '../log';
import type { Transact } from '../store';
import type { AccountRow, AccountsRepo } from '../store/repos/accounts';
import { DuplicateIntentError, type PaymentLinksRepo } from '../store/repos/payment-links';
import type { PaymentRow, PaymentsRepo } from '../store/repos/payments';
import type { Clock, OperatorRef } from '../types';
import { applyFacts, type PaymentChange } from './apply';
import { nextAttempt } from './attempts';
import { requireReturnPage, returnUrlsFor, type ReturnPlaces, type ReturnUrls, type ReturnWish, type ShopReturn } from './return-urls';
import type { ShopPlace } from '../../../shared/region';
import type { OrdersRepo } from '../store/repos/orders';
import { linkHandleOf, linkRequestOf, newPaymentId, paymentOfRow } from './link-rows';
import { idempotencyKeyFor, usableAccount, validateLink, type LinkCreateParsed, type ValidatedLink } from './links-validate';
import type { GatewayIds } from '../gateways/facts';

export type { LinkCreateParsed } from './links-validate';
export { newPaymentId, notesOfRow, paymentOfRow } from './link-rows';

export interface LinksDeps {
  payments: PaymentsRepo;
  paymentLinks: PaymentLinksRepo;
  orders: OrdersRepo;
  /** where Paydesk's own return pages are reachable for a customer of this account (null: nowhere yet) */
  returnBase?: (account: AccountRow) => string | null;
  /** the account's own "return to shop" pages (Settings → Accounts), preferred to Paydesk's */
  shopReturn?: (account: AccountRow) => ShopReturn | null;
  /** where the shop is (its time zone, Settings → Reports): the country of a phone number typed without one */
  shopPlace?: () => ShopPlace;
  transaction: Transact;
  accounts: Pick<AccountsRepo, 'get'>;
  gateways: Pick<Gateways, 'client'>;
  events: CoreEvents;
  /** payment.changed, with the payment as it is now */
  announce: AnnouncePayment;
  clock: Clock;
  log: Log;
  /** appends an audit entry (inside the caller's transaction) */
  audit: (entry: AuditEntryInput) => void;
  /** after a link's gateway ids are stored: re-apply webhooks that arrived before them */
  onIdsLearned?: (accountId: string) => void;
}

export interface CreateOptions {
  createdBy: 'console' | 'api';
  /** who asked (ctx.operator), for the audit log; omitted: Paydesk itself */
  operator?: OperatorRef | null;
}

/** What the intent's `created` timeline entry records (and a retry reads back). */
interface IntentDetail {
  notify: boolean;
  createdBy: string;
  /** where the hosted checkout sends the customer back; stored so every retry asks the same */
  returnUrls?: ReturnUrls | null;
}

export function createLinksService(d: LinksDeps) {
  const { clock, log, payments, paymentLinks, transaction } = d;
  /** intents whose gateway call is running now */
  const inFlight = new Map<string, Promise<PaymentRow>>();
  /** why an intent is still `creating` (the last gateway error), for the UI */
  const pendingReasons = new Map<string, string>();

  const must = (id: string): PaymentRow => {
    const row = payments.byId(id);
    if (!row) throw new AppError('not_found', 'No such payment. It may have been removed.');
    return row;
  };

  const emitChanged = (c: { id: string }): void => d.announce(c.id);
  const announce = (c: PaymentChange | null): void => {
    if (c) emitChanged(c);
  };

  /** folds local facts into a payment read in the same transaction */
  const applyLocal = (id: string, facts: PaymentEvent[], now: number, ids?: GatewayIds): PaymentChange | null =>
    applyFacts(payments, must(id), facts, { source: 'local', gatewayType: null, now, ...(ids ? { ids } : {}) });

  function linkPortOf(account: AccountRow): LinkPort {
    try {
      return d.gateways.client(account.id).links;
    } catch (err) {
      if (err instanceof AppError && err.field === 'publicKey') throw invalid('accountId', `This ${gatewayLabel(account.gateway)} account has no key id. Add it in Settings → Accounts.`);
      throw err;
    }
  }

  const placesOf = (account: AccountRow): ReturnPlaces => ({ shop: d.shopReturn?.(account) ?? null, base: d.returnBase?.(account) ?? null });

  function validate(input: LinkCreateParsed, createdBy: CreateOptions['createdBy'] = 'console'): ValidatedLink & { reusable: boolean } {
    const account = usableAccount(d.accounts.get(input.accountId), input.mode);
    const port = linkPortOf(account);
    const v = validateLink(input, account, port, clock.now(), d.shopPlace?.() ?? {});
    // from the console a link is for sharing; the shop's own website may take one that opens Checkout itself
    if (createdBy === 'console' && !port.hasPayPage(v.kind, d.returnBase?.(account) ?? null)) {
      throw invalid('kind', `${gatewayLabel(account.gateway)} gives this kind of link no page: it is paid on Paydesk's own pay page, which needs a public address. Start the tunnel (Webhooks), or make a payment link instead.`);
    }
    requireReturnPage(port.needsReturnPage(v.kind), input, placesOf(account), gatewayLabel(account.gateway));
    return { ...v, reusable: port.reusable(v.kind) };
  }

  function intentDetail(id: string): IntentDetail {
    const detail = paymentLinks.createdDetail(id);
    try {
      const v = detail ? (JSON.parse(detail) as Partial<IntentDetail>) : {};
      return { notify: v.notify ?? true, createdBy: v.createdBy ?? 'console', returnUrls: v.returnUrls ?? null };
    } catch {
      return { notify: true, createdBy: 'console' };
    }
  }

  function insertIntent(v: ValidatedLink & { reusable: boolean }, wish: ReturnWish, key: string, opts: CreateOptions): string {
    const id = newPaymentId();
    const now = clock.now();
    transaction(() => {
      const attempt = nextAttempt(d.orders, v.account.id, v.orderRef);
      const detail: IntentDetail = { notify: v.notify, createdBy: opts.createdBy, returnUrls: returnUrlsFor(wish, placesOf(v.account), { order: v.orderRef, attempt: attempt.gatewayRef }) };
      paymentLinks.insertIntent({
        id, accountId: v.account.id, gateway: v.account.gateway, livemode: v.account.livemode, kind: v.kind, orderRef: v.orderRef,
        amountMinor: v.amountMinor, currency: v.currency, description: v.description, customerName: v.customerName,
        customerEmail: v.customerEmail, customerPhone: v.customerPhone, notes: v.notes, idempotencyKey: key,
        expiresAt: v.expiresAt, createdBy: opts.createdBy, createdAt: now, ...attempt, reusable: v.reusable,
      }, JSON.stringify(detail));
      d.audit({
        operator: opts.operator ?? null, action: 'link.created', subject: { type: 'payment', id }, livemode: v.account.livemode, at: now,
        details: { accountId: v.account.id, kind: v.kind, amountMinor: v.amountMinor, currency: v.currency, orderRef: v.orderRef, createdBy: opts.createdBy },
      });
    });
    return id;
  }

  /** Validates and commits the intent (status `creating`) with its idempotency key; no gateway call. A repeated requestId returns the existing row. */
  function commitIntent(input: LinkCreateParsed, opts: CreateOptions): { row: PaymentRow; existing: boolean } {
    const key = idempotencyKeyFor(input);
    const prior = paymentLinks.byIdempotencyKey(key);
    if (prior) return { row: prior, existing: true };
    const v = validate(input, opts.createdBy);
    try {
      return { row: must(insertIntent(v, input, key, opts)), existing: false };
    } catch (err) {
      if (!(err instanceof DuplicateIntentError)) throw err;
      const again = paymentLinks.byIdempotencyKey(key);
      if (again) return { row: again, existing: true };
      if (err.on === 'order_ref') throw invalid('orderRef', `Another link for order ${v.orderRef} was made at the same moment. Look it up in Payments before making a new one.`);
      throw err;
    }
  }

  /** Sends the intent to its gateway (idempotently) and returns what the gateway made. No local writes. */
  async function sendToGateway(row: PaymentRow, opts: { fresh: boolean }): Promise<LinkMade> {
    const { notify, returnUrls } = intentDetail(row.id);
    return d.gateways.client(row.account_id).links.create(linkRequestOf(row, notify, returnUrls ?? null), opts);
  }

  async function cancelAtGateway(row: PaymentRow): Promise<void> {
    return d.gateways.client(row.account_id).links.cancel(linkHandleOf(row));
  }

  /** Paydesk's own pay page (webhooks/pay-routes.ts) for a link the gateway gives no page: a Razorpay Order */
  function payPageOf(row: PaymentRow): string | null {
    const account = d.accounts.get(row.account_id);
    const base = account ? d.returnBase?.(account) ?? null : null;
    return base && d.gateways.client(row.account_id).checkout ? `${base}/pay/${row.id}` : null;
  }

  /** Stores what the gateway made and opens the payment (or cancels the new link if the intent was cancelled meanwhile). */
  async function storeResult(id: string, made: LinkMade): Promise<PaymentRow> {
    const now = clock.now();
    const { cancelAfter, change } = transaction(() => {
      const before = must(id);
      paymentLinks.setGatewayFields(id, made.url ?? payPageOf(before), made.expiresAt, now);
      return { cancelAfter: before.status === 'cancelled', change: applyLocal(id, [{ type: 'opened', at: now }], now, made.ids) };
    });
    pendingReasons.delete(id);
    announce(change);
    const row = must(id);
    try {
      d.onIdsLearned?.(row.account_id);
    } catch (err) {
      log('warn', 're-applying early webhooks failed', { error: err });
    }
    if (cancelAfter) await cancelAtGateway(row).catch((err: unknown) => log('warn', 'could not cancel a link created after its intent was cancelled', { id, error: err }));
    return must(id);
  }

  function dropIntent(id: string, reason: AppError): void {
    try {
      transaction(() => paymentLinks.dropIntent(id));
      log('info', `link intent ${id} dropped: the gateway refused it`, { code: reason.code });
    } catch (err) {
      // still referenced (should not happen for a link the gateway never made): keep it as a failed attempt
      log('warn', `link intent ${id} could not be dropped`, { error: err });
      const now = clock.now();
      const reasonText = `not_created: ${reason.message}`.slice(0, 500);
      announce(transaction(() => applyLocal(id, [{ type: 'attempt_failed', at: now, reason: reasonText }], now)));
      pendingReasons.delete(id);
    }
  }

  function failed(row: PaymentRow, err: unknown): AppError {
    const e = err instanceof AppError ? err : new AppError('internal', 'Something went wrong while creating the link.', { cause: err });
    const label = gatewayLabel(row.gateway);
    if (e.code === 'gateway_unreachable') {
      pendingReasons.set(row.id, `${label} could not be reached. The link is saved and Paydesk retries every minute.`);
      return new AppError('gateway_unreachable', `${label} could not be reached, so the link is not created yet. It is saved as "creating" and Paydesk retries every minute; nothing will be created twice.`, { retryable: true });
    }
    // the gateway refused the request: nothing was created there; drop the intent so the form can be fixed and sent again
    dropIntent(row.id, e);
    return e;
  }

  /** Runs (or joins) the gateway call of one intent. */
  function finish(row: PaymentRow, fresh: boolean): Promise<PaymentRow> {
    const running = inFlight.get(row.id);
    if (running) return running;
    const p = (async () => {
      try {
        return await storeResult(row.id, await sendToGateway(row, { fresh }));
      } catch (err) {
        throw failed(row, err);
      } finally {
        inFlight.delete(row.id);
      }
    })();
    inFlight.set(row.id, p);
    return p;
  }

  async function cancel(id: string, operator: OperatorRef | null = null): Promise<Payment> {
    const row = must(id);
    if (row.status === 'paid' || row.status === 'partially_paid' || row.status === 'authorized') {
      throw new AppError('conflict', 'This link has already been paid, so it cannot be cancelled. Refund the payment instead.');
    }
    if (row.status === 'expired' || row.status === 'cancelled') return paymentOfRow(row);
    if (row.status !== 'creating' || row.session_id || row.plink_id || row.order_id) await cancelAtGateway(row);
    const change = transaction(() => {
      const now = clock.now();
      const before = must(id);
      const c = applyLocal(id, [{ type: 'cancelled', at: now }], now);
      d.audit({ operator, action: 'link.cancelled', subject: { type: 'payment', id }, livemode: before.livemode === 1, at: now, details: { accountId: before.account_id, orderRef: before.order_ref, statusBefore: before.status } });
      return c;
    });
    announce(change);
    return paymentOfRow(must(id));
  }

  async function retryPending(): Promise<number> {
    let n = 0;
    for (const row of paymentLinks.creating()) {
      if (inFlight.has(row.id)) continue;
      try {
        await finish(must(row.id), false);
        n++;
      } catch (err) {
        if (!(err instanceof AppError && err.code === 'gateway_unreachable')) log('warn', `link intent ${row.id} could not be finished`, { error: err });
      }
    }
    return n;
  }

  return {
    validate,
    commitIntent,
    sendToGateway,
    paymentOf: (row: PaymentRow): Payment => paymentOfRow(row, pendingReasons.get(row.id) ?? null),
    get: (id: string): Payment => paymentOfRow(must(id), pendingReasons.get(id) ?? null),
    notifyOf: (id: string): boolean | null => (paymentLinks.createdDetail(id) !== undefined ? intentDetail(id).notify : null),

    /** links.create: commit the intent, then create it at the gateway. */
    async create(input: LinkCreateParsed, opts: CreateOptions): Promise<Payment> {
      const { row, existing } = commitIntent(input, opts);
      if (!existing) emitChanged(row);
      if (row.status !== 'creating') return paymentOfRow(row);
      return paymentOfRow(await finish(row, !existing));
    },
    /** Finishes intents left `creating` (gateway unreachable, crash): on start and every minute. */
    retryPending,
    cancel,
  };
}

export type LinksService = ReturnType<typeof createLinksService>;
