import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  PAYMENT_STATUSES,
  PAYMENT_STATUS_RANK,
  PAYMENT_TRANSITIONS,
  REFUND_STATUS_RANK,
  REFUND_TRANSITIONS,
  applyPaymentEvent,
  canTransition,
  foldPaymentEvents,
  initialPaymentState,
  parsePaymentState,
  serializePaymentState,
  summarizePayment,
  type PaymentEvent,
  type PaymentState,
} from '../../../shared/status';

const AMOUNT = 50_000;

function* permutations<T>(xs: readonly T[]): Generator<T[]> {
  if (xs.length <= 1) {
    yield [...xs];
    return;
  }
  for (let i = 0; i < xs.length; i++) {
    const rest = [...xs.slice(0, i), ...xs.slice(i + 1)];
    for (const p of permutations(rest)) yield [xs[i] as T, ...p];
  }
}

/** Folds events one by one and checks that nothing moves backwards along the way. */
function foldChecked(events: readonly PaymentEvent[], amount = AMOUNT): PaymentState {
  let s = initialPaymentState(amount);
  let prev = summarizePayment(s);
  for (const e of events) {
    const r = applyPaymentEvent(s, e);
    if (!r.stateChanged) expect(r.state).toBe(s);
    if (r.changed) expect(r.stateChanged).toBe(true);
    s = r.state;
    const cur = summarizePayment(s);
    expect(PAYMENT_STATUS_RANK[cur.status]).toBeGreaterThanOrEqual(PAYMENT_STATUS_RANK[prev.status]);
    expect(cur.capturedMinor).toBeGreaterThanOrEqual(prev.capturedMinor);
    expect(cur.authorizedMinor).toBeGreaterThanOrEqual(prev.authorizedMinor);
    if (PAYMENT_STATUS_RANK[prev.status] >= PAYMENT_STATUS_RANK.paid) expect(cur.status).toBe('paid');
    for (const [id, r0] of Object.entries(prevRefunds)) {
      const r1 = s.refunds[id];
      expect(r1).toBeDefined();
      expect(REFUND_STATUS_RANK[r1!.status]).toBeGreaterThanOrEqual(REFUND_STATUS_RANK[r0.status]);
    }
    prevRefunds = { ...s.refunds };
    prev = cur;
  }
  prevRefunds = {};
  return s;
}
let prevRefunds: PaymentState['refunds'] = {};

// One realistic Razorpay link payment: a failed attempt, then a late authorisation and capture of
// another payment, both `payment_link.paid` and `payment.captured` (different event ids, one payment),
// an `expired` that raced the capture, a refund and the fee.
const razorpayStory: PaymentEvent[] = [
  { type: 'opened', at: 1_000 },
  { type: 'attempt_failed', at: 2_000, reason: 'insufficient_funds: Payment failed due to insufficient balance', paymentId: 'pay_A' },
  { type: 'authorized', at: 3_000, paymentId: 'pay_B', amount: AMOUNT },
  { type: 'captured', at: 3_500, paymentId: 'pay_B', amount: AMOUNT, full: false }, // payment.captured
  { type: 'captured', at: 3_600, paymentId: 'pay_B', amount: AMOUNT, full: true }, // payment_link.paid
  { type: 'expired', at: 4_000 },
  { type: 'fee_known', at: 3_500, paymentId: 'pay_B', fee: 1_180, tax: 180, net: null },
  { type: 'refund_updated', at: 5_000, refundId: 'rfnd_1', amount: 10_000, status: 'pending', paymentId: 'pay_B' },
];

describe('tables', () => {
  it('never allows a move to a lower or equal rank', () => {
    for (const from of PAYMENT_STATUSES) {
      for (const to of PAYMENT_TRANSITIONS[from]) expect(PAYMENT_STATUS_RANK[to]).toBeGreaterThan(PAYMENT_STATUS_RANK[from]);
      expect(PAYMENT_TRANSITIONS[from]).not.toContain(from);
    }
    expect(PAYMENT_TRANSITIONS.paid).toEqual([]);
    expect(PAYMENT_TRANSITIONS.failed).toEqual(expect.arrayContaining(['authorized', 'paid']));
    expect(PAYMENT_TRANSITIONS.open).toEqual(expect.arrayContaining(['failed', 'expired', 'cancelled', 'authorized', 'paid']));
    expect(canTransition('paid', 'open')).toBe(false);
    expect(canTransition('authorized', 'paid')).toBe(true);
    expect(REFUND_TRANSITIONS.pending).toEqual(['succeeded', 'failed']);
    expect(REFUND_TRANSITIONS.failed).toEqual([]);
  });
});

