import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';

export function accountHandlers(d: CoreDeps): Handlers<'accounts.'> {
  return {
    'accounts.list': () => d.accounts.list(),
    'accounts.create': (input) => d.accounts.create(input),
    'accounts.update': (input) => d.accounts.update(input),
    'accounts.verify': ({ id }) => d.accounts.verify(id),
    'accounts.remove': ({ id }) => {
      d.accounts.remove(id);
      return { ok: true as const };
    },
  };
}
