// Handlers of team.*: status for every signed-in operator (which desk runs the shared jobs, whether the team
// database answers); the desks holding the team key, invitations and removals for owners. The join code is
// returned once and never logged or audited.
import type { CoreDeps } from '../deps';
import { recordAudit } from '../audit';
import { actorOf } from '../operators';
import type { Handlers } from '../rpc';

export function teamHandlers(d: CoreDeps): Handlers<'team.'> {
  return {
    'team.status': () => d.team.status(),
    'team.desks': () => d.team.desks(),
    'team.invite': (_input, ctx) => d.team.invite(actorOf(ctx)),
    'team.removeDesk': ({ id }, ctx) => {
      d.team.removeDesk(id, actorOf(ctx));
      return { ok: true as const };
    },
    'team.testStore': (input) => d.storeChoice.test(input),
    // the audit row names the database (host, port, name), never the password or the join code
    'team.useStore': async (input, ctx) => {
      const saved = await d.storeChoice.use(input);
      recordAudit(d.store.repos.audit, { operator: ctx.operator, action: 'settings.changed', subject: { type: 'store', id: 'next_start' }, details: { change: `store: ${saved.change}`, database: saved.database }, at: d.clock.now() });
      return { restartNeeded: true as const };
    },
  };
}
