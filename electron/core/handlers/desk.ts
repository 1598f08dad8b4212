import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { operatorsOf } from '../operators';

export function deskHandlers(d: CoreDeps): Handlers<'desk.'> {
  const ops = operatorsOf(d);
  return {
    'desk.status': () => ops.status(),
    'desk.signIn': ({ operatorId, pin }) => ops.signIn(operatorId, pin),
    'desk.lock': () => ops.lock(),
    'desk.activity': () => ({ locksAt: ops.status().locksAt }),
  };
}
