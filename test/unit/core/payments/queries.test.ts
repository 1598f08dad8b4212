// payments.list (filters, search, cursor pages, total), payments.get (timeline, raw events, fees) and
// overview.get, over rows inserted straight into the store (no gateway).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../../electron/core/index';
import { applyFacts } from '../../../../electron/core/payments/apply';
import { OVERVIEW_SQL, listFilters } from '../../../../electron/core/payments/overview';
import { paymentsRepo, type PaymentRow } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import type { MethodInput, MethodName, MethodOutput, PaymentListInput } from '../../../../shared/contract';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

let fixture: CoreFixture;
let core: PaydeskCore;
const ctx = { transport: 'internal' } as const;
async function call<M extends MethodName>(m: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await core.call(m, input, ctx);
  if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
  return r.value;
}

const NOW = Date.now();
const DAY = 86_400_000;

beforeAll(async () => {
  fixture = await withCore({ sandbox: false });
  core = fixture.core;
  const d = core.deps!;
  const now = NOW;
  for (const [id, gateway, mode] of [['acc_s', 'stripe', 'test'], ['acc_r', 'razorpay', 'test'], ['acc_l', 'stripe', 'live']] as const) {
    d.repos.accounts.insert({
      id, gateway, mode, livemode: mode === 'live', label: id, publicKey: null, secretKeyRef: null, webhookSecretRef: null, sandbox: false, builtin: null,
      verificationStatus: 'verified', verifiedAt: now, verificationMessage: null, createdAt: now, updatedAt: now,
    });
  }
  const repo = paymentsRepo(sqliteSql(d.db));
  const mk = (i: number, accountId: string, gateway: 'stripe' | 'razorpay', livemode: boolean, currency: string, amount: number, createdAt: number, extra: Partial<{ email: string; name: string }> = {}) => {
    const id = `pd_q${String(i).padStart(4, '0')}`;
    repo.insert({
      id, accountId, gateway, livemode, kind: gateway === 'stripe' ? 'stripe_checkout' : 'razorpay_link', orderRef: `ORDER-${i}`, amountMinor: amount, currency,
      customerEmail: extra.email ?? null, customerName: extra.name ?? null, idempotencyKey: `k${i}`, createdAt, createdBy: 'console',
    });
    return id;
  };
  d.db.transaction(() => {
    for (let i = 0; i < 250; i++) mk(i, 'acc_s', 'stripe', false, 'USD', 1000 + i, NOW - i * 60_000, i === 7 ? { email: 'zoe@example.com', name: 'Zoë Quist' } : {});
    for (let i = 250; i < 260; i++) mk(i, 'acc_r', 'razorpay', false, 'INR', 50000, NOW - (i - 250) * DAY);
    mk(300, 'acc_l', 'stripe', true, 'USD', 9999, NOW);
    const row = (id: string) => d.db.prepare('SELECT * FROM payments WHERE id = ?').get(id) as PaymentRow;
    // paid today (USD 10.00) and 3 days ago (INR 500), one failed, one refunded
    applyFacts(repo, row('pd_q0000'), [{ type: 'opened', at: NOW }, { type: 'captured', at: NOW, paymentId: 'pi_1', amount: 1000, full: true }, { type: 'fee_known', at: NOW, paymentId: 'pi_1', fee: 59, tax: 0, net: 941 }], { source: 'sync', gatewayType: 'x', ids: { sessionId: 'cs_test_abc123', paymentIntentId: 'pi_1' }, now: NOW });
    applyFacts(repo, row('pd_q0253'), [{ type: 'captured', at: NOW - 3 * DAY, paymentId: 'pay_A', amount: 50000, full: true }], { source: 'sync', gatewayType: 'x', ids: { plinkId: 'plink_X1', paymentId: 'pay_A' }, now: NOW });
    applyFacts(repo, row('pd_q0001'), [{ type: 'opened', at: NOW }, { type: 'attempt_failed', at: NOW, reason: 'card_declined: Your card was declined.' }], { source: 'sync', gatewayType: 'x', now: NOW });
    applyFacts(repo, row('pd_q0002'), [{ type: 'opened', at: NOW }, { type: 'captured', at: NOW, paymentId: 'pi_2', amount: 1002, full: true }, { type: 'refund_updated', at: NOW, refundId: 're_1', amount: 1002, status: 'succeeded' }], { source: 'sync', gatewayType: 'x', now: NOW });
    for (const id of ['pd_q0003', 'pd_q0004']) applyFacts(repo, row(id), [{ type: 'opened', at: NOW }], { source: 'local', gatewayType: null, now: NOW });
  })();
});
afterAll(async () => {
  await fixture?.dispose();
});

