// Razorpay's rules on a link's kind and expiry, and which LinkCreateInput field a Razorpay refusal concerns.
import type { PaymentKind } from '../../../../shared/contract';
import { AppError, invalid } from '../../../../shared/errors';
import { GATEWAY_LIMITS, type LinkKind } from '../../../../shared/gateways';

const KINDS: Partial<Record<LinkKind, PaymentKind>> = { payment_link: 'razorpay_link', order: 'razorpay_order' };

export function razorpayKindFor(choice: LinkKind | undefined): PaymentKind {
  const kind = KINDS[choice ?? GATEWAY_LIMITS.razorpay.kinds[0]!];
  if (!kind) throw invalid('kind', 'Razorpay links are a Payment Link or an Order; Checkout Sessions are for Stripe.');
  return kind;
}

export function razorpayExpiryFor(kind: PaymentKind, given: number | undefined, now: number, field: string): number | null {
  if (kind === 'razorpay_link') {
    const w = GATEWAY_LIMITS.razorpay.expiry.payment_link!;
    if (given === undefined) return null;
    if (given < now + w.min * 60_000 - 30_000) throw invalid(field, 'A Razorpay link must stay open at least 15 minutes.');
    if (given > now + w.max * 60_000) throw invalid(field, 'A Razorpay link can stay open at most 6 months.');
    return Math.max(given, now + w.min * 60_000 + 60_000);
  }
  if (given !== undefined) throw invalid(field, 'Razorpay orders do not expire. For a link that expires, use a Payment Link.');
  return null;
}

/** Razorpay's field -> our input field */
function fieldOf(field: string): string | undefined {
  if (/amount/.test(field)) return 'amount';
  if (/currency/.test(field)) return 'currency';
  if (/expire_by/.test(field)) return 'expiresInMinutes';
  if (/email/.test(field)) return 'customerEmail';
  if (/contact/.test(field)) return 'customerPhone';
  if (/description/.test(field)) return 'description';
  if (/notes/.test(field)) return 'notes';
  if (/receipt|reference_id/.test(field)) return 'orderRef';
  return undefined;
}

/** A mapped Razorpay error with its `field` renamed to the input field it concerns (dropped when none). */
export function withInputField(e: AppError): AppError {
  if (e.field === undefined) return e;
  const field = fieldOf(e.field);
  return new AppError(e.code, e.message, { ...(field ? { field } : {}), retryable: e.retryable, cause: e.cause });
}
