// Browser mode listens before core has started (cli.ts): the page, its code and its first requests are on
// their way while core loads its modules, opens the database and unseals the vault. This Core stands in
// for the one being created: calls wait for it (in the order they arrived), event subscriptions attach
// to it as soon as it exists. If core cannot start, calls fail as they would against a stopped host.
import type { Core } from '../core/types';

export function coreWhenReady(ready: Promise<Core>): Core {
  let core: Core | null = null;
  ready.then(
    (c) => {
      core = c;
    },
    () => {},
  );
  const get = async (): Promise<Core> => core ?? (await ready);
  return {
    call: async (method, input, ctx) => (await get()).call(method, input, ctx),
    callUnknown: async (method, input, ctx) => (await get()).callUnknown(method, input, ctx),
    onEvent(listener) {
      if (core) return core.onEvent(listener);
      let off: (() => void) | null = null;
      let cancelled = false;
      ready.then(
        (c) => {
          if (!cancelled) off = c.onEvent(listener);
        },
        () => {},
      );
      return () => {
        cancelled = true;
        off?.();
      };
    },
    close: async () => (await get()).close(),
  };
}
