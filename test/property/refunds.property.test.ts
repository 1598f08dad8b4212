// Property: whatever the interleaving of refund requests (same and different request ids, concurrent),
// webhook deliveries (duplicated, reordered), sync runs, recovery passes, gateway faults (500, 429),
// crashes between the gateway call and its record, and restarts of core on the same data dir:
//   - Paydesk never ASKS the gateway for more than was captured: the refunds it sent (each refund id once,
//     always with the same key and amount) add up to at most the captured amount. This is checked on the
//     requests themselves, recorded by a wrapper around the real adapter's refund port, because the sandbox
//     refuses an over-refund by itself: a Paydesk bug that over-asks would otherwise only show as a failed row;
//   - the gateway never refunds more than was captured,
//   - no request (request id) and no refund row refunds twice,
//   - once things settle, local state equals the sandbox's (row statuses, gateway ids, refunded amounts).
// Real sandbox, real SDKs, real SQLite, real webhook listener + ingest.
import { stripeSdk } from '../fixtures/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSandbox, type RunningSandbox } from '../../sandbox/index';
import type { InProcessDeps as CoreDeps } from '../../electron/core';
import type { RefundRequest } from '../../electron/core/gateways/ports/refunds';
import { createIngest, type Ingest } from '../../electron/core/webhooks/ingest';
import { ingestDeps } from '../fixtures/webhook-helpers';
import { startWebhookListener, type WebhookListener } from '../../electron/core/webhooks/listener';
import type { Refund } from '../../shared/contract';
import {
  control,
  ctx,
  gatewayRefunds,
  paidRazorpayPayment,
  paidStripePayment,
  startHarness,
  type Harness,
} from '../fixtures/refund-helpers';

const RZP_WEBHOOK_SECRET = 'property_rzp_webhook_secret_01';

let sandbox: RunningSandbox;
let h: Harness;
let listener: WebhookListener;
let ingest: Ingest | null = null;
let stripeWebhookSecret = '';

/** Every refund request that left Paydesk for a gateway, in order (retries included). */
const sent: RefundRequest[] = [];

/** Wraps each account's refund port so every create call is recorded before it goes out. */
function recordRefundRequests(deps: CoreDeps): void {
  const gateways = deps.gateways;
  const client = gateways.client.bind(gateways);
  gateways.client = (accountId) => {
    const c = client(accountId);
    const refunds = { ...c.refunds, create: (req: RefundRequest) => (sent.push({ ...req }), c.refunds.create(req)) };
    return { ...c, refunds };
  };
}

function startIngest(): void {
  const deps = h.deps;
  ingest = createIngest({
    ...ingestDeps(deps.db),
    getSecret: (gateway, accountId) => {
      if (gateway === 'stripe' && accountId === h.stripeAccount) return { secrets: [stripeWebhookSecret], livemode: false };
      if (gateway === 'razorpay' && accountId === h.razorpayAccount) return { secrets: [RZP_WEBHOOK_SECRET], livemode: false };
      return null;
    },
    onApplied: (c) => deps.announcePayment(c.id),
    followRefunds: (paymentId) => deps.refunds.followInCommit(paymentId),
  });
  ingest.applyPending();
}

async function restart(): Promise<void> {
  const old = ingest;
  ingest = null;
  await old?.close();
  await h.restart();
  startIngest();
}

async function settleWebhooks(): Promise<void> {
  await sandbox.webhooks.idle();
  await ingest?.idle();
}

beforeAll(async () => {
  sandbox = await createSandbox({ port: 0, webhookRetryScheduleMs: [20, 50, 100, 200, 400] });
  h = await startHarness({ sandbox, onCore: recordRefundRequests });
  listener = await startWebhookListener({
    port: 0,
    onDelivery: (d) => (ingest ? ingest.handle(d) : { status: 503, body: { error: 'restarting' } }),
  });
  const endpoint = await stripeSdk(h.deps, h.stripeAccount).webhookEndpoints.create({ url: listener.urlFor('stripe', h.stripeAccount), enabled_events: ['*'] });
  stripeWebhookSecret = endpoint.secret!;
  await control(sandbox, '/webhooks/targets', { gateway: 'razorpay', url: listener.urlFor('razorpay', h.razorpayAccount), secret: RZP_WEBHOOK_SECRET, events: ['*'] });
  startIngest();
}, 60_000);

afterAll(async () => {
  await ingest?.close();
  await listener?.close();
  await h?.close();
  await sandbox?.close();
});

