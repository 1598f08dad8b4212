// payment.changed carries the payment as the screens show it, read once after the change committed, so
// no consumer (the renderer's toast, the desktop notification) fetches it again. The event stream is not
// behind the desk session, so while the desk is locked it says only that a payment changed: customer
// names must not reach a locked screen.
import type { CoreEvents } from '../events';
import type { PaymentsRepo } from '../store/repos/payments';
import { paymentOfRow } from './link-rows';

/** Tells every screen that a payment changed; call after the change committed. */
export type AnnouncePayment = (paymentId: string) => void;

export function paymentAnnouncer(payments: Pick<PaymentsRepo, 'byId'>, events: CoreEvents, atDesk: () => boolean = () => true): AnnouncePayment {
  return (paymentId) => {
    const row = payments.byId(paymentId);
    if (row) events.emit('payment.changed', { id: row.id, status: row.status, payment: atDesk() ? paymentOfRow(row) : null });
  };
}
