// Payment links: validate -> commit the intent (row + idempotency key, status `creating`) -> call the
// gateway with that key -> store the gateway ids and URL -> `opened` through the state machine.
//
// Never two links for one intent:
// - Stripe: every (re)try of an intent sends the same Idempotency-Key (the row's idempotency_key; stripe-node
//   retries 5xx/429 itself with that key, maxNetworkRetries 2), and every parameter is derived from the
//   stored row, so a replay is byte-for-byte the same request.
// - Razorpay: a Payment Link carries reference_id = our id (unique at Razorpay); an Order carries
//   receipt = our id. After a failure or timeout the intent is looked up by that id before any retry.
// - A double submit with the same client `requestId` maps to the same idempotency key, so it returns the
//   existing payment instead of creating a second intent.
// - An intent the gateway could not be reached for stays `creating`; `retryPending()` (on start and every
//   minute) finishes it with the same key. In-flight intents are tracked, so the background retry and a
//   user's request never run at once for one intent.
//
// Limits (amount, currencies, expiry) are documented tables below; the gateway stays the final judge, and its
// refusal is mapped to the input field it concerns.
import { createHash, randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import type Razorpay from 'razorpay';
import type { z } from 'zod';
import type { LinkCreateInputSchema, Mode, Payment, PaymentKind } from '../../../shared/contract';
import { AppError, invalid } from '../../../shared/errors';
import { CURRENCIES, currencyExponent, isKnownCurrency, parseAmount, toMajorString } from '../../../shared/money';
import { applyPaymentEvent, paymentStatusOf, type PaymentEvent } from '../../../shared/status';
import type { CoreEvents } from '../events';
import { mapRazorpayError, mapStripeError } from '../gateways/errors';
import type { Gateways } from '../gateways';
import type { Log } from '../log';
import { tx, type Db } from '../store/db';
import type { AccountRow, AccountsRepo } from '../store/repos/accounts';
import { paymentsRepo, stateOfRow, type PaymentRow } from '../store/repos/payments';
import type { GatewayIds } from './normalize';
import type { Clock, OperatorRef } from '../types';
import { recordAudit } from '../audit';

export type LinkCreateParsed = z.output<typeof LinkCreateInputSchema>;

// ---------------------------------------------------------------------------------------------------
// Gateway limits (documented tables; [U] = not checked against the gateway's current docs, the gateway decides)

/**
 * Stripe's minimum charge per currency in minor units (docs.stripe.com/currencies "Minimum and maximum charge
 * amounts"; the equivalent of about USD 0.50). Currencies not listed: 50 minor units, 500 for three-decimal
 * currencies (Stripe charges those in steps of 10, and the sandbox uses the same rule). [U for the fallback]
 */
export const STRIPE_MIN_MINOR: Readonly<Record<string, number>> = {
  USD: 50, EUR: 50, GBP: 30, INR: 50, AUD: 50, CAD: 50, CHF: 50, SGD: 50, NZD: 50, BRL: 50, JPY: 50,
  AED: 200, BGN: 100, CZK: 1500, DKK: 250, HKD: 400, HUF: 17500, MXN: 1000, MYR: 200, NOK: 300, PLN: 200, RON: 200, SEK: 300, THB: 1000,
  KWD: 500, BHD: 500, JOD: 500, OMR: 500, TND: 500,
};
/** Stripe accepts at most 8 digits in minor units (99,999,999) per charge. */
export const STRIPE_MAX_MINOR = 99_999_999;
/** Stripe supports every currency of shared/money.ts except these [U]. */
const STRIPE_UNSUPPORTED = new Set(['IQD', 'LYD']);
export const STRIPE_CURRENCIES: readonly string[] = CURRENCIES.filter((c) => !STRIPE_UNSUPPORTED.has(c));

/** Razorpay: at least 100 subunits ("The amount must be atleast INR 1.00"), any currency it supports. */
export const RAZORPAY_MIN_MINOR = 100;
/** A technical cap (INR 50 lakh in paise); each Razorpay account also has its own per-transaction limit, which Razorpay enforces. [U] */
export const RAZORPAY_MAX_MINOR = 500_000_000;
/** Razorpay's supported currencies (razorpay.com/docs/payments/international-payments, the common ones) [U]. INR is the default. */
export const RAZORPAY_CURRENCIES: readonly string[] = [
  'INR', 'USD', 'EUR', 'GBP', 'SGD', 'AED', 'AUD', 'CAD', 'CHF', 'HKD', 'JPY', 'MYR', 'NZD', 'SAR', 'QAR', 'SEK', 'DKK', 'NOK',
  'ZAR', 'THB', 'LKR', 'NPR', 'BDT', 'KWD', 'BHD', 'OMR', 'JOD', 'MUR', 'MVR', 'PHP', 'IDR', 'CNY', 'KES', 'EGP', 'TRY', 'ILS',
  'PLN', 'CZK', 'HUF', 'MXN', 'BRL', 'KRW', 'TWD', 'PKR', 'NGN',
];

/** Expiry windows, minutes from now. */
export const EXPIRY = {
  /** Stripe Checkout Session expires_at: 30 minutes .. 24 hours (default 24 hours) */
  stripeCheckout: { min: 30, max: 24 * 60, default: 24 * 60 },
  /** Razorpay Payment Link expire_by: at least 15 minutes ahead; the sandbox also caps it at 6 months */
  razorpayLink: { min: 15, max: 183 * 24 * 60 },
} as const;

const GATEWAY_NAME = { stripe: 'Stripe', razorpay: 'Razorpay' } as const;
const EMAIL = /^[^\s@<>()[\]\\,;:"]+@[^\s@<>()[\]\\,;:"]+\.[A-Za-z]{2,}$/;
/** E.164-ish after removing spaces, dashes, dots and parentheses: optional +, 8..15 digits, not starting with 0 after + */
const PHONE = /^\+?[1-9]\d{7,14}$|^0\d{9,11}$/;

// ---------------------------------------------------------------------------------------------------

export interface LinksDeps {
  db: Db;
  gateways: Gateways;
  events: CoreEvents;
  clock: Clock;
  log: Log;
  accounts: AccountsRepo;
  /** after a link's gateway ids are stored: re-apply webhooks that arrived before (ingest.reapplyUnmatched) */
  onGatewayIds?: (accountId: string) => void;
}

export interface CreateOptions {
  createdBy: 'console' | 'api';
  /** who asked (ctx.operator), for the audit log; omitted: Paydesk itself */
  operator?: OperatorRef | null;
}

interface Validated {
  account: AccountRow;
  kind: PaymentKind;
  amountMinor: number;
  currency: string;
  description: string | null;
  orderRef: string;
  customerName: string | null;
  customerEmail: string | null;
  customerPhone: string | null;
  expiresAt: number | null;
  notes: Record<string, string>;
  notify: boolean;
}

/** What the intent's `created` timeline entry records (and a retry reads back). */
interface IntentDetail {
  notify: boolean;
  createdBy: string;
}

interface GatewayResult {
  ids: GatewayIds;
  url: string | null;
  expiresAt: number | null;
}

export const newPaymentId = (): string => `pd_${randomBytes(10).toString('hex')}`;

/**
 * A payment's stored notes (JSON text), as a null-prototype record: copied name by name, so no name can
 * collide with what every object inherits and be dropped on the way.
 */
export function notesOfRow(row: Pick<PaymentRow, 'notes'>): Record<string, string> {
  const notes = Object.create(null) as Record<string, string>;
  try {
    const parsed = JSON.parse(row.notes) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) if (typeof value === 'string') notes[name] = value;
    }
  } catch {
    // stored notes are always JSON (CHECK json_valid); keep going with none
  }
  return notes;
}

