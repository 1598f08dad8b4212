// Which payment row a gateway fact belongs to. A single-use link is its own payment: every fact is its own.
// A reusable link keeps only its own state (opened, cancelled, expired); every other fact concerns one of its
// payments, found by the gateway payment the fact names (Stripe pi_/ch_), and folded into that payment's
// own row, made on its first fact. Planning reads only; the caller writes after it knows the gateway event is
// new (a duplicate delivery must not make a row).
import type { PaymentEvent } from '../../../shared/status';
import type { CustomerFacts, GatewayIds } from '../gateways/facts';
import type { OrdersRepo } from '../store/repos/orders';
import type { PaymentsRepo, PaymentStateRow } from '../store/repos/payments';
import { foldFacts, type Fold, type FoldOptions } from './apply';
import { newPaymentId } from './link-rows';

export interface RouteDeps {
  payments: PaymentsRepo;
  orders: OrdersRepo;
}

/** Facts of one row: a fold of an existing row, or a payment to make under a reusable link first. */
export type Planned =
  | { kind: 'fold'; fold: Fold; ids: GatewayIds }
  | { kind: 'new'; linkId: string; key: string; facts: PaymentEvent[]; ids: GatewayIds };

const LINK_FACTS: ReadonlySet<PaymentEvent['type']> = new Set(['created', 'opened', 'expired', 'cancelled']);

/** The gateway payment a fact is about: its own id, else the one the event names. */
function keyOf(ev: PaymentEvent, ids: GatewayIds): string | null {
  if (LINK_FACTS.has(ev.type)) return null;
  const own = 'paymentId' in ev ? ev.paymentId : null;
  return own ?? ids.paymentIntentId ?? ids.chargeId ?? ids.paymentId ?? null;
}

/** The ids a payment under a link learns: its own, never the link's. */
const childIds = (ids: GatewayIds, key: string): GatewayIds => {
  const out: GatewayIds = { paymentId: key };
  if (ids.sessionId) out.sessionId = ids.sessionId;
  if (ids.paymentIntentId) out.paymentIntentId = ids.paymentIntentId;
  if (ids.chargeId) out.chargeId = ids.chargeId;
  return out;
};

const withoutLinkIds = (ids: GatewayIds): GatewayIds => {
  const { plinkId: _p, orderId: _o, ...rest } = ids;
  return rest;
};

/** Plans where `facts` go, folding them into the rows that exist. Reads only. */
export function planFacts(d: RouteDeps, row: PaymentStateRow, facts: readonly PaymentEvent[], ids: GatewayIds, opts: FoldOptions): Planned[] {
  if (row.reusable !== 1) {
    return [{ kind: 'fold', fold: foldFacts(row, facts, opts), ids: row.parent_id === null ? ids : withoutLinkIds(ids) }];
  }
  const linkFacts: PaymentEvent[] = [];
  const byKey = new Map<string, PaymentEvent[]>();
  for (const ev of facts) {
    const key = keyOf(ev, ids);
    if (key === null) linkFacts.push(ev);
    else byKey.set(key, [...(byKey.get(key) ?? []), ev]);
  }
  const out: Planned[] = [];
  if (linkFacts.length > 0 || (ids.plinkId && !row.plink_id)) {
    out.push({ kind: 'fold', fold: foldFacts(row, linkFacts, opts), ids: ids.plinkId ? { plinkId: ids.plinkId } : {} });
  }
  for (const [key, keyed] of byKey) {
    const child = d.orders.childState(row.id, key);
    out.push(child
      ? { kind: 'fold', fold: foldFacts(child, keyed, opts), ids: childIds(ids, key) }
      : { kind: 'new', linkId: row.id, key, facts: keyed, ids: childIds(ids, key) });
  }
  return out;
}

/** whether applying the plan changes what the merchant sees */
export const planChanges = (plan: readonly Planned[]): boolean => plan.some((p) => p.kind === 'new' || p.fold.changed);

/** The amount a new payment under a link was made for: what the facts say was paid, else the link's price. */
function amountOf(facts: readonly PaymentEvent[]): number | null {
  for (const f of facts) if ((f.type === 'captured' || f.type === 'authorized') && f.amount > 0) return f.amount;
  return null;
}

/**
 * Makes the payments a plan needs (writes) and returns every fold to commit. `customer`: the payer as the
 * event reports them, filled in where a row has no value of its own.
 */
export function materialize(d: RouteDeps, plan: readonly Planned[], customer: CustomerFacts | null | undefined, opts: FoldOptions): { fold: Fold; ids: GatewayIds }[] {
  const out: { fold: Fold; ids: GatewayIds }[] = [];
  for (const p of plan) {
    if (p.kind === 'fold') {
      out.push({ fold: p.fold, ids: p.ids });
      // the payer comes with the facts that change the payment (its capture); a repeat writes nothing
      if (customer && p.fold.changed && p.fold.row.reusable !== 1) d.orders.fillCustomer(p.fold.row.id, customer.name, customer.email, customer.phone);
      continue;
    }
    const link = d.payments.byId(p.linkId);
    if (!link) continue;
    const at = Math.min(...p.facts.map((f) => f.at));
    d.orders.insertChild({
      id: newPaymentId(), link, key: p.key, amountMinor: amountOf(p.facts) ?? link.amount_minor,
      customerName: customer?.name ?? null, customerEmail: customer?.email ?? null, customerPhone: customer?.phone ?? null,
      createdAt: Number.isFinite(at) && at > 0 ? at : opts.now,
    });
    const child = d.orders.childState(p.linkId, p.key);
    if (child) out.push({ fold: foldFacts(child, [{ type: 'opened', at }, ...p.facts], opts), ids: p.ids });
  }
  return out;
}
