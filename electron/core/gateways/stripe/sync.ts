// Stripe's side of ports/sync.ts: the account's event list since a cursor, and a retrieve of each open
// Checkout Session (expanding the payment intent's latest charge and its balance transaction for the fee) or
// the sessions of an open Payment Link.
import type Stripe from 'stripe';
import type { AccountTarget } from '../adapter';
import { mapStripeError } from '../errors';
import type { CustomerFacts } from '../facts';
import type { LinkHandle } from '../ports/links';
import type { EventCursor, EventStream, LinkFacts, SyncedEvent, SyncPort } from '../ports/sync';
import { normalizeStripe } from './webhooks-normalize';
import { sessionFacts } from './sync-facts';

/** The event types the catch-up reads (Stripe allows at most 20 in `types`). */
export const STRIPE_SYNC_TYPES = [
  'checkout.session.completed',
  'checkout.session.async_payment_succeeded',
  'checkout.session.async_payment_failed',
  'checkout.session.expired',
  'payment_intent.succeeded',
  'payment_intent.payment_failed',
  'payment_intent.amount_capturable_updated',
  'charge.succeeded',
  'charge.failed',
  'charge.captured',
  'charge.refunded',
  'refund.created',
  'refund.updated',
  'refund.failed',
  'payment_link.updated',
] as const;

/** Stripe keeps events for 30 days */
const EVENTS_WINDOW_S = 30 * 24 * 3600 - 3600;
const MAX_EVENTS_PER_RUN = 5000;
const EXPAND = 'payment_intent.latest_charge.balance_transaction';

async function mapped<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (err) {
    throw mapStripeError(err);
  }
}

/** the payer as Checkout collected them */
function customerOf(s: Stripe.Checkout.Session): CustomerFacts | null {
  const c = s.customer_details;
  if (!c) return null;
  return { name: c.name ?? null, email: c.email ?? null, phone: c.phone ?? null };
}

export function stripeSync(client: Stripe, _target: AccountTarget): SyncPort {
  const events: EventStream = {
    async since(cursor: EventCursor, nowMs: number) {
      const since = Math.max(cursor.created, Math.floor(nowMs / 1000) - EVENTS_WINDOW_S);
      const list: Stripe.Event[] = [];
      await mapped(async () => {
        for await (const ev of client.events.list({ created: { gte: since }, types: [...STRIPE_SYNC_TYPES], limit: 100 })) {
          list.push(ev);
          if (list.length >= MAX_EVENTS_PER_RUN) break;
        }
      });
      list.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
      const seen = new Set(cursor.ids);
      let maxCreated = cursor.created;
      let idsAtMax = new Set(cursor.ids);
      const out: SyncedEvent[] = [];
      for (const ev of list) {
        if (ev.created > maxCreated) {
          maxCreated = ev.created;
          idsAtMax = new Set();
        }
        if (ev.created === maxCreated) idsAtMax.add(ev.id);
        if (seen.has(ev.id)) continue;
        const n = normalizeStripe(ev);
        if (n.ref && n.events.length > 0) out.push({ id: ev.id, type: ev.type, ref: n.ref, facts: n.events, customer: n.customer ?? null });
      }
      return { events: out, cursor: { created: maxCreated, ids: [...idsAtMax].slice(-500) } };
    },
  };

  async function linkFacts(link: LinkHandle, nowMs: number): Promise<LinkFacts> {
    if (link.kind === 'stripe_checkout' && link.sessionId) {
      const s = await mapped(() => client.checkout.sessions.retrieve(link.sessionId!, { expand: [EXPAND] }));
      const { facts, ids } = sessionFacts(s, false, nowMs);
      return { groups: [{ facts, ids, gatewayType: 'checkout.session (sync)', customer: customerOf(s) }], warnings: [] };
    }
    if (link.kind === 'stripe_payment_link' && link.plinkId) {
      const groups: LinkFacts['groups'] = [];
      const pl = await mapped(() => client.paymentLinks.retrieve(link.plinkId!));
      if (pl.active === false) groups.push({ facts: [{ type: 'cancelled', at: nowMs }], ids: {}, gatewayType: 'payment_link (sync)' });
      const sessions = await mapped(() => client.checkout.sessions.list({ payment_link: link.plinkId!, limit: 100, expand: [`data.${EXPAND}`] }));
      for (const s of sessions.data) {
        // each session's payment is its own row under the link (payments/route.ts): its ids go to that row
        const { facts, ids } = sessionFacts(s, true, nowMs);
        if (facts.length > 0) groups.push({ facts, ids, gatewayType: 'checkout.session (sync)', customer: customerOf(s) });
      }
      return { groups, warnings: [] };
    }
    return { groups: [], warnings: [] };
  }

  return { events, linkFacts };
}
