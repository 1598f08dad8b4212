// The Razorpay state machine: orders, payment links, payments, refunds, settlements and the events they emit.
// API routes, hosted pages and control routes all go through this class, so every path behaves the same.

import { createHash, randomInt } from 'node:crypto';
import type { GatewayModuleContext } from '../core/types';
import { badRequest, idNotFound, naError } from './errors';
import { FAILURES, type FailureName, type PaymentFailure } from './instruments';
import { judgeInstrument, linkRequestNotices, newLink, newOrder, newPayment, newRefund, nextSettlement, successReturn, type Instrument, type NewLinkInput, type SuccessReturn } from './objects';
import { rzpId } from './sign';
import type {
  RzpNotes, RzpOrder, RzpPayment, RzpPaymentLink, RzpRefund, RzpSettlement, RzpState, RzpWebhookEvent,
} from './types';

export { notesText, type Instrument, type SuccessReturn } from './objects';

export const AUTO_REFUND_AFTER_MS = 3 * 24 * 60 * 60 * 1000;
const EVENT_LOG_LIMIT = 1000;

export function initialState(): RzpState {
  return {
    accountId: rzpId('acc'),
    orders: {}, orderMeta: {}, payments: {}, paymentMeta: {}, refunds: {}, refundSettlement: {}, links: {}, linkOrder: {},
    settlements: {}, idempotency: {}, notifications: [], events: [],
  };
}


export type PayTarget = { kind: 'order'; id: string } | { kind: 'link'; id: string };

/** The outcome of a payment attempt, for hosted pages and the control API. */
export interface AttemptResult {
  payment: RzpPayment;
  /** the card needs the mock bank step (Success / Failure) */
  needsBank: boolean;
}

/** What the browser is sent back with after a successful payment (Checkout handler or payment-link callback). */
export class RazorpayEngine {
  readonly s: RzpState;

  constructor(private readonly ctx: GatewayModuleContext) {
    this.s = ctx.state.slice<RzpState>('razorpay', initialState);
  }

  nowMs(): number {
    return this.ctx.clock.now();
  }
  nowSec(): number {
    return Math.floor(this.ctx.clock.now() / 1000);
  }
  private touch(): void {
    this.ctx.state.touch();
  }

  // ---------- lookups ----------

  order(id: string): RzpOrder {
    const o = this.s.orders[id];
    if (!o) throw idNotFound();
    return o;
  }
  payment(id: string): RzpPayment {
    const p = this.s.payments[id];
    if (!p) throw idNotFound();
    return p;
  }
  refund(id: string): RzpRefund {
    const r = this.s.refunds[id];
    if (!r) throw idNotFound();
    return r;
  }
  link(id: string): RzpPaymentLink {
    const l = this.s.links[id];
    if (!l) throw idNotFound();
    return l;
  }
  settlement(id: string): RzpSettlement {
    const st = this.s.settlements[id];
    if (!st) throw idNotFound();
    return st;
  }

  // ---------- events ----------

  private emit(type: string, entities: Record<string, unknown>): string {
    const id = rzpId('', 14);
    const createdAt = this.nowMs();
    const event: RzpWebhookEvent = {
      entity: 'event',
      account_id: this.s.accountId,
      event: type,
      contains: Object.keys(entities),
      payload: Object.fromEntries(Object.entries(entities).map(([k, v]) => [k, { entity: v }])),
      created_at: Math.floor(createdAt / 1000),
    };
    const body = JSON.stringify(event);
    this.s.events.push({ id, type, at: createdAt, body });
    if (this.s.events.length > EVENT_LOG_LIMIT) this.s.events.splice(0, this.s.events.length - EVENT_LOG_LIMIT);
    this.touch();
    this.ctx.webhooks.emit({ gateway: 'razorpay', id, type, body, headers: { 'x-razorpay-event-id': id }, createdAt });
    return id;
  }

  // ---------- orders ----------

  createOrder(input: { amount: number; currency: string; receipt: string | null; notes: RzpNotes; paymentCapture: boolean }, linkId: string | null = null): RzpOrder {
    const order = newOrder(input, this.nowSec());
    this.s.orders[order.id] = order;
    this.s.orderMeta[order.id] = { paymentCapture: input.paymentCapture, paymentIds: [], linkId };
    this.touch();
    return order;
  }

  orderPayments(orderId: string): RzpPayment[] {
    this.order(orderId);
    return (this.s.orderMeta[orderId]?.paymentIds ?? []).map((id) => this.s.payments[id]).filter((p): p is RzpPayment => !!p);
  }

