// One operators service (desk session) per composed core. Handlers and the rpc `authorize` hook reach
// it through `operatorsOf(deps)`, so CoreDeps needs no new field.
import { onAudit } from '../audit';
import type { CoreDeps } from '../deps';
import { createOperatorsService, type OperatorsService } from './service';

export { actorOf, SINGLE_USER_OWNER, API_ACTOR, DEFAULT_POLICY, type OperatorsService } from './service';
export { hashPin, verifyPin } from './pin';

const services = new WeakMap<CoreDeps, OperatorsService>();

export function operatorsOf(d: CoreDeps): OperatorsService {
  let s = services.get(d);
  if (!s) {
    s = createOperatorsService({ db: d.db, settings: d.repos.settings, events: d.events, clock: d.clock, log: d.log });
    services.set(d, s);
    // every audit entry (whoever wrote it) is pushed to the screen
    onAudit(d.db, (e) => d.events.emit('audit.appended', { id: e.id, action: e.action }));
  }
  return s;
}

/** For createRpc's `authorize` option in core/index.ts. */
export const deskAuthorizer = (d: CoreDeps) => operatorsOf(d).authorize;
