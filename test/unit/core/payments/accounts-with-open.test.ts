// Which accounts the periodic sync visits (payment-links.ts accountsWithOpen): those with a link that can
// still change, and those with a payment paid since the fee window's start still missing its fee. Each
// case is compared with the plain reading of that rule over every payment, so a faster query cannot drift.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PaydeskCore } from '../../../../electron/core/index';
import { paymentsRepo } from '../../../../electron/core/store/repos/payments';
import { sqliteSql } from '../../../../electron/core/store/sql';
import { withCore, type CoreFixture } from '../../../fixtures/with-core';

let fixture: CoreFixture;
let core: PaydeskCore;
const NOW = Date.now();
const DAY = 86_400_000;
const FEE_SINCE = NOW - 3 * DAY;

type Setup = { status: string; refundState?: string; paidAt?: number; feeMinor?: number | null };
/** account -> its payments */
const ACCOUNTS: Record<string, { gateway: 'stripe' | 'razorpay'; mode: 'test' | 'live'; payments: Setup[] }> = {
  acc_open: { gateway: 'stripe', mode: 'test', payments: [{ status: 'paid', paidAt: NOW - 9 * DAY, feeMinor: 30 }, { status: 'open' }] },
  acc_creating: { gateway: 'razorpay', mode: 'live', payments: [{ status: 'creating' }] },
  acc_refunded_open: { gateway: 'stripe', mode: 'live', payments: [{ status: 'partially_paid', refundState: 'partially_refunded' }] },
  acc_fee_due: { gateway: 'razorpay', mode: 'test', payments: [{ status: 'paid', paidAt: NOW - DAY, feeMinor: null }] },
  acc_fee_old: { gateway: 'stripe', mode: 'test', payments: [{ status: 'paid', paidAt: NOW - 5 * DAY, feeMinor: null }, { status: 'expired' }] },
  acc_settled: { gateway: 'razorpay', mode: 'live', payments: [{ status: 'paid', paidAt: NOW - DAY, feeMinor: 12 }, { status: 'cancelled' }] },
  acc_empty: { gateway: 'stripe', mode: 'test', payments: [] },
};

beforeAll(async () => {
  fixture = await withCore({ sandbox: false });
  core = fixture.core;
  const d = core.deps!;
  const repo = paymentsRepo(sqliteSql(d.db));
  let i = 0;
  d.db.transaction(() => {
    for (const [id, a] of Object.entries(ACCOUNTS)) {
      d.repos.accounts.insert({
        id, gateway: a.gateway, mode: a.mode, livemode: a.mode === 'live', label: id, publicKey: null, secretKeyRef: null, webhookSecretRef: null, sandbox: false,
        builtin: null, verificationStatus: 'verified', verifiedAt: NOW, verificationMessage: null, createdAt: NOW, updatedAt: NOW,
      });
      for (const p of a.payments) {
        const pid = `pd_awo${i++}`;
        repo.insert({
          id: pid, accountId: id, gateway: a.gateway, livemode: a.mode === 'live', kind: a.gateway === 'stripe' ? 'stripe_checkout' : 'razorpay_link',
          orderRef: `AWO-${i}`, amountMinor: 1000, currency: 'USD', customerEmail: null, customerName: null, idempotencyKey: `awo${i}`, createdAt: NOW, createdBy: 'console',
        });
        d.db.prepare('UPDATE payments SET status = ?, refund_state = ?, paid_at = ?, fee_minor = ? WHERE id = ?')
          .run(p.status, p.refundState ?? 'none', p.paidAt ?? null, p.feeMinor ?? null, pid);
      }
    }
  })();
});
afterAll(async () => {
  await fixture?.dispose();
});

describe('accountsWithOpen', () => {
  it('lists the accounts with a link that can still change or a recent payment missing its fee', () => {
    const got = core.deps!.repos.paymentLinks.accountsWithOpen(FEE_SINCE).sort();
    expect(got).toEqual(['acc_creating', 'acc_fee_due', 'acc_open', 'acc_refunded_open']);
  });

  it('agrees with the rule read over every payment, whatever the fee window', () => {
    const plain = core.deps!.db
      .prepare(`SELECT DISTINCT account_id FROM payments WHERE status IN ('creating', 'open', 'failed', 'authorized', 'partially_paid')
        OR (status = 'paid' AND fee_minor IS NULL AND paid_at >= ?)`)
      .pluck();
    for (const since of [FEE_SINCE, NOW - 10 * DAY, NOW]) {
      expect(core.deps!.repos.paymentLinks.accountsWithOpen(since).sort()).toEqual((plain.all(since) as string[]).sort());
    }
  });
});
