// The first things a page load asks for, started before React's first render so they run side by side:
// the shell's first questions (is the engine up and the database usable: system.info; which accounts, hence
// which mode: accounts.list), the first data of the screen in the address (sent the moment the account list
// answers, screen-views.tsx FIRST_DATA), and that screen's code. The hooks that need them later find them
// in the query cache, already answered or on their way.
import type { QueryClient } from '@tanstack/react-query';
import type { MethodInput, MethodName } from '../../shared/contract';
import { createRpcQueryClient, rpcKey } from './api/hooks';
import { pickTransport, type Transport } from './api/transport';
import { parseHash } from './router';
import { prefetchScreenData, preloadScreen } from './screen-views';

export function boot(): { transport: Transport; client: QueryClient } {
  const transport = pickTransport();
  const client = createRpcQueryClient();
  const screen = parseHash(window.location.hash).screen;
  const ask = <M extends MethodName>(method: M, input: MethodInput<M>) =>
    void client.prefetchQuery({ queryKey: rpcKey(method, input), queryFn: () => transport.call(method, input) });
  // the requests first: the browser opens at most six connections to the host, and the screen's code comes
  // in several files that would otherwise hold them
  ask('system.info', {});
  ask('accounts.list', {});
  prefetchScreenData(screen, client, transport);
  preloadScreen(screen);
  return { transport, client };
}
