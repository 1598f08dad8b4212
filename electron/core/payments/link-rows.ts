// A stored payment row as the contract's Payment, and as what a gateway port is asked to make or cancel.
import { randomBytes } from 'node:crypto';
import type { Payment } from '../../../shared/contract';
import { linkStateFor, type LinkState } from '../../../shared/link-state';
import type { LinkHandle, LinkRequest } from '../gateways/ports/links';
import type { PaymentRow } from '../store/repos/payments';

export const newPaymentId = (): string => `pd_${randomBytes(10).toString('hex')}`;

const DEFAULT_PENDING = 'Waiting for the gateway to confirm the link. Paydesk retries every minute.';

/**
 * A payment's stored notes (JSON text), as a null-prototype record: copied name by name, so no name can
 * collide with what every object inherits and be dropped on the way.
 */
export function notesOfRow(row: Pick<PaymentRow, 'notes'>): Record<string, string> {
  const notes = Object.create(null) as Record<string, string>;
  try {
    const parsed = JSON.parse(row.notes) as unknown;
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
      for (const [name, value] of Object.entries(parsed as Record<string, unknown>)) if (typeof value === 'string') notes[name] = value;
    }
  } catch {
    // stored notes are always JSON (CHECK json_valid); keep going with none
  }
  return notes;
}

/** The link's own state (shared/link-state.ts) of a stored row. */
export const linkStateOf = (row: Pick<PaymentRow, 'parent_id' | 'reusable' | 'status'>): LinkState | null =>
  linkStateFor(row.status, { reusable: row.reusable === 1, underLink: row.parent_id !== null });

/** Payment row -> the contract's Payment. */
export function paymentOfRow(row: PaymentRow, pendingReason: string | null = null): Payment {
  return {
    id: row.id,
    accountId: row.account_id,
    gateway: row.gateway,
    mode: row.livemode ? 'live' : 'test',
    kind: row.kind,
    orderRef: row.order_ref,
    attemptNo: row.attempt_no,
    reference: row.gateway_ref,
    reusable: row.reusable === 1,
    linkId: row.parent_id,
    linkState: linkStateOf(row),
    failedAttempts: row.failed_attempts,
    paymentCount: row.payment_count,
    amountMinor: row.amount_minor,
    currency: row.currency,
    description: row.description,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    customerPhone: row.customer_phone,
    notes: notesOfRow(row),
    status: row.status,
    displayStatus: row.refund_state === 'none' ? row.status : row.refund_state,
    statusReason: row.status_reason,
    pendingReason: row.status === 'creating' ? (pendingReason ?? DEFAULT_PENDING) : null,
    url: row.url,
    gatewayIds: {
      sessionId: row.session_id,
      plinkId: row.plink_id,
      orderId: row.order_id,
      paymentIntentId: row.payment_intent_id,
      chargeId: row.charge_id,
      paymentId: row.gateway_payment_id,
    },
    expiresAt: row.expires_at,
    paidAt: row.paid_at,
    capturedMinor: row.captured_minor,
    refundedMinor: row.refunded_minor,
    feeMinor: row.fee_minor,
    taxMinor: row.tax_minor,
    netMinor: row.net_minor,
    createdBy: row.created_by,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

/** The merchant's notes plus Paydesk's own two, as the SDKs take them: a plain object of own data properties. */
function metadataOf(row: PaymentRow): Record<string, string> {
  const metadata = new Map(Object.entries(notesOfRow(row)));
  metadata.set('paydesk_id', row.id);
  metadata.set('order_ref', row.order_ref);
  return Object.fromEntries(metadata);
}

/** What the gateway is asked to make for a stored intent: derived from the row only, so every retry is the same request. */
export function linkRequestOf(row: PaymentRow, notify: boolean, returnUrls: LinkRequest['returnUrls'] = null): LinkRequest {
  return {
    paymentId: row.id,
    kind: row.kind,
    reference: row.gateway_ref ?? row.order_ref,
    amountMinor: row.amount_minor,
    currency: row.currency,
    title: row.description ?? `Order ${row.order_ref}`,
    customerName: row.customer_name,
    customerEmail: row.customer_email,
    customerPhone: row.customer_phone,
    expiresAt: row.expires_at,
    metadata: metadataOf(row),
    idempotencyKey: row.idempotency_key,
    notify,
    returnUrls,
  };
}

export const linkHandleOf = (row: PaymentRow): LinkHandle => ({ kind: row.kind, sessionId: row.session_id, plinkId: row.plink_id, orderId: row.order_id });