  // ---------- payment links ----------

  createLink(link: NewLinkInput, baseUrl: string): RzpPaymentLink {
    if (link.reference_id && Object.values(this.s.links).some((l) => l.reference_id === link.reference_id)) {
      throw badRequest('payment link creation with reference ID already attempted', 'reference_id');
    }
    const full = newLink(link, baseUrl, this.nowSec());
    this.s.links[full.id] = full;
    this.s.notifications.push(...linkRequestNotices(full, this.nowMs()));
    this.touch();
    return full;
  }

  /** POST /v1/payment_links/:id/notify_by/:medium: records a re-sent notification */
  notifyLink(id: string, medium: string): void {
    const l = this.link(id);
    if (medium !== 'sms' && medium !== 'email') throw badRequest('The medium must be sms or email.', 'medium');
    if (l.status !== 'created' && l.status !== 'partially_paid') throw badRequest(`Notification cannot be sent for a payment link in ${l.status} state`);
    const to = medium === 'sms' ? l.customer.contact : l.customer.email;
    if (!to) throw badRequest(`The customer ${medium === 'sms' ? 'contact' : 'email'} is required to send a notification.`);
    this.s.notifications.push({
      id: rzpId('ntf'), channel: medium, to, payment_link_id: id, short_url: l.short_url,
      message: `Reminder from Paydesk Sandbox: ${l.description || 'payment'}. Pay here: ${l.short_url}`, at: this.nowMs(),
    });
    this.touch();
  }

  cancelLink(id: string): RzpPaymentLink {
    this.sweep();
    const l = this.link(id);
    if (l.status !== 'created' && l.status !== 'partially_paid') {
      throw badRequest(`Payment link cannot be cancelled in ${l.status} state`);
    }
    const now = this.nowSec();
    l.status = 'cancelled';
    l.cancelled_at = now;
    l.updated_at = now;
    this.touch();
    this.emit('payment_link.cancelled', { payment_link: l });
    return l;
  }

  // ---------- time: link expiry and the auto-refund of uncaptured payments ----------

  sweep(): void {
    const nowMs = this.nowMs();
    const nowSec = Math.floor(nowMs / 1000);
    for (const l of Object.values(this.s.links)) {
      if ((l.status === 'created' || l.status === 'partially_paid') && l.expire_by > 0 && l.expire_by <= nowSec) {
        l.status = 'expired';
        l.expired_at = nowSec;
        l.updated_at = nowSec;
        this.touch();
        this.emit('payment_link.expired', { payment_link: l });
      }
    }
    for (const p of Object.values(this.s.payments)) {
      const meta = this.s.paymentMeta[p.id];
      if (p.status === 'authorized' && meta?.authorizedAtMs != null && meta.authorizedAtMs + AUTO_REFUND_AFTER_MS <= nowMs) {
        meta.autoRefunded = true;
        this.createRefund(p, p.amount, 'normal', [], null);
      }
    }
  }

  // ---------- payments ----------

  /** Starts a payment on an order or link with a card or UPI id. Throws a 400 when the target cannot be paid. */
  attempt(target: PayTarget, instrument: Instrument, opts: { amount?: number; email?: string; contact?: string } = {}): AttemptResult {
    this.sweep();
    let order: RzpOrder;
    let link: RzpPaymentLink | null = null;
    let amount: number;
    if (target.kind === 'link') {
      link = this.link(target.id);
      if (link.status !== 'created' && link.status !== 'partially_paid') throw badRequest(`This payment link is ${link.status} and cannot be paid.`);
      const due = link.amount - link.amount_paid;
      amount = opts.amount ?? due;
      if (!Number.isSafeInteger(amount) || amount <= 0 || amount > due) throw badRequest('The amount is invalid for this payment link.', 'amount');
      if (amount < due) {
        if (!link.accept_partial) throw badRequest('Partial payments are not enabled for this payment link.', 'amount');
        const min = link.amount_paid === 0 ? link.first_min_partial_amount : 100;
        if (amount < min) throw badRequest(`The amount must be at least ${min} for this payment link.`, 'amount');
      }
      order = this.linkOrder(link);
    } else {
      order = this.order(target.id);
      if (order.status === 'paid') throw badRequest('Order has already been paid.', 'order_id');
      amount = order.amount_due;
    }

    const verdict = judgeInstrument(instrument);
    const p = newPayment({ order, link, amount, method: instrument.method, verdict, email: opts.email, contact: opts.contact, createdAt: this.nowSec() });
    this.s.payments[p.id] = p;
    this.s.paymentMeta[p.id] = {
      authorizedAtMs: null, capturedAtMs: null, settlementId: null, linkId: link?.id ?? null, autoRefunded: false, bankFailure: verdict.bankFailure,
    };
    this.s.orderMeta[order.id]?.paymentIds.push(p.id);
    order.attempts += 1;
    if (order.status === 'created') order.status = 'attempted';
    this.touch();

    if (verdict.failure) this.fail(p, FAILURES[verdict.failure]);
    else if (instrument.method === 'upi') this.authorize(p);
    // cards wait for the mock bank page (completeBank)
    return { payment: p, needsBank: p.status === 'created' };
  }

