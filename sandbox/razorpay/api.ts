// The REST API the official razorpay SDK calls: /v1/{orders,payments,refunds,payment_links,settlements},
// JSON bodies, HTTP Basic auth with the sandbox key pair. The sandbox server sends a request here first when
// its Basic-auth user starts with rzp_ (Stripe's emulator shares /v1/payment_links and /v1/refunds).

import { timingSafeEqual } from 'node:crypto';
import type { RouteRegistrar, SandboxHandler, SandboxRequest, SandboxResponse } from '../core/types';
import { authFailed, badRequest, naError, toResponse } from './errors';
import { notesText, type RazorpayEngine } from './engine';
import type { RzpCollection, RzpPayment, RzpPaymentLink, RzpReconItem } from './types';
import {
  applyList, currencyOf, listParams, requiredCurrency, notesOf, optBool, optInteger, optString, parseJsonBody, rejectExtraFields,
  requiredAmount, type JsonObject,
} from './validate';

export function collection<T>(items: T[]): RzpCollection<T> {
  return { entity: 'collection', count: items.length, items };
}

const ok = (body: unknown): SandboxResponse => ({ status: 200, body });

function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

export function checkAuth(req: SandboxRequest, keyId: string, keySecret: string): void {
  const h = req.headers.authorization;
  if (typeof h !== 'string' || !/^basic /i.test(h)) throw authFailed();
  const decoded = Buffer.from(h.slice(6).trim(), 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) throw authFailed();
  if (!safeEqual(decoded.slice(0, i), keyId) || !safeEqual(decoded.slice(i + 1), keySecret)) throw authFailed();
}

function validId(id: string, prefix: string): string {
  if (!new RegExp(`^${prefix}_[A-Za-z0-9]{14}$`).test(id)) throw badRequest(`${id} is not a valid id`);
  return id;
}

/** Canonical JSON (sorted keys) so that key order does not change an idempotency hash. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** IST calendar date of a unix time (Razorpay settles on Indian days) */
function istDate(sec: number): { y: number; m: number; d: number } {
  const dt = new Date((sec + 19_800) * 1000);
  return { y: dt.getUTCFullYear(), m: dt.getUTCMonth() + 1, d: dt.getUTCDate() };
}

