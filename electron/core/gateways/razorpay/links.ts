// Razorpay's side of ports/links.ts: a Payment Link (reference_id = Paydesk id, unique at Razorpay) or an
// Order (receipt = Paydesk id). Razorpay takes no idempotency key for these, so a retry first looks the
// intent up by that id and creates it only when Razorpay does not have it.
import type Razorpay from 'razorpay';
import { AppError } from '../../../../shared/errors';
import type { AccountTarget } from '../adapter';
import { mapRazorpayError } from '../errors';
import type { LinkHandle, LinkMade, LinkPort, LinkRequest } from '../ports/links';
import { razorpayExpiryFor, razorpayKindFor, withInputField } from './links-fields';

interface RzpLink { id: string; short_url: string; reference_id?: string; expire_by?: number }
interface RzpOrder { id: string; receipt: string | null }

const TRIES = 3;

export function razorpayLinks(client: Razorpay, target: AccountTarget): LinkPort {
  /** The sandbox serves the page Checkout.js would show; with the real Razorpay an order is paid through the merchant's own Checkout.js. */
  const orderUrl = (orderId: string): string | null => (target.baseUrl ? `${new URL(target.baseUrl).origin}/rzp/checkout/${orderId}` : null);
  const linkMade = (l: RzpLink): LinkMade => ({ ids: { plinkId: l.id }, url: l.short_url, expiresAt: l.expire_by ? l.expire_by * 1000 : null });

  async function lookup(req: LinkRequest): Promise<LinkMade | null> {
    if (req.kind === 'razorpay_link') {
      const res = (await client.paymentLink.all({ reference_id: req.paymentId } as never)) as unknown as { payment_links?: RzpLink[] };
      const hit = (res.payment_links ?? []).find((l) => l.reference_id === req.paymentId);
      return hit ? linkMade(hit) : null;
    }
    const res = (await client.orders.all({ receipt: req.paymentId } as never)) as unknown as { items?: RzpOrder[] };
    const hit = (res.items ?? []).find((o) => o.receipt === req.paymentId);
    return hit ? { ids: { orderId: hit.id }, url: orderUrl(hit.id), expiresAt: null } : null;
  }

  async function attempt(req: LinkRequest): Promise<LinkMade> {
    const notes = req.metadata;
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
        reference_id: req.paymentId,
        ...(Object.keys(customer).length ? { customer } : {}),
        notify: { sms: req.notify && !!req.customerPhone, email: req.notify && !!req.customerEmail },
        ...(expireBy ? { expire_by: expireBy } : {}),
        notes,
      } as never);
      return linkMade(link as unknown as RzpLink);
    }
    const order = (await client.orders.create({ amount: req.amountMinor, currency: req.currency, receipt: req.paymentId, notes } as never)) as unknown as RzpOrder;
    return { ids: { orderId: order.id }, url: orderUrl(order.id), expiresAt: null };
  }

  async function create(req: LinkRequest, fresh: boolean): Promise<LinkMade> {
    let last: AppError | null = null;
    for (let i = 0; i < TRIES; i++) {
      // a retry (after a failure, a timeout or a crash) first asks whether the gateway already has it
      if (i > 0 || !fresh) {
        try {
          const found = await lookup(req);
          if (found) return found;
        } catch (err) {
          const m = mapRazorpayError(err);
          if (m.code !== 'gateway_unreachable') throw withInputField(m);
          last = m;
          continue;
        }
      }
      try {
        return await attempt(req);
      } catch (err) {
        const m = mapRazorpayError(err);
        if (/reference id already attempted/i.test(m.message)) {
          const found = await lookup(req).catch(() => null);
          if (found) return found;
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
