// Builders for the catalog and checkout objects the emulator returns: products, prices, payment links and
// Checkout Sessions (payments: money-objects.ts; events: event-objects.ts). Typed with the `stripe` package's own
// types so that drift between the SDK and the emulator fails `tsc`. Fields Paydesk never reads are present
// with Stripe's "nothing here" values (null, [], false) rather than omitted.
import type Stripe from 'stripe';
import { newId } from '../core/ids.js';

export const API_VERSION = '2026-10-28.endive';

/** Stripe's timestamps are Unix seconds */
export const sec = (ms: number): number => Math.floor(ms / 1000);

export function buildProduct(input: { name: string; description?: string; metadata?: Record<string, string>; active?: boolean; now: number }): Stripe.Product {
  return {
    id: newId('prod', 14),
    object: 'product',
    active: input.active ?? true,
    created: sec(input.now),
    default_price: null,
    description: input.description ?? null,
    images: [],
    livemode: false,
    marketing_features: [],
    metadata: input.metadata ?? {},
    name: input.name,
    package_dimensions: null,
    shippable: null,
    statement_descriptor: null,
    tax_code: null,
    tax_details: null,
    type: 'service',
    unit_label: null,
    updated: sec(input.now),
    url: null,
  };
}

export function buildPrice(input: {
  currency: string; unitAmount: number; product: string; metadata?: Record<string, string>; active?: boolean;
  nickname?: string; lookupKey?: string; now: number;
}): Stripe.Price {
  return {
    id: newId('price', 24),
    object: 'price',
    active: input.active ?? true,
    billing_scheme: 'per_unit',
    created: sec(input.now),
    currency: input.currency,
    custom_unit_amount: null,
    livemode: false,
    lookup_key: input.lookupKey ?? null,
    metadata: input.metadata ?? {},
    nickname: input.nickname ?? null,
    product: input.product,
    recurring: null,
    tax_behavior: 'unspecified',
    tiers_mode: null,
    transform_quantity: null,
    type: 'one_time',
    unit_amount: input.unitAmount,
    // the SDK types this as its Decimal class; the sandbox leaves it out rather than fake one
    unit_amount_decimal: null,
  };
}

export function buildLineItem(price: Stripe.Price, quantity: number, description: string): Stripe.LineItem {
  const total = (price.unit_amount ?? 0) * quantity;
  return {
    id: newId('li', 24),
    object: 'item',
    adjustable_quantity: null,
    amount_discount: 0,
    amount_subtotal: total,
    amount_tax: 0,
    amount_total: total,
    currency: price.currency,
    description,
    metadata: {},
    price,
    quantity,
  };
}

export function buildPaymentLink(input: {
  id: string; url: string; currency: string; metadata: Record<string, string>; redirectUrl?: string; active?: boolean; inactiveMessage?: string;
  paymentIntentData?: { metadata?: Record<string, string>; description?: string };
}): Stripe.PaymentLink {
  return {
    id: input.id,
    object: 'payment_link',
    active: input.active ?? true,
    after_completion: input.redirectUrl
      ? { type: 'redirect', redirect: { url: input.redirectUrl } }
      : { type: 'hosted_confirmation', hosted_confirmation: { custom_message: null } },
    allow_promotion_codes: false,
    application: null,
    application_fee_amount: null,
    application_fee_percent: null,
    automatic_tax: { enabled: false, liability: null },
    billing_address_collection: 'auto',
    consent_collection: null,
    currency: input.currency,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer_creation: 'if_required',
    inactive_message: input.inactiveMessage ?? null,
    invoice_creation: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    on_behalf_of: null,
    payment_intent_data: input.paymentIntentData
      ? {
        capture_method: null,
        description: input.paymentIntentData.description ?? null,
        metadata: input.paymentIntentData.metadata ?? {},
        setup_future_usage: null,
        statement_descriptor: null,
        statement_descriptor_suffix: null,
        transfer_group: null,
      }
      : null,
    payment_method_collection: 'always',
    payment_method_options: null,
    payment_method_types: null,
    phone_number_collection: { enabled: false },
    restrictions: null,
    shipping_address_collection: null,
    shipping_options: [],
    submit_type: 'auto',
    subscription_data: null,
    tax_id_collection: { enabled: false, required: 'never' },
    transfer_data: null,
    url: input.url,
  };
}

export function buildSession(input: {
  id: string; url: string; now: number; expiresAt: number; currency: string; amountTotal: number;
  successUrl: string | null; cancelUrl: string | null; clientReferenceId: string | null; customerEmail: string | null;
  metadata: Record<string, string>; paymentLink: string | null;
}): Stripe.Checkout.Session {
  return {
    id: input.id,
    object: 'checkout.session',
    adaptive_pricing: { enabled: false },
    after_expiration: null,
    allow_promotion_codes: null,
    allowed_payment_method_types: null,
    amount_subtotal: input.amountTotal,
    amount_total: input.amountTotal,
    automatic_tax: { enabled: false, liability: null, provider: null, status: null },
    billing_address_collection: null,
    cancel_url: input.cancelUrl,
    client_reference_id: input.clientReferenceId,
    client_secret: null,
    collected_information: null,
    consent: null,
    consent_collection: null,
    created: sec(input.now),
    currency: input.currency,
    currency_conversion: null,
    custom_fields: [],
    custom_text: { after_submit: null, shipping_address: null, submit: null, terms_of_service_acceptance: null },
    customer: null,
    customer_account: null,
    customer_creation: 'if_required',
    customer_details: input.customerEmail
      ? { address: null, business_name: null, email: input.customerEmail, individual_name: null, name: null, phone: null, tax_exempt: 'none', tax_ids: null }
      : null,
    customer_email: input.customerEmail,
    discounts: [],
    expires_at: sec(input.expiresAt),
    integration_identifier: null,
    invoice: null,
    invoice_creation: null,
    livemode: false,
    locale: null,
    managed_payments: null,
    metadata: input.metadata,
    mode: 'payment',
    origin_context: null,
    payment_intent: null,
    payment_link: input.paymentLink,
    payment_method_collection: 'if_required',
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    payment_status: 'unpaid',
    permissions: null,
    recovered_from: null,
    saved_payment_method_options: null,
    setup_intent: null,
    shipping_address_collection: null,
    shipping_cost: null,
    shipping_options: [],
    status: 'open',
    submit_type: null,
    subscription: null,
    success_url: input.successUrl,
    total_details: { amount_discount: 0, amount_shipping: 0, amount_tax: 0 },
    ui_mode: 'hosted',
    url: input.url,
    wallet_options: null,
  };
}
