// The /v1 Checkout Session endpoints, and the session and line-item helpers the hosted pages share with them.
import type Stripe from 'stripe';
import { z } from 'zod';
import { randomBase62 } from '../core/ids.js';
import {
  checkAmount, inRange, invalid, listParams, minimumCharge, validate, zCurrency, zExpand, zInt, zMetadata, zNonNegInt, zPositiveInt, zString, zTimestampRange,
} from './form.js';
import { newestFirst, paginate } from './http.js';
import { buildLineItem, buildSession } from './objects.js';
import type { StripeEngine } from './engine.js';
import { retrieveParams, zUrl, type RouteKit } from './route-kit.js';
import type { CreatePrice } from './routes-catalog.js';

const MIN_EXPIRY_MS = 30 * 60 * 1000;
const MAX_EXPIRY_MS = 24 * 60 * 60 * 1000;

export function registerCheckoutRoutes({ routes, engine, endpoint, st }: RouteKit, createPrice: CreatePrice): void {
  const priceData = z.strictObject({
    currency: zCurrency,
    unit_amount: zNonNegInt.optional(),
    unit_amount_decimal: zString.optional(),
    product: zString.optional(),
    product_data: z.strictObject({ name: zString.min(1), description: zString.optional(), metadata: zMetadata.optional(), images: z.array(zString).optional() }).optional(),
  });
  const sessionCreate = z.strictObject({
    mode: z.enum(['payment', 'setup', 'subscription']).optional(),
    line_items: z.array(z.strictObject({ price: zString.optional(), price_data: priceData.optional(), quantity: zPositiveInt.optional() })).min(1).max(100),
    success_url: zUrl.optional(),
    cancel_url: zUrl.optional(),
    expires_at: zInt.optional(),
    client_reference_id: zString.max(200).optional(),
    customer_email: zString.email().optional(),
    metadata: zMetadata.optional(),
    payment_method_types: z.array(z.literal('card')).optional(),
    payment_intent_data: z.strictObject({ receipt_email: zString.email().optional(), metadata: zMetadata.optional(), description: zString.optional() }).optional(),
    expand: zExpand,
  });
  routes.on('POST', '/v1/checkout/sessions', endpoint(({ req, params }) => {
    const p = validate(sessionCreate, params);
    if (p.mode !== 'payment') throw invalid('Paydesk Sandbox supports only `mode=payment` Checkout Sessions.', 'mode', p.mode ? 'parameter_invalid' : 'parameter_missing');
    // a hosted session must say where the customer goes after paying, as Stripe requires
    if (!p.success_url) throw invalid('Missing required param: success_url.', 'success_url', 'parameter_missing');
    const now = engine.now();
    let expiresAt = now + MAX_EXPIRY_MS;
    if (p.expires_at !== undefined) {
      const delta = p.expires_at * 1000 - now;
      // Stripe allows 30 minutes to 24 hours; a second of slack absorbs the request's own latency
      if (delta < MIN_EXPIRY_MS - 1000 || delta > MAX_EXPIRY_MS + 1000) {
        throw invalid('The `expires_at` timestamp must be between 30 minutes and 24 hours from Checkout Session creation.', 'expires_at');
      }
      expiresAt = p.expires_at * 1000;
    }
    const items = p.line_items.map((li, i) => {
      const param = `line_items[${i}]`;
      let price: Stripe.Price;
      if (li.price && li.price_data) throw invalid('You may only specify one of these parameters: price, price_data.', `${param}[price]`);
      if (li.price) {
        const found = st().prices[li.price];
        if (!found) throw invalid(`No such price: '${li.price}'`, `${param}[price]`, 'resource_missing');
        if (!found.active) throw invalid(`The price \`${li.price}\` is not active.`, `${param}[price]`);
        price = found;
      } else if (li.price_data) {
        const pd = li.price_data;
        let amount = pd.unit_amount;
        if (amount === undefined && pd.unit_amount_decimal !== undefined) {
          // zero-decimal and every other currency take whole minor units; fractions of a minor unit are refused
          if (!/^\d+$/.test(pd.unit_amount_decimal)) throw invalid(`Invalid decimal: ${pd.unit_amount_decimal}. ${pd.currency.toUpperCase()} amounts are whole minor units in this sandbox.`, `${param}[price_data][unit_amount_decimal]`);
          amount = Number(pd.unit_amount_decimal);
        }
        if (amount === undefined) throw invalid(`Missing required param: ${param}[price_data][unit_amount].`, `${param}[price_data][unit_amount]`, 'parameter_missing');
        price = createPrice({ currency: pd.currency, unit_amount: amount, product: pd.product, product_data: pd.product_data ? { name: pd.product_data.name, metadata: pd.product_data.metadata } : undefined, active: false, expand: undefined }, `${param}[price_data]`);
      } else {
        throw invalid(`Missing required param: ${param}[price].`, `${param}[price]`, 'parameter_missing');
      }
      if (li.quantity === undefined) throw invalid(`Missing required param: ${param}[quantity].`, `${param}[quantity]`, 'parameter_missing');
      const product = st().products[price.product as string];
      return buildLineItem(price, li.quantity, product?.name ?? 'Item');
    });
    const currency = items[0]?.currency ?? 'usd';
    if (items.some((li) => li.currency !== currency)) throw invalid('All line items must have the same currency.', 'line_items');
    const total = items.reduce((sum, li) => sum + li.amount_total, 0);
    checkAmount(total, currency, 'line_items');
    if (total < minimumCharge(currency)) {
      throw invalid(`The Checkout Session's total amount due must add up to at least ${minimumCharge(currency)} ${currency} minor units.`, 'line_items', 'amount_too_small');
    }
    return createSession(engine, req.baseUrl, {
      items, currency, total, expiresAt, successUrl: p.success_url ?? null, cancelUrl: p.cancel_url ?? null,
      clientReferenceId: p.client_reference_id ?? null, customerEmail: p.customer_email ?? null, metadata: p.metadata ?? {},
      paymentLink: null, paymentIntentData: p.payment_intent_data ?? {},
    });
  }));
  routes.on('GET', '/v1/checkout/sessions/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    return engine.session(req.params.id ?? '', 'session');
  }));
  routes.on('POST', '/v1/checkout/sessions/:id/expire', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    return engine.expireSession(engine.session(req.params.id ?? '', 'session').id);
  }));
  routes.on('GET', '/v1/checkout/sessions/:id/line_items', endpoint(({ req, params }) => {
    const p = validate(z.strictObject(listParams), params);
    const session = engine.session(req.params.id ?? '', 'session');
    return paginate(st().sessionLineItems[session.id] ?? [], p, req.path);
  }));
  routes.on('GET', '/v1/checkout/sessions', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({
      ...listParams, payment_link: zString.optional(), payment_intent: zString.optional(), status: z.enum(['open', 'complete', 'expired']).optional(),
      created: zTimestampRange.optional(), customer_details: z.strictObject({ email: zString }).optional(),
    }), params);
    const items = newestFirst(st().sessions).filter((s) => (!p.payment_link || s.payment_link === p.payment_link)
      && (!p.payment_intent || s.payment_intent === p.payment_intent) && (!p.status || s.status === p.status) && inRange(s.created, p.created)
      && (!p.customer_details || s.customer_details?.email === p.customer_details.email));
    return paginate(items, p, req.path);
  }));
}