describe('applyPaymentEvent: the rules one by one', () => {
  const paid = foldPaymentEvents(initialPaymentState(AMOUNT), [{ type: 'captured', at: 10, paymentId: 'pay_1', amount: AMOUNT, full: true }]);

  it('a late authorized after captured changes nothing', () => {
    const r = applyPaymentEvent(paid, { type: 'authorized', at: 5, paymentId: 'pay_1', amount: AMOUNT });
    expect(summarizePayment(r.state).status).toBe('paid');
    // the authorisation is recorded (it is a fact) but the status stays paid
    expect(summarizePayment(r.state).capturedMinor).toBe(AMOUNT);
  });
  it('expired, cancelled, failed or opened after paid change nothing', () => {
    for (const e of [
      { type: 'expired', at: 20 },
      { type: 'cancelled', at: 20 },
      { type: 'attempt_failed', at: 20, reason: 'x' },
      { type: 'opened', at: 20 },
    ] as PaymentEvent[]) {
      expect(summarizePayment(applyPaymentEvent(paid, e).state).status).toBe('paid');
    }
    expect(applyPaymentEvent(paid, { type: 'opened', at: 20 }).changed).toBe(false);
  });
  it('failed -> authorized -> paid is legal', () => {
    let s = foldPaymentEvents(initialPaymentState(AMOUNT), [{ type: 'attempt_failed', at: 1, reason: 'card_declined' }]);
    expect(summarizePayment(s)).toMatchObject({ status: 'failed', statusReason: 'card_declined' });
    s = applyPaymentEvent(s, { type: 'authorized', at: 2, paymentId: 'pay_1', amount: AMOUNT }).state;
    expect(summarizePayment(s)).toMatchObject({ status: 'authorized', statusReason: null });
    s = applyPaymentEvent(s, { type: 'captured', at: 3, paymentId: 'pay_1', amount: AMOUNT, full: false }).state;
    expect(summarizePayment(s)).toMatchObject({ status: 'paid', paidAt: 3, paymentId: 'pay_1' });
  });
  it('payment_link.paid and payment.captured of one payment count once', () => {
    const s = foldPaymentEvents(initialPaymentState(AMOUNT), [
      { type: 'captured', at: 3, paymentId: 'pay_1', amount: AMOUNT, full: false },
      { type: 'captured', at: 4, paymentId: 'pay_1', amount: AMOUNT, full: true },
    ]);
    expect(summarizePayment(s).capturedMinor).toBe(AMOUNT);
  });
  it('a partial capture is partially_paid until the rest arrives', () => {
    let s = applyPaymentEvent(initialPaymentState(AMOUNT), { type: 'captured', at: 1, paymentId: 'p1', amount: 20_000, full: false }).state;
    expect(summarizePayment(s).status).toBe('partially_paid');
    s = applyPaymentEvent(s, { type: 'captured', at: 2, paymentId: 'p2', amount: 30_000, full: false }).state;
    expect(summarizePayment(s)).toMatchObject({ status: 'paid', capturedMinor: AMOUNT, paidAt: 1 });
  });
  it('refunds: pending -> succeeded, never back; amounts derive partially_refunded / refunded', () => {
    let s = paid;
    s = applyPaymentEvent(s, { type: 'refund_updated', at: 1, refundId: 'r1', amount: 10_000, status: 'pending' }).state;
    expect(summarizePayment(s)).toMatchObject({ refundedMinor: 0, refundPendingMinor: 10_000, refundState: 'none', displayStatus: 'paid' });
    s = applyPaymentEvent(s, { type: 'refund_updated', at: 2, refundId: 'r1', amount: 10_000, status: 'succeeded' }).state;
    expect(summarizePayment(s)).toMatchObject({ refundedMinor: 10_000, refundState: 'partially_refunded', displayStatus: 'partially_refunded' });
    const back = applyPaymentEvent(s, { type: 'refund_updated', at: 3, refundId: 'r1', amount: 10_000, status: 'pending' });
    expect(back.changed).toBe(false); // only the time moves: nothing the merchant sees
    expect(back.state.refunds.r1?.status).toBe('succeeded');
    s = applyPaymentEvent(s, { type: 'refund_updated', at: 4, refundId: 'r2', amount: 40_000, status: 'succeeded' }).state;
    expect(summarizePayment(s)).toMatchObject({ refundedMinor: AMOUNT, refundState: 'refunded', displayStatus: 'refunded', status: 'paid' });
  });
  it('fees: known once, net derived when the gateway does not say', () => {
    const s = applyPaymentEvent(paid, { type: 'fee_known', at: 1, paymentId: 'pay_1', fee: 1_180, tax: 180, net: null }).state;
    expect(summarizePayment(s)).toMatchObject({ feeMinor: 1_180, taxMinor: 180, netMinor: AMOUNT - 1_180 });
    expect(applyPaymentEvent(s, { type: 'fee_known', at: 2, paymentId: 'pay_1', fee: 1_180, tax: 180, net: null }).changed).toBe(false);
  });
  it('rejects non-integer or negative amounts without changing anything', () => {
    const s = initialPaymentState(AMOUNT);
    expect(applyPaymentEvent(s, { type: 'captured', at: 1, paymentId: 'p', amount: 1.5, full: true }).changed).toBe(false);
    expect(applyPaymentEvent(s, { type: 'authorized', at: 1, paymentId: 'p', amount: -1 }).changed).toBe(false);
  });
  it('round-trips through its stored JSON', () => {
    const s = foldPaymentEvents(initialPaymentState(AMOUNT), razorpayStory);
    expect(parsePaymentState(serializePaymentState(s), AMOUNT)).toEqual(s);
    expect(parsePaymentState('not json', 7)).toEqual(initialPaymentState(7));
  });
  it('stores the same text as JSON.stringify with every object key sorted, for any stored shape', () => {
    const sortedKeys = (v: unknown): string =>
      JSON.stringify(v, (_k, x: unknown) =>
        x && typeof x === 'object' && !Array.isArray(x) ? Object.fromEntries(Object.keys(x).sort().map((k) => [k, (x as Record<string, unknown>)[k]])) : x,
      );
    expect(serializePaymentState(foldPaymentEvents(initialPaymentState(AMOUNT), razorpayStory))).toBe(sortedKeys(foldPaymentEvents(initialPaymentState(AMOUNT), razorpayStory)));
    const value = fc.oneof(fc.jsonValue(), fc.constant(undefined), fc.double(), fc.constantFrom(Number.NaN, Infinity, -0));
    const key = fc.oneof(fc.string(), fc.constantFrom('0', '1', '10', '01', '4294967296', 'pi_1', 'ch_2'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.oneof(value, fc.dictionary(key, value), fc.array(value))), (o) => {
        expect(serializePaymentState(o as unknown as PaymentState)).toBe(sortedKeys(o));
      }),
      { numRuns: 500 },
    );
  });
});

