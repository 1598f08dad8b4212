// Builders of the objects a payment moves through: payment intents, charges, balance transactions, refunds
// and payouts. Typed with the `stripe` package's own types, so drift between the SDK and the
// emulator fails `tsc` (as in objects.ts).
import type Stripe from 'stripe';
import { newId } from '../core/ids.js';
import { sec } from './objects.js';

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
