import type { Handlers } from '../rpc';
import type { CoreDeps } from '../deps';
import { listAudit } from '../audit';

export function auditHandlers(d: CoreDeps): Handlers<'audit.'> {
  return {
    'audit.list': (input) => listAudit(d.store.repos.audit, input),
  };
}
