// A whole desk on the team database: core opened on PostgreSQL (a throwaway cluster) with the embedded
// sandbox. A link made at the desk is paid in the sandbox, its webhook applied, refunded in part, found by
// search, recorded in the audit log; after a restart everything is still there. Real core, real SDKs, real
// HTTP, a real PostgreSQL server.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Payment } from '../../shared/contract';
import { startPgCluster, type PgCluster } from '../fixtures/postgres';
import { withCore, type CoreFixture } from '../fixtures/with-core';

let cluster: PgCluster;
let f: CoreFixture;

beforeAll(async () => {
  cluster = await startPgCluster();
  const url = await cluster.createDatabase('paydesk_team');
  f = await withCore({ store: { engine: 'postgres', url } });
}, 120_000);
afterAll(async () => {
  await f?.dispose();
  cluster?.stop();
});

async function until<T>(what: string, get: () => Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('a desk on PostgreSQL', () => {
  let paid: Payment;

  it('starts without a problem and lists the sandbox accounts', async () => {
    expect(f.core.info().startupError).toBeNull();
    const accounts = await f.call<Array<{ gateway: string; builtin: string | null }>>('accounts.list', {});
    expect(accounts.map((a) => a.gateway).sort()).toEqual(['razorpay', 'stripe']);
  });

  it('makes a link, sees it paid through the webhook, and refunds part of it', async () => {
    const accounts = await f.call<Array<{ id: string; gateway: string }>>('accounts.list', {});
    const stripe = accounts.find((a) => a.gateway === 'stripe')!;
    const link = await f.call<Payment>('links.create', { accountId: stripe.id, amount: '42.50', currency: 'USD', orderRef: 'TEAM-1001', customerEmail: 'asha@example.com' });
    await f.control(`/stripe/checkout/sessions/${link.gatewayIds.sessionId}/pay`, {});
    paid = await until('paid', async () => {
      const p = await f.call<{ payment: Payment }>('payments.get', { id: link.id });
      return p.payment.status === 'paid' && p.payment;
    });
    expect(paid.capturedMinor).toBe(4250);
    await f.call('refunds.create', { paymentId: link.id, amount: '5.00', requestId: 'team-refund-1' });
    await until('refunded', async () => {
      const p = await f.call<{ payment: Payment }>('payments.get', { id: link.id });
      return p.payment.refundedMinor === 500 && p.payment;
    });
  });

  it('finds the payment by part of its order reference and email, and keeps the audit trail', async () => {
    const byRef = await f.call<{ rows: Payment[] }>('payments.list', { search: 'TEAM-10' });
    expect(byRef.rows.map((r) => r.id)).toContain(paid.id);
    const byEmail = await f.call<{ rows: Payment[] }>('payments.list', { search: 'asha@exa' });
    expect(byEmail.rows.map((r) => r.id)).toContain(paid.id);
    const audit = await f.call<{ items: Array<{ action: string }> }>('audit.list', {});
    expect(audit.items.map((a) => a.action)).toEqual(expect.arrayContaining(['link.created', 'refund.requested']));
  });

  it('says in words that the CSV export is not there yet on the team database', async () => {
    const day = new Date().toISOString().slice(0, 10);
    const r = await f.core.callUnknown('reports.export.start', { mode: 'test', from: day, to: day, preset: 'paydesk' }, { transport: 'ipc' });
    expect(r).toMatchObject({ ok: false, error: { code: 'unavailable', message: expect.stringMatching(/team database \(PostgreSQL\)/) } });
  });

  it('keeps everything across a restart', async () => {
    await f.restart();
    const p = await f.call<{ payment: Payment }>('payments.get', { id: paid.id });
    expect(p.payment).toMatchObject({ status: 'paid', refundedMinor: 500 });
  });
});
