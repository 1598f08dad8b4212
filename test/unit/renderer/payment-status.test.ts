// The status a merchant reads: a single-use link with a declined attempt is Open with "1 failed attempt";
// a reusable link shows the link's own state; a payment under it its own status and the link. And the
// Webhooks light: what the listener receives wins over the tunnel's state.
import { describe, expect, it } from 'vitest';
import type { Payment, TunnelStatus } from '../../../shared/contract';
import { failedAttemptsOf, linkStateOf, merchantStatus } from '../../../renderer/src/screens/payments/payment-labels';
import { agoText, RECEIVING_MS, shownState } from '../../../renderer/src/screens/webhooks/TunnelCard';

const base: Payment = {
  id: 'pd_1', accountId: 'acc_1', gateway: 'stripe', mode: 'test', kind: 'stripe_checkout', orderRef: 'ORD-1', attemptNo: 1, reference: 'ORD-1',
  reusable: false, linkId: null, linkState: 'open', failedAttempts: 0, paymentCount: 0, amountMinor: 25_000, currency: 'INR', description: null, customerName: null,
  customerEmail: null, customerPhone: null, notes: {}, status: 'open', displayStatus: 'open', statusReason: null, pendingReason: null, url: 'https://x',
  gatewayIds: { sessionId: null, plinkId: null, orderId: null, paymentIntentId: null, chargeId: null, paymentId: null }, expiresAt: null, paidAt: null,
  capturedMinor: 0, refundedMinor: 0, feeMinor: null, taxMinor: null, netMinor: null, createdBy: 'console', createdAt: 1, updatedAt: 1,
};
const pay = (o: Partial<Payment>): Payment => ({ ...base, ...o });

describe('merchantStatus', () => {
  it('a declined single-use link is Open with its failed attempts, never Failed', () => {
    const s = merchantStatus(pay({ status: 'failed', displayStatus: 'failed', failedAttempts: 1, statusReason: 'generic_decline: Your card was declined.' }));
    expect(s).toMatchObject({ label: 'Open', tone: 'info', note: '1 failed attempt' });
  });
  it('counts at least one failed attempt while the last attempt failed', () => {
    expect(failedAttemptsOf(pay({ status: 'failed', displayStatus: 'failed', failedAttempts: 0 }))).toBe(1);
    expect(merchantStatus(pay({ status: 'failed', displayStatus: 'failed', failedAttempts: 2 })).note).toBe('2 failed attempts');
  });
  it('a paid link that had a declined attempt is Paid, without the note', () => {
    expect(merchantStatus(pay({ status: 'paid', displayStatus: 'paid', linkState: 'used', failedAttempts: 1 }))).toMatchObject({ label: 'Paid', note: null });
  });
  it('a reusable link shows its own state and how many payments', () => {
    const link = pay({ kind: 'stripe_payment_link', reusable: true, linkState: 'open', status: 'open', displayStatus: 'open', paymentCount: 2 });
    expect(merchantStatus(link)).toMatchObject({ label: 'Open', note: 'Reusable link · 2 payments' });
    expect(merchantStatus({ ...link, linkState: 'cancelled', paymentCount: 1 })).toMatchObject({ label: 'Cancelled', note: 'Reusable link · 1 payment' });
  });
  it('a payment under a reusable link shows its own status and the link', () => {
    const s = merchantStatus(pay({ linkId: 'pd_link', linkState: null, reference: 'SHOP-LINK', status: 'paid', displayStatus: 'partially_refunded' }));
    expect(s).toMatchObject({ label: 'Partly refunded', note: 'via reusable link SHOP-LINK' });
    expect(linkStateOf(pay({ linkId: 'pd_link', linkState: null }))).toBeNull();
  });
  it('derives the link state from the status for rows without one', () => {
    expect(linkStateOf(pay({ linkState: undefined as unknown as null, status: 'failed' }))).toBe('open');
    expect(linkStateOf(pay({ linkState: undefined as unknown as null, status: 'paid' }))).toBe('used');
  });
});

describe('webhooks light', () => {
  const now = 1_000_000_000;
  const st = (state: TunnelStatus['state'], since = now - 3_600_000): TunnelStatus => ({ state, provider: null, url: null, error: null, errorKind: null, retryAt: null, since });
  it('a recent delivery is Receiving even with no tunnel started here', () => {
    expect(shownState(st('offline'), { lastDeliveryAt: now - 12_000, listening: true }, now)).toBe('receiving');
    expect(agoText(now - 12_000, now)).toBe('12 s ago');
  });
  it('Offline only when the listener is down and nothing arrived', () => {
    expect(shownState(st('offline'), { lastDeliveryAt: null, listening: false }, now)).toBe('offline');
    expect(shownState(st('offline'), { lastDeliveryAt: null, listening: true }, now)).toBe('listening');
    expect(shownState(st('offline'), { lastDeliveryAt: now - RECEIVING_MS - 1, listening: true }, now)).toBe('listening');
  });
  it('a delivery from before the tunnel was stopped proves nothing about now', () => {
    expect(shownState(st('offline', now - 5_000), { lastDeliveryAt: now - 10_000, listening: true }, now)).toBe('listening');
  });
  it('online stays online', () => {
    expect(shownState(st('online'), { lastDeliveryAt: now - 1_000, listening: true }, now)).toBe('online');
  });
});