describe('every order of one payment', () => {
  it('the Razorpay story converges over all 40,320 orders with no backwards move on any prefix', () => {
    const expected = serializePaymentState(foldChecked(razorpayStory));
    const final = summarizePayment(foldPaymentEvents(initialPaymentState(AMOUNT), razorpayStory));
    expect(final).toMatchObject({ status: 'paid', capturedMinor: AMOUNT, refundPendingMinor: 10_000, feeMinor: 1_180, paymentId: 'pay_B' });
    let n = 0;
    for (const order of permutations(razorpayStory)) {
      // checking every prefix of all 40k orders is slow in expect(); check prefixes on every 7th order, convergence on all
      const s = n % 7 === 0 ? foldChecked(order) : foldPaymentEvents(initialPaymentState(AMOUNT), order);
      if (serializePaymentState(s) !== expected) expect(serializePaymentState(s)).toBe(expected);
      n++;
    }
    expect(n).toBe(40_320);
  }, 180_000);

  it('a Stripe story with a duplicate delivery converges over all orders', () => {
    const stripe: PaymentEvent[] = [
      { type: 'opened', at: 1 },
      { type: 'attempt_failed', at: 2, reason: 'card_declined: Your card was declined.', paymentId: 'pi_1' },
      { type: 'captured', at: 3, paymentId: 'pi_1', amount: AMOUNT, full: false }, // payment_intent.succeeded
      { type: 'captured', at: 3, paymentId: 'pi_1', amount: AMOUNT, full: true }, // checkout.session.completed
      { type: 'captured', at: 3, paymentId: 'pi_1', amount: AMOUNT, full: true }, // the same event delivered twice
      { type: 'expired', at: 9 },
      { type: 'refund_updated', at: 10, refundId: 're_1', amount: AMOUNT, status: 'succeeded' },
    ];
    const expected = serializePaymentState(foldPaymentEvents(initialPaymentState(AMOUNT), stripe));
    for (const order of permutations(stripe)) expect(serializePaymentState(foldChecked(order))).toBe(expected);
    expect(summarizePayment(foldPaymentEvents(initialPaymentState(AMOUNT), stripe))).toMatchObject({
      status: 'paid',
      capturedMinor: AMOUNT,
      refundedMinor: AMOUNT,
      displayStatus: 'refunded',
    });
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------
// Random payments: any subset of facts, shuffled and duplicated.

const paymentIdArb = fc.constantFrom('pay_1', 'pay_2', 'pi_3');
const refundIdArb = fc.constantFrom('r1', 'r2');
const atArb = fc.integer({ min: 0, max: 20 });
const amountArb = fc.constantFrom(10_000, 25_000, AMOUNT);
const eventArb: fc.Arbitrary<PaymentEvent> = fc.oneof(
  fc.record({ type: fc.constant('created' as const), at: atArb }),
  fc.record({ type: fc.constant('opened' as const), at: atArb }),
  fc.record({ type: fc.constant('expired' as const), at: atArb }),
  fc.record({ type: fc.constant('cancelled' as const), at: atArb }),
  fc.record({ type: fc.constant('attempt_failed' as const), at: atArb, reason: fc.constantFrom('card_declined', 'insufficient_funds', 'expired_card'), paymentId: paymentIdArb }),
  fc.record({ type: fc.constant('authorized' as const), at: atArb, paymentId: paymentIdArb, amount: amountArb }),
  fc.record({ type: fc.constant('captured' as const), at: atArb, paymentId: paymentIdArb, amount: amountArb, full: fc.boolean(), method: fc.constantFrom(undefined, null, 'card', 'upi') }),
  fc.record({ type: fc.constant('refund_updated' as const), at: atArb, refundId: refundIdArb, amount: fc.constantFrom(1_000, 5_000), status: fc.constantFrom('pending' as const, 'succeeded' as const, 'failed' as const) }),
  fc.record({
    type: fc.constant('fee_known' as const), at: atArb, paymentId: paymentIdArb, fee: fc.constantFrom(100, 200), tax: fc.constantFrom(0, 18), net: fc.option(fc.constantFrom(9_000, 9_500), { nil: null }),
    balanceTxnId: fc.constantFrom(undefined, null, 'txn_1', 'txn_2'), availableOn: fc.constantFrom(undefined, null, 86_400_000, 172_800_000),
  }),
);

/** A list of events, and a shuffled copy of it with some events delivered again. */
const scenarioArb = fc
  .array(eventArb, { minLength: 1, maxLength: 12 })
  .chain((events) =>
    fc.tuple(
      fc.constant(events),
      fc.shuffledSubarray(events, { minLength: events.length, maxLength: events.length }),
      fc.array(fc.nat({ max: events.length - 1 }), { maxLength: 6 }),
      fc.array(fc.nat(), { minLength: 12, maxLength: 12 }),
    ),
  )
  .map(([events, shuffled, dupIdx, positions]) => {
    const delivered = [...shuffled];
    dupIdx.forEach((i, k) => delivered.splice((positions[k] ?? 0) % (delivered.length + 1), 0, events[i] as PaymentEvent));
    return { events, delivered };
  });

describe('property: any order and any duplication', () => {
  it('converges to the same final state, never moves backwards on any prefix', () => {
    fc.assert(
      fc.property(scenarioArb, ({ events, delivered }) => {
        const a = serializePaymentState(foldPaymentEvents(initialPaymentState(AMOUNT), events));
        const b = serializePaymentState(foldChecked(delivered));
        expect(b).toBe(a);
      }),
      { numRuns: 1_500 },
    );
  });

  it('every permutation of small random sets converges', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { minLength: 1, maxLength: 5 }), (events) => {
        const expected = serializePaymentState(foldPaymentEvents(initialPaymentState(AMOUNT), events));
        for (const order of permutations(events)) expect(serializePaymentState(foldChecked(order))).toBe(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('applying an event twice in a row: the second changes nothing', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 8 }), eventArb, (prefix, e) => {
        const s = applyPaymentEvent(foldPaymentEvents(initialPaymentState(AMOUNT), prefix), e).state;
        const again = applyPaymentEvent(s, e);
        expect(again.changed).toBe(false);
        expect(again.stateChanged).toBe(false);
        expect(again.state).toBe(s);
      }),
      { numRuns: 1_000 },
    );
  });

  it('captures are counted once per payment id, whatever events told us', () => {
    fc.assert(
      fc.property(fc.array(eventArb, { maxLength: 12 }), (events) => {
        const s = summarizePayment(foldPaymentEvents(initialPaymentState(AMOUNT), events));
        const perPayment = new Map<string, number>();
        for (const e of events) if (e.type === 'captured') perPayment.set(e.paymentId, Math.max(perPayment.get(e.paymentId) ?? 0, e.amount));
        expect(s.capturedMinor).toBe([...perPayment.values()].reduce((a, b) => a + b, 0));
        if (perPayment.size > 0) expect(['paid', 'partially_paid']).toContain(s.status);
      }),
      { numRuns: 1_000 },
    );
  });
});
