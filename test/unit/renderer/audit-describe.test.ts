// The Audit screen's words: each kind of entry core writes reads as a sentence with money as money, and the
// opened entry's facts carry labels rather than field names.
import { describe, expect, it } from 'vitest';
import type { AuditEntryDto } from '../../../shared/contract';
import { auditFacts, describeAudit } from '../../../renderer/src/screens/audit/describe';

const entry = (action: string, details: Record<string, unknown>, over: Partial<AuditEntryDto> = {}): AuditEntryDto => ({
  id: 1, at: 1_700_000_000_000, operatorId: 'op_1', operatorName: 'Arjun', action, subjectType: null, subjectId: null, details, livemode: false, ...over,
});

describe('audit entries in words', () => {
  it('a refund approved by an owner', () => {
    const e = entry('refund.requested', { paymentId: 'pd_1', orderRef: 'ORD-7', amountMinor: 80_000, currency: 'INR', approvedBy: 'Asha', approvedById: 'op_2', reason: null });
    expect(describeAudit(e)).toBe('Refund of ₹800.00 for ORD-7 approved by Asha.');
    const facts = auditFacts(e);
    expect(facts).toContainEqual({ label: 'Amount', value: '₹800.00' });
    expect(facts).toContainEqual({ label: 'Approved by', value: 'Asha' });
    expect(facts.map((f) => f.label)).not.toContain('amountMinor');
    expect(facts.map((f) => f.label)).not.toContain('Approved by id');
  });

  it('a refused refund says why, and flags read yes/no', () => {
    const e = entry('refund.refused', { amount: '900', field: 'amount', message: 'Refunds above ₹500.00 need an owner.', approvalGiven: true });
    expect(describeAudit(e)).toBe('Refund of 900 refused: Refunds above ₹500.00 need an owner.');
    expect(auditFacts(e)).toContainEqual({ label: 'Owner approval given', value: 'Yes' });
  });

  it('the settings that route money and events', () => {
    expect(describeAudit(entry('settings.changed', { setting: 'reports', before: { timeZone: 'UTC', unsettledAfterDays: 7 }, after: { timeZone: 'Asia/Kolkata', unsettledAfterDays: 7 } }, { subjectType: 'settings', subjectId: 'reports' })))
      .toBe('Reports time zone changed from UTC to Asia/Kolkata.');
    expect(describeAudit(entry('tunnel.started', { provider: 'own', url: 'https://pay.example.com', state: 'online', problem: null })))
      .toBe('Public address started with your own URL at https://pay.example.com.');
    expect(describeAudit(entry('tunnel.configured', { authtokenChange: 'replaced', domain: 'shop.ngrok.app' }))).toBe('ngrok authtoken replaced; reserved domain set to shop.ngrok.app.');
    expect(describeAudit(entry('webhook.secret_generated', { account: 'Sandbox Razorpay', gateway: 'razorpay', endsWith: 'a1b2' })))
      .toBe('New Razorpay webhook secret made for Sandbox Razorpay (ends in a1b2); the old one stops working.');
    expect(describeAudit(entry('webhook.endpoint_registered', { endpoints: [{ account: 'Shop', url: 'https://x.example/webhooks/stripe/acc_1', result: 'registered', problem: null }] })))
      .toBe('Stripe webhook endpoint registered: Shop → https://x.example/webhooks/stripe/acc_1 (registered).');
    expect(describeAudit(entry('settings.changed', { before: {}, after: { staffLimits: { INR: 50_000 }, idleMinutes: 10 } }, { subjectType: 'settings', subjectId: 'refunds.policy' })))
      .toBe('Staff refund limit set to ₹500.00; the desk locks after 10 idle minutes.');
  });

  it('people and keys', () => {
    expect(describeAudit(entry('operator.added', { name: 'Asha', role: 'owner' }))).toBe('Asha added as an owner.');
    expect(describeAudit(entry('operator.changed', { name: 'Arjun', role: 'staff', changed: ['pin'] }))).toBe('Arjun: PIN changed.');
    expect(describeAudit(entry('account.key_changed', { label: 'Shop', changed: ['secretKey', 'webhookSecret'], removed: ['webhookSecret'] }))).toBe('Shop: secret key changed; webhook secret removed.');
    expect(describeAudit(entry('account.key_changed', { label: 'Shop', changed: ['returnSuccessUrl', 'returnCancelUrl'], removed: [] }))).toBe('Shop: return page after paying and return page after cancelling changed.');
    expect(describeAudit(entry('link.created', { kind: 'payment_link', amountMinor: 99_900, currency: 'INR', orderRef: 'ORD-2001' }))).toBe('New payment link for ₹999.00, order ORD-2001.');
  });

  it('never ends in a double stop', () => {
    expect(describeAudit(entry('refund.failed', { amountMinor: 100, currency: 'USD', failureReason: 'Your card was declined.' }))).toBe('Refund of $1.00 failed: Your card was declined.');
  });
});
