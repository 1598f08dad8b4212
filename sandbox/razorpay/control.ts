// Control routes under /__sandbox/razorpay/: pay or fail links and orders without a browser, settle,
// and read what the emulator "sent" (notifications, webhook events).

import type { RouteRegistrar, SandboxRequest } from '../core/types';
import { badRequest, toResponse } from './errors';
import type { Instrument, PayTarget, RazorpayEngine } from './engine';
import { currencyOf, optInteger, optString, parseJsonBody, rejectExtraFields, type JsonObject } from './validate';

export const CONTROL_PREFIX = '/__sandbox/razorpay';

function instrumentFrom(body: JsonObject, fallback: Instrument): Instrument {
  const method = optString(body, 'method', 10);
  const card = optString(body, 'card_number', 30);
  const vpa = optString(body, 'vpa', 300);
  if (method === 'card' || (!method && card)) {
    if (!card) throw badRequest('The card_number field is required for method card.', 'card_number');
    return { method: 'card', card_number: card, name: optString(body, 'name', 100) ?? '' };
  }
  if (method === 'upi' || (!method && vpa)) {
    if (!vpa) throw badRequest('The vpa field is required for method upi.', 'vpa');
    return { method: 'upi', vpa };
  }
  if (method) throw badRequest('The method must be card or upi.', 'method');
  return fallback;
}

export function registerControl(control: RouteRegistrar, engine: RazorpayEngine): void {
  const on = (method: 'GET' | 'POST', path: string, h: (req: SandboxRequest, body: JsonObject) => unknown): void => {
    control.on(method, `${CONTROL_PREFIX}${path}`, (req) => {
      try {
        const body = method === 'GET' ? {} : parseJsonBody(req.rawBody);
        engine.sweep();
        return { status: 200, body: h(req, body) };
      } catch (err) {
        return toResponse(err);
      }
    });
  };

  const pay = (target: PayTarget, body: JsonObject, fallback: Instrument): unknown => {
    rejectExtraFields(body, ['method', 'card_number', 'name', 'vpa', 'amount', 'outcome', 'email', 'contact']);
    const instrument = instrumentFrom(body, fallback);
    const outcome = optString(body, 'outcome', 10) ?? 'success';
    if (outcome !== 'success' && outcome !== 'failure') throw badRequest('The outcome must be success or failure.', 'outcome');
    const r = engine.attempt(target, instrument, {
      amount: optInteger(body, 'amount'),
      email: optString(body, 'email', 254),
      contact: optString(body, 'contact', 20),
    });
    // a card goes through the mock bank page: press the button the caller chose
    const payment = r.needsBank ? engine.completeBank(r.payment.id, outcome) : r.payment;
    const ok = payment.status === 'authorized' || payment.status === 'captured';
    return { payment, callback: ok ? engine.successReturn(payment) : null };
  };

  const success: Instrument = { method: 'upi', vpa: 'success@razorpay' };
  const failure: Instrument = { method: 'upi', vpa: 'failure@razorpay' };

  on('POST', '/payment_links/:id/pay', (req, body) => pay({ kind: 'link', id: req.params.id ?? '' }, body, success));
  on('POST', '/payment_links/:id/fail', (req, body) => pay({ kind: 'link', id: req.params.id ?? '' }, { outcome: 'failure', ...body }, failure));
  on('POST', '/orders/:id/pay', (req, body) => pay({ kind: 'order', id: req.params.id ?? '' }, body, success));
  on('POST', '/orders/:id/fail', (req, body) => pay({ kind: 'order', id: req.params.id ?? '' }, { outcome: 'failure', ...body }, failure));

  on('POST', '/settlements', (_req, body) => {
    rejectExtraFields(body, ['currency']);
    return engine.settle(currencyOf(body));
  });
  on('GET', '/notifications', (req) => {
    const link = req.query.get('payment_link_id');
    const items = engine.s.notifications.filter((n) => !link || n.payment_link_id === link);
    return { entity: 'collection', count: items.length, items };
  });
  on('GET', '/events', (req) => {
    const type = req.query.get('type');
    const items = engine.s.events
      .filter((e) => !type || e.type === type)
      .map((e) => ({ id: e.id, type: e.type, at: e.at, body: JSON.parse(e.body) as unknown }));
    return { entity: 'collection', count: items.length, items };
  });
}