describe('payments.list', () => {
  it('newest first, cursor pages, total across pages', async () => {
    const first = await call('payments.list', { mode: 'test', limit: 100 });
    expect(first.total).toBe(260);
    expect(first.rows).toHaveLength(100);
    const ids = new Set(first.rows.map((r) => r.id));
    let cursor = first.nextCursor;
    let pages = 1;
    while (cursor) {
      const page = await call('payments.list', { mode: 'test', limit: 100, cursor });
      expect(page.total).toBeNull(); // counted once, for the first page
      for (const r of page.rows) {
        expect(ids.has(r.id)).toBe(false);
        ids.add(r.id);
      }
      cursor = page.nextCursor;
      pages++;
    }
    expect(ids.size).toBe(260);
    expect(pages).toBe(3);
    const times = first.rows.map((r) => r.createdAt);
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });

  it('withTotal: false leaves the count out (same rows); the same shape of filters again reuses its statement', async () => {
    const counted = await call('payments.list', { mode: 'test', limit: 50 });
    const rows = await call('payments.list', { mode: 'test', limit: 50, withTotal: false });
    expect(rows.total).toBeNull();
    expect(rows.rows.map((r) => r.id)).toEqual(counted.rows.map((r) => r.id));
    expect(rows.nextCursor).toBe(counted.nextCursor);
    // cached statements answer other values of the same filters correctly
    expect((await call('payments.list', { gateway: 'stripe' })).total).toBe(251);
    expect((await call('payments.list', { gateway: 'razorpay' })).total).toBe(10);
    expect((await call('payments.list', { search: 'zoe@' })).rows.map((r) => r.id)).toEqual(['pd_q0007']);
    expect((await call('payments.list', { search: 'ORDER-25' })).total).toBe(11);
  });

  it('filters: status (display), gateway, account, mode, dates', async () => {
    expect((await call('payments.list', { status: ['paid'] })).rows.map((r) => r.id).sort()).toEqual(['pd_q0000', 'pd_q0253']);
    expect((await call('payments.list', { status: ['refunded'] })).rows.map((r) => r.id)).toEqual(['pd_q0002']);
    const failed = await call('payments.list', { status: ['failed'] });
    expect(failed.rows[0]).toMatchObject({ id: 'pd_q0001', statusReason: 'card_declined: Your card was declined.' });
    expect((await call('payments.list', { gateway: 'razorpay' })).total).toBe(10);
    expect((await call('payments.list', { accountId: 'acc_r', from: NOW - 2.5 * DAY })).total).toBe(3);
    expect((await call('payments.list', { mode: 'live' })).total).toBe(1);
    expect((await call('payments.list', { status: ['creating'], gateway: 'stripe', mode: 'test' })).total).toBe(245);
  });

  it('a search drives the query plan (FTS and id indexes), never a pass over every payment of the mode', () => {
    const db = core.deps!.db;
    const plan = (input: PaymentListInput): string => {
      const { where, params } = listFilters(input);
      return (db.prepare(`EXPLAIN QUERY PLAN SELECT count(*) FROM payments WHERE ${where.join(' AND ')}`).all(...params) as { detail: string }[]).map((r) => r.detail).join('\n');
    };
    for (const input of [{ mode: 'test', search: 'cust1234@' }, { mode: 'test', status: ['paid'], gateway: 'stripe', search: 'ORDER-12' }] as PaymentListInput[]) {
      const p = plan(input);
      expect(p).toContain('MULTI-INDEX OR');
      expect(p).not.toMatch(/payments_by_list|SCAN payments\b/);
    }
    // without a search, 007's covering indexes serve the count of a filter
    expect(plan({ mode: 'test', status: ['paid'] })).toMatch(/COVERING INDEX payments_by_list_status/);
  });

  it('search by order reference, email, name (FTS), a Paydesk or gateway id (whole or its beginning) and short text', async () => {
    expect((await call('payments.list', { search: 'ORDER-249' })).rows.map((r) => r.id)).toEqual(['pd_q0249']);
    expect((await call('payments.list', { search: 'zoe@exam' })).rows.map((r) => r.id)).toEqual(['pd_q0007']);
    expect((await call('payments.list', { search: 'Quist' })).rows.map((r) => r.id)).toEqual(['pd_q0007']);
    expect((await call('payments.list', { search: 'cs_test_abc' })).rows.map((r) => r.id)).toEqual(['pd_q0000']);
    expect((await call('payments.list', { search: 'plink_X1' })).rows.map((r) => r.id)).toEqual(['pd_q0253']);
    // ids match whole or by their beginning, through each id column's index (not the text index)
    expect((await call('payments.list', { search: 'pay_A' })).rows.map((r) => r.id)).toEqual(['pd_q0253']);
    expect((await call('payments.list', { search: 'pi_1' })).rows.map((r) => r.id)).toEqual(['pd_q0000']);
    expect((await call('payments.list', { search: 'pd_q025' })).total).toBe(10);
    expect((await call('payments.list', { search: 'test_abc' })).total).toBe(0);
    expect(core.deps!.db.prepare('SELECT name FROM pragma_table_info(?)').pluck().all('payments_fts')).toEqual(['order_ref', 'customer_name', 'customer_email', 'customer_phone', 'description']);
    expect((await call('payments.list', { search: 'Zo' })).rows.map((r) => r.id)).toEqual(['pd_q0007']);
    expect((await call('payments.list', { search: '"quoted' })).total).toBe(0);
  });
});

