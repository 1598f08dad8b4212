// The /v1 endpoints Paydesk uses, in Stripe's shapes (see README.md for what is left out).
// Each group of endpoints lives in its own file (routes-catalog.ts, routes-checkout.ts); the payment, refund,
// event, webhook-endpoint and balance endpoints, which only read and update what payments create, are here.
import type Stripe from 'stripe';
import { z } from 'zod';
import { randomBase62 } from '../core/ids.js';
import type { RouteRegistrar } from '../core/types.js';
import {
  inRange, listParams, mergeMetadata, missingResource, StripeApiError, validate, zBool, zCurrency, zExpand, zMetadata, zPositiveInt, zString, zTimestampRange,
} from './form.js';
import { MANUAL_PAYOUT_FILTER_MESSAGE } from './payouts.js';
import { createPipeline, newestFirst, paginate } from './http.js';
import { buildWebhookEndpoint } from './event-objects.js';
import { API_VERSION } from './objects.js';
import type { StripeEngine } from './engine.js';
import { expandObject } from './expand.js';
import { retrieveParams, zUrl, type RouteKit } from './route-kit.js';
import { registerCatalogRoutes } from './routes-catalog.js';
import { registerCheckoutRoutes } from './routes-checkout.js';

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
  const kit: RouteKit = { routes, engine, endpoint, st, sec };
  const { createPrice } = registerCatalogRoutes(kit);
  registerCheckoutRoutes(kit, createPrice);

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
    if (p.payout && !st().payouts[p.payout]?.automatic) throw new StripeApiError(400, 'invalid_request_error', MANUAL_PAYOUT_FILTER_MESSAGE, undefined, 'payout');
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
  routes.on('POST', '/v1/payouts', endpoint(({ params }) => {
    const p = validate(z.strictObject({
      amount: zPositiveInt, currency: zCurrency, description: zString.optional(), metadata: zMetadata.optional(), statement_descriptor: zString.optional(), expand: zExpand,
    }), params);
    return engine.manualPayout({ currency: p.currency, amount: p.amount, description: p.description ?? null, metadata: p.metadata });
  }));
  routes.on('GET', '/v1/payouts', endpoint(({ req, params }) => {
    const p = validate(z.strictObject({ ...listParams, status: zString.optional(), created: zTimestampRange.optional(), arrival_date: zTimestampRange.optional() }), params);
    return paginate(newestFirst(st().payouts).filter((x) => (!p.status || x.status === p.status) && inRange(x.created, p.created) && inRange(x.arrival_date, p.arrival_date)), p, req.path);
  }));
}
