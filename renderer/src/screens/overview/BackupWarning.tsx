// The Overview's warning when the last good backup is older than the schedule allows.
// Core decides `stale` (backup.status); nothing shows while backups are current or no schedule is set.
import { useRpcQuery } from '../../api/hooks';
import { Banner, ButtonLink } from '../../components';
import { formatRelative } from '../../format/dates';
import { hrefFor } from '../../router';

export function BackupWarning() {
  const s = useRpcQuery('backup.status', {}).data;
  if (!s?.stale) return null;
  return (
    <Banner tone="warning" className="backup-warning" title="Backups are overdue" action={<ButtonLink size="sm" variant="secondary" href={hrefFor('settings', 'backup')}>Open Backup settings</ButtonLink>}>
      {s.last ? `The last good backup was ${formatRelative(s.last.at)}.` : 'No backup has been made yet.'}
      {s.lastFailure ? ` The last attempt failed: ${s.lastFailure.message}` : ''}
    </Banner>
  );
}
