// The /v1 catalog endpoints: products, prices and payment links.
import type Stripe from 'stripe';
import { z } from 'zod';
import { newId } from '../core/ids.js';
import {
  checkAmount, inRange, invalid, listParams, mergeMetadata, missingResource, validate, zBool, zCurrency, zExpand, zMetadata, zNonNegInt, zPositiveInt, zString, zTimestampRange,
} from './form.js';
import { newestFirst, paginate } from './http.js';
import { buildPaymentLink, buildPrice, buildProduct } from './objects.js';
import { retrieveParams, zUrl, type RouteKit } from './route-kit.js';
import { linkLineItems } from './routes-checkout.js';

/** the price builder Checkout reuses for `price_data` line items; `prefix` names the fields of a nested price in errors */
export type CreatePrice = (p: PriceCreate, prefix?: string) => Stripe.Price;

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
type PriceCreate = z.output<typeof priceCreate>;

export function registerCatalogRoutes({ routes, engine, endpoint, st, sec }: RouteKit): { createPrice: CreatePrice } {
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
  const createPrice: CreatePrice = (p, prefix = '') => {
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
  return { createPrice };
}
