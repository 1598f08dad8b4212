// The /v1 endpoints Paydesk uses, in Stripe's shapes (see README.md for what is left out).
import type Stripe from 'stripe';
import { z } from 'zod';
import type { RouteRegistrar } from '../core/types.js';
import { newId, randomBase62 } from '../core/ids.js';
import { isHttpUrl } from '../control.js';
import {
  checkAmount, inRange, invalid, listParams, minimumCharge, missingResource, validate, zBool, zCurrency, zExpand, zInt, zMetadata,
  zNonNegInt, zPositiveInt, zString, zTimestampRange,
} from './form.js';
import { createPipeline, newestFirst, paginate } from './http.js';
import { buildLineItem, buildPaymentLink, buildPrice, buildProduct, buildSession, buildWebhookEndpoint, API_VERSION } from './objects.js';
import type { StripeEngine } from './engine.js';

const MIN_EXPIRY_MS = 30 * 60 * 1000;
const MAX_EXPIRY_MS = 24 * 60 * 60 * 1000;
const retrieveParams = z.strictObject({ expand: zExpand });
const zUrl = zString.refine(isHttpUrl, { message: 'Not a valid URL' });

export function registerStripeRoutes(routes: RouteRegistrar, engine: StripeEngine, keys: { secret: string; publishable: string }): void {
  const st = () => engine.state;
  const endpoint = createPipeline({
    state: st,
    secretKey: keys.secret,
    publishableKey: keys.publishable,
    now: () => engine.now(),
    touch: () => engine.touch(),
    expand: (body, paths) => expandObject(engine, body, paths),
  });
  const sec = () => Math.floor(engine.now() / 1000);

  // ---------- products
  const productCreate = z.strictObject({ name: zString.min(1), description: zString.optional(), metadata: zMetadata.optional(), active: zBool.optional(), expand: zExpand });
  routes.on('POST', '/v1/products', endpoint(({ params }) => {
    const p = validate(productCreate, params);
    const product = buildProduct({ name: p.name, description: p.description, metadata: p.metadata, active: p.active, now: engine.now() });
    st().products[product.id] = product;
    return product;
  }));
  routes.on('GET', '/v1/products/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    const product = st().products[req.params.id ?? ''];
    if (!product) throw missingResource('product', req.params.id ?? '');
    return product;
  }));
  const productUpdate = z.strictObject({ name: zString.min(1).optional(), description: zString.optional(), metadata: zMetadata.optional(), active: zBool.optional(), expand: zExpand });
  routes.on('POST', '/v1/products/:id', endpoint(({ req, params }) => {
    const p = validate(productUpdate, params);
    const product = st().products[req.params.id ?? ''];
    if (!product) throw missingResource('product', req.params.id ?? '');
    if (p.name !== undefined) product.name = p.name;
    if (p.description !== undefined) product.description = p.description || null;
    if (p.active !== undefined) product.active = p.active;
    if (p.metadata !== undefined) product.metadata = mergeMetadata(product.metadata, p.metadata);
    product.updated = sec();
    return product;
  }));
  routes.on('GET', '/v1/products', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, active: zBool.optional(), created: zTimestampRange.optional() }), params);
    return paginate(newestFirst(st().products).filter((x) => (p.active === undefined || x.active === p.active) && inRange(x.created, p.created)), p, req.path);
  }));

  // ---------- prices
  const priceCreate = z.strictObject({
    currency: zCurrency,
    unit_amount: zNonNegInt,
    product: zString.optional(),
    product_data: z.strictObject({ name: zString.min(1), metadata: zMetadata.optional() }).optional(),
    metadata: zMetadata.optional(),
    active: zBool.optional(),
    nickname: zString.optional(),
    lookup_key: zString.optional(),
    expand: zExpand,
  });
  const createPrice = (p: z.output<typeof priceCreate>, prefix = ''): Stripe.Price => {
    const param = (field: string) => (prefix ? `${prefix}[${field}]` : field);
    checkAmount(p.unit_amount, p.currency, param('unit_amount'));
    let productId = p.product;
    if (productId && !st().products[productId]) throw invalid(`No such product: '${productId}'`, param('product'), 'resource_missing');
    if (!productId) {
      if (!p.product_data) throw invalid('You must specify either `product` or `product_data` when creating a price.', param('product'), 'parameter_missing');
      const product = buildProduct({ name: p.product_data.name, metadata: p.product_data.metadata, now: engine.now() });
      st().products[product.id] = product;
      productId = product.id;
    }
    const price = buildPrice({ currency: p.currency, unitAmount: p.unit_amount, product: productId, metadata: p.metadata, active: p.active, nickname: p.nickname, lookupKey: p.lookup_key, now: engine.now() });
    st().prices[price.id] = price;
    return price;
  };
  routes.on('POST', '/v1/prices', endpoint(({ params }) => createPrice(validate(priceCreate, params))));
  routes.on('GET', '/v1/prices/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    const price = st().prices[req.params.id ?? ''];
    if (!price) throw missingResource('price', req.params.id ?? '');
    return price;
  }));
  routes.on('POST', '/v1/prices/:id', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ active: zBool.optional(), metadata: zMetadata.optional(), nickname: zString.optional(), lookup_key: zString.optional(), expand: zExpand }), params);
    const price = st().prices[req.params.id ?? ''];
    if (!price) throw missingResource('price', req.params.id ?? '');
    if (p.active !== undefined) price.active = p.active;
    if (p.nickname !== undefined) price.nickname = p.nickname || null;
    if (p.lookup_key !== undefined) price.lookup_key = p.lookup_key || null;
    if (p.metadata !== undefined) price.metadata = mergeMetadata(price.metadata, p.metadata);
    return price;
  }));
  routes.on('GET', '/v1/prices', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, active: zBool.optional(), product: zString.optional(), currency: zCurrency.optional(), created: zTimestampRange.optional() }), params);
    const items = newestFirst(st().prices).filter((x) => (p.active === undefined || x.active === p.active) && (!p.product || x.product === p.product)
      && (!p.currency || x.currency === p.currency) && inRange(x.created, p.created));
    return paginate(items, p, req.path);
  }));

  // ---------- payment links
  const linkCreate = z.strictObject({
    line_items: z.array(z.strictObject({ price: zString, quantity: zPositiveInt })).min(1).max(20),
    metadata: zMetadata.optional(),
    after_completion: z.strictObject({
      type: z.enum(['redirect', 'hosted_confirmation']),
      redirect: z.strictObject({ url: zUrl }).optional(),
      hosted_confirmation: z.strictObject({ custom_message: zString.optional() }).optional(),
    }).optional(),
    payment_intent_data: z.strictObject({ metadata: zMetadata.optional(), description: zString.optional() }).optional(),
    inactive_message: zString.optional(),
    expand: zExpand,
  });
  routes.on('POST', '/v1/payment_links', endpoint(({ req, params, idempotencyKey }) => {
    const p = validate(linkCreate, params);
    const prices = p.line_items.map((li, i) => {
      const price = st().prices[li.price];
      if (!price) throw invalid(`No such price: '${li.price}'`, `line_items[${i}][price]`, 'resource_missing');
      if (!price.active) throw invalid(`The price \`${li.price}\` is not active.`, `line_items[${i}][price]`);
      return price;
    });
    const currency = prices[0]?.currency ?? 'usd';
    if (prices.some((x) => x.currency !== currency)) throw invalid('All prices on a payment link must have the same currency.', 'line_items');
    if (p.after_completion?.type === 'redirect' && !p.after_completion.redirect) throw invalid('Missing required param: after_completion[redirect][url].', 'after_completion[redirect][url]', 'parameter_missing');
    const id = newId('plink', 24);
    const link = buildPaymentLink({
      id,
      url: `${engine.baseUrl(req.baseUrl)}/b/${id}`,
      currency,
      metadata: p.metadata ?? {},
      redirectUrl: p.after_completion?.type === 'redirect' ? p.after_completion.redirect?.url : undefined,
      inactiveMessage: p.inactive_message,
      paymentIntentData: p.payment_intent_data,
    });
    st().paymentLinks[id] = link;
    st().linkLineItems[id] = p.line_items.map((li) => ({ price: li.price, quantity: li.quantity }));
    st().linkPaymentIntentData[id] = p.payment_intent_data ?? {};
    engine.emit('payment_link.created', link, undefined, idempotencyKey);
    return link;
  }));
  const getLink = (id: string) => {
    const link = st().paymentLinks[id];
    if (!link) throw missingResource('payment_link', id);
    return link;
  };
  routes.on('GET', '/v1/payment_links/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    return getLink(req.params.id ?? '');
  }));
  routes.on('POST', '/v1/payment_links/:id', endpoint(({ req, params, idempotencyKey }) => {
    const p = validate(z.strictObject({ active: zBool.optional(), metadata: zMetadata.optional(), inactive_message: zString.optional(), expand: zExpand }), params);
    const link = getLink(req.params.id ?? '');
    const previous: Partial<Stripe.PaymentLink> = {};
    if (p.active !== undefined && p.active !== link.active) {
      previous.active = link.active;
      link.active = p.active;
    }
    if (p.inactive_message !== undefined) link.inactive_message = p.inactive_message || null;
    if (p.metadata !== undefined) {
      previous.metadata = link.metadata;
      link.metadata = mergeMetadata(link.metadata, p.metadata);
    }
    engine.emit('payment_link.updated', link, previous, idempotencyKey);
    return link;
  }));
  routes.on('GET', '/v1/payment_links', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, active: zBool.optional() }), params);
    return paginate(newestFirst(st().paymentLinks).filter((x) => p.active === undefined || x.active === p.active), p, req.path);
  }));
  routes.on('GET', '/v1/payment_links/:id/line_items', endpoint(({ req, params }) => {
    const p = validate(z.strictObject(listParams), params);
    return paginate(linkLineItems(engine, getLink(req.params.id ?? '').id), p, req.path);
  }));

  // ---------- checkout sessions
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

  // ---------- payment intents and charges
  routes.on('GET', '/v1/payment_intents/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    return engine.paymentIntent(req.params.id ?? '', 'intent');
  }));
  routes.on('GET', '/v1/payment_intents', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, created: zTimestampRange.optional(), customer: zString.optional() }), params);
    return paginate(newestFirst(st().paymentIntents).filter((x) => inRange(x.created, p.created)), p, req.path);
  }));
  routes.on('GET', '/v1/charges/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    return engine.charge(req.params.id ?? '', 'charge');
  }));
  routes.on('GET', '/v1/charges', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, payment_intent: zString.optional(), created: zTimestampRange.optional(), customer: zString.optional() }), params);
    return paginate(newestFirst(st().charges).filter((x) => (!p.payment_intent || x.payment_intent === p.payment_intent) && inRange(x.created, p.created)), p, req.path);
  }));

  // ---------- refunds
  const refundCreate = z.strictObject({
    charge: zString.optional(),
    payment_intent: zString.optional(),
    amount: zPositiveInt.optional(),
    reason: z.enum(['duplicate', 'fraudulent', 'requested_by_customer']).optional(),
    metadata: zMetadata.optional(),
    expand: zExpand,
  });
  routes.on('POST', '/v1/refunds', endpoint(({ params, idempotencyKey }) => {
    const p = validate(refundCreate, params);
    return engine.refund({ charge: p.charge, paymentIntent: p.payment_intent, amount: p.amount, reason: p.reason, metadata: p.metadata }, idempotencyKey);
  }));
  routes.on('GET', '/v1/refunds/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    const refund = st().refunds[req.params.id ?? ''];
    if (!refund) throw missingResource('refund', req.params.id ?? '');
    return refund;
  }));
  routes.on('POST', '/v1/refunds/:id', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ metadata: zMetadata.optional(), expand: zExpand }), params);
    const refund = st().refunds[req.params.id ?? ''];
    if (!refund) throw missingResource('refund', req.params.id ?? '');
    if (p.metadata !== undefined) refund.metadata = mergeMetadata(refund.metadata ?? {}, p.metadata);
    return refund;
  }));
  routes.on('GET', '/v1/refunds', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, payment_intent: zString.optional(), charge: zString.optional(), created: zTimestampRange.optional() }), params);
    return paginate(newestFirst(st().refunds).filter((x) => (!p.payment_intent || x.payment_intent === p.payment_intent)
      && (!p.charge || x.charge === p.charge) && inRange(x.created, p.created)), p, req.path);
  }));

  // ---------- events
  routes.on('GET', '/v1/events/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    engine.prune();
    const event = st().events[req.params.id ?? ''];
    if (!event) throw missingResource('event', req.params.id ?? '');
    return event;
  }));
  routes.on('GET', '/v1/events', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({
      ...listParams, type: zString.optional(), types: z.array(zString).max(20).optional(), created: zTimestampRange.optional(), delivery_success: zBool.optional(),
    }), params);
    engine.prune();
    const typeMatches = (type: string, pattern: string) => (pattern.endsWith('*') ? type.startsWith(pattern.slice(0, -1)) : type === pattern);
    const items = newestFirst(st().events).filter((e) => (!p.type || typeMatches(e.type, p.type)) && (!p.types || p.types.includes(e.type))
      && inRange(e.created, p.created) && (p.delivery_success === undefined || engine.deliverySucceeded(e.id) === p.delivery_success));
    return paginate(items, p, req.path);
  }));

  // ---------- webhook endpoints
  const endpointCreate = z.strictObject({
    url: zUrl, enabled_events: z.array(zString).min(1), description: zString.optional(), metadata: zMetadata.optional(), api_version: zString.optional(), expand: zExpand,
  });
  routes.on('POST', '/v1/webhook_endpoints', endpoint(({ params }) => {
    const p = validate(endpointCreate, params);
    const we = buildWebhookEndpoint({ now: engine.now(), url: p.url, enabledEvents: p.enabled_events, description: p.description ?? null, metadata: p.metadata ?? {}, apiVersion: p.api_version ?? API_VERSION });
    const secret = `whsec_${randomBase62(32)}`;
    st().webhookEndpoints[we.id] = we;
    st().endpointSecrets[we.id] = secret;
    engine.syncTarget(we.id);
    // the secret is part of the creation response only, as on Stripe
    return { ...we, secret };
  }));
  const getEndpoint = (id: string) => {
    const we = st().webhookEndpoints[id];
    if (!we) throw missingResource('webhook_endpoint', id);
    return we;
  };
  routes.on('GET', '/v1/webhook_endpoints/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    return getEndpoint(req.params.id ?? '');
  }));
  routes.on('POST', '/v1/webhook_endpoints/:id', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({
      url: zUrl.optional(), enabled_events: z.array(zString).min(1).optional(), disabled: zBool.optional(), description: zString.optional(), metadata: zMetadata.optional(), expand: zExpand,
    }), params);
    const we = getEndpoint(req.params.id ?? '');
    if (p.url !== undefined) we.url = p.url;
    if (p.enabled_events !== undefined) we.enabled_events = p.enabled_events;
    if (p.disabled !== undefined) we.status = p.disabled ? 'disabled' : 'enabled';
    if (p.description !== undefined) we.description = p.description || null;
    if (p.metadata !== undefined) we.metadata = mergeMetadata(we.metadata, p.metadata);
    engine.syncTarget(we.id);
    return we;
  }));
  routes.on('DELETE', '/v1/webhook_endpoints/:id', endpoint(({ req }) => {
    const we = getEndpoint(req.params.id ?? '');
    delete st().webhookEndpoints[we.id];
    delete st().endpointSecrets[we.id];
    engine.syncTarget(we.id);
    return { id: we.id, object: 'webhook_endpoint', deleted: true } satisfies Stripe.DeletedWebhookEndpoint;
  }));
  routes.on('GET', '/v1/webhook_endpoints', endpoint(({ req, params }) => {
    const p = validate(z.strictObject(listParams), params);
    return paginate(newestFirst(st().webhookEndpoints), p, req.path);
  }));

  // ---------- balance, balance transactions, payouts
  routes.on('GET', '/v1/balance', endpoint(({ params }) => {
    validate(retrieveParams, params);
    return engine.balance();
  }));
  routes.on('GET', '/v1/balance_transactions/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    const bt = st().balanceTransactions[req.params.id ?? ''];
    if (!bt) throw missingResource('balance_transaction', req.params.id ?? '');
    return bt;
  }));
  routes.on('GET', '/v1/balance_transactions', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({
      ...listParams, payout: zString.optional(), type: zString.optional(), source: zString.optional(), currency: zCurrency.optional(), created: zTimestampRange.optional(),
    }), params);
    if (p.payout && !st().payouts[p.payout]) throw missingResource('payout', p.payout, 'payout');
    const items = newestFirst(st().balanceTransactions).filter((bt) => (!p.payout || st().btPayout[bt.id] === p.payout)
      && (!p.type || bt.type === p.type) && (!p.source || bt.source === p.source) && (!p.currency || bt.currency === p.currency) && inRange(bt.created, p.created));
    return paginate(items, p, req.path);
  }));
  routes.on('GET', '/v1/payouts/:id', endpoint(({ req, params }) => {
    validate(retrieveParams, params);
    const payout = st().payouts[req.params.id ?? ''];
    if (!payout) throw missingResource('payout', req.params.id ?? '', 'payout');
    return payout;
  }));
  routes.on('GET', '/v1/payouts', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, status: zString.optional(), created: zTimestampRange.optional(), arrival_date: zTimestampRange.optional() }), params);
    return paginate(newestFirst(st().payouts).filter((x) => (!p.status || x.status === p.status) && inRange(x.created, p.created) && inRange(x.arrival_date, p.arrival_date)), p, req.path);
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

