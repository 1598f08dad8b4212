// Builders of the objects the Razorpay engine stores and returns: orders, payment links and their notices, the
// card and payment of an attempt, refunds, settlements, and the signed values of a successful checkout. Pure functions of their inputs, so the engine
// (engine.ts) keeps only the state changes and the events they emit.
import { randomInt } from 'node:crypto';
import { badRequest } from './errors';
import { evaluateCard, evaluateVpa, type FailureName } from './instruments';
import { hmacHex, rzpId } from './sign';
import type { RzpCard, RzpNotes, RzpNotification, RzpOrder, RzpPayment, RzpPaymentLink, RzpRefund, RzpSettlement, RzpState } from './types';

export type Instrument =
  | { method: 'card'; card_number: string; name?: string }
  | { method: 'upi'; vpa: string };

export interface SuccessReturn {
  params: Record<string, string>;
  /** where a payment link redirects (callback_url with the params), if it has one */
  redirect: string | null;
}

export type NewLinkInput = Omit<RzpPaymentLink, 'id' | 'short_url' | 'created_at' | 'updated_at' | 'status' | 'amount_paid' | 'cancelled_at' | 'expired_at' | 'payments' | 'user_id' | 'reminders'>;

export function newOrder(input: { amount: number; currency: string; receipt: string | null; notes: RzpNotes }, createdAt: number): RzpOrder {
  return {
    id: rzpId('order'),
    entity: 'order',
    amount: input.amount,
    amount_paid: 0,
    amount_due: input.amount,
    currency: input.currency,
    receipt: input.receipt,
    offer_id: null,
    status: 'created',
    attempts: 0,
    notes: input.notes,
    created_at: createdAt,
  };
}

export function newLink(link: NewLinkInput, baseUrl: string, now: number): RzpPaymentLink {
  const id = rzpId('plink');
  return {
    ...link,
    amount_paid: 0,
    cancelled_at: 0,
    created_at: now,
    expired_at: 0,
    id,
    payments: null,
    reminders: [],
    short_url: `${baseUrl}/rzp/l/${id}`,
    status: 'created',
    updated_at: now,
    user_id: '',
  };
}

/** The SMS and email a new link sends when it asks Razorpay to notify the customer (recorded, never sent). */
export function linkRequestNotices(link: RzpPaymentLink, atMs: number): RzpNotification[] {
  const text = `Payment request from Paydesk Sandbox: ${link.description || 'payment'}. Pay here: ${link.short_url}`;
  const notice = (channel: 'sms' | 'email', to: string): RzpNotification => ({ id: rzpId('ntf'), channel, to, payment_link_id: link.id, short_url: link.short_url, message: text, at: atMs });
  const out: RzpNotification[] = [];
  if (link.notify.sms && link.customer.contact) out.push(notice('sms', link.customer.contact));
  if (link.notify.email && link.customer.email) out.push(notice('email', link.customer.email));
  return out;
}

/** What an instrument says about an attempt before any state changes. */
export interface InstrumentVerdict {
  card: RzpCard | null;
  vpa: string | null;
  international: boolean;
  /** fails the attempt at once */
  failure: FailureName | null;
  /** fails it on the mock bank page, whichever button is pressed */
  bankFailure: FailureName | null;
}

/** Reads the test card or UPI id. Throws a 400 for a malformed UPI id, as Checkout refuses it before any payment. */
export function judgeInstrument(instrument: Instrument): InstrumentVerdict {
  if (instrument.method === 'upi') {
    const v = evaluateVpa(instrument.vpa);
    if (!v.ok && v.failure === 'invalid_vpa') throw badRequest('Enter a valid UPI ID, such as success@razorpay.', 'vpa');
    return { card: null, vpa: v.vpa, international: false, failure: v.ok ? null : (v.failure as FailureName), bankFailure: null };
  }
  const v = evaluateCard(instrument.card_number);
  const international = v.ok ? v.international : false;
  const card: RzpCard = {
    id: rzpId('card'),
    entity: 'card',
    name: instrument.name ?? '',
    last4: v.digits.slice(-4).padStart(4, '0'),
    network: v.ok ? v.network : 'Unknown',
    type: v.ok && (v.network === 'Visa' || v.network === 'RuPay') ? 'debit' : 'credit',
    issuer: international ? null : 'HDFC',
    international,
    emi: false,
    sub_type: 'consumer',
    token_iin: null,
  };
  return { card, vpa: null, international, failure: v.ok ? null : v.failure, bankFailure: v.ok ? v.failure : null };
}