/** Payment row -> the contract's Payment. */
export function paymentOfRow(row: PaymentRow, pendingReason: string | null = null): Payment {
  const notes = notesOfRow(row);
  return {
    id: row.id,
    accountId: row.account_id,
    gateway: row.gateway,
    mode: row.livemode ? 'live' : 'test',
    kind: row.kind,
    orderRef: row.order_ref,
    amountMinor: row.amount_minor,
    currency: row.currency,
    description: row.description,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    customerPhone: row.customer_phone,
    notes,
    status: row.status,
    displayStatus: row.refund_state === 'none' ? row.status : row.refund_state,
    statusReason: row.status_reason,
    pendingReason: row.status === 'creating' ? (pendingReason ?? 'Waiting for the gateway to confirm the link. Paydesk retries every minute.') : null,
    url: row.url,
    gatewayIds: {
      sessionId: row.session_id,
      plinkId: row.plink_id,
      orderId: row.order_id,
      paymentIntentId: row.payment_intent_id,
      chargeId: row.charge_id,
      paymentId: row.gateway_payment_id,
    },
    expiresAt: row.expires_at,
    paidAt: row.paid_at,
    capturedMinor: row.captured_minor,
    refundedMinor: row.refunded_minor,
    feeMinor: row.fee_minor,
    taxMinor: row.tax_minor,
    netMinor: row.net_minor,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

const repoCache = new WeakMap<Db, ReturnType<typeof paymentsRepo>>();

export interface PaymentChangeOut {
  id: string;
  status: PaymentRow['status'];
}

/**
 * Folds facts (from sync or a local action) into a payment through the state machine, stores the state,
 * the timeline entries of the facts that taught it something, and gateway ids it did not have.
 * Returns whether what the merchant sees changed. Call inside a transaction.
 */
export function applyFacts(
  db: Db,
  row: PaymentRow,
  facts: readonly PaymentEvent[],
  opts: { source: 'sync' | 'local'; gatewayType: string | null; ids?: GatewayIds; now: number },
): boolean {
  let repo = repoCache.get(db);
  if (!repo) {
    repo = paymentsRepo(db);
    repoCache.set(db, repo);
  }
  let state = stateOfRow(row);
  let changed = false;
  let stateChanged = false;
  for (const ev of facts) {
    const r = applyPaymentEvent(state, ev);
    state = r.state;
    changed ||= r.changed;
    stateChanged ||= r.stateChanged;
    if (r.stateChanged) {
      repo.addTimeline({
        paymentId: row.id, at: ev.at, recordedAt: opts.now, event: ev, source: opts.source, webhookEventId: null,
        gatewayType: opts.gatewayType, changed: r.changed, statusAfter: paymentStatusOf(r.state),
      });
    }
  }
  const ids = opts.ids ?? {};
  const learns = Object.entries(ids).some(([k, v]) => v && (row as unknown as Record<string, unknown>)[ID_COLUMN[k as keyof GatewayIds]] == null);
  if (stateChanged || learns || row.machine === null) {
    const s = repo.saveState(row.id, state, ids, opts.now);
    return changed || s.status !== row.status;
  }
  return false;
}

const ID_COLUMN: Record<keyof GatewayIds, string> = {
  sessionId: 'session_id', plinkId: 'plink_id', orderId: 'order_id', paymentIntentId: 'payment_intent_id', chargeId: 'charge_id', paymentId: 'gateway_payment_id',
};

export function createLinksService(d: LinksDeps) {
  const { db, clock, log } = d;
  const payments = paymentsRepo(db);
  /** intents whose gateway call is running now */
  const inFlight = new Map<string, Promise<PaymentRow>>();
  /** why an intent is still `creating` (the last gateway error), for the UI */
  const pendingReasons = new Map<string, string>();

  const byIdempotencyKey = db.prepare('SELECT * FROM payments WHERE idempotency_key = ?');
  const byOrderRef = db.prepare('SELECT id FROM payments WHERE account_id = ? AND order_ref = ?');
  const setGatewayFields = db.prepare(`UPDATE payments SET url = coalesce(@url, url), expires_at = coalesce(@expiresAt, expires_at), updated_at = @now WHERE id = @id`);
  const createdDetail = db.prepare("SELECT detail FROM payment_events WHERE payment_id = ? AND kind = 'created' ORDER BY id LIMIT 1");
  const insertCreated = db.prepare(`INSERT INTO payment_events (payment_id, at, recorded_at, kind, source, webhook_event_id, gateway_type, detail, changed, status_after)
    VALUES (?, ?, ?, 'created', 'local', NULL, NULL, ?, 1, 'creating')`);
  const creatingRows = db.prepare("SELECT * FROM payments WHERE status = 'creating' ORDER BY created_at LIMIT 100");
  const deleteIntent = db.prepare('DELETE FROM payments WHERE id = ?');

  const must = (id: string): PaymentRow => {
    const row = payments.byId(id);
    if (!row) throw new AppError('not_found', 'No such payment. It may have been removed.');
    return row;
  };

  const emitChanged = (row: PaymentRow | undefined): void => {
    if (row) d.events.emit('payment.changed', { id: row.id, status: row.status });
  };

  // ---- validation ---------------------------------------------------------------------------------

  function validate(input: LinkCreateParsed): Validated {
    const account = d.accounts.get(input.accountId);
    if (!account) throw invalid('accountId', 'This account does not exist (any more). Choose another account.');
    if (input.mode && input.mode !== account.mode) {
      throw invalid('accountId', account.mode === 'live'
        ? 'This is a live account and the console is in test mode. Switch to live mode to take real payments.'
        : 'This is a test account and the console is in live mode. Switch to test mode to use it.');
    }
    if (!account.secretKeyRef) throw invalid('accountId', 'This account has no secret key. Add one in Settings → Accounts.');
    if (account.verificationStatus === 'failed') {
      throw invalid('accountId', `${GATEWAY_NAME[account.gateway]} refused this account's keys${account.verificationMessage ? ` (${account.verificationMessage.replace(/[.\s]+$/, '')})` : ''}. Fix them in Settings → Accounts and verify again.`);
    }
    if (account.gateway === 'razorpay' && !account.publicKey) throw invalid('accountId', 'This Razorpay account has no key id. Add it in Settings → Accounts.');

    const g = account.gateway;
    let kind: PaymentKind;
    const k = input.kind ?? (g === 'stripe' ? 'checkout_session' : 'payment_link');
    if (g === 'stripe') {
      if (k === 'order') throw invalid('kind', 'Stripe links are a Checkout Session or a Payment Link; orders are for Razorpay.');
      kind = k === 'payment_link' ? 'stripe_payment_link' : 'stripe_checkout';
    } else {
      if (k === 'checkout_session') throw invalid('kind', 'Razorpay links are a Payment Link or an Order; Checkout Sessions are for Stripe.');
      kind = k === 'order' ? 'razorpay_order' : 'razorpay_link';
    }

    const currency = input.currency;
    if (!isKnownCurrency(currency)) throw invalid('currency', `${currency} is not a currency Paydesk knows.`);
    const supported = g === 'stripe' ? STRIPE_CURRENCIES : RAZORPAY_CURRENCIES;
    if (!supported.includes(currency)) throw invalid('currency', `${GATEWAY_NAME[g]} does not take payments in ${currency}.`);

    const parsed = parseAmount(input.amount, currency);
    if (!parsed.ok) throw invalid('amount', parsed.reason);
    const amountMinor = parsed.minor;
    const exp = currencyExponent(currency);
    const min = g === 'stripe' ? (STRIPE_MIN_MINOR[currency] ?? (exp === 3 ? 500 : 50)) : RAZORPAY_MIN_MINOR;
    const max = g === 'stripe' ? STRIPE_MAX_MINOR : RAZORPAY_MAX_MINOR;
    if (amountMinor < min) throw invalid('amount', `${GATEWAY_NAME[g]} needs at least ${currency} ${toMajorString(min, currency)}.`);
    if (amountMinor > max) throw invalid('amount', `${GATEWAY_NAME[g]} takes at most ${currency} ${toMajorString(max, currency)} in one payment.`);
    if (exp === 3 && amountMinor % 10 !== 0) {
      throw invalid('amount', `${GATEWAY_NAME[g]} charges ${currency} in steps of 0.010: the last decimal must be 0 (e.g. ${toMajorString(Math.round(amountMinor / 10) * 10 || 10, currency)}).`);
    }

    const email = input.customerEmail ?? null;
    if (email !== null && !EMAIL.test(email)) throw invalid('customerEmail', 'Enter an email address such as name@example.com.');
    let phone: string | null = null;
    if (input.customerPhone) {
      phone = input.customerPhone.replace(/[\s().-]/g, '');
      if (!PHONE.test(phone)) throw invalid('customerPhone', 'Enter the phone number with its country code, such as +919876543210 (8 to 15 digits).');
    }

    const now = clock.now();
    let expiresAt: number | null = null;
    const expiryField = input.expiresAt !== undefined ? 'expiresAt' : 'expiresInMinutes';
    const given = input.expiresAt ?? (input.expiresInMinutes !== undefined ? now + input.expiresInMinutes * 60_000 : undefined);
    if (kind === 'stripe_checkout') {
      const w = EXPIRY.stripeCheckout;
      expiresAt = given ?? now + w.default * 60_000;
      // a minute of slack for the time between the form and this check
      if (expiresAt < now + w.min * 60_000 - 60_000) throw invalid(expiryField, 'A Stripe Checkout link must stay open at least 30 minutes.');
      if (expiresAt > now + w.max * 60_000 + 60_000) throw invalid(expiryField, 'A Stripe Checkout link expires within 24 hours at most. For longer, use a Stripe Payment Link.');
      expiresAt = Math.min(Math.max(expiresAt, now + w.min * 60_000 + 5_000), now + w.max * 60_000 - 5_000);
    } else if (kind === 'razorpay_link') {
      const w = EXPIRY.razorpayLink;
      if (given !== undefined) {
        if (given < now + w.min * 60_000 - 30_000) throw invalid(expiryField, 'A Razorpay link must stay open at least 15 minutes.');
        if (given > now + w.max * 60_000) throw invalid(expiryField, 'A Razorpay link can stay open at most 6 months.');
        expiresAt = Math.max(given, now + w.min * 60_000 + 60_000);
      }
    } else if (given !== undefined) {
      throw invalid(expiryField, kind === 'stripe_payment_link'
        ? 'Stripe Payment Links do not expire (cancel the link when done). For a link that expires, use a Checkout Session.'
        : 'Razorpay orders do not expire. For a link that expires, use a Payment Link.');
    }

    const orderRef = input.orderRef;
    return {
      account, kind, amountMinor, currency,
      description: input.description ?? null,
      orderRef,
      customerName: input.customerName ?? null,
      customerEmail: email,
      customerPhone: phone,
      expiresAt,
      notes: input.notes ?? {},
      notify: input.notify ?? true,
    };
  }

  // ---- the intent ---------------------------------------------------------------------------------

  /**
   * With a requestId: derived from the account, the requestId and the input as sent (canonical JSON), so a
   * double click or a retried request maps to the same intent, while a corrected form sent with the same
   * requestId (after the gateway refused the first) is a new intent with a new key. Without: random.
   */
  const idempotencyKeyFor = (input: LinkCreateParsed): string => {
    if (!input.requestId) return `pdk_${randomBytes(20).toString('hex')}`;
    const { requestId, ...rest } = input;
    const canonical = JSON.stringify(rest, (_k, v: unknown) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v as object).sort().map((k) => [k, (v as Record<string, unknown>)[k]])) : v);
    return `pdk_${createHash('sha256').update(`${input.accountId}\0${requestId}\0${canonical}`).digest('hex').slice(0, 40)}`;
  };

  /** Validates and commits the intent (status `creating`) with its idempotency key; no gateway call. A repeated requestId returns the existing row. */
  function commitIntent(input: LinkCreateParsed, opts: CreateOptions): { row: PaymentRow; existing: boolean } {
    const key = idempotencyKeyFor(input);
    const prior = byIdempotencyKey.get(key) as PaymentRow | undefined;
    if (prior) return { row: prior, existing: true };
    const v = validate(input);
    const clash = byOrderRef.get(v.account.id, v.orderRef) as { id: string } | undefined;
    if (clash) throw invalid('orderRef', `Order reference ${v.orderRef} is already used on this account (payment ${clash.id}). Use a new reference for each order.`);
    const id = newPaymentId();
    const now = clock.now();
    const detail: IntentDetail = { notify: v.notify, createdBy: opts.createdBy };
    try {
      tx(db, () => {
        payments.insert({
          id, accountId: v.account.id, gateway: v.account.gateway, livemode: v.account.livemode, kind: v.kind, orderRef: v.orderRef,
          amountMinor: v.amountMinor, currency: v.currency, description: v.description, customerName: v.customerName,
          customerEmail: v.customerEmail, customerPhone: v.customerPhone, notes: v.notes, idempotencyKey: key,
          expiresAt: v.expiresAt, createdBy: opts.createdBy, createdAt: now,
        });
        insertCreated.run(id, now, now, JSON.stringify(detail));
        recordAudit(db, {
          operator: opts.operator ?? null, action: 'link.created', subject: { type: 'payment', id }, livemode: v.account.livemode, at: now,
          details: { accountId: v.account.id, kind: v.kind, amountMinor: v.amountMinor, currency: v.currency, orderRef: v.orderRef, createdBy: opts.createdBy },
        });
      });
    } catch (err) {
      const code = (err as { code?: string }).code ?? '';
      const msg = (err as Error).message ?? '';
      if (code.startsWith('SQLITE_CONSTRAINT')) {
        const again = byIdempotencyKey.get(key) as PaymentRow | undefined;
        if (again) return { row: again, existing: true };
        if (/order_ref/.test(msg)) throw invalid('orderRef', `Order reference ${v.orderRef} is already used on this account. Use a new reference for each order.`);
      }
      throw err;
    }
    return { row: must(id), existing: false };
  }

  function intentDetail(id: string): IntentDetail {
    const r = createdDetail.get(id) as { detail: string } | undefined;
    try {
      const v = r ? (JSON.parse(r.detail) as Partial<IntentDetail>) : {};
      return { notify: v.notify ?? true, createdBy: v.createdBy ?? 'console' };
    } catch {
      return { notify: true, createdBy: 'console' };
    }
  }

  // ---- the gateway calls --------------------------------------------------------------------------

  /** The merchant's notes plus Paydesk's own two, as the SDKs take them: a plain object of own data properties. */
  const metadataOf = (row: PaymentRow): Record<string, string> => {
    const metadata = new Map(Object.entries(notesOfRow(row)));
    metadata.set('paydesk_id', row.id);
    metadata.set('order_ref', row.order_ref);
    return Object.fromEntries(metadata);
  };

  async function stripeCreate(row: PaymentRow, notify: boolean): Promise<GatewayResult> {
    const stripe = d.gateways.stripe(row.account_id);
    const metadata = metadataOf(row);
    const name = row.description ?? `Order ${row.order_ref}`;
    const currency = row.currency.toLowerCase();
    try {
      if (row.kind === 'stripe_checkout') {
        const params: Stripe.Checkout.SessionCreateParams = {
          mode: 'payment',
          line_items: [{ price_data: { currency, unit_amount: row.amount_minor, product_data: { name } }, quantity: 1 }],
          client_reference_id: row.id,
          metadata,
          payment_intent_data: { metadata, description: name, ...(notify && row.customer_email ? { receipt_email: row.customer_email } : {}) },
          ...(notify && row.customer_email ? { customer_email: row.customer_email } : {}),
          ...(row.expires_at ? { expires_at: Math.floor(row.expires_at / 1000) } : {}),
        };
        const s = await stripe.checkout.sessions.create(params, { idempotencyKey: row.idempotency_key });
        return { ids: { sessionId: s.id }, url: s.url ?? null, expiresAt: typeof s.expires_at === 'number' ? s.expires_at * 1000 : null };
      }
      // a reusable Payment Link: a price, then the link (two requests, two derived idempotency keys)
      const price = await stripe.prices.create(
        { currency, unit_amount: row.amount_minor, product_data: { name }, metadata },
        { idempotencyKey: `${row.idempotency_key}:price` },
      );
      const link = await stripe.paymentLinks.create(
        { line_items: [{ price: price.id, quantity: 1 }], metadata, payment_intent_data: { metadata, description: name } },
        { idempotencyKey: `${row.idempotency_key}:link` },
      );
      return { ids: { plinkId: link.id }, url: link.url, expiresAt: null };
    } catch (err) {
      throw withField(mapStripeError(err), stripeField);
    }
  }

  const rzpExpireBy = (row: PaymentRow): number | undefined => (row.expires_at ? Math.floor(row.expires_at / 1000) : undefined);

  async function razorpayLookup(rzp: Razorpay, row: PaymentRow, baseUrl: string | null): Promise<GatewayResult | null> {
    if (row.kind === 'razorpay_link') {
      const res = (await rzp.paymentLink.all({ reference_id: row.id } as never)) as unknown as { payment_links?: { id: string; short_url: string; reference_id: string; expire_by?: number }[] };
      const hit = (res.payment_links ?? []).find((l) => l.reference_id === row.id);
      return hit ? { ids: { plinkId: hit.id }, url: hit.short_url, expiresAt: hit.expire_by ? hit.expire_by * 1000 : null } : null;
    }
    const res = (await rzp.orders.all({ receipt: row.id } as never)) as unknown as { items?: { id: string; receipt: string | null }[] };
    const hit = (res.items ?? []).find((o) => o.receipt === row.id);
    return hit ? { ids: { orderId: hit.id }, url: orderUrl(hit.id, baseUrl), expiresAt: null } : null;
  }

  /** The sandbox serves the page Checkout.js would show; with the real Razorpay an order is paid through the merchant's own Checkout.js. */
  const orderUrl = (orderId: string, baseUrl: string | null): string | null => (baseUrl ? `${new URL(baseUrl).origin}/rzp/checkout/${orderId}` : null);

  async function razorpayCreate(row: PaymentRow, notify: boolean, fresh: boolean): Promise<GatewayResult> {
    const rzp = d.gateways.razorpay(row.account_id);
    const { baseUrl } = d.gateways.resolve(row.account_id);
    const notes = metadataOf(row);
    const attempt = async (): Promise<GatewayResult> => {
      if (row.kind === 'razorpay_link') {
        const customer: Record<string, string> = {};
        if (row.customer_name) customer.name = row.customer_name;
        if (row.customer_email) customer.email = row.customer_email;
        if (row.customer_phone) customer.contact = row.customer_phone;
        const expireBy = rzpExpireBy(row);
        const link = await rzp.paymentLink.create({
          amount: row.amount_minor,
          currency: row.currency,
          description: row.description ?? `Order ${row.order_ref}`,
          reference_id: row.id,
          ...(Object.keys(customer).length ? { customer } : {}),
          notify: { sms: notify && !!row.customer_phone, email: notify && !!row.customer_email },
          ...(expireBy ? { expire_by: expireBy } : {}),
          notes,
        } as never);
        const l = link as unknown as { id: string; short_url: string; expire_by?: number };
        return { ids: { plinkId: l.id }, url: l.short_url, expiresAt: l.expire_by ? l.expire_by * 1000 : null };
      }
      const order = (await rzp.orders.create({ amount: row.amount_minor, currency: row.currency, receipt: row.id, notes } as never)) as unknown as { id: string };
      return { ids: { orderId: order.id }, url: orderUrl(order.id, baseUrl), expiresAt: null };
    };

    // up to 3 attempts; before each retry, look the intent up by its reference_id / receipt
    let last: AppError | null = null;
    for (let i = 0; i < 3; i++) {
      // a retry (after a failure, a timeout or a crash) first asks whether the gateway already has it
      if (i > 0 || !fresh) {
        try {
          const found = await razorpayLookup(rzp, row, baseUrl);
          if (found) return found;
        } catch (err) {
          const m = mapRazorpayError(err);
          if (m.code !== 'gateway_unreachable') throw withField(m, razorpayField);
          last = m;
          continue;
        }
      }
      try {
        return await attempt();
      } catch (err) {
        const m = mapRazorpayError(err);
        if (/reference id already attempted/i.test(m.message)) {
          const found = await razorpayLookup(rzp, row, baseUrl).catch(() => null);
          if (found) return found;
          last = new AppError('gateway_unreachable', 'Razorpay has this link but did not return it yet. Paydesk will look it up again shortly.');
          continue;
        }
        if (m.code !== 'gateway_unreachable') throw withField(m, razorpayField);
        last = m;
        await new Promise((r) => setTimeout(r, 150 * (i + 1)));
      }
    }
    throw last ?? new AppError('gateway_unreachable', 'Razorpay could not be reached.');
  }

  /** Sends the intent to its gateway (idempotently) and returns what the gateway made. No local writes. Exported for the crash test. */
  async function sendToGateway(row: PaymentRow, opts: { fresh: boolean }): Promise<GatewayResult> {
    const { notify } = intentDetail(row.id);
    return row.gateway === 'stripe' ? stripeCreate(row, notify) : razorpayCreate(row, notify, opts.fresh);
  }

  /** Stores what the gateway made and opens the payment (or cancels the new link if the intent was cancelled meanwhile). */
  async function storeResult(id: string, result: GatewayResult): Promise<PaymentRow> {
    const now = clock.now();
    let changed = false;
    let cancelAfter = false;
    tx(db, () => {
      const row = must(id);
      setGatewayFields.run({ id, url: result.url, expiresAt: result.expiresAt, now });
      const fresh = must(id);
      cancelAfter = row.status === 'cancelled';
      changed = applyFacts(db, fresh, [{ type: 'opened', at: now }], { source: 'local', gatewayType: null, ids: result.ids, now });
    });
    pendingReasons.delete(id);
    const row = must(id);
    if (changed) emitChanged(row);
    try {
      d.onGatewayIds?.(row.account_id);
    } catch (err) {
      log('warn', 're-applying early webhooks failed', { error: err });
    }
    if (cancelAfter) await cancelAtGateway(row).catch((err: unknown) => log('warn', 'could not cancel a link created after its intent was cancelled', { id, error: err }));
    return must(id);
  }

  /** Runs (or joins) the gateway call of one intent. */
  function finish(row: PaymentRow, fresh: boolean): Promise<PaymentRow> {
    const running = inFlight.get(row.id);
    if (running) return running;
    const p = (async () => {
      try {
        const result = await sendToGateway(row, { fresh });
        return await storeResult(row.id, result);
      } catch (err) {
        const e = err instanceof AppError ? err : new AppError('internal', 'Something went wrong while creating the link.', { cause: err });
        if (e.code === 'gateway_unreachable') {
          pendingReasons.set(row.id, `${GATEWAY_NAME[row.gateway]} could not be reached. The link is saved and Paydesk retries every minute.`);
          throw new AppError('gateway_unreachable', `${GATEWAY_NAME[row.gateway]} could not be reached, so the link is not created yet. It is saved as "creating" and Paydesk retries every minute; nothing will be created twice.`, { retryable: true });
        }
        // the gateway refused the request: nothing was created there; drop the intent so the form can be fixed and sent again
        dropIntent(row.id, e);
        throw e;
      } finally {
        inFlight.delete(row.id);
      }
    })();
    inFlight.set(row.id, p);
    return p;
  }

  function dropIntent(id: string, reason: AppError): void {
    try {
      tx(db, () => deleteIntent.run(id));
      log('info', `link intent ${id} dropped: the gateway refused it`, { code: reason.code });
    } catch (err) {
      // still referenced (should not happen for a link the gateway never made): keep it as a failed attempt
      log('warn', `link intent ${id} could not be dropped`, { error: err });
      const now = clock.now();
      tx(db, () => applyFacts(db, must(id), [{ type: 'attempt_failed', at: now, reason: `not_created: ${reason.message}`.slice(0, 500) }], { source: 'local', gatewayType: null, now }));
      pendingReasons.delete(id);
    }
  }

  // ---- cancel --------------------------------------------------------------------------------------

  async function cancelAtGateway(row: PaymentRow): Promise<void> {
    if (row.gateway === 'stripe') {
      const stripe = d.gateways.stripe(row.account_id);
      try {
        if (row.kind === 'stripe_checkout' && row.session_id) await stripe.checkout.sessions.expire(row.session_id);
        else if (row.kind === 'stripe_payment_link' && row.plink_id) await stripe.paymentLinks.update(row.plink_id, { active: false });
      } catch (err) {
        const m = mapStripeError(err);
        // a session that is no longer open (expired or completed meanwhile): the sync below tells which
        if (m.code === 'gateway_invalid' || m.code === 'not_found') return;
        throw m;
      }
      return;
    }
    if (row.kind === 'razorpay_link' && row.plink_id) {
      const rzp = d.gateways.razorpay(row.account_id);
      try {
        await rzp.paymentLink.cancel(row.plink_id);
      } catch (err) {
        const m = mapRazorpayError(err);
        if (m.code === 'gateway_invalid' || m.code === 'not_found') return;
        throw m;
      }
    }
    // Razorpay orders cannot be cancelled at the gateway: Paydesk stops treating it as open
  }

  return {
    validate,
    commitIntent,
    sendToGateway,
    paymentOf(row: PaymentRow): Payment {
      return paymentOfRow(row, pendingReasons.get(row.id) ?? null);
    },
    get(id: string): Payment {
      return paymentOfRow(must(id), pendingReasons.get(id) ?? null);
    },
    notifyOf(id: string): boolean | null {
      return createdDetail.get(id) ? intentDetail(id).notify : null;
    },

    /** links.create: commit the intent, then create it at the gateway. */
    async create(input: LinkCreateParsed, opts: CreateOptions): Promise<Payment> {
      const { row, existing } = commitIntent(input, opts);
      if (!existing) emitChanged(row);
      if (row.status !== 'creating') return paymentOfRow(row);
      const done = await finish(row, !existing);
      return paymentOfRow(done);
    },

    /** Finishes intents left `creating` (gateway unreachable, crash): on start and every minute. */
    async retryPending(): Promise<number> {
      const rows = creatingRows.all() as PaymentRow[];
      let n = 0;
      for (const row of rows) {
        if (inFlight.has(row.id)) continue;
        try {
          await finish(must(row.id), false);
          n++;
        } catch (err) {
          if (!(err instanceof AppError && err.code === 'gateway_unreachable')) log('warn', `link intent ${row.id} could not be finished`, { error: err });
        }
      }
      return n;
    },

    pendingCount(): number {
      return (creatingRows.all() as PaymentRow[]).length;
    },

    async cancel(id: string, operator: OperatorRef | null = null): Promise<Payment> {
      let row = must(id);
      if (row.status === 'paid' || row.status === 'partially_paid' || row.status === 'authorized') {
        throw new AppError('conflict', 'This link has already been paid, so it cannot be cancelled. Refund the payment instead.');
      }
      if (row.status === 'expired' || row.status === 'cancelled') return paymentOfRow(row);
      if (row.status !== 'creating' || row.session_id || row.plink_id || row.order_id) await cancelAtGateway(row);
      const now = clock.now();
      let changed = false;
      tx(db, () => {
        row = must(id);
        changed = applyFacts(db, row, [{ type: 'cancelled', at: now }], { source: 'local', gatewayType: null, now });
        recordAudit(db, { operator, action: 'link.cancelled', subject: { type: 'payment', id }, livemode: row.livemode === 1, at: now, details: { accountId: row.account_id, orderRef: row.order_ref, statusBefore: row.status } });
      });
      row = must(id);
      if (changed) emitChanged(row);
      return paymentOfRow(row);
    },

    /** mode of an account, for callers that check it */
    modeOf(accountId: string): Mode | null {
      return d.accounts.get(accountId)?.mode ?? null;
    },
  };
}

