// bench:webhooks on PostgreSQL — the parent's side of the Paydesk server's database (check.ts's twin):
// migrating it and seeding the fixture accounts and the payment pool, the check that every acknowledged
// event was applied, resetting the pool between runs, and a CHECKPOINT before each run of a storage server
// so every run starts from the same place. All of it runs between runs, never while one is measured.
import pg from 'pg';
import { openPgStore } from '../../../electron/core/store/pg/store';
import type { PaymentStatus } from '../../../shared/status';
import { RAZORPAY_ACCOUNT, STRIPE_ACCOUNT } from '../../fixtures/webhook-helpers';
import { foldApplied, type AppliedCheck, type EventRow } from './check';
import { AMOUNT } from './payloads';

async function withClient<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url, application_name: 'bench-check' });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Migrates the team database (as a desk would), adds the two fixture accounts and pd_s<i> / pd_r<i>, open. */
export async function seedPoolPg(url: string, perGateway: number): Promise<void> {
  openPgStore(url, Date.now, () => undefined, 'bench-migrate').close();
  await withClient(url, async (c) => {
    await c.query('BEGIN');
    await c.query(`INSERT INTO accounts (id, gateway, mode, livemode, label, public_key, sandbox, created_at, updated_at)
      VALUES ($1, 'stripe', 'test', 0, 'Stripe test', 'pk_test_fixture', 0, 1, 1), ($2, 'razorpay', 'test', 0, 'Razorpay test', 'rzp_test_fixture', 0, 1, 1)
      ON CONFLICT DO NOTHING`, [STRIPE_ACCOUNT, RAZORPAY_ACCOUNT]);
    const seed = `INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, gateway_ref, amount_minor, currency, idempotency_key, status, created_at, updated_at)
      SELECT $1 || i, $2, $3, 0, $4, 'ORD-' || $1 || i, 'ORD-' || $1 || i, $5, $6, 'idem_' || $1 || i, 'open', 1 + i, 1 + i FROM generate_series(0, $7::bigint - 1) AS i`;
    await c.query(seed, ['pd_s', STRIPE_ACCOUNT, 'stripe', 'stripe_checkout', AMOUNT, 'USD', perGateway]);
    await c.query(seed, ['pd_r', RAZORPAY_ACCOUNT, 'razorpay', 'razorpay_order', AMOUNT, 'INR', perGateway]);
    await c.query('COMMIT');
    await c.query('VACUUM ANALYZE payments');
  });
}

/** Flushes the cluster's dirty pages: the next run starts from a fresh checkpoint, as every other did. */
export function checkpointPg(url: string): Promise<void> {
  return withClient(url, async (c) => void (await c.query('CHECKPOINT')));
}

/** Puts every pool payment a run touched back to open (check.ts resetPool), then vacuums what that left behind. */
export function resetPoolPg(url: string): Promise<void> {
  return withClient(url, async (c) => {
    await c.query(`UPDATE payments SET status = 'open', status_reason = NULL, refund_state = 'none', machine = NULL, captured_minor = 0,
        refunded_minor = 0, fee_minor = NULL, tax_minor = NULL, net_minor = NULL, paid_at = NULL, session_id = NULL, plink_id = NULL,
        order_id = NULL, payment_intent_id = NULL, charge_id = NULL, gateway_payment_id = NULL
      WHERE machine IS NOT NULL OR status <> 'open'`);
    await c.query('VACUUM ANALYZE payments, webhook_events, payment_events');
  });
}

/** check.ts foldApplied over the run's rows, read in two queries. */
export function checkAppliedPg(url: string, runTag: string, pool: number, ackSeq: number[], ackAt: number[]): Promise<AppliedCheck> {
  return withClient(url, async (c) => {
    const rows = new Map<string, EventRow>();
    const events = await c.query<EventRow & { gateway: string; account_id: string; event_id: string }>(
      `SELECT gateway, account_id, event_id, applied_at, apply_result, payment_id FROM webhook_events WHERE event_id = ANY($1::text[])`,
      [[...new Set(ackSeq)].flatMap((s) => [`evt_${runTag}_${s}`, `rzevt_${runTag}_${s}`])],
    );
    for (const r of events.rows) rows.set(`${r.gateway}/${r.account_id}/${r.event_id}`, { applied_at: r.applied_at === null ? null : Number(r.applied_at), apply_result: r.apply_result, payment_id: r.payment_id });
    const statuses = new Map<string, PaymentStatus>();
    const pays = await c.query<{ id: string; status: PaymentStatus }>(`SELECT id, status FROM payments WHERE id LIKE 'pd\\_s%' OR id LIKE 'pd\\_r%'`);
    for (const p of pays.rows) statuses.set(p.id, p.status);
    return foldApplied(runTag, pool, ackSeq, ackAt, (g, a, e) => rows.get(`${g}/${a}/${e}`), (id) => statuses.get(id));
  });
}
