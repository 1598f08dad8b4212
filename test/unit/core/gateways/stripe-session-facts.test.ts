// What a status check reads from an open Checkout Session whose last try was declined: the failure, named
// by its charge (the id charge.failed and payment_intent.payment_failed name it by too), so the try it
// reports again counts once.
import type Stripe from 'stripe';
import { describe, expect, it } from 'vitest';
import { sessionFacts } from '../../../../electron/core/gateways/stripe/sync-facts';

const T = 1_790_000_000;

function openSession(lastError: Record<string, unknown>, latestCharge: Record<string, unknown> | null): Stripe.Checkout.Session {
  const pi = { id: 'pi_1', object: 'payment_intent', created: T, latest_charge: latestCharge, last_payment_error: lastError, status: 'requires_payment_method' };
  return { id: 'cs_1', object: 'checkout.session', status: 'open', payment_status: 'unpaid', created: T - 60, payment_intent: pi } as unknown as Stripe.Checkout.Session;
}

describe('sessionFacts of an open session with a failed try', () => {
  it('names a declined card by its charge, at the charge time', () => {
    const s = openSession({ code: 'card_declined', decline_code: 'generic_decline', message: 'Your card was declined.', charge: 'ch_9' }, { id: 'ch_9', object: 'charge', created: T + 5 });
    expect(sessionFacts(s, false, (T + 30) * 1000).facts).toContainEqual({
      type: 'attempt_failed', at: (T + 5) * 1000, reason: 'generic_decline: Your card was declined.', paymentId: 'pi_1', attemptId: 'ch_9',
    });
  });

  it('gives a failure without a charge (authentication) no id, not an earlier try\'s charge', () => {
    const s = openSession({ code: 'payment_intent_authentication_failure', message: 'We are unable to authenticate your payment method.' }, { id: 'ch_earlier', object: 'charge', created: T + 1 });
    const failed = sessionFacts(s, false, (T + 30) * 1000).facts.find((f) => f.type === 'attempt_failed');
    expect(failed).toMatchObject({ type: 'attempt_failed', attemptId: null });
  });
});
