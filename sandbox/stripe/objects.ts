// Builders for every object the emulator returns, typed with the `stripe` package's own types so
// that drift between the SDK and the emulator fails `tsc`. Fields Paydesk never reads are present
// with Stripe's "nothing here" values (null, [], false) rather than omitted.
import type Stripe from 'stripe';
import { newId } from '../core/ids.js';

export const API_VERSION = '2026-10-28.endive';

const sec = (ms: number): number => Math.floor(ms / 1000);

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

export function buildPaymentIntent(input: {
  now: number; amount: number; currency: string; metadata: Record<string, string>; receiptEmail: string | null; description: string | null;
}): Stripe.PaymentIntent {
  const id = newId('pi', 24);
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: null,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic_async',
    client_secret: `${id}_secret_${newId('s', 24).slice(2)}`,
    confirmation_method: 'automatic',
    created: sec(input.now),
    currency: input.currency,
    customer: null,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: null,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: ['card'],
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: null,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: 'requires_payment_method',
    transfer_data: null,
    transfer_group: null,
  };
}

export interface CardInfo {
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
  funding: string;
}

export function buildCharge(input: {
  now: number; paymentIntent: Stripe.PaymentIntent; paymentMethod: string; card: CardInfo; email: string | null; name: string | null;
  succeeded: boolean; failureCode?: string; failureMessage?: string; declineCode?: string; baseUrl: string; balanceTransaction: string | null;
}): Stripe.Charge {
  const id = newId('ch', 24);
  const pi = input.paymentIntent;
  return {
    id,
    object: 'charge',
    amount: pi.amount,
    amount_captured: input.succeeded ? pi.amount : 0,
    amount_refunded: 0,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: input.balanceTransaction,
    billing_details: { address: null, email: input.email, name: input.name, phone: null, tax_id: null },
    calculated_statement_descriptor: 'PAYDESK SANDBOX',
    captured: input.succeeded,
    created: sec(input.now),
    currency: pi.currency,
    customer: null,
    description: pi.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: input.failureCode ?? null,
    failure_message: input.failureMessage ?? null,
    fraud_details: {},
    livemode: false,
    metadata: { ...pi.metadata },
    on_behalf_of: null,
    outcome: {
      advice_code: null,
      network_advice_code: null,
      network_decline_code: null,
      network_status: input.succeeded ? 'approved_by_network' : 'declined_by_network',
      reason: input.declineCode ?? null,
      risk_level: 'normal',
      seller_message: input.succeeded ? 'Payment complete.' : 'The bank did not return any further details with this decline.',
      type: input.succeeded ? 'authorized' : 'issuer_declined',
    },
    paid: input.succeeded,
    payment_intent: pi.id,
    payment_method: input.paymentMethod,
    payment_method_details: {
      type: 'card',
      card: {
        amount_authorized: input.succeeded ? pi.amount : null,
        authorization_code: input.succeeded ? '123456' : null,
        brand: input.card.brand,
        checks: { address_line1_check: null, address_postal_code_check: null, cvc_check: 'pass' },
        country: 'US',
        electronic_commerce_indicator: null,
        exp_month: input.card.expMonth,
        exp_year: input.card.expYear,
        funding: input.card.funding,
        installments: null,
        last4: input.card.last4,
        mandate: null,
        network: input.card.brand,
        network_transaction_id: input.succeeded ? newId('ntx', 15).slice(4) : null,
        regulated_status: 'unregulated',
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
    },
    receipt_email: pi.receipt_email,
    receipt_number: null,
    receipt_url: input.succeeded ? `${input.baseUrl}/receipts/${id}` : null,
    refunded: false,
    review: null,
    shipping: null,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.succeeded ? 'succeeded' : 'failed',
    transfer_data: null,
    transfer_group: null,
  };
}

export function buildBalanceTransaction(input: {
  now: number; availableOn: number; amount: number; fee: number; currency: string; source: string | null;
  type: Stripe.BalanceTransaction.Type; reportingCategory: string; description: string | null; status: 'pending' | 'available';
}): Stripe.BalanceTransaction {
  return {
    id: newId('txn', 24),
    object: 'balance_transaction',
    amount: input.amount,
    available_on: sec(input.availableOn),
    balance_type: 'payments',
    created: sec(input.now),
    currency: input.currency,
    description: input.description,
    exchange_rate: null,
    fee: input.fee,
    fee_details: input.fee > 0 ? [{ amount: input.fee, application: null, currency: input.currency, description: 'Stripe processing fees', type: 'stripe_fee' }] : [],
    net: input.amount - input.fee,
    reporting_category: input.reportingCategory,
    source: input.source,
    status: input.status,
    type: input.type,
  };
}

export function buildRefund(input: {
  now: number; amount: number; charge: Stripe.Charge; reason: Stripe.Refund.Reason | null; metadata: Record<string, string>; balanceTransaction: string | null;
}): Stripe.Refund {
  const pi = input.charge.payment_intent;
  return {
    id: newId('re', 24),
    object: 'refund',
    amount: input.amount,
    balance_transaction: input.balanceTransaction,
    charge: input.charge.id,
    created: sec(input.now),
    currency: input.charge.currency,
    customer: null,
    customer_account: null,
    destination_details: {
      type: 'card',
      card: { reference_status: 'pending', reference_type: 'acquirer_reference_number', type: 'refund' },
    },
    metadata: input.metadata,
    payment_intent: typeof pi === 'string' ? pi : (pi?.id ?? null),
    payment_method: input.charge.payment_method,
    reason: input.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'pending',
    transfer_reversal: null,
  };
}

export function buildPayout(input: { now: number; amount: number; currency: string; balanceTransaction: string; description: string | null }): Stripe.Payout {
  return {
    id: newId('po', 24),
    object: 'payout',
    amount: input.amount,
    application_fee: null,
    application_fee_amount: null,
    arrival_date: sec(input.now),
    automatic: true,
    balance_transaction: input.balanceTransaction,
    created: sec(input.now),
    currency: input.currency,
    description: input.description ?? 'STRIPE PAYOUT',
    destination: 'ba_sandbox_bank_account',
    failure_balance_transaction: null,
    failure_code: null,
    failure_message: null,
    livemode: false,
    metadata: {},
    method: 'standard',
    original_payout: null,
    payout_method: null,
    reconciliation_status: 'completed',
    reversed_by: null,
    source_type: 'card',
    statement_descriptor: null,
    status: 'paid',
    trace_id: { status: 'supported', value: null },
    type: 'bank_account',
  };
}

export function buildWebhookEndpoint(input: {
  now: number; url: string; enabledEvents: string[]; description: string | null; metadata: Record<string, string>; apiVersion: string | null;
}): Stripe.WebhookEndpoint {
  return {
    id: newId('we', 24),
    object: 'webhook_endpoint',
    api_version: input.apiVersion,
    application: null,
    created: sec(input.now),
    description: input.description,
    enabled_events: input.enabledEvents,
    livemode: false,
    metadata: input.metadata,
    status: 'enabled',
    url: input.url,
  };
}

/** Objects that can be the subject of an event the sandbox emits. */
export type EventSubject = Stripe.Checkout.Session | Stripe.PaymentIntent | Stripe.Charge | Stripe.Refund | Stripe.Payout | Stripe.PaymentLink;

export type SandboxEventType =
  | 'checkout.session.completed' | 'checkout.session.expired'
  | 'payment_intent.succeeded' | 'payment_intent.payment_failed' | 'payment_intent.requires_action' | 'payment_intent.canceled'
  | 'charge.succeeded' | 'charge.failed' | 'charge.refunded'
  | 'refund.created' | 'refund.updated'
  | 'payout.created' | 'payout.paid'
  | 'payment_link.created' | 'payment_link.updated';

export type SandboxEvent = Extract<Stripe.Event, { type: SandboxEventType }>;

/** The event's `data.object` type for each event type, straight from the SDK's event union. */
export type EventObject<T extends SandboxEventType> = Extract<Stripe.Event, { type: T }>['data']['object'];

export function buildEvent<T extends SandboxEventType>(input: {
  type: T; object: EventObject<T>; previousAttributes?: Partial<EventObject<T>>; now: number; pendingWebhooks: number; idempotencyKey: string | null;
}): SandboxEvent {
  const event = {
    id: newId('evt', 24),
    object: 'event',
    api_version: API_VERSION,
    created: sec(input.now),
    data: input.previousAttributes ? { object: input.object, previous_attributes: input.previousAttributes } : { object: input.object },
    livemode: false,
    pending_webhooks: input.pendingWebhooks,
    request: { id: input.idempotencyKey ? newId('req', 14) : null, idempotency_key: input.idempotencyKey },
    type: input.type,
  } satisfies Stripe.EventBase & { type: T; data: Stripe.Event.Data };
  // TypeScript cannot narrow a union member from a generic `T`; the fields above are checked by `satisfies`
  return event as SandboxEvent;
}
