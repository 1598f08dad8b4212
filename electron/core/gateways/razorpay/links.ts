// Razorpay's side of ports/links.ts: a Payment Link (reference_id = the shop's reference, unique at Razorpay)
// or an Order (receipt = the same reference), so the customer and the recon file see the shop's order.
// Paydesk's own id travels in notes.paydesk_id. Razorpay takes no idempotency key for these, so a retry first
// looks the intent up by its reference and creates it only when Razorpay does not have it.
import type Razorpay from 'razorpay';
import { AppError, invalid } from '../../../../shared/errors';
import type { AccountTarget } from '../adapter';
import { mapRazorpayError } from '../errors';
import type { LinkHandle, LinkMade, LinkPort, LinkRequest } from '../ports/links';
import { razorpayExpiryFor, razorpayKindFor, withInputField } from './links-fields';
import { paydeskIdOfNotes } from './reports-recon';

interface RzpLink { id: string; short_url: string; reference_id?: string; expire_by?: number; notes?: unknown }
interface RzpOrder { id: string; receipt: string | null; notes?: unknown }

const TRIES = 3;

/** What the lookup found under the request's reference: ours, nothing, or another payment's (not Paydesk's, or from another data folder). */
type Found = { made: LinkMade } | { taken: true } | null;

export function razorpayLinks(client: Razorpay, _target: AccountTarget): LinkPort {
  const linkMade = (l: RzpLink): LinkMade => ({ ids: { plinkId: l.id }, url: l.short_url, expiresAt: l.expire_by ? l.expire_by * 1000 : null });
  // Razorpay gives an order no page: the one shared is Paydesk's pay page (payments/links.ts sets it)
  const orderMade = (o: RzpOrder): LinkMade => ({ ids: { orderId: o.id }, url: null, expiresAt: null });

  async function findBy(req: LinkRequest, reference: string): Promise<Found> {
    if (req.kind === 'razorpay_link') {
      const res = (await client.paymentLink.all({ reference_id: reference } as never)) as unknown as { payment_links?: RzpLink[] };
      const same = (res.payment_links ?? []).filter((l) => l.reference_id === reference);
      const ours = same.find((l) => paydeskIdOfNotes(l.notes) === req.paymentId);
      return ours ? { made: linkMade(ours) } : same.length ? { taken: true } : null;
    }
    // receipts need not be unique at Razorpay: only an order carrying this payment's id is ours
    const res = (await client.orders.all({ receipt: reference } as never)) as unknown as { items?: RzpOrder[] };
    const ours = (res.items ?? []).find((o) => o.receipt === reference && paydeskIdOfNotes(o.notes) === req.paymentId);
    return ours ? { made: orderMade(ours) } : null;
  }

  /** Also under the payment's own id: links made before the reference was the shop's carry that one. */
  async function lookup(req: LinkRequest): Promise<Found> {
    const found = await findBy(req, req.reference);
    if (found && 'made' in found) return found;
    if (req.reference === req.paymentId) return found;
    const legacy = await findBy(req, req.paymentId);
    return legacy && 'made' in legacy ? legacy : found;
  }

  const taken = (req: LinkRequest): AppError =>
    invalid('orderRef', `Razorpay already has a payment link with the reference ${req.reference}, not made for this payment. Use a new order reference.`);

  async function attempt(req: LinkRequest): Promise<LinkMade> {
    const notes = { ...req.metadata, paydesk_id: req.paymentId };
    if (req.kind === 'razorpay_link') {
      const customer: Record<string, string> = {};
      if (req.customerName) customer.name = req.customerName;
      if (req.customerEmail) customer.email = req.customerEmail;
      if (req.customerPhone) customer.contact = req.customerPhone;
      const expireBy = req.expiresAt ? Math.floor(req.expiresAt / 1000) : undefined;
      const link = await client.paymentLink.create({
        amount: req.amountMinor,
        currency: req.currency,
        description: req.title,
        reference_id: req.reference,
        ...(Object.keys(customer).length ? { customer } : {}),
        notify: { sms: req.notify && !!req.customerPhone, email: req.notify && !!req.customerEmail },
        ...(expireBy ? { expire_by: expireBy } : {}),
        notes,
      } as never);
      return linkMade(link as unknown as RzpLink);
    }
    const order = (await client.orders.create({ amount: req.amountMinor, currency: req.currency, receipt: req.reference, notes } as never)) as unknown as RzpOrder;
    return orderMade(order);
  }

  async function create(req: LinkRequest, fresh: boolean): Promise<LinkMade> {
    let last: AppError | null = null;
    for (let i = 0; i < TRIES; i++) {
      // a retry (after a failure, a timeout or a crash) first asks whether the gateway already has it
      if (i > 0 || !fresh) {
        let found: Found;
        try {
          found = await lookup(req);
        } catch (err) {
          const m = mapRazorpayError(err);
          if (m.code !== 'gateway_unreachable') throw withInputField(m);
          last = m;
          continue;
        }
        if (found && 'made' in found) return found.made;
        if (found) throw taken(req);
      }
      try {
        return await attempt(req);
      } catch (err) {
        const m = mapRazorpayError(err);
        if (/reference id already attempted/i.test(m.message)) {
          const found = await lookup(req).catch(() => null);
          if (found && 'made' in found) return found.made;
          if (found) throw taken(req);
          last = new AppError('gateway_unreachable', 'Razorpay has this link but did not return it yet. Paydesk will look it up again shortly.');
          continue;
        }
        if (m.code !== 'gateway_unreachable') throw withInputField(m);
        last = m;
        await new Promise((r) => setTimeout(r, 150 * (i + 1)));
      }
    }
    throw last ?? new AppError('gateway_unreachable', 'Razorpay could not be reached.');
  }

  return {
    kindFor: razorpayKindFor,
    // a Razorpay Payment Link or Order is paid once
    reusable: () => false,
    needsReturnPage: () => false,
    // an order is paid on Paydesk's pay page, which opens Checkout.js: it needs an address the customer reaches
    hasPayPage: (kind, payBase) => kind !== 'razorpay_order' || payBase !== null,
    expiryFor: razorpayExpiryFor,
    create: (req, opts) => create(req, opts.fresh),
    async cancel(link: LinkHandle) {
      // an order cannot be cancelled at Razorpay: Paydesk stops treating it as open
      if (link.kind !== 'razorpay_link' || !link.plinkId) return;
      try {
        await client.paymentLink.cancel(link.plinkId);
      } catch (err) {
        const m = mapRazorpayError(err);
        if (m.code === 'gateway_invalid' || m.code === 'not_found') return;
        throw m;
      }
    },
  };
}
