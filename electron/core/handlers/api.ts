// Handlers of the merchant HTTP API settings (api.*): status, switch on/off, tokens.
import type { CoreDeps } from '../deps';
import type { Handlers } from '../rpc';
import { recordAudit } from '../audit';
import { onlyOnLeaseHolder } from '../team/holder-only';

export function apiHandlers(d: CoreDeps): Handlers<'api.'> {
  const api = () => d.api;
  const { audit } = d.store.repos;
  return {
    'api.status': () => api().status(),
    'api.enable': async ({ port }, ctx) => {
      onlyOnLeaseHolder(d.team, 'Switching the merchant API on');
      const status = await api().enable(port);
      recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject: { type: 'api', id: 'merchant_api' }, details: { change: 'API switched on', port: status.port }, at: d.clock.now() });
      return status;
    },
    'api.disable': async (_input, ctx) => {
      onlyOnLeaseHolder(d.team, 'Switching the merchant API off');
      const status = await api().disable();
      recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject: { type: 'api', id: 'merchant_api' }, details: { change: 'API switched off' }, at: d.clock.now() });
      return status;
    },
    'api.tokens.create': ({ name, mode, scopes }, ctx) => {
      const created = api().tokens.create(name, mode ?? 'test', scopes);
      recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject: { type: 'api_token', id: created.token.id }, details: { change: 'API token created', name, mode: created.token.mode, scopes: created.token.scopes, last4: created.token.last4 }, livemode: created.token.mode === 'live', at: d.clock.now() });
      d.events.emit('api.changed', {});
      return created;
    },
    'api.tokens.list': () => api().tokens.list(),
    'api.tokens.revoke': ({ id }, ctx) => {
      api().tokens.revoke(id);
      recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject: { type: 'api_token', id }, details: { change: 'API token revoked' }, at: d.clock.now() });
      d.events.emit('api.changed', {});
      return { ok: true as const };
    },
  };
}
