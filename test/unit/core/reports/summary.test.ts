// reports.summary on real SQLite: totals per currency equal the sums over the underlying rows (JPY 0
// decimals, KWD 3), local-day ranges in the merchant's zone (an IST month boundary, a DST zone), test
// and live never mixed, the daily series adds up to net, and settled + pending = net.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../../electron/core/index';
import type { MethodName, Summary } from '../../../../shared/contract';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

const ctx = { transport: 'ipc' as const };
let fixture: CoreFixture;
let core: PaydeskCore;
/** core's parts, and its connection for the tests' own reads and seeds */
let d: NonNullable<PaydeskCore['deps']>;

async function call<T = unknown>(method: MethodName, input: unknown): Promise<T> {
  const r = await core.callUnknown(method, input, ctx);
  if (!r.ok) throw new Error(`${method}: ${r.error.code} ${r.error.message} (${r.error.field ?? ''})`);
  return r.value as T;
}
async function callErr(method: MethodName, input: unknown): Promise<{ code: string; field?: string }> {
  const r = await core.callUnknown(method, input, ctx);
  if (r.ok) throw new Error(`${method} unexpectedly succeeded`);
  return r.error;
}
const summary = (input: Record<string, unknown>) => call<Summary>('reports.summary', input);

let n = 0;
function account(gateway: 'stripe' | 'razorpay', mode: 'test' | 'live'): string {
  const id = `acct_${gateway}_${mode}_${n++}`;
  d.sql.prepare(`INSERT INTO accounts (id, gateway, mode, livemode, label, sandbox, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 0, 1, 1)`)
    .run(id, gateway, mode, mode === 'live' ? 1 : 0, `${gateway} ${mode}`);
  return id;
}