export function registerApi(routes: RouteRegistrar, engine: RazorpayEngine, keys: { id: () => string; secret: () => string }): void {
  const v1 = '/v1';
  const on = (method: 'GET' | 'POST' | 'PATCH', path: string, h: (req: SandboxRequest, body: JsonObject) => unknown): void => {
    const handler: SandboxHandler = (req) => {
      try {
        checkAuth(req, keys.id(), keys.secret());
        const body = method === 'GET' ? {} : parseJsonBody(req.rawBody);
        engine.sweep();
        return ok(h(req, body));
      } catch (err) {
        return toResponse(err);
      }
    };
    routes.on(method, `${v1}${path}`, handler);
  };
  const param = (req: SandboxRequest, name: string): string => req.params[name] ?? '';

  // ----- orders -----
  on('POST', '/orders', (_req, body) => {
    rejectExtraFields(body, ['amount', 'currency', 'receipt', 'notes', 'payment_capture', 'partial_payment', 'first_payment_min_amount']);
    const currency = requiredCurrency(body);
    const amount = requiredAmount(body, currency);
    const receipt = optString(body, 'receipt', 40) ?? null;
    const notes = notesOf(body);
    const paymentCapture = optBool(body, 'payment_capture') ?? true;
    if (optBool(body, 'partial_payment')) throw badRequest('Partial payments on orders are not emulated by Paydesk Sandbox.', 'partial_payment');
    if (body.first_payment_min_amount !== undefined) throw badRequest('first_payment_min_amount is/are not required and should not be sent', 'first_payment_min_amount');
    return engine.createOrder({ amount, currency, receipt, notes, paymentCapture });
  });
  on('GET', '/orders', (req) => {
    const p = listParams(req.query);
    let items = Object.values(engine.s.orders);
    const receipt = req.query.get('receipt');
    if (receipt) items = items.filter((o) => o.receipt === receipt);
    const authorized = req.query.get('authorized');
    if (authorized === '1' || authorized === 'true') {
      items = items.filter((o) => engine.orderPayments(o.id).some((pay) => pay.status === 'authorized'));
    }
    return collection(applyList(items, p));
  });
  on('GET', '/orders/:id', (req) => engine.order(validId(param(req, 'id'), 'order')));
  on('GET', '/orders/:id/payments', (req) => collection(engine.orderPayments(validId(param(req, 'id'), 'order')).slice().reverse()));

  // ----- payments -----
  on('GET', '/payments', (req) => collection(applyList(Object.values(engine.s.payments), listParams(req.query))));
  on('GET', '/payments/:id', (req) => engine.payment(validId(param(req, 'id'), 'pay')));
  on('POST', '/payments/:id/capture', (req, body) => {
    const id = validId(param(req, 'id'), 'pay');
    rejectExtraFields(body, ['amount', 'currency']);
    const pay: RzpPayment = engine.payment(id);
    const currency = body.currency === undefined ? undefined : currencyOf(body);
    const amount = requiredAmount(body, currency ?? pay.currency);
    return engine.capture(id, amount, currency);
  });
  on('POST', '/payments/:id/refund', (req, body) => {
    const id = validId(param(req, 'id'), 'pay');
    const key = req.headers['x-refund-idempotency'];
    let idem: { key: string; canonicalBody: string } | null = null;
    if (typeof key === 'string') {
      if (key.length < 10) throw naError(400, 'The idempotency key must be at least 10 characters long.', 'X-Refund-Idempotency');
      if (!/^[A-Za-z0-9_-]+$/.test(key)) {
        throw naError(400, 'The idempotency key must only contain alphanumeric characters, underscores, and hyphens', 'X-Refund-Idempotency');
      }
      idem = { key, canonicalBody: canonical(body) };
    }
    rejectExtraFields(body, ['amount', 'speed', 'notes', 'receipt']);
    const rawAmount = optInteger(body, 'amount');
    if (rawAmount !== undefined && rawAmount <= 0) throw badRequest('The amount must be a positive integer.', 'amount');
    const speed = optString(body, 'speed', 10) ?? 'normal';
    if (speed !== 'normal' && speed !== 'optimum') throw badRequest('The selected speed is invalid.', 'speed');
    return engine.refundPayment(
      id,
      { amount: rawAmount, speed, notes: notesOf(body), receipt: optString(body, 'receipt', 40) ?? null },
      idem,
    );
  });
  on('GET', '/payments/:id/refunds', (req) => {
    const p = listParams(req.query);
    return collection(applyList(engine.refundsOf(validId(param(req, 'id'), 'pay')), p));
  });
  on('GET', '/payments/:id/refunds/:rid', (req) => {
    const r = engine.refund(validId(param(req, 'rid'), 'rfnd'));
    if (r.payment_id !== param(req, 'id')) throw badRequest('The id provided does not exist');
    return r;
  });

  // ----- refunds -----
  on('GET', '/refunds', (req) => collection(applyList(Object.values(engine.s.refunds), listParams(req.query))));
  on('GET', '/refunds/:id', (req) => engine.refund(validId(param(req, 'id'), 'rfnd')));

  // ----- payment links -----
  on('POST', '/payment_links', (req, body) => {
    rejectExtraFields(body, [
      'amount', 'currency', 'accept_partial', 'first_min_partial_amount', 'expire_by', 'reference_id', 'description', 'customer',
      'notify', 'reminder_enable', 'notes', 'callback_url', 'callback_method', 'upi_link', 'options',
    ]);
    if (optBool(body, 'upi_link')) {
      throw badRequest('UPI Payment Links is not supported in Test Mode. Please experience the product in Live Mode.', 'upi_link');
    }
    const currency = currencyOf(body);
    const amount = requiredAmount(body, currency);
    const acceptPartial = optBool(body, 'accept_partial') ?? false;
    let firstMin = optInteger(body, 'first_min_partial_amount') ?? 0;
    if (body.first_min_partial_amount !== undefined && body.first_min_partial_amount !== null) {
      if (!acceptPartial) throw badRequest('first_min_partial_amount can be passed only when accept_partial is true.', 'first_min_partial_amount');
      if (firstMin < 100 || firstMin > amount) throw badRequest('The first min partial amount must be between 100 and the amount.', 'first_min_partial_amount');
    } else if (acceptPartial) firstMin = 100;
    const now = engine.nowSec();
    const expireBy = optInteger(body, 'expire_by') ?? 0;
    if (body.expire_by !== undefined && body.expire_by !== null) {
      if (expireBy < now + 15 * 60) throw badRequest('timestamp must be atleast 15 minutes in future', 'expire_by');
      if (expireBy > now + 183 * 24 * 3600) throw badRequest('expire_by cannot be more than 6 months from the date of creation.', 'expire_by');
    }
    const referenceId = optString(body, 'reference_id', 40) ?? '';
    const description = optString(body, 'description', 2048) ?? '';
    const customer = objectOf(body, 'customer');
    rejectExtraFields(customer, ['name', 'email', 'contact'], 'customer.');
    const cust: RzpPaymentLink['customer'] = {};
    const contact = optString(customer, 'contact', 20, 'customer.contact');
    if (contact !== undefined) {
      if (!/^\+?[0-9]{8,15}$/.test(contact.replace(/[\s-]/g, ''))) throw badRequest('The contact must be a valid phone number.', 'customer.contact');
      cust.contact = contact;
    }
    const email = optString(customer, 'email', 254, 'customer.email');
    if (email !== undefined) {
      if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email)) throw badRequest('The email must be a valid email address.', 'customer.email');
      cust.email = email;
    }
    const name = optString(customer, 'name', 255, 'customer.name');
    if (name !== undefined) cust.name = name;
    const notify = objectOf(body, 'notify');
    rejectExtraFields(notify, ['sms', 'email', 'whatsapp'], 'notify.');
    const callbackUrl = optString(body, 'callback_url', 2048) ?? '';
    const callbackMethod = optString(body, 'callback_method', 10) ?? '';
    if (callbackUrl) {
      let u: URL | null;
      try {
        u = new URL(callbackUrl);
      } catch {
        u = null;
      }
      if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:')) throw badRequest('The callback url format is invalid.', 'callback_url');
      if (!callbackMethod) throw badRequest('The callback method field is required when callback url is present.', 'callback_method');
    }
    if (callbackMethod && callbackMethod !== 'get') throw badRequest('The selected callback method is invalid.', 'callback_method');
    return engine.createLink(
      {
        accept_partial: acceptPartial,
        amount,
        callback_method: callbackMethod,
        callback_url: callbackUrl,
        currency,
        customer: cust,
        description,
        expire_by: expireBy,
        first_min_partial_amount: firstMin,
        notes: notesOf(body),
        notify: { email: optBool(notify, 'email', 'notify.email') ?? false, sms: optBool(notify, 'sms', 'notify.sms') ?? false },
        reference_id: referenceId,
        reminder_enable: optBool(body, 'reminder_enable') ?? false,
        upi_link: false,
      },
      req.baseUrl,
    );
  });
  // Razorpay answers this list as { payment_links: [...] }, not as a collection (the SDK's types agree)
  on('GET', '/payment_links', (req) => {
    const p = listParams(req.query);
    let items = Object.values(engine.s.links);
    const ref = req.query.get('reference_id');
    if (ref) items = items.filter((l) => l.reference_id === ref);
    const payId = req.query.get('payment_id');
    if (payId) items = items.filter((l) => (l.payments ?? []).some((x) => x.payment_id === payId));
    return { payment_links: applyList(items, p) };
  });
  on('GET', '/payment_links/:id', (req) => engine.link(validId(param(req, 'id'), 'plink')));
  on('POST', '/payment_links/:id/cancel', (req, body) => {
    rejectExtraFields(body, []);
    return engine.cancelLink(validId(param(req, 'id'), 'plink'));
  });
  on('POST', '/payment_links/:id/notify_by/:medium', (req) => {
    engine.notifyLink(validId(param(req, 'id'), 'plink'), param(req, 'medium'));
    return { success: true };
  });

  // ----- settlements -----
  on('GET', '/settlements', (req) => collection(applyList(Object.values(engine.s.settlements), listParams(req.query))));
  on('GET', '/settlements/recon/combined', (req) => {
    const q = req.query;
    const year = q.get('year');
    const month = q.get('month');
    const day = q.get('day');
    if (!year) throw badRequest('The year field is required.', 'year');
    if (!/^\d{4}$/.test(year)) throw badRequest('The year must be 4 digits.', 'year');
    if (!month) throw badRequest('The month field is required.', 'month');
    if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12) throw badRequest('The month is not a valid month.', 'month');
    if (day !== null && day !== '' && (!/^\d{1,2}$/.test(day) || Number(day) < 1 || Number(day) > 31)) {
      throw badRequest('The day must be between 1 and 2 digits.', 'day');
    }
    const p = listParams(q, 1000);
    const rows: RzpReconItem[] = [];
    const settlements = Object.values(engine.s.settlements).filter((st) => {
      const d = istDate(st.created_at);
      return d.y === Number(year) && d.m === Number(month) && (!day || d.d === Number(day));
    });
    for (const st of settlements) {
      const base = { settled: true, on_hold: false, settled_at: st.created_at, settlement_id: st.id, posted_at: null, credit_type: 'default', settlement_utr: st.utr, dispute_id: null };
      for (const pay of Object.values(engine.s.payments)) {
        if (engine.s.paymentMeta[pay.id]?.settlementId !== st.id) continue;
        const order = pay.order_id ? engine.s.orders[pay.order_id] : undefined;
        rows.push({
          entity_id: pay.id, type: 'payment', debit: 0, credit: pay.amount - (pay.fee ?? 0), amount: pay.amount, currency: pay.currency,
          fee: pay.fee ?? 0, tax: pay.tax ?? 0, created_at: pay.created_at, description: pay.description, notes: notesText(pay.notes),
          payment_id: null, order_id: pay.order_id, order_receipt: order?.receipt ?? null, method: pay.method,
          card_network: pay.card?.network ?? null, card_issuer: pay.card?.issuer ?? null, card_type: pay.card?.type ?? null, ...base,
        });
      }
      for (const r of Object.values(engine.s.refunds)) {
        if (engine.s.refundSettlement[r.id] !== st.id) continue;
        const pay = engine.s.payments[r.payment_id];
        const order = pay?.order_id ? engine.s.orders[pay.order_id] : undefined;
        rows.push({
          entity_id: r.id, type: 'refund', debit: r.amount, credit: 0, amount: r.amount, currency: r.currency, fee: 0, tax: 0,
          created_at: r.created_at, description: null, notes: notesText(r.notes), payment_id: r.payment_id, order_id: pay?.order_id ?? null,
          order_receipt: order?.receipt ?? null, method: pay?.method ?? null, card_network: pay?.card?.network ?? null,
          card_issuer: pay?.card?.issuer ?? null, card_type: pay?.card?.type ?? null, ...base,
        });
      }
    }
    return collection(rows.slice(p.skip, p.skip + p.count));
  });
  on('GET', '/settlements/:id', (req) => engine.settlement(validId(param(req, 'id'), 'setl')));
}

function objectOf(body: JsonObject, field: string): JsonObject {
  const v = body[field];
  if (v === undefined || v === null) return {};
  if (typeof v !== 'object' || Array.isArray(v)) throw badRequest(`The ${field} must be an object.`, field);
  return v;
}

