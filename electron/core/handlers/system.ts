import type { Handlers } from '../rpc';
import type { SystemDeps } from '../deps';

export function systemHandlers(d: SystemDeps): Handlers<'system.'> {
  return {
    'system.ping': () => ({ pong: true, at: d.clock.now() }),
    'system.info': () => d.info(),
  };
}