  /** The mock bank page's Success / Failure buttons. */
  completeBank(paymentId: string, outcome: 'success' | 'failure'): RzpPayment {
    const p = this.payment(paymentId);
    if (p.status !== 'created') return p; // a second click or a back-button resubmit changes nothing
    // error test cards fail with their reason whichever button is pressed
    const forced = (this.s.paymentMeta[p.id]?.bankFailure ?? null) as FailureName | null;
    if (forced) this.fail(p, FAILURES[forced]);
    else if (outcome === 'failure') this.fail(p, FAILURES.bank_page_failure);
    else this.authorize(p);
    return p;
  }

  private fail(p: RzpPayment, f: PaymentFailure): void {
    p.status = 'failed';
    p.error_code = f.code;
    p.error_description = f.description;
    p.error_source = f.source;
    p.error_step = f.step;
    p.error_reason = f.reason;
    this.touch();
    this.emit('payment.failed', { payment: p });
  }

  private authorize(p: RzpPayment): void {
    p.status = 'authorized';
    if (p.method === 'card') p.acquirer_data = { auth_code: String(randomInt(100000, 999999)) };
    else p.acquirer_data = { rrn: String(randomInt(100000000, 999999999)) + String(randomInt(100, 999)) };
    const meta = this.s.paymentMeta[p.id]!;
    meta.authorizedAtMs = this.nowMs();
    this.touch();
    this.emit('payment.authorized', { payment: p });
    const orderMeta = p.order_id ? this.s.orderMeta[p.order_id] : undefined;
    const autoCapture = meta.linkId !== null || (orderMeta?.paymentCapture ?? true);
    if (autoCapture) this.doCapture(p);
  }

  fees(amount: number): { fee: number; tax: number } {
    const rule = this.ctx.options.razorpayFee ?? { bps: 200, gstBps: 1800 };
    const base = Math.round((amount * rule.bps) / 10_000);
    const tax = Math.round((base * rule.gstBps) / 10_000);
    // Razorpay's `fee` includes the GST; `tax` is the GST part
    return { fee: base + tax, tax };
  }

  /** POST /v1/payments/:id/capture */
  capture(paymentId: string, amount: number, currency: string | undefined): RzpPayment {
    this.sweep();
    const p = this.payment(paymentId);
    if (p.status === 'captured' || (p.captured && p.status === 'refunded')) throw badRequest('This payment has already been captured');
    if (p.status !== 'authorized') throw badRequest('Only payments which have been authorized and not yet captured can be captured');
    if (currency !== undefined && currency.toUpperCase() !== p.currency) throw badRequest('Currency should be same as payment currency', 'currency');
    if (amount !== p.amount) throw badRequest('Capture amount must be equal to the amount authorized', 'amount');
    this.doCapture(p);
    return p;
  }

  private doCapture(p: RzpPayment): void {
    const { fee, tax } = this.fees(p.amount);
    p.status = 'captured';
    p.captured = true;
    p.fee = fee;
    p.tax = tax;
    const meta = this.s.paymentMeta[p.id]!;
    meta.capturedAtMs = this.nowMs();
    this.touch();
    this.emit('payment.captured', { payment: p });

    const order = p.order_id ? this.s.orders[p.order_id] : undefined;
    if (order) {
      order.amount_paid += p.amount;
      order.amount_due = Math.max(0, order.amount - order.amount_paid);
      if (order.amount_due === 0) order.status = 'paid';
      this.touch();
      if (order.status === 'paid') this.emit('order.paid', { payment: p, order });
    }
    const link = meta.linkId ? this.s.links[meta.linkId] : undefined;
    if (link) {
      const now = this.nowSec();
      link.amount_paid += p.amount;
      link.payments = [
        ...(link.payments ?? []),
        { amount: p.amount, created_at: p.created_at, method: p.method, payment_id: p.id, plink_id: link.id, status: 'captured', updated_at: now },
      ];
      link.status = link.amount_paid >= link.amount ? 'paid' : 'partially_paid';
      link.updated_at = now;
      this.touch();
      const entities = { payment_link: link, ...(order ? { order } : {}), payment: p };
      this.emit(link.status === 'paid' ? 'payment_link.paid' : 'payment_link.partially_paid', entities);
    }
  }

