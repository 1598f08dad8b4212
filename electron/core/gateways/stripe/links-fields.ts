// Stripe's rules on a link's kind and expiry, and which LinkCreateInput field a Stripe refusal concerns.
import type { PaymentKind } from '../../../../shared/contract';
import { AppError, invalid } from '../../../../shared/errors';
import { GATEWAY_LIMITS, type LinkKind } from '../../../../shared/gateways';

const KINDS: Partial<Record<LinkKind, PaymentKind>> = { checkout_session: 'stripe_checkout', payment_link: 'stripe_payment_link' };

export function stripeKindFor(choice: LinkKind | undefined): PaymentKind {
  const kind = KINDS[choice ?? GATEWAY_LIMITS.stripe.kinds[0]!];
  if (!kind) throw invalid('kind', 'Stripe links are a Checkout Session or a Payment Link; orders are for Razorpay.');
  return kind;
}

export function stripeExpiryFor(kind: PaymentKind, given: number | undefined, now: number, field: string): number | null {
  if (kind === 'stripe_checkout') {
    const w = GATEWAY_LIMITS.stripe.expiry.checkout_session!;
    const expiresAt = given ?? now + (w.default ?? w.max) * 60_000;
    // a minute of slack for the time between the form and this check
    if (expiresAt < now + w.min * 60_000 - 60_000) throw invalid(field, 'A Stripe Checkout link must stay open at least 30 minutes.');
    if (expiresAt > now + w.max * 60_000 + 60_000) throw invalid(field, 'A Stripe Checkout link expires within 24 hours at most. For longer, use a Stripe Payment Link.');
    return Math.min(Math.max(expiresAt, now + w.min * 60_000 + 5_000), now + w.max * 60_000 - 5_000);
  }
  if (given !== undefined) throw invalid(field, 'Stripe Payment Links do not expire (cancel the link when done). For a link that expires, use a Checkout Session.');
  return null;
}

/** Stripe's parameter -> our input field */
function fieldOf(param: string): string | undefined {
  if (/unit_amount|amount/.test(param)) return 'amount';
  if (/currency/.test(param)) return 'currency';
  if (/expires_at/.test(param)) return 'expiresInMinutes';
  if (/email/.test(param)) return 'customerEmail';
  if (/product_data|name|description/.test(param)) return 'description';
  if (/metadata/.test(param)) return 'notes';
  return undefined;
}

/** A mapped Stripe error with its `field` renamed to the input field it concerns (dropped when none). */
export function withInputField(e: AppError): AppError {
  if (e.field === undefined) return e;
  const field = fieldOf(e.field);
  return new AppError(e.code, e.message, { ...(field ? { field } : {}), retryable: e.retryable, cause: e.cause });
}
