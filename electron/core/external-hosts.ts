// The websites the desktop app may open in the system browser, beyond the gateways' own: hosts an owner
// adds in Settings → Security (stored in the settings table), and the payment links Paydesk made (the
// payments table). The Electron shell asks `externalLinkSources` on every link it is about to open, so a
// change applies at once; the decision itself is the pure isAllowedExternalUrl (external-url.ts).
import { z } from 'zod';
import type { ExternalHosts } from '../../shared/contract';
import { recordAudit } from './audit';
import type { CoreEvents } from './events';
import { GATEWAY_HOSTS, type ExternalUrlPolicy } from './external-url';
import type { Store, Transact } from './store';
import type { AuditRepo } from './store/repos/audit';
import type { SettingsRepo } from './store/repos/settings';
import type { CallContext, Clock } from './types';

const SETTING = 'security.externalHosts';
const StoredHostsSchema = z.array(z.string());

/** The owner-added hosts; none when never set (or unreadable, which then opens nothing extra). */
export function readExternalHosts(settings: SettingsRepo): string[] {
  return settings.get(SETTING, StoredHostsSchema, []);
}

/** One sentence for the Audit screen: what was added and removed. */
function describeChange(before: readonly string[], after: readonly string[]): string {
  const added = after.filter((h) => !before.includes(h));
  const removed = before.filter((h) => !after.includes(h));
  const parts = [added.length ? `added ${added.join(', ')}` : '', removed.length ? `removed ${removed.join(', ')}` : ''].filter(Boolean);
  return parts.length ? `Websites Paydesk may open: ${parts.join('; ')}` : 'Websites Paydesk may open saved unchanged';
}

export interface ExternalHostsDeps {
  settings: SettingsRepo;
  audit: AuditRepo;
  transaction: Transact;
  events: CoreEvents;
  clock: Clock;
}

export function createExternalHostsService(d: ExternalHostsDeps) {
  const { transaction } = d;
  const view = (hosts: string[]): ExternalHosts => ({ hosts, gatewayHosts: [...GATEWAY_HOSTS] });
  return {
    get: (): ExternalHosts => view(readExternalHosts(d.settings)),
    /** Replaces the list; one audit row with the list before and after, in the same transaction. */
    set(hosts: string[], ctx: CallContext): ExternalHosts {
      const before = readExternalHosts(d.settings);
      transaction(() => {
        d.settings.set(SETTING, hosts);
        recordAudit(d.audit, {
          operator: ctx.operator, action: 'settings.changed', subject: { type: 'settings', id: 'externalHosts' },
          details: { setting: 'externalHosts', change: describeChange(before, hosts), before, after: hosts }, at: d.clock.now(),
        });
      });
      d.events.emit('externalHosts.changed', { hosts });
      return view(hosts);
    },
  };
}

export type ExternalHostsService = ReturnType<typeof createExternalHostsService>;

/**
 * What the shell's URL policy needs from core, read on each decision. A store that cannot answer (closing)
 * adds nothing: only the gateways' hosts and the sandbox stay allowed.
 */
export function externalLinkSources(d: { store: Store }): () => Pick<ExternalUrlPolicy, 'ownerHosts' | 'isPaydeskLink'> {
  const { payments, settings } = d.store.repos;
  const isPaydeskLink = (url: string): boolean => payments.hasLinkUrl(url);
  return () => {
    try {
      return { ownerHosts: readExternalHosts(settings), isPaydeskLink };
    } catch {
      return { ownerHosts: [], isPaydeskLink: () => false };
    }
  };
}
