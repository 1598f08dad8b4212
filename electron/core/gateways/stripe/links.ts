// Stripe's side of ports/links.ts: a Checkout Session (one payment, expires) or a reusable Payment Link.
// Every (re)try of an intent sends the same Idempotency-Key (stripe-node retries 5xx/429 itself with that key,
// maxNetworkRetries 2), and every parameter comes from the stored intent, so a replay is the same request.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import { mapStripeError } from '../errors';
import type { LinkMade, LinkPort, LinkRequest } from '../ports/links';
import { stripeExpiryFor, stripeKindFor, withInputField } from './links-fields';

export function stripeLinks(client: Stripe, _target: AccountTarget): LinkPort {
  async function checkoutSession(req: LinkRequest, currency: string): Promise<LinkMade> {
    const { metadata, title: name } = req;
    const receipts = req.notify && req.customerEmail ? req.customerEmail : null;
    const params: Stripe.Checkout.SessionCreateParams = {
      mode: 'payment',
      line_items: [{ price_data: { currency, unit_amount: req.amountMinor, product_data: { name } }, quantity: 1 }],
      client_reference_id: req.paymentId,
      ...(req.returnUrls ? { success_url: req.returnUrls.success, cancel_url: req.returnUrls.cancel } : {}),
      metadata,
      payment_intent_data: { metadata, description: name, ...(receipts ? { receipt_email: receipts } : {}) },
      ...(receipts ? { customer_email: receipts } : {}),
      ...(req.expiresAt ? { expires_at: Math.floor(req.expiresAt / 1000) } : {}),
    };
    const s = await client.checkout.sessions.create(params, { idempotencyKey: req.idempotencyKey });
    return { ids: { sessionId: s.id }, url: s.url ?? null, expiresAt: typeof s.expires_at === 'number' ? s.expires_at * 1000 : null };
  }

  /** a price, then the link: two requests, two keys derived from the intent's */
  async function paymentLink(req: LinkRequest, currency: string): Promise<LinkMade> {
    const { metadata, title: name } = req;
    const price = await client.prices.create(
      { currency, unit_amount: req.amountMinor, product_data: { name }, metadata },
      { idempotencyKey: `${req.idempotencyKey}:price` },
    );
    const link = await client.paymentLinks.create(
      { line_items: [{ price: price.id, quantity: 1 }], metadata, payment_intent_data: { metadata, description: name } },
      { idempotencyKey: `${req.idempotencyKey}:link` },
    );
    return { ids: { plinkId: link.id }, url: link.url, expiresAt: null };
  }

  return {
    kindFor: stripeKindFor,
    reusable: (kind) => kind === 'stripe_payment_link',
    // a hosted session without success_url is refused (parameter_missing); a Payment Link shows Stripe's own page
    needsReturnPage: (kind) => kind === 'stripe_checkout',
    hasPayPage: () => true,
    expiryFor: stripeExpiryFor,
    async create(req) {
      const currency = req.currency.toLowerCase();
      try {
        return req.kind === 'stripe_checkout' ? await checkoutSession(req, currency) : await paymentLink(req, currency);
      } catch (err) {
        throw withInputField(mapStripeError(err));
      }
    },
    async cancel(link) {
      try {
        if (link.kind === 'stripe_checkout' && link.sessionId) await client.checkout.sessions.expire(link.sessionId);
        else if (link.kind === 'stripe_payment_link' && link.plinkId) await client.paymentLinks.update(link.plinkId, { active: false });
      } catch (err) {
        const m = mapStripeError(err);
        // a session that is no longer open (expired or completed meanwhile): the sync tells which
        if (m.code === 'gateway_invalid' || m.code === 'not_found') return;
        throw m;
      }
    },
  };
}
