// /__sandbox/stripe/* : what a human does in a browser or in the Stripe Dashboard, as JSON calls.
import { coreError } from '../core/errors.js';
import type { RouteRegistrar, SandboxResponse } from '../core/types.js';
import { controlHandler, ControlInputError, readJson } from '../control.js';
import type { StripeEngine } from './engine.js';
import { StripeApiError } from './form.js';

export function registerStripeControl(control: RouteRegistrar, engine: StripeEngine): void {
  const ok = (body: unknown): SandboxResponse => ({ status: 200, body });

  const payOrFail = (defaultCard: string) => controlHandler((req) => {
    const body = readJson(req);
    const session = engine.state.sessions[req.params.id ?? ''];
    if (!session) return coreError(404, `No such checkout session: ${req.params.id}`);
    const card = typeof body.card === 'string' ? body.card : defaultCard;
    const authentication = body.authentication === 'fail' ? 'fail' : 'approve';
    if (body.authentication !== undefined && body.authentication !== 'approve' && body.authentication !== 'fail') {
      throw new ControlInputError('authentication must be "approve" or "fail"');
    }
    const result = engine.pay(session.id, {
      number: card, expiry: '12/34', cvc: '123', name: typeof body.name === 'string' ? body.name : 'Sandbox Payer',
      email: typeof body.email === 'string' ? body.email : session.customer_email ?? 'payer@example.com',
    }, authentication);
    switch (result.status) {
      case 'succeeded':
        return ok({ status: 'succeeded', session: result.session, payment_intent: result.paymentIntent, charge: result.charge });
      case 'declined':
        return ok({ status: 'declined', message: result.message, code: result.code, decline_code: result.declineCode, session: result.session, payment_intent: result.paymentIntent, charge: result.charge });
      case 'requires_action':
        return ok({ status: 'requires_action', session: result.session, payment_intent: result.paymentIntent });
      case 'invalid_card':
        return coreError(400, result.message);
      case 'not_open':
        return coreError(409, `Checkout session ${session.id} is ${session.status}, not open`);
    }
  });

  control.on('POST', '/checkout/sessions/:id/pay', payOrFail('4242424242424242'));
  control.on('POST', '/checkout/sessions/:id/fail', payOrFail('4000000000000002'));
  control.on('POST', '/checkout/sessions/:id/expire', controlHandler((req) => {
    const session = engine.state.sessions[req.params.id ?? ''];
    if (!session) return coreError(404, `No such checkout session: ${req.params.id}`);
    if (session.status !== 'open') return coreError(409, `Checkout session ${session.id} is ${session.status}, not open`);
    return ok(engine.expireSession(session.id));
  }));
  /** a manual payout (automatic: false) of `amount` (default: all available) in `currency` (default usd) */
  const manualPayout = (body: Record<string, unknown>): SandboxResponse => {
    if (body.amount !== undefined && !(typeof body.amount === 'number' && Number.isSafeInteger(body.amount) && body.amount > 0)) {
      throw new ControlInputError('amount must be a positive integer in minor units');
    }
    const currency = typeof body.currency === 'string' ? body.currency.toLowerCase() : 'usd';
    try {
      return ok({ data: [engine.manualPayout({ currency, amount: body.amount as number | undefined })] });
    } catch (err) {
      if (err instanceof StripeApiError) return coreError(409, err.message);
      throw err;
    }
  };
  control.on('POST', '/payouts', controlHandler((req) => {
    const body = readJson(req);
    if (body.currency !== undefined && typeof body.currency !== 'string') throw new ControlInputError('currency must be a string');
    if (body.manual !== undefined && typeof body.manual !== 'boolean') throw new ControlInputError('manual must be true or false');
    if (body.manual === true) return manualPayout(body);
    const payouts = engine.payout(typeof body.currency === 'string' ? body.currency.toLowerCase() : undefined);
    if (payouts.length === 0) return coreError(409, 'Nothing available to pay out (charges become available after the availability delay; advance the clock)');
    return ok({ data: payouts });
  }));
  control.on('GET', '/receipts', controlHandler((req) => {
    const to = req.query.get('to');
    return ok({ data: engine.state.receipts.filter((r) => !to || r.to === to) });
  }));
  control.on('GET', '/balance', controlHandler(() => ok(engine.balance())));
}
