// The Overview's two requests, shared by the screen and by boot.ts (which asks for them as soon as the
// account list has answered, before the screen's code has loaded): the same query keys, built from the same
// inputs as the page's early requests (first-data.ts).
import type { QueryClient } from '@tanstack/react-query';
import { rpcKey } from '../../api/hooks';
import type { Transport } from '../../api/transport';
import { recentInput, shownMode } from '../../first-data';

export { recentInput } from '../../first-data';

export async function prefetchOverview(client: QueryClient, t: Transport): Promise<void> {
  const accounts = await client.ensureQueryData({ queryKey: rpcKey('accounts.list', {}), queryFn: () => t.call('accounts.list', {}) });
  const mode = shownMode(accounts);
  const recent = recentInput(mode);
  await Promise.all([
    client.prefetchQuery({ queryKey: rpcKey('payments.list', recent), queryFn: () => t.call('payments.list', recent) }),
    client.prefetchQuery({ queryKey: rpcKey('overview.get', { mode }), queryFn: () => t.call('overview.get', { mode }) }),
  ]);
}
