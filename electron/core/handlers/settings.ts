import type { SandboxSetting } from '../../../shared/contract';
import { recordAudit } from '../audit';
import type { CoreDeps } from '../deps';
import { createExternalHostsService } from '../external-hosts';
import type { AllHandlers } from '../rpc';
import { readSandboxSetting, sandboxDecision, writeSandboxSetting } from '../sandbox-policy';

type SettingsMethods = 'settings.externalHosts.get' | 'settings.externalHosts.set' | 'settings.sandbox.get' | 'settings.sandbox.set';

/** settings.* methods of their own (the refund policy's live with operators, the API's in api.ts) */
export function settingsHandlers(d: CoreDeps): Pick<AllHandlers, SettingsMethods> {
  const { repos, transaction } = d.store;
  const hosts = createExternalHostsService({ settings: repos.settings, audit: repos.audit, transaction, events: d.events, clock: d.clock });
  const { dataDir, shell } = d.options;
  const packaged = d.options.packaged ?? false;

  const sandboxView = (): SandboxSetting => {
    const saved = readSandboxSetting(dataDir);
    const byDefault = sandboxDecision({ packaged, shell, setting: null }).start;
    return {
      running: d.options.sandbox != null,
      saved,
      nextStart: sandboxDecision({ packaged, shell, setting: saved }).start,
      defaultText: `${byDefault ? 'on' : 'off'} ${shell === 'browser' ? 'in browser mode' : packaged ? 'in the installed app' : 'in a development build'}`,
    };
  };

  return {
    'settings.externalHosts.get': () => hosts.get(),
    'settings.externalHosts.set': ({ hosts: list }, ctx) => hosts.set(list, ctx),
    'settings.sandbox.get': () => sandboxView(),
    // a file in the data dir rather than the database: the choice is read before the database opens
    'settings.sandbox.set': ({ enabled }, ctx) => {
      const before = readSandboxSetting(dataDir);
      writeSandboxSetting(dataDir, enabled);
      const change = enabled === null ? 'Built-in sandbox back to this build’s default' : `Built-in sandbox switched ${enabled ? 'on' : 'off'}`;
      recordAudit(repos.audit, {
        operator: ctx.operator, action: 'settings.changed', subject: { type: 'settings', id: 'sandbox' },
        details: { setting: 'sandbox', change: `${change} from the next start`, before, after: enabled }, at: d.clock.now(),
      });
      return sandboxView();
    },
  };
}