function mergeMetadata(current: Record<string, string> | null, update: Record<string, string>): Record<string, string> {
  // Stripe: metadata="" clears everything; metadata[k]="" removes one key
  if (Object.keys(update).length === 0) return {};
  const next = { ...current };
  for (const [k, v] of Object.entries(update)) {
    if (v === '') delete next[k];
    else next[k] = v;
  }
  return next;
}

/** `expand[]` paths like payment_intent.latest_charge.balance_transaction, line_items, data.payment_intent. */
export function expandObject(engine: StripeEngine, body: object, paths: string[]): object {
  const copy = structuredClone(body) as Record<string, unknown>;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > 4) throw invalid(`You cannot expand more than 4 levels of a property. Property: ${path}`, 'expand');
    expandPath(engine, copy, segments, path);
  }
  return copy;
}

function expandPath(engine: StripeEngine, node: Record<string, unknown>, segments: string[], full: string): void {
  const [head, ...rest] = segments;
  if (!head) return;
  if (node.object === 'list' && head === 'data' && Array.isArray(node.data)) {
    for (const item of node.data) expandPath(engine, item as Record<string, unknown>, rest, full);
    return;
  }
  let value = node[head];
  if (head === 'line_items' && (node.object === 'checkout.session' || node.object === 'payment_link')) {
    const id = node.id as string;
    const items = node.object === 'checkout.session' ? engine.state.sessionLineItems[id] ?? [] : linkLineItems(engine, id);
    value = { object: 'list', data: structuredClone(items), has_more: false, url: node.object === 'checkout.session' ? `/v1/checkout/sessions/${id}/line_items` : `/v1/payment_links/${id}/line_items` };
  } else if (typeof value === 'string') {
    const target = engine.byId(value);
    if (!target) throw invalid(`This property cannot be expanded (${head}).`, 'expand');
    value = structuredClone(target);
  } else if (value === undefined) {
    throw invalid(`This property cannot be expanded (${full}).`, 'expand');
  }
  node[head] = value;
  if (rest.length > 0 && value && typeof value === 'object') expandPath(engine, value as Record<string, unknown>, rest, full);
}
