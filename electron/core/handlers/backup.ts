// Handlers of Settings → Backup (backup.*): status, the recovery passphrase, the folder/keep/schedule, back up now.
import { AppError } from '../../../shared/errors';
import { recordAudit } from '../audit';
import type { CoreDeps } from '../deps';
import type { Handlers } from '../rpc';

export function backupHandlers(d: CoreDeps): Handlers<'backup.'> {
  const b = d.backup;
  const { audit } = d.store.repos;
  const changed = () => d.events.emit('backup.changed', {});
  // a backup is a copy of SQLite's file: say so before asking for a folder or a file that could not help
  const sqliteOnly = (): void => {
    if (d.store.engine === 'postgres') throw new AppError('unavailable', 'Backups of a team database on PostgreSQL are made by the database server (pg_dump or its own backups), not by Paydesk.');
  };
  return {
    'backup.status': () => b.status(),
    'backup.setPassphrase': async ({ passphrase, current }, ctx) => {
      const before = b.status().passphraseSet;
      // set once: changing it needs the one set before (backups already made keep opening with that one)
      if (before && !(current !== undefined && (await b.checkPassphrase(current)))) {
        throw new AppError('invalid_input', 'Enter the current recovery passphrase to change it.', { field: 'current' });
      }
      await b.setPassphrase(passphrase);
      recordAudit(audit, { operator: ctx.operator, action: 'backup.passphrase_set', subject: { type: 'backup', id: 'passphrase' }, details: { change: before ? 'changed' : 'set' }, at: d.clock.now() });
      changed();
      return b.status();
    },
    'backup.configure': (input, ctx) => {
      const next = b.configure({
        ...(input.folder !== undefined ? { folder: input.folder } : {}),
        ...(input.keep !== undefined ? { keep: input.keep } : {}),
        ...(input.everyHours !== undefined ? { everyHours: input.everyHours } : {}),
      });
      recordAudit(audit, { operator: ctx.operator, action: 'settings.changed', subject: { type: 'backup', id: 'schedule' }, details: { change: 'backup settings', folder: next.folder, keep: next.keep, everyHours: next.everyHours }, at: d.clock.now() });
      changed();
      return b.status();
    },
    'backup.run': async (_input, ctx) => {
      sqliteOnly();
      const made = await b.backupNow();
      recordAudit(audit, { operator: ctx.operator, action: 'backup.made', subject: { type: 'backup', id: made.file }, details: { file: made.file, bytes: made.bytes }, at: d.clock.now() });
      return made;
    },
    'backup.inspect': ({ file }) => {
      sqliteOnly();
      return b.inspect(file);
    },
    'backup.restore': async ({ file, passphrase, replace }, ctx) => {
      sqliteOnly();
      const r = await b.restore(file, passphrase, replace);
      // recorded in the desk being replaced (it is copied aside, with this row, when the restore takes over)
      recordAudit(audit, { operator: ctx.operator, action: 'backup.restored', subject: { type: 'backup', id: file }, details: { file, madeAt: r.manifest.createdAt, appVersion: r.manifest.appVersion, replacesDesk: r.replacesDesk, counts: r.manifest.counts }, at: d.clock.now() });
      changed();
      return { ...r, restartNeeded: true as const };
    },
  };
}
