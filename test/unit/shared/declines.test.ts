// Declines in a merchant's words: the reason core stores (`code: message`, facts.ts reasonText) becomes one
// sentence, the code kept apart; never a bare code, never a double full stop.
import { describe, expect, it } from 'vitest';
import { asSentence, declineText, explainDecline, splitReason } from '../../../shared/declines';
import { reasonText } from '../../../electron/core/gateways/facts';

describe('explainDecline', () => {
  it('explains a Stripe generic decline as reasonText stores it', () => {
    const stored = reasonText('generic_decline', 'Your card was declined.', 'payment_failed');
    expect(explainDecline(stored)).toEqual({ sentence: 'The bank declined the card. Ask the customer to try another card or contact their bank.', code: 'generic_decline' });
    expect(declineText(stored)).toBe('The bank declined the card. Ask the customer to try another card or contact their bank. (code: generic_decline)');
  });

  it.each([
    ['insufficient_funds', /insufficient funds/],
    ['lost_card', /reported lost/],
    ['stolen_card', /reported stolen/],
    ['expired_card', /expired/],
    ['incorrect_cvc', /security code/],
    ['processing_error', /try again/],
    ['card_declined', /bank declined/],
    ['authentication_required', /3-D Secure/],
    ['do_not_honor', /bank declined/],
    ['payment_failed', /did not go through/],
    ['payment_cancelled', /cancelled the payment/],
    ['authentication_failed', /bank’s check/],
    ['payment_timed_out', /in time/],
    ['international_transaction_not_allowed', /outside India/],
  ])('knows %s', (code, sentence) => {
    const e = explainDecline(reasonText(code, 'Whatever the gateway said.', 'payment_failed'));
    expect(e?.sentence).toMatch(sentence);
    expect(e?.code).toBe(code);
  });

  it('uses the description of a Razorpay error class, without the class as a code', () => {
    const e = explainDecline('BAD_REQUEST_ERROR: Payment failed due to incorrect card details..');
    expect(e).toEqual({ sentence: 'Payment failed due to incorrect card details.', code: null });
  });

  it('keeps an unknown code beside the gateway message, made one sentence', () => {
    expect(explainDecline('issuer_not_available: the issuer could not be reached ')).toEqual({ sentence: 'The issuer could not be reached.', code: 'issuer_not_available' });
  });

  it('never shows a bare unknown code without words', () => {
    const e = explainDecline('something_odd');
    expect(e?.code).toBe('something_odd');
    expect(e?.sentence).toMatch(/did not go through/);
  });

  it('reads a plain message and a link that could not be created', () => {
    expect(explainDecline('The delayed payment failed')).toEqual({ sentence: 'The delayed payment failed.', code: null });
    expect(explainDecline('not_created: Amount too small.')?.sentence).toBe('The gateway could not create the link: amount too small.');
    expect(explainDecline(null)).toBeNull();
    expect(explainDecline('  ')).toBeNull();
  });

  it('no explanation ends in two full stops', () => {
    for (const r of ['generic_decline: Your card was declined..', 'x_y: Declined...', 'Declined.', 'BAD_REQUEST_ERROR: Oops.', 'not_created: It failed.']) {
      expect(declineText(r)).not.toMatch(/\.\./);
    }
  });
});

describe('splitReason / asSentence', () => {
  it('splits code and message only at a code-like prefix', () => {
    expect(splitReason('generic_decline: Your card was declined.')).toEqual({ code: 'generic_decline', message: 'Your card was declined.' });
    expect(splitReason('Note: something happened')).toEqual({ code: null, message: 'Note: something happened' });
    expect(splitReason('It failed at 10: 30')).toEqual({ code: null, message: 'It failed at 10: 30' });
  });
  it('ends with one stop, keeps ? and !', () => {
    expect(asSentence('declined..')).toBe('Declined.');
    expect(asSentence('Try again?')).toBe('Try again?');
  });
});
