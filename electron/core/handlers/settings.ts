import type { CoreDeps } from '../deps';
import { externalHostsService } from '../external-hosts';
import type { AllHandlers } from '../rpc';

/** settings.* methods of their own (the refund policy's live with operators, the API's in api.ts) */
export function settingsHandlers(d: CoreDeps): Pick<AllHandlers, 'settings.externalHosts.get' | 'settings.externalHosts.set'> {
  const hosts = externalHostsService(d);
  return {
    'settings.externalHosts.get': () => hosts.get(),
    'settings.externalHosts.set': ({ hosts: list }, ctx) => hosts.set(list, ctx),
  };
}