type Cmd =
  | { t: 'refund'; p: number; pct: number | null; n: number; sameRequest: boolean; reuseEarlier: boolean }
  | { t: 'fault'; p: number; status: 500 | 429; count: number; postOnly: boolean }
  | { t: 'sync'; p: number }
  | { t: 'recover' }
  | { t: 'restart' }
  | { t: 'crash'; p: number; pct: number };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ t: fc.constant('refund' as const), p: fc.nat(1), pct: fc.option(fc.integer({ min: 1, max: 70 }), { nil: null }), n: fc.integer({ min: 1, max: 3 }), sameRequest: fc.boolean(), reuseEarlier: fc.boolean() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('fault' as const), p: fc.nat(1), status: fc.constantFrom(500 as const, 429 as const), count: fc.integer({ min: 1, max: 3 }), postOnly: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('sync' as const), p: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('recover' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('restart' as const) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('crash' as const), p: fc.nat(1), pct: fc.integer({ min: 1, max: 50 }) }) },
);

const AMOUNT = [10_000, 20_000] as const; // Stripe USD cents, Razorpay INR paise

const major = (minor: number): string => `${Math.floor(minor / 100)}.${String(minor % 100).padStart(2, '0')}`;

let runNo = 0;

describe('refunds under random interleavings, faults, webhooks and restarts', () => {
  it('never over-refund, never refund a request twice, and converge to the gateway', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cmdArb, { minLength: 2, maxLength: 8 }),
        fc.record({ duplicate: fc.boolean(), reorder: fc.constantFrom(0, 2, 3) }),
        async (cmds, chaos) => {
          runNo++;
          for (const gateway of ['stripe', 'razorpay'] as const) {
            await control(sandbox, '/webhooks/chaos', { gateway, duplicate: chaos.duplicate, reorder: chaos.reorder });
          }
          const stripeP = await paidStripePayment(h, AMOUNT[0]);
          const rzpP = await paidRazorpayPayment(h, AMOUNT[1]);
          const pays = [
            { id: stripeP.id, gateway: 'stripe' as const, gp: stripeP.pi, captured: AMOUNT[0], faultPath: '/v1/refunds' },
            { id: rzpP.id, gateway: 'razorpay' as const, gp: rzpP.pay, captured: AMOUNT[1], faultPath: `/v1/payments/${rzpP.pay}/refund` },
          ];
          const requestIds: string[][] = [[], []];
          const answers = new Map<string, Set<string>>();
          let reqSeq = 0;
          const newRequest = (): string => `prop_${runNo}_${reqSeq++}_${Math.random().toString(36).slice(2, 8)}`;
          const note = (requestId: string, r: Refund) => {
            const s = answers.get(requestId) ?? new Set<string>();
            s.add(r.id);
            answers.set(requestId, s);
          };

          for (const cmd of cmds) {
            if (cmd.t === 'refund') {
              const p = pays[cmd.p]!;
              const shared = cmd.reuseEarlier && requestIds[cmd.p]!.length > 0 ? requestIds[cmd.p]![0]! : newRequest();
              const calls = Array.from({ length: cmd.n }, () => {
                const requestId = cmd.sameRequest ? shared : newRequest();
                requestIds[cmd.p]!.push(requestId);
                const amount = cmd.pct === null ? undefined : major(Math.max(100, Math.floor((p.captured * cmd.pct) / 100)));
                return h.core.call('refunds.create', { paymentId: p.id, requestId, ...(amount ? { amount } : {}) }, ctx).then((env) => ({ env, requestId }));
              });
              for (const { env, requestId } of await Promise.all(calls)) {
                if (env.ok) note(requestId, env.value);
                else expect(['invalid_input', 'gateway_invalid', 'conflict', 'gateway_unreachable']).toContain(env.error.code);
              }
            } else if (cmd.t === 'fault') {
              const p = pays[cmd.p]!;
              sandbox.faults.add({ path: p.faultPath, status: cmd.status, count: cmd.count, ...(cmd.postOnly ? { method: 'POST' } : {}) });
            } else if (cmd.t === 'sync') {
              const env = await h.core.call('refunds.sync', { paymentId: pays[cmd.p]!.id }, ctx);
              if (!env.ok) expect(env.error.code).toBe('gateway_unreachable');
            } else if (cmd.t === 'recover') {
              await h.deps.refunds.recover();
            } else if (cmd.t === 'restart') {
              await restart();
            } else {
              const p = pays[cmd.p]!;
              const svc = h.deps.refunds;
              try {
                const row = await svc.testing.commitIntentOnly({ paymentId: p.id, amount: major(Math.max(100, Math.floor((p.captured * cmd.pct) / 100))), requestId: newRequest() }, { id: null, name: 'owner', role: 'owner' });
                await svc.testing.sendToGateway(row).catch(() => undefined); // the answer is lost: the process "dies"
                await restart();
              } catch (err) {
                expect((err as { code?: string }).code).toBe('invalid_input'); // over the refundable amount: refused before anything was sent
              }
            }
            // webhooks keep arriving between commands
            await new Promise((r) => setImmediate(r));
          }

          // settle: no more faults; deliveries done; recovery; a sync of both payments
          sandbox.faults.clear();
          await settleWebhooks();
          await h.deps.refunds.recover();
          for (const p of pays) expect((await h.core.call('refunds.sync', { paymentId: p.id }, ctx)).ok).toBe(true);
          await settleWebhooks();

          for (const p of pays) {
            // 0. what Paydesk asked for: each refund id with one key and one amount, together at most the captured amount
            const asked = new Map<string, RefundRequest>();
            for (const req of sent.filter((r) => r.paymentId === p.id)) {
              const first = asked.get(req.refundId);
              if (first) expect({ key: req.idempotencyKey, amount: req.amountMinor, to: req.gatewayPaymentId }).toEqual({ key: first.idempotencyKey, amount: first.amountMinor, to: first.gatewayPaymentId });
              else asked.set(req.refundId, req);
            }
            expect([...asked.values()].reduce((sum, r) => sum + r.amountMinor, 0)).toBeLessThanOrEqual(p.captured);

            const atGateway = await gatewayRefunds(h, p.gateway, p.gp);
            const total = atGateway.reduce((s, r) => s + r.amount, 0);
            // 1. never more than captured
            expect(total).toBeLessThanOrEqual(p.captured);
            const rows = h.deps.db.prepare('SELECT * FROM refunds WHERE payment_id = ?').all(p.id) as { id: string; status: string; gateway_refund_id: string | null; amount_minor: number; request_id: string }[];
            // 2. every gateway refund is one of ours, each row at most once
            const perRow = new Map<string, number>();
            for (const g of atGateway) {
              expect(g.paydeskRefundId).not.toBeNull();
              perRow.set(g.paydeskRefundId!, (perRow.get(g.paydeskRefundId!) ?? 0) + 1);
            }
            for (const [rowId, n] of perRow) {
              expect(n).toBe(1);
              expect(rows.map((r) => r.id)).toContain(rowId);
            }
            // 3. converged: a row is succeeded with the gateway's id exactly when the gateway has it, else failed
            for (const r of rows) {
              const g = atGateway.find((x) => x.paydeskRefundId === r.id);
              if (g) {
                expect(r.status).toBe('succeeded');
                expect(r.gateway_refund_id).toBe(g.id);
                expect(r.amount_minor).toBe(g.amount);
              } else {
                expect(r.status).toBe('failed');
              }
            }
            const local = h.deps.db.prepare('SELECT refunded_minor, captured_minor FROM payments WHERE id = ?').get(p.id) as { refunded_minor: number; captured_minor: number };
            expect(local).toEqual({ refunded_minor: total, captured_minor: p.captured });
            const amounts = h.deps.refunds.amountsOf(p.id)!;
            expect(amounts).toEqual({ capturedMinor: p.captured, refundedMinor: total, pendingMinor: 0, refundableMinor: p.captured - total });
          }
          // 4. a request id never produced two refunds
          for (const [, ids] of answers) expect(ids.size).toBe(1);
          if (process.env.PAYDESK_PROPERTY_DEBUG) {
            const stats = h.deps.db.prepare(`SELECT status, attempts > 1 AS retried, count(*) AS n FROM refunds WHERE payment_id IN (?, ?) GROUP BY 1, 2`).all(pays[0]!.id, pays[1]!.id);
            const applied = h.deps.db.prepare(`SELECT type, count(*) AS n FROM webhook_events WHERE payment_id IN (?, ?) GROUP BY type`).all(pays[0]!.id, pays[1]!.id);
            console.log(JSON.stringify({ cmds: cmds.map((c) => c.t), stats, applied }));
          }
        },
      ),
      { numRuns: Number(process.env.PAYDESK_PROPERTY_RUNS ?? 100) },
    );
  }, 900_000);
});
