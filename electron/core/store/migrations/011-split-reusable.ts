// The data step of migration 011: before it, a reusable link's row folded every payment made through it
// (captures keyed by the gateway payment). Each capture becomes its own payment row under the link, with its
// fee and the refunds Paydesk made against it; the link keeps its own state (open, cancelled, expired).
// Refunds made outside Paydesk carry no payment id in the old state, so they stay with the link's timeline
// and reach the right payment at the next sync. Ids are derived, so the step gives the same rows every time.
import { createHash } from 'node:crypto';
import { serializePaymentState, summarizePayment, type PaymentState, type RefundFact } from '../../../../shared/status';
import type { MigrationDb } from './types';

interface LinkRow {
  id: string; account_id: string; gateway: string; livemode: number; kind: string; order_ref: string; currency: string;
  description: string | null; notes: string; machine: string; idempotency_key: string; created_by: string | null;
  gateway_ref: string; updated_at: number;
}

const childId = (linkId: string, key: string): string =>
  `pd_${createHash('sha256').update(`${linkId}\n${key}`).digest('hex').slice(0, 24)}`;

const INSERT_CHILD = `INSERT INTO payments (id, account_id, gateway, livemode, kind, order_ref, amount_minor, currency, description,
  notes, status, status_reason, refund_state, machine, idempotency_key, payment_intent_id, gateway_payment_id, paid_at,
  captured_minor, refunded_minor, fee_minor, tax_minor, net_minor, created_by, created_at, updated_at,
  parent_id, attempt_no, gateway_ref, reusable)
  VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, 0)`;

const SAVE_STATE = `UPDATE payments SET status = ?, status_reason = ?, refund_state = ?, machine = ?, paid_at = ?,
  captured_minor = ?, refunded_minor = ?, fee_minor = ?, tax_minor = ?, net_minor = ?, gateway_payment_id = NULL,
  payment_intent_id = NULL, charge_id = NULL WHERE id = ?`;

function childState(link: PaymentState, key: string, refundIds: ReadonlySet<string>): PaymentState {
  const capture = link.captures[key]!;
  const refunds: Record<string, RefundFact> = {};
  for (const [id, r] of Object.entries(link.refunds)) if (refundIds.has(id)) refunds[id] = r;
  const fee = link.fees[key];
  return {
    amountMinor: capture.amount, base: 'open', lastFailure: null, authorizations: {},
    captures: { [key]: capture }, refunds, fees: fee ? { [key]: fee } : {},
  };
}

function splitOne(db: MigrationDb, link: LinkRow): void {
  const state = JSON.parse(link.machine) as PaymentState;
  const keys = Object.keys(state.captures);
  if (keys.length === 0) return;
  const placed = new Set<string>();
  for (const key of keys) {
    const id = childId(link.id, key);
    const ours = db.prepare('SELECT gateway_refund_id AS g FROM refunds WHERE payment_id = ? AND gateway_payment_id = ? AND gateway_refund_id IS NOT NULL')
      .all(link.id, key) as { g: string }[];
    const refundIds = new Set(ours.map((r) => r.g));
    refundIds.forEach((r) => placed.add(r));
    const s = childState(state, key, refundIds);
    const sum = summarizePayment(s);
    db.prepare(INSERT_CHILD).run(
      id, link.account_id, link.gateway, link.livemode, link.kind, link.order_ref, s.amountMinor, link.currency, link.description,
      link.notes, sum.status, sum.statusReason, sum.refundState, serializePaymentState(s), `${link.idempotency_key}:${key}`,
      key.startsWith('pi_') ? key : null, key, sum.paidAt, sum.capturedMinor, sum.refundedMinor, sum.feeMinor, sum.taxMinor,
      sum.netMinor, link.created_by, s.captures[key]!.at || link.updated_at, link.updated_at, link.id, link.gateway_ref,
    );
    db.prepare('UPDATE refunds SET payment_id = ? WHERE payment_id = ? AND gateway_payment_id = ?').run(id, link.id, key);
  }
  const rest: Record<string, RefundFact> = {};
  for (const [rid, r] of Object.entries(state.refunds)) if (!placed.has(rid)) rest[rid] = r;
  const own: PaymentState = { ...state, authorizations: {}, captures: {}, refunds: rest, fees: {} };
  const sum = summarizePayment(own);
  db.prepare('UPDATE payments SET payment_count = ? WHERE id = ?').run(keys.length, link.id);
  db.prepare(SAVE_STATE).run(sum.status, sum.statusReason, sum.refundState, serializePaymentState(own), sum.paidAt,
    sum.capturedMinor, sum.refundedMinor, sum.feeMinor, sum.taxMinor, sum.netMinor, link.id);
}

export function splitReusableLinks(db: MigrationDb): void {
  const links = db.prepare(`SELECT id, account_id, gateway, livemode, kind, order_ref, currency, description, notes, machine,
    idempotency_key, created_by, gateway_ref, updated_at FROM payments WHERE reusable = 1 AND machine IS NOT NULL`).all() as LinkRow[];
  for (const link of links) splitOne(db, link);
}
