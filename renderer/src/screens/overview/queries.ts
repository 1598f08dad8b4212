// The Overview's two requests, shared by the screen and by boot.ts (which asks for them as soon as the
// account list has answered, before the screen's code has loaded): the same query keys.
import type { QueryClient } from '@tanstack/react-query';
import type { MethodInput, Mode } from '../../../../shared/contract';
import { rpcKey } from '../../api/hooks';
import type { Transport } from '../../api/transport';
import { useUi } from '../../state/ui';
import { currentMode } from '../payments/payment-labels';

/** the latest few payments: no need to count every payment for them */
export const recentInput = (mode: Mode): MethodInput<'payments.list'> => ({ mode, limit: 8, withTotal: false });

export async function prefetchOverview(client: QueryClient, t: Transport): Promise<void> {
  const accounts = await client.ensureQueryData({ queryKey: rpcKey('accounts.list', {}), queryFn: () => t.call('accounts.list', {}) });
  const selectedId = useUi.getState().selectedAccountId;
  const mode = currentMode(accounts, accounts.find((a) => a.id === selectedId) ?? null);
  const recent = recentInput(mode);
  await Promise.all([
    client.prefetchQuery({ queryKey: rpcKey('payments.list', recent), queryFn: () => t.call('payments.list', recent) }),
    client.prefetchQuery({ queryKey: rpcKey('overview.get', { mode }), queryFn: () => t.call('overview.get', { mode }) }),
  ]);
}
