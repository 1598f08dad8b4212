import { AppError } from '../../../shared/errors';
import { recordAudit } from '../audit';
import type { CoreDeps } from '../deps';
import { writeReportsSettings } from '../reports/settlements';
import { listFlags, settlementDetail, summarize } from '../reports/summary';
import type { Handlers } from '../rpc';

export function reportsHandlers(d: CoreDeps): Handlers<'reports.'> {
  const svc = d.reports;
  const views = { views: d.store.repos.reportViews, accounts: d.store.repos.accounts };
  const exports = d.exports;
  return {
    'reports.refresh': async ({ accountId, mode }) => {
      if (!accountId) return { accounts: await svc.refreshAll(mode) };
      const account = d.store.repos.accounts.get(accountId);
      if (!account) throw new AppError('not_found', 'No such account', { field: 'accountId' });
      if (mode && account.mode !== mode) throw new AppError('invalid_input', `This is a ${account.mode} account; switch to ${account.mode} mode to refresh it`, { field: 'accountId' });
      return { accounts: [await svc.refresh(accountId)] };
    },
    'reports.status': () => ({
      accounts: d.store.repos.accounts.list().map((a) => ({ accountId: a.id, gateway: a.gateway, mode: a.mode, running: svc.isRunning(a.id), last: svc.lastResult(a.id) })),
    }),
    'reports.summary': (input) => summarize(views, input, svc),
    'reports.settlement': ({ id }) => settlementDetail(views, id),
    'reports.flags': (input) => listFlags(views, input),
    'reports.settings.get': () => svc.settings(),
    'reports.settings.set': (input, ctx) => {
      const before = svc.settings();
      const after = d.store.transaction(() => {
        const next = writeReportsSettings(d.store.repos.settings, input);
        recordAudit(d.store.repos.audit, {
          operator: ctx.operator, action: 'settings.changed', subject: { type: 'settings', id: 'reports' },
          details: { setting: 'reports', before: { timeZone: before.timeZone, unsettledAfterDays: before.unsettledAfterDays }, after: { timeZone: next.timeZone, unsettledAfterDays: next.unsettledAfterDays } },
          at: d.clock.now(),
        });
        return next;
      });
      if (after.unsettledAfterDays !== before.unsettledAfterDays) svc.rematchAll();
      if (after.timeZone !== before.timeZone || after.unsettledAfterDays !== before.unsettledAfterDays) d.events.emit('reports.changed', { accountIds: [] });
      return after;
    },
    'reports.export.start': (input, ctx) => exports.start(input, ctx),
    'reports.export.cancel': ({ exportId }) => exports.cancel(exportId),
    'reports.export.status': ({ exportId }) => exports.status(exportId),
  };
}