/** A new payment in `created` state on the order (and link, if any) it pays. */
export function newPayment(o: {
  order: RzpOrder;
  link: RzpPaymentLink | null;
  amount: number;
  method: Instrument['method'];
  verdict: InstrumentVerdict;
  email?: string;
  contact?: string;
  createdAt: number;
}): RzpPayment {
  const { order, link, verdict } = o;
  const customer = link?.customer ?? {};
  return {
    id: rzpId('pay'),
    entity: 'payment',
    amount: o.amount,
    currency: order.currency,
    status: 'created',
    order_id: order.id,
    invoice_id: null,
    international: verdict.international,
    method: o.method,
    amount_refunded: 0,
    refund_status: null,
    captured: false,
    description: link ? link.description || null : `Payment for ${order.receipt ?? order.id}`,
    card_id: verdict.card?.id ?? null,
    card: verdict.card,
    bank: null,
    wallet: null,
    vpa: verdict.vpa,
    email: o.email ?? customer.email ?? 'void@razorpay.com',
    contact: o.contact ?? customer.contact ?? '+919000090000',
    notes: link ? link.notes : order.notes,
    fee: null,
    tax: null,
    error_code: null,
    error_description: null,
    error_source: null,
    error_step: null,
    error_reason: null,
    acquirer_data: o.method === 'upi' ? { rrn: null } : { auth_code: null },
    created_at: o.createdAt,
    ...(verdict.vpa ? { upi: { payer_account_type: 'bank_account' as const, vpa: verdict.vpa } } : {}),
  };
}

/** A processed refund of `amount` of the payment (the sandbox processes refunds at once). */
export function newRefund(p: RzpPayment, amount: number, speed: 'normal' | 'optimum', notes: RzpNotes, receipt: string | null, createdAt: number): RzpRefund {
  return {
    id: rzpId('rfnd'),
    entity: 'refund',
    amount,
    currency: p.currency,
    payment_id: p.id,
    notes,
    receipt,
    acquirer_data: { arn: String(randomInt(10_000_000, 99_999_999)) + String(randomInt(100_000, 999_999)) },
    created_at: createdAt,
    batch_id: null,
    status: 'processed',
    speed_processed: speed === 'optimum' ? 'instant' : 'normal',
    speed_requested: speed,
  };
}

/**
 * The next settlement of one currency: captured, unsettled payments net of their fees, minus unsettled refunds of
 * captured payments. Throws a 400 when there is nothing to settle or the balance is not positive.
 */
export function nextSettlement(s: RzpState, currency: string, now: number): { payments: RzpPayment[]; refunds: RzpRefund[]; settlement: RzpSettlement } {
  const payments = Object.values(s.payments).filter(
    (p) => p.currency === currency && s.paymentMeta[p.id]?.capturedAtMs != null && !s.paymentMeta[p.id]?.settlementId,
  );
  const refunds = Object.values(s.refunds).filter((r) => {
    const p = s.payments[r.payment_id];
    return r.currency === currency && !s.refundSettlement[r.id] && !!p?.captured;
  });
  if (payments.length === 0 && refunds.length === 0) throw badRequest(`There is nothing to settle in ${currency}.`);
  let amount = 0;
  let fees = 0;
  let tax = 0;
  for (const p of payments) {
    amount += p.amount - (p.fee ?? 0);
    fees += p.fee ?? 0;
    tax += p.tax ?? 0;
  }
  for (const r of refunds) amount -= r.amount;
  if (amount <= 0) throw badRequest('The balance to settle is not positive; refunds exceed the captured amount.');
  const settlement: RzpSettlement = {
    id: rzpId('setl'),
    entity: 'settlement',
    amount,
    status: 'processed',
    fees,
    tax,
    utr: `${now}${rzpId('', 6).toLowerCase()}`,
    created_at: now,
  };
  return { payments, refunds, settlement };
}

/** The values the browser gets back after a successful payment, signed as Razorpay signs them. */
export function successReturn(s: RzpState, secret: string, p: RzpPayment): SuccessReturn {
  const linkId = s.paymentMeta[p.id]?.linkId;
  const link = linkId ? s.links[linkId] : undefined;
  if (link) {
    const status = link.status;
    const params = {
      razorpay_payment_id: p.id,
      razorpay_payment_link_id: link.id,
      razorpay_payment_link_reference_id: link.reference_id,
      razorpay_payment_link_status: status,
      razorpay_signature: hmacHex(secret, `${link.id}|${link.reference_id}|${status}|${p.id}`),
    };
    let redirect: string | null = null;
    if (link.callback_url) {
      const u = new URL(link.callback_url);
      for (const [k, v] of Object.entries(params)) u.searchParams.set(k, v);
      redirect = u.toString();
    }
    return { params, redirect };
  }
  const orderId = p.order_id ?? '';
  return {
    params: { razorpay_payment_id: p.id, razorpay_order_id: orderId, razorpay_signature: hmacHex(secret, `${orderId}|${p.id}`) },
    redirect: null,
  };
}

const isNotesObject = (n: RzpNotes): n is Record<string, string | number> => !Array.isArray(n);

/** notes as the recon report shows them: a string, or null */
export function notesText(n: RzpNotes): string | null {
  if (!isNotesObject(n)) return null;
  const vals = Object.values(n);
  if (vals.length === 0) return null;
  return vals.length === 1 ? String(vals[0]) : JSON.stringify(n);
}
