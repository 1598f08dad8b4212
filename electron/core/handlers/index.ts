// Every domain's handlers, joined. To add a domain: write `handlers/<domain>.ts` exporting
// `<domain>Handlers(d: CoreDeps): Handlers<'<domain>.'>` and add ONE line below.
// The `AllHandlers` return type makes a contract method without a handler a compile error.
import type { CoreDeps } from '../deps';
import type { AllHandlers } from '../rpc';
import { accountHandlers } from './accounts';
import { apiHandlers } from './api';
import { auditHandlers } from './audit';
import { backupHandlers } from './backup';
import { callbacksHandlers } from './callbacks';
import { deskHandlers } from './desk';
import { operatorsHandlers } from './operators';
import { paymentsHandlers } from './payments';
import { refundsHandlers } from './refunds';
import { reportsHandlers } from './reports';
import { settingsHandlers } from './settings';
import { systemHandlers } from './system';
import { teamHandlers } from './team';
import { webhooksHandlers } from './webhooks';

export function buildHandlers(d: CoreDeps): AllHandlers {
  return {
    ...systemHandlers(d),
    ...accountHandlers(d),
    ...paymentsHandlers(d),
    ...apiHandlers(d),
    ...webhooksHandlers(d),
    ...refundsHandlers(d),
    ...operatorsHandlers(d),
    ...deskHandlers(d),
    ...auditHandlers(d),
    ...reportsHandlers(d),
    ...settingsHandlers(d),
    ...backupHandlers(d),
    ...callbacksHandlers(d),
    ...teamHandlers(d),
  };
}
