// Razorpay's side of ports/sync.ts: Razorpay has no event list to catch up from, so each open link is read:
// paymentLink.fetch and payments.fetch of its payments (for fee and tax); orders.fetchPayments of an order.
// The payer comes from the payments too, so a payment learnt without its webhooks still names its customer.
import type Razorpay from 'razorpay';
import type { PaymentEvent } from '../../../../shared/status';
import type { CustomerFacts, GatewayIds } from '../facts';
import type { AccountTarget } from '../adapter';
import { mapRazorpayError } from '../errors';
import type { LinkHandle } from '../ports/links';
import type { LinkFacts, SyncPort } from '../ports/sync';
import { payerOf } from './webhooks-normalize';

interface RzpPaymentLite {
  id: string; amount: number; status: string; fee?: number | null; tax?: number | null; error_code?: string | null;
  error_description?: string | null; error_reason?: string | null; created_at: number; order_id?: string | null;
  /** card, upi, netbanking, wallet, emi */
  method?: string | null;
  email?: string | null;
  contact?: string | null;
}
interface RzpLinkLite {
  status: string; expire_by?: number; expired_at?: number; cancelled_at?: number; created_at: number; order_id?: string;
  payments: { payment_id: string; amount: number; status: string; created_at: number }[] | null;
}

const int = (v: unknown): number | null => (typeof v === 'number' && Number.isSafeInteger(v) ? v : null);

function paymentFacts(p: RzpPaymentLite, fullWhenCaptured: boolean): PaymentEvent[] {
  const at = p.created_at * 1000;
  const out: PaymentEvent[] = [];
  if (p.status === 'captured' || p.status === 'refunded') {
    out.push({ type: 'captured', at, paymentId: p.id, amount: p.amount, full: fullWhenCaptured, method: typeof p.method === 'string' && p.method ? p.method : null });
    const fee = int(p.fee);
    if (fee !== null) out.push({ type: 'fee_known', at, paymentId: p.id, fee, tax: int(p.tax) ?? 0, net: p.amount - fee });
  } else if (p.status === 'authorized') {
    out.push({ type: 'authorized', at, paymentId: p.id, amount: p.amount });
  } else if (p.status === 'failed') {
    const c = p.error_reason ?? p.error_code ?? '';
    const m = p.error_description ?? '';
    out.push({ type: 'attempt_failed', at, reason: (c && m ? `${c}: ${m}` : c || m || 'payment_failed').slice(0, 500), paymentId: p.id, attemptId: p.id });
  }
  return out;
}

/** The payer, as a webhook would give them: of the payment that paid, else of the latest try that named one. */
function payerOfPayments(payments: RzpPaymentLite[]): CustomerFacts | null {
  const paid = payments.filter((p) => p.status === 'captured' || p.status === 'refunded' || p.status === 'authorized');
  for (const p of [...paid, ...[...payments].sort((a, b) => b.created_at - a.created_at)]) {
    const payer = payerOf(p);
    if (payer) return payer;
  }
  return null;
}

export function razorpaySync(client: Razorpay, _target: AccountTarget): SyncPort {
  async function linkOf(plinkId: string, nowMs: number): Promise<LinkFacts> {
    const nowS = Math.floor(nowMs / 1000);
    const link = (await client.paymentLink.fetch(plinkId)) as unknown as RzpLinkLite;
    const facts: PaymentEvent[] = [];
    const ids: GatewayIds = {};
    const warnings: LinkFacts['warnings'] = [];
    if (link.order_id) ids.orderId = link.order_id;
    if (link.status === 'created') facts.push({ type: 'opened', at: link.created_at * 1000 });
    else if (link.status === 'expired') facts.push({ type: 'expired', at: (link.expired_at || link.expire_by || nowS) * 1000 });
    else if (link.status === 'cancelled') facts.push({ type: 'cancelled', at: (link.cancelled_at || nowS) * 1000 });
    const fetched: RzpPaymentLite[] = [];
    for (const lp of link.payments ?? []) {
      // the payment itself carries the fee and tax
      let p: RzpPaymentLite = { id: lp.payment_id, amount: lp.amount, status: lp.status, created_at: lp.created_at };
      try {
        p = (await client.payments.fetch(lp.payment_id)) as unknown as RzpPaymentLite;
      } catch (err) {
        warnings.push({ message: 'razorpay payment fetch failed during sync', detail: { paymentId: lp.payment_id, error: mapRazorpayError(err).message } });
      }
      fetched.push(p);
      facts.push(...paymentFacts(p, link.status === 'paid'));
    }
    return { groups: [{ facts, ids, gatewayType: 'payment_link (sync)', customer: payerOfPayments(fetched) }], warnings };
  }

  async function orderOf(orderId: string): Promise<LinkFacts> {
    const res = (await client.orders.fetchPayments(orderId)) as unknown as { items?: RzpPaymentLite[] };
    const facts: PaymentEvent[] = [];
    const payments = res.items ?? [];
    for (const p of payments) facts.push(...paymentFacts(p, false));
    return { groups: [{ facts, ids: {}, gatewayType: 'order (sync)', customer: payerOfPayments(payments) }], warnings: [] };
  }

  return {
    events: null,
    async linkFacts(link: LinkHandle, nowMs: number) {
      try {
        if (link.kind === 'razorpay_link' && link.plinkId) return await linkOf(link.plinkId, nowMs);
        if (link.kind === 'razorpay_order' && link.orderId) return await orderOf(link.orderId);
        return { groups: [], warnings: [] };
      } catch (err) {
        throw mapRazorpayError(err);
      }
    },
  };
}
