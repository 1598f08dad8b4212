import type { AllHandlers, Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { actorOf } from '../operators';

/** refunds.* and payments.capture (the capture shares the per-payment queue with refunds) */
export function refundsHandlers(d: CoreDeps): Handlers<'refunds.'> & Pick<AllHandlers, 'payments.capture'> {
  const refunds = d.refunds;
  return {
    'refunds.preview': ({ paymentId }, ctx) => refunds.preview(paymentId, actorOf(ctx)),
    'refunds.create': (input, ctx) => refunds.create(input, actorOf(ctx)),
    'refunds.list': (input) => refunds.list(input),
    'refunds.forPayment': ({ paymentId }) => refunds.forPayment(paymentId),
    'refunds.sync': ({ paymentId }, ctx) => refunds.sync(paymentId, actorOf(ctx)),
    'payments.capture': ({ paymentId, amount }, ctx) => refunds.capture(paymentId, amount, actorOf(ctx)),
  };
}
