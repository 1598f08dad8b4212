import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { recordAudit } from '../audit';
import { requireOwner } from '../operators';

export function accountHandlers(d: CoreDeps): Handlers<'accounts.'> {
  return {
    'accounts.list': () => d.accounts.list(),
    'accounts.create': async (input, ctx) => {
      requireOwner(ctx, 'add gateway keys');
      const a = await d.accounts.create(input);
      recordAudit(d.db, { operator: ctx.operator, action: 'account.key_added', subject: { type: 'account', id: a.id }, details: { gateway: a.gateway, mode: a.mode, label: a.label }, livemode: a.mode === 'live', at: d.clock.now() });
      return a;
    },
    'accounts.update': async (input, ctx) => {
      requireOwner(ctx, 'change gateway keys');
      const a = await d.accounts.update(input);
      const changed = (['label', 'publicKey', 'secretKey', 'webhookSecret'] as const).filter((k) => input[k] !== undefined);
      const removed = (['secretKey', 'webhookSecret'] as const).filter((k) => input[k] === null);
      recordAudit(d.db, { operator: ctx.operator, action: removed.length > 0 ? 'account.key_removed' : 'account.key_changed', subject: { type: 'account', id: a.id }, details: { gateway: a.gateway, mode: a.mode, label: a.label, changed, removed }, livemode: a.mode === 'live', at: d.clock.now() });
      return a;
    },
    'accounts.verify': ({ id }) => d.accounts.verify(id),
    'accounts.remove': ({ id }, ctx) => {
      requireOwner(ctx, 'remove gateway keys');
      d.accounts.remove(id);
      recordAudit(d.db, { operator: ctx.operator, action: 'account.key_removed', subject: { type: 'account', id }, details: { removedAccount: true }, at: d.clock.now() });
      return { ok: true as const };
    },
  };
}