interface Acct { id: string; gateway: 'stripe' | 'razorpay'; live: boolean }
function pay(a: Acct, o: { currency: string; captured: number; paidAt: number; fee?: number | null; tax?: number | null }): string {
  const id = `pd_${n++}`;
  const fee = o.fee === undefined ? Math.floor(o.captured / 50) : o.fee;
  d.sql.prepare(`INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, status, idempotency_key,
      paid_at, captured_minor, fee_minor, tax_minor, net_minor, created_at, updated_at, gateway_ref)
    VALUES (@id, @a, @g, @live, @kind, @ref, @amount, @currency, 'paid', @idem, @paidAt, @amount, @fee, @tax, @net, @paidAt, @paidAt, @ref)`).run({
    id, a: a.id, g: a.gateway, live: a.live ? 1 : 0, kind: a.gateway === 'stripe' ? 'stripe_checkout' : 'razorpay_link', ref: `R-${id}`, amount: o.captured,
    currency: o.currency, idem: `i_${id}`, paidAt: o.paidAt, fee, tax: fee === null ? null : (o.tax ?? 0), net: fee === null ? null : o.captured - fee,
  });
  return id;
}
function refund(a: Acct, paymentId: string, o: { currency: string; amount: number; at: number; status?: string }): string {
  const id = `rf_${n++}`;
  d.sql.prepare(`INSERT INTO refunds (id, payment_id, account_id, gateway, livemode, gateway_payment_id, amount_minor, currency, status, gateway_refund_id,
      idempotency_key, request_id, operator_name, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 'x', ?, ?, ?, ?, ?, ?, 'owner', ?, ?)`)
    .run(id, paymentId, a.id, a.gateway, a.live ? 1 : 0, o.amount, o.currency, o.status ?? 'succeeded', `re_${id}`, `i_${id}`, `q_${id}`, o.at, o.at);
  return id;
}
function settlement(a: Acct, o: { currency: string; at: number; status?: string }): string {
  const id = `stl_${n++}`;
  d.sql.prepare(`INSERT INTO settlements (id, account_id, gateway, livemode, gateway_settlement_id, currency, amount_minor, status, created_at)
    VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?)`).run(id, a.id, a.gateway, a.live ? 1 : 0, `po_${id}`, o.currency, o.status ?? 'paid', o.at);
  return id;
}
function item(settlementId: string, o: { kind: string; amount: number; fee?: number; tax?: number; at: number; paymentId?: string; refundId?: string }): void {
  const fee = o.fee ?? 0;
  d.sql.prepare(`INSERT INTO settlement_items (settlement_id, kind, payment_id, refund_id, gateway_txn_id, amount_minor, fee_minor, tax_minor, net_minor, created_at)
    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(settlementId, o.kind, o.paymentId ?? null, o.refundId ?? null, `txn_${n++}`, o.amount, fee, o.tax ?? 0, o.amount - fee, o.at);
}

const ms = (iso: string) => Date.parse(iso);
const cur = (s: Summary, c: string) => s.currencies.find((x) => x.currency === c);

beforeAll(async () => {
  fixture = await withCore({ sandbox: false });
  core = fixture.core;
  d = core.deps!;
});
afterAll(async () => {
  await fixture?.dispose();
});

describe('reports.summary', () => {
  it('puts 23:30 IST on the last day of a month into that month for an IST merchant', async () => {
    const a: Acct = { id: account('razorpay', 'test'), gateway: 'razorpay', live: false };
    await call('reports.settings.set', { timeZone: 'Asia/Kolkata' });
    const jan = pay(a, { currency: 'INR', captured: 10_000, paidAt: ms('2024-01-31T18:00:00Z'), fee: 0 }); // 23:30 IST, 31 Jan
    pay(a, { currency: 'INR', captured: 20_000, paidAt: ms('2024-01-31T18:30:00Z'), fee: 0 }); // 00:00 IST, 1 Feb
    pay(a, { currency: 'INR', captured: 40_000, paidAt: ms('2023-12-31T18:29:59Z'), fee: 0 }); // 23:59:59 IST, 31 Dec
    const january = await summary({ mode: 'test', accountId: a.id, from: '2024-01-01', to: '2024-01-31' });
    expect(january.timeZone).toBe('Asia/Kolkata');
    expect(january.startMs).toBe(ms('2023-12-31T18:30:00Z'));
    expect(january.endMs).toBe(ms('2024-01-31T18:30:00Z'));
    expect(cur(january, 'INR')).toMatchObject({ grossMinor: 10_000, paymentCount: 1 });
    expect(january.daily.find((x) => x.day === '2024-01-31')?.netMinor).toBe(10_000);
    expect(january.daily).toHaveLength(31);
    const february = await summary({ mode: 'test', accountId: a.id, from: '2024-02-01', to: '2024-02-29' });
    expect(cur(february, 'INR')).toMatchObject({ grossMinor: 20_000, paymentCount: 1 });
    expect(february.daily[0]).toEqual({ day: '2024-02-01', currency: 'INR', netMinor: 20_000 });
    void jan;
  });

  it('uses local days of a DST zone (23- and 25-hour days)', async () => {
    const a: Acct = { id: account('stripe', 'test'), gateway: 'stripe', live: false };
    await call('reports.settings.set', { timeZone: 'America/New_York' });
    // 10 March 2024: clocks go 02:00 EST -> 03:00 EDT; the local day is [05:00Z, 04:00Z next day)
    pay(a, { currency: 'USD', captured: 100, paidAt: ms('2024-03-10T04:59:59Z'), fee: 0 }); // 23:59:59 EST on 9 March
    pay(a, { currency: 'USD', captured: 200, paidAt: ms('2024-03-10T05:00:00Z'), fee: 0 }); // 00:00 EST on 10 March
    pay(a, { currency: 'USD', captured: 400, paidAt: ms('2024-03-11T03:59:59Z'), fee: 0 }); // 23:59:59 EDT on 10 March
    pay(a, { currency: 'USD', captured: 800, paidAt: ms('2024-03-11T04:00:00Z'), fee: 0 }); // 00:00 EDT on 11 March
    const day = await summary({ mode: 'test', accountId: a.id, from: '2024-03-10', to: '2024-03-10' });
    expect(day.endMs - day.startMs).toBe(23 * 3_600_000);
    expect(cur(day, 'USD')?.grossMinor).toBe(600);
    const three = await summary({ mode: 'test', accountId: a.id, from: '2024-03-09', to: '2024-03-11' });
    expect(three.daily.map((x) => [x.day, x.netMinor])).toEqual([['2024-03-09', 100], ['2024-03-10', 600], ['2024-03-11', 800]]);
    // 3 November 2024: 02:00 EDT -> 01:00 EST, a 25-hour day
    pay(a, { currency: 'USD', captured: 1_600, paidAt: ms('2024-11-04T04:59:59Z'), fee: 0 }); // 23:59:59 EST on 3 November
    pay(a, { currency: 'USD', captured: 3_200, paidAt: ms('2024-11-04T05:00:00Z'), fee: 0 }); // 00:00 EST on 4 November
    const fall = await summary({ mode: 'test', accountId: a.id, from: '2024-11-03', to: '2024-11-03' });
    expect(fall.endMs - fall.startMs).toBe(25 * 3_600_000);
    expect(cur(fall, 'USD')?.grossMinor).toBe(1_600);
  });

  it('totals per currency equal the sums over the rows (JPY, KWD, INR), settled + pending = net, test and live apart', async () => {
    await call('reports.settings.set', { timeZone: 'Asia/Tokyo' });
    const test: Acct = { id: account('stripe', 'test'), gateway: 'stripe', live: false };
    const test2: Acct = { id: account('razorpay', 'test'), gateway: 'razorpay', live: false };
    const live: Acct = { id: account('stripe', 'live'), gateway: 'stripe', live: true };
    const from = '2025-06-01', to = '2025-06-30';
    const start = ms('2025-05-31T15:00:00Z'), end = ms('2025-06-30T15:00:00Z'); // Tokyo is UTC+9
    let seed = 42;
    const rand = (k: number) => { seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31; return seed % k; };
    const currencies = ['JPY', 'KWD', 'INR'];
    type Exp = { gross: number; refunds: number; fees: number; tax: number; disputes: number; adjustments: number; net: number; settled: number; payments: number; refundsN: number };
    const expected = new Map<string, Exp>();
    const exp = (c: string): Exp => {
      let e = expected.get(c);
      if (!e) { e = { gross: 0, refunds: 0, fees: 0, tax: 0, disputes: 0, adjustments: 0, net: 0, settled: 0, payments: 0, refundsN: 0 }; expected.set(c, e); }
      return e;
    };
    const inRange = (t: number) => t >= start && t < end;
    const settlements = new Map<string, string>();
    const stlOf = (a: Acct, c: string, failed = false) => {
      const key = `${a.id}${c}${failed}`;
      if (!settlements.has(key)) settlements.set(key, settlement(a, { currency: c, at: start + 5 * 86_400_000, status: failed ? 'failed' : 'paid' }));
      return settlements.get(key)!;
    };
    for (let i = 0; i < 300; i++) {
      const a = [test, test2, live][rand(3)]!;
      const c = currencies[rand(3)]!;
      // times from two days before the range to two days after, so both edges are crossed
      const at = start - 2 * 86_400_000 + rand(34 * 86_400) * 1000;
      const captured = 100 + rand(1_000_000);
      const fee = rand(4) === 0 ? null : rand(captured / 10);
      const tax = fee === null ? 0 : Math.floor(fee / 6);
      const p = pay(a, { currency: c, captured, paidAt: at, fee, tax });
      const settledHow = rand(3); // 0 not settled, 1 settled, 2 in a failed payout
      if (settledHow > 0) item(stlOf(a, c, settledHow === 2), { kind: 'payment', amount: captured, fee: fee ?? 0, at, paymentId: p });
      const counted = !a.live && inRange(at);
      if (counted) {
        const e = exp(c);
        e.gross += captured; e.fees += fee ?? 0; e.tax += tax; e.net += captured - (fee ?? 0); e.payments++;
        if (settledHow === 1) e.settled += captured - (fee ?? 0);
      }
      if (rand(3) === 0) {
        const amount = 1 + rand(captured);
        const rat = at + rand(3 * 86_400) * 1000;
        const status = ['succeeded', 'pending', 'failed', 'requested'][rand(4)]!;
        const r = refund(a, p, { currency: c, amount, at: rat, status });
        const refundSettled = status === 'succeeded' && rand(2) === 0;
        if (refundSettled) item(stlOf(a, c), { kind: 'refund', amount: -amount, at: rat, refundId: r });
        if (!a.live && inRange(rat) && status !== 'failed') {
          const e = exp(c);
          e.refunds += amount; e.net -= amount; e.refundsN++;
          if (refundSettled) e.settled -= amount;
        }
      }
      if (rand(5) === 0) {
        // gateway-side movements: external payments/refunds, fees, adjustments, disputes
        const kind = ['payment', 'refund', 'fee', 'adjustment', 'dispute'][rand(5)]!;
        const amount = kind === 'payment' || (kind === 'adjustment' && rand(2) === 0) ? 1 + rand(50_000) : -(1 + rand(50_000));
        const ifee = kind === 'fee' ? 0 : rand(100);
        const itax = Math.floor(ifee / 6);
        const iat = at + 1000;
        item(stlOf(a, c), { kind, amount, fee: ifee, tax: itax, at: iat });
        if (!a.live && inRange(iat)) {
          const e = exp(c);
          e.fees += ifee; e.tax += itax; e.net += amount - ifee; e.settled += amount - ifee;
          if (kind === 'payment') e.gross += amount;
          if (kind === 'refund') e.refunds += -amount;
          if (kind === 'fee') e.fees += -amount;
          if (kind === 'dispute') e.disputes += -amount;
          if (kind === 'adjustment') e.adjustments += amount;
        }
      }
    }

    const s = await summary({ mode: 'test', from, to, gateway: undefined });
    // only this test's accounts hold JPY/KWD/INR in June 2025
    const got = Object.fromEntries(s.currencies.map((t) => [t.currency, t]));
    for (const [c, e] of expected) {
      expect(got[c], c).toMatchObject({
        grossMinor: e.gross, refundsMinor: e.refunds, feesMinor: e.fees, taxMinor: e.tax, disputesMinor: e.disputes, adjustmentsMinor: e.adjustments,
        netMinor: e.net, settledMinor: e.settled, pendingMinor: e.net - e.settled, paymentCount: e.payments, refundCount: e.refundsN,
      });
      const t = got[c]!;
      expect(t.netMinor).toBe(t.grossMinor - t.refundsMinor - t.feesMinor - t.disputesMinor + t.adjustmentsMinor);
      expect(s.daily.filter((x) => x.currency === c).reduce((sum, x) => sum + x.netMinor, 0)).toBe(t.netMinor);
      expect(s.daily.filter((x) => x.currency === c)).toHaveLength(30);
    }
    expect(Object.keys(got).sort()).toEqual([...expected.keys()].sort());

    // live is its own world: none of the test rows, all of its own
    const l = await summary({ mode: 'live', from, to });
    const liveCount = (d.sql.prepare(`SELECT count(*) AS n FROM payments WHERE livemode = 1 AND paid_at >= ? AND paid_at < ?`).get(start, end) as { n: number }).n;
    expect(l.currencies.reduce((k, t) => k + t.paymentCount, 0)).toBe(liveCount);
    expect(l.settlements.every((x) => x.accountId === live.id)).toBe(true);
    expect(s.settlements.some((x) => x.accountId === live.id)).toBe(false);

    // filters: one account, one gateway
    const one = await summary({ mode: 'test', from, to, accountId: test2.id });
    const rzp = await summary({ mode: 'test', from, to, gateway: 'razorpay' });
    expect(one.currencies).toEqual(rzp.currencies);
  });

  it('validates its input', async () => {
    expect(await callErr('reports.summary', { from: '2024-01-01', to: '2024-01-31' })).toMatchObject({ code: 'invalid_input', field: 'mode' });
    expect(await callErr('reports.summary', { mode: 'test', from: '2024-02-01', to: '2024-01-31' })).toMatchObject({ code: 'invalid_input', field: 'to' });
    expect(await callErr('reports.summary', { mode: 'test', from: '2024-02-30', to: '2024-03-01' })).toMatchObject({ code: 'invalid_input', field: 'from' });
    expect(await callErr('reports.settings.set', { timeZone: 'Mars/Olympus' })).toMatchObject({ code: 'invalid_input', field: 'timeZone' });
    expect(await callErr('reports.settlement', { id: 'stl_missing' })).toMatchObject({ code: 'not_found' });
    const s = await call<{ timeZone: string; timeZoneIsSystem: boolean; systemTimeZone: string }>('reports.settings.set', { timeZone: null });
    expect(s.timeZoneIsSystem).toBe(true);
    expect(s.timeZone).toBe(s.systemTimeZone);
    expect((await call<{ unsettledAfterDays: number }>('reports.settings.get', {})).unsettledAfterDays).toBe(7);
  });
});