describe('payments.get and overview.get', () => {
  it('detail: timeline, fees', async () => {
    const d = await call('payments.get', { id: 'pd_q0000' });
    expect(d.payment).toMatchObject({ status: 'paid', capturedMinor: 1000, feeMinor: 59, netMinor: 941 });
    expect(d.fees).toEqual({ feeMinor: 59, taxMinor: 0, netMinor: 941, currency: 'USD' });
    expect(d.timeline.map((t) => t.kind)).toEqual(expect.arrayContaining(['opened', 'captured', 'fee_known']));
    expect(d.events).toEqual([]);
    const e = await core.call('payments.get', { id: 'pd_nope' }, ctx);
    expect(e.ok || e.error.code).toBe('not_found');
  });

  it('overview per currency, open links, failed, refunds, daily series', async () => {
    const o = await call('overview.get', { mode: 'test' });
    const usd = o.collected.find((c) => c.currency === 'USD')!;
    const inr = o.collected.find((c) => c.currency === 'INR')!;
    expect(usd).toMatchObject({ todayMinor: 2002, last7Minor: 2002, last30Minor: 2002, todayCount: 2 });
    expect(inr).toMatchObject({ todayMinor: 0, last7Minor: 50000, last30Minor: 50000 });
    expect(o.openLinks).toBe(3); // two open + one failed
    expect(o.failedPayments).toBe(1);
    expect(o.refunds).toEqual([{ currency: 'USD', count: 1, amountMinor: 1002 }]);
    expect(o.daily.reduce((s, p) => s + p.amountMinor, 0)).toBe(52002);
    expect(o.daily.find((p) => p.currency === 'INR')!.dayStart).toBeLessThan(o.todayStart);
    const live = await call('overview.get', { mode: 'live' });
    expect(live.collected).toEqual([]);
  });

  it('overview: the figures of the month read from the paid_at index alone, refunds and open links through the list index (not every payment of the mode)', () => {
    const db = core.deps!.db;
    const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail).join(' / ');
    expect(plan(OVERVIEW_SQL.paidSince.replace(/\?/g, '0'))).toMatch(/USING COVERING INDEX payments_by_paid/);
    expect(plan(OVERVIEW_SQL.refunds.replace(/\?/g, '0'))).toMatch(/USING INDEX payments_by_list_status \(livemode=\? AND status=\? AND refund_state=\?\)/);
    expect(plan(OVERVIEW_SQL.openLinks.replace(/\?/g, '0'))).toMatch(/USING COVERING INDEX payments_by_list_status/);
  });
});