export type LinksService = ReturnType<typeof createLinksService>;

// ---- gateway error fields -> our input fields ----------------------------------------------------------

function withField(e: AppError, map: (f: string) => string | undefined): AppError {
  if (e.field === undefined) return e;
  const field = map(e.field);
  return new AppError(e.code, e.message, { ...(field ? { field } : {}), retryable: e.retryable, cause: e.cause });
}

function stripeField(param: string): string | undefined {
  if (/unit_amount|amount/.test(param)) return 'amount';
  if (/currency/.test(param)) return 'currency';
  if (/expires_at/.test(param)) return 'expiresInMinutes';
  if (/email/.test(param)) return 'customerEmail';
  if (/product_data|name|description/.test(param)) return 'description';
  if (/metadata/.test(param)) return 'notes';
  return undefined;
}

function razorpayField(field: string): string | undefined {
  if (/amount/.test(field)) return 'amount';
  if (/currency/.test(field)) return 'currency';
  if (/expire_by/.test(field)) return 'expiresInMinutes';
  if (/email/.test(field)) return 'customerEmail';
  if (/contact/.test(field)) return 'customerPhone';
  if (/description/.test(field)) return 'description';
  if (/notes/.test(field)) return 'notes';
  if (/receipt|reference_id/.test(field)) return 'orderRef';
  return undefined;
}