  /** the order behind a payment link (Razorpay creates one per link); created at the first attempt */
  private linkOrder(link: RzpPaymentLink): RzpOrder {
    const existing = this.s.linkOrder[link.id];
    if (existing && this.s.orders[existing]) return this.s.orders[existing];
    const order = this.createOrder(
      { amount: link.amount, currency: link.currency, receipt: link.reference_id || null, notes: link.notes, paymentCapture: true },
      link.id,
    );
    this.s.linkOrder[link.id] = order.id;
    this.touch();
    return order;
  }

  /** The values the browser gets back after a successful payment, signed as Razorpay signs them. */
  successReturn(p: RzpPayment): SuccessReturn {
    return successReturn(this.s, this.ctx.keys.RAZORPAY_KEY_SECRET, p);
  }

  // ---------- refunds ----------

  /** POST /v1/payments/:id/refund, with the optional X-Refund-Idempotency key */
  refundPayment(
    paymentId: string,
    input: { amount?: number; speed: 'normal' | 'optimum'; notes: RzpNotes; receipt: string | null },
    idem: { key: string; canonicalBody: string } | null,
  ): RzpRefund {
    this.sweep();
    let hash = '';
    if (idem) {
      hash = createHash('sha256').update(`${paymentId}\n${idem.canonicalBody}`).digest('hex');
      const prior = this.s.idempotency[idem.key];
      if (prior) {
        if (prior.hash !== hash) throw naError(409, 'Different request with the same idempotency key has already been processed.');
        return this.refund(prior.refundId);
      }
    }
    const p = this.payment(paymentId);
    if (!p.captured) throw badRequest('The payment has not been captured, so it cannot be refunded.', 'payment_id');
    const refundable = p.amount - p.amount_refunded;
    if (refundable <= 0) throw badRequest('The payment has been fully refunded already');
    const amount = input.amount ?? refundable;
    if (amount < 100) throw badRequest(`The amount must be at least ${p.currency} 1.00.`, 'amount');
    if (amount > refundable) throw badRequest('The refund amount provided is greater than amount captured.', 'amount');
    const r = this.createRefund(p, amount, input.speed, input.notes, input.receipt);
    if (idem) {
      this.s.idempotency[idem.key] = { hash, paymentId, refundId: r.id };
      this.touch();
    }
    return r;
  }

  private createRefund(p: RzpPayment, amount: number, speed: 'normal' | 'optimum', notes: RzpNotes, receipt: string | null): RzpRefund {
    const r = newRefund(p, amount, speed, notes, receipt, this.nowSec());
    this.s.refunds[r.id] = r;
    this.s.refundSettlement[r.id] = null;
    p.amount_refunded += amount;
    p.refund_status = p.amount_refunded >= p.amount ? 'full' : 'partial';
    if (p.amount_refunded >= p.amount) p.status = 'refunded';
    this.touch();
    this.emit('refund.created', { refund: r, payment: p });
    this.emit('refund.processed', { refund: r, payment: p });
    return r;
  }

  refundsOf(paymentId: string): RzpRefund[] {
    this.payment(paymentId);
    return Object.values(this.s.refunds).filter((r) => r.payment_id === paymentId);
  }

  // ---------- settlements ----------

  /** Settles captured, unsettled payments minus unsettled refunds of captured payments (one currency). */
  settle(currency = 'INR'): RzpSettlement {
    this.sweep();
    const { payments, refunds, settlement: st } = nextSettlement(this.s, currency, this.nowSec());
    this.s.settlements[st.id] = st;
    for (const p of payments) this.s.paymentMeta[p.id]!.settlementId = st.id;
    for (const r of refunds) this.s.refundSettlement[r.id] = st.id;
    this.touch();
    this.emit('settlement.processed', { settlement: st });
    return st;
  }
}
