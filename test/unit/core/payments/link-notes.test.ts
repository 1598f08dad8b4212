// Link notes: names JavaScript objects treat specially (__proto__, constructor, prototype) and the two
// Paydesk sends itself are refused at `notes` in words; every other note reaches the stored payment and
// the gateway (the sandbox echoes Stripe metadata and Razorpay notes) under its own name.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LinkCreateInput } from '../../../../shared/contract';
import { startPaymentsFixture, type PaymentsFixture } from './core-fixture';

let f: PaymentsFixture;
let n = 0;
const ref = () => `NOTE-${Date.now().toString(36)}-${++n}`;

beforeAll(async () => {
  f = await startPaymentsFixture();
}, 60_000);
afterAll(async () => {
  await f?.close();
});

const stripe = (notes: unknown): LinkCreateInput => ({ accountId: f.stripeId, amount: '25.00', currency: 'USD', orderRef: ref(), notes: notes as Record<string, string> });
const rzp = (notes: unknown): LinkCreateInput => ({ accountId: f.razorpayId, amount: '500', currency: 'INR', orderRef: ref(), notes: notes as Record<string, string> });
/** as a script would send it: JSON.parse makes `__proto__` an own key, which an object literal cannot */
const json = (text: string): unknown => JSON.parse(text);

describe('refused at notes, in words', () => {
  it.each<[string, unknown, RegExp]>([
    ['__proto__', json('{"__proto__":"x","table":"4"}'), /"__proto__" is a reserved word and cannot be a note name/],
    ['__proto__ with an object value', json('{"__proto__":{"polluted":"yes"}}'), /"__proto__" is a reserved word/],
    ['constructor', { constructor: 'x' }, /"constructor" is a reserved word/],
    ['prototype', { prototype: 'x' }, /"prototype" is a reserved word/],
    ['paydesk_id', { paydesk_id: 'pd_fake' }, /Paydesk sends "paydesk_id" with every link itself/],
    ['order_ref', { order_ref: 'other' }, /Paydesk sends "order_ref" with every link itself/],
    ['a space in the name', { 'table no': '4' }, /The note name "table no" can only use letters, digits, _ \. -/],
    ['an empty name', { ' ': 'x' }, /A note needs a name/],
    ['two names the same once trimmed', { table: '4', ' table': '5' }, /Two notes are named "table"/],
    ['a number as the value', { table: 4 }, /The note "table" needs a text value/],
    ['a long value', { table: 'x'.repeat(251) }, /Keep notes under 250 characters/],
    ['eleven notes', Object.fromEntries(Array.from({ length: 11 }, (_, i) => [`n${i}`, 'x'])), /At most 10 notes/],
    ['a list', ['a'], /Notes are names with text values/],
  ])('%s', async (_name, notes, message) => {
    for (const input of [stripe(notes), rzp(notes)]) {
      const e = await f.fail('links.create', input);
      expect(e).toMatchObject({ code: 'invalid_input', field: 'notes' });
      expect(e.message).toMatch(message);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('every other note arrives under its own name', () => {
  const notes = { table: '4', 'gift.wrap': 'yes', 'x-ref_2': 'Ünïcode and "quotes"', toString: 'a name every object inherits', valueOf: 'another' };

  it('Stripe: stored with the payment, sent as the session metadata beside Paydesk\'s own', async () => {
    const p = await f.call('links.create', stripe(notes));
    expect(p.notes).toEqual(notes);
    expect((await f.call('payments.get', { id: p.id })).payment.notes).toEqual(notes);
    const s = await f.sb<{ metadata: Record<string, string> }>('GET', `/v1/checkout/sessions/${p.gatewayIds.sessionId}`, undefined, 'stripe');
    expect(s.body.metadata).toEqual({ ...notes, paydesk_id: p.id, order_ref: p.orderRef });
  });

  it('Razorpay: stored with the payment, sent as the link notes beside Paydesk\'s own', async () => {
    const p = await f.call('links.create', rzp(notes));
    expect((await f.call('payments.get', { id: p.id })).payment.notes).toEqual(notes);
    const l = await f.sb<{ notes: Record<string, string> }>('GET', `/v1/payment_links/${p.gatewayIds.plinkId}`, undefined, 'razorpay');
    expect(l.body.notes).toEqual({ ...notes, paydesk_id: p.id, order_ref: p.orderRef });
  });

  it('names are trimmed, as the form shows them', async () => {
    const p = await f.call('links.create', stripe({ ' table ': '4' }));
    expect(p.notes).toEqual({ table: '4' });
  });
});
