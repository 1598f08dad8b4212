import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';

export function deskHandlers(d: CoreDeps): Handlers<'desk.'> {
  const ops = d.operators;
  return {
    'desk.status': () => ops.status(),
    'desk.signIn': ({ operatorId, pin }) => ops.signIn(operatorId, pin),
    'desk.lock': () => ops.lock(),
    'desk.activity': () => ({ locksAt: ops.status().locksAt }),
  };
}