export function createSession(engine: StripeEngine, requestBase: string, input: {
  items: Stripe.LineItem[]; currency: string; total: number; expiresAt: number; successUrl: string | null; cancelUrl: string | null;
  clientReferenceId: string | null; customerEmail: string | null; metadata: Record<string, string>; paymentLink: string | null;
  paymentIntentData: { receipt_email?: string; metadata?: Record<string, string>; description?: string };
}): Stripe.Checkout.Session {
  const id = `cs_test_${randomBase62(58)}`;
  const session = buildSession({
    id, url: `${engine.baseUrl(requestBase)}/c/pay/${id}`, now: engine.now(), expiresAt: input.expiresAt, currency: input.currency, amountTotal: input.total,
    successUrl: input.successUrl, cancelUrl: input.cancelUrl, clientReferenceId: input.clientReferenceId, customerEmail: input.customerEmail,
    metadata: input.metadata, paymentLink: input.paymentLink,
  });
  engine.state.sessions[id] = session;
  engine.state.sessionLineItems[id] = input.items;
  engine.state.sessionExtras[id] = { paymentIntentData: input.paymentIntentData };
  engine.touch();
  return session;
}

export function linkLineItems(engine: StripeEngine, linkId: string): Stripe.LineItem[] {
  return (engine.state.linkLineItems[linkId] ?? []).map((li) => {
    const price = engine.state.prices[li.price];
    if (!price) throw new Error(`payment link ${linkId} refers to a missing price`);
    const product = engine.state.products[price.product as string];
    return buildLineItem(price, li.quantity, product?.name ?? 'Item');
  });
}
