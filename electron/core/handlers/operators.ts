import type { AllHandlers, Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { actorOf } from '../operators';

/** operators.* and the refund policy (settings.getRefundPolicy / settings.setRefundPolicy) */
export function operatorsHandlers(d: CoreDeps): Handlers<'operators.'> & Pick<AllHandlers, 'settings.getRefundPolicy' | 'settings.setRefundPolicy'> {
  const ops = d.operators;
  return {
    'operators.list': () => ops.list(),
    'operators.create': (input, ctx) => ops.create(input, actorOf(ctx)),
    'operators.update': (input, ctx) => ops.update(input, actorOf(ctx)),
    'operators.disable': ({ id }, ctx) => ops.disable(id, actorOf(ctx)),
    'settings.getRefundPolicy': () => ops.policy(),
    'settings.setRefundPolicy': (input, ctx) => ops.setPolicy(input, actorOf(ctx)),
  };
}
