import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { recordAudit } from '../audit';
import type { Account, MethodParsedInput } from '../../../shared/contract';

/** the return pages as saved, when the call changed them (addresses, not secrets: shown on the Audit screen) */
const returnPagesAudit = (input: MethodParsedInput<'accounts.update'>, a: Account): Record<string, unknown> =>
  input.returnSuccessUrl !== undefined || input.returnCancelUrl !== undefined ? { returnPages: { success: a.returnSuccessUrl, cancel: a.returnCancelUrl } } : {};

export function accountHandlers(d: CoreDeps): Handlers<'accounts.'> {
  return {
    'accounts.list': () => d.accounts.list(),
    'accounts.create': async (input, ctx) => {
      const a = await d.accounts.create(input);
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: 'account.key_added', subject: { type: 'account', id: a.id }, details: { gateway: a.gateway, mode: a.mode, label: a.label }, livemode: a.mode === 'live', at: d.clock.now() });
      return a;
    },
    'accounts.update': async (input, ctx) => {
      const a = await d.accounts.update(input);
      const changed = (['label', 'publicKey', 'secretKey', 'webhookSecret', 'returnSuccessUrl', 'returnCancelUrl'] as const).filter((k) => input[k] !== undefined);
      const removed = (['secretKey', 'webhookSecret'] as const).filter((k) => input[k] === null);
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: removed.length > 0 ? 'account.key_removed' : 'account.key_changed', subject: { type: 'account', id: a.id }, details: { gateway: a.gateway, mode: a.mode, label: a.label, changed, removed, ...returnPagesAudit(input, a) }, livemode: a.mode === 'live', at: d.clock.now() });
      return a;
    },
    'accounts.verify': async ({ id }, ctx) => {
      const a = await d.accounts.verify(id);
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: 'account.verified', subject: { type: 'account', id: a.id }, details: { gateway: a.gateway, mode: a.mode, label: a.label, result: a.verification.status, message: a.verification.message }, livemode: a.mode === 'live', at: d.clock.now() });
      return a;
    },
    'accounts.remove': ({ id }, ctx) => {
      d.accounts.remove(id);
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: 'account.key_removed', subject: { type: 'account', id }, details: { removedAccount: true }, at: d.clock.now() });
      return { ok: true as const };
    },
  };
}
