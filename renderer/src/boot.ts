// The shell's first questions, put in the query cache before React's first render: is the engine up and the
// database usable (system.info), which accounts, hence which mode (accounts.list), and the first data of
// the screen in the address. The page's entry (main.tsx) sent all of them already; asked here through
// `withFirstAnswers`, each claims its request on the way. The hooks that need them later find them in the
// cache, answered or on their way.
import type { QueryClient } from '@tanstack/react-query';
import type { MethodInput, MethodName } from '../../shared/contract';
import { createRpcQueryClient, rpcKey } from './api/hooks';
import type { Transport } from './api/transport';
import { dropUnclaimed, withFirstAnswers } from './first-requests';
import { parseHash } from './router';
import { prefetchScreenData, preloadScreen } from './screen-views';

export function boot(sent: Transport): { transport: Transport; client: QueryClient } {
  const transport = withFirstAnswers(sent);
  const client = createRpcQueryClient();
  const screen = parseHash(window.location.hash).screen;
  const ask = <M extends MethodName>(method: M, input: MethodInput<M>) =>
    void client.prefetchQuery({ queryKey: rpcKey(method, input), queryFn: () => transport.call(method, input) });
  ask('system.info', {});
  ask('accounts.list', {});
  // once the screen's data has been asked for, an early request nobody claimed is stale: drop it
  void prefetchScreenData(screen, client, transport).finally(dropUnclaimed);
  preloadScreen(screen);
  return { transport, client };
}
