// Settings → Backup: the recovery passphrase (set once; Paydesk keeps only the key it seals, so
// a lost passphrase means the backups cannot be opened), the folder backups go to, how many to keep, the
// schedule, and "Back up now". Owners change it; everyone sees when the last backup was made.
import { useState, type FormEvent } from 'react';
import { MIN_BACKUP_PASSPHRASE, type BackupManifest, type BackupStatus } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Card, CheckboxField, RoleNote, SelectField, StatusChip, TextField, toast } from '../../components';
import { displayMoney } from '../../format/money';
import { formatDateTime } from '../../format/dates';

const SCHEDULES: { value: number; label: string }[] = [
  { value: 24, label: 'Every day' },
  { value: 12, label: 'Twice a day' },
  { value: 168, label: 'Every week' },
  { value: 0, label: 'Only when I click Back up now' },
];

const size = (bytes: number): string => (bytes < 1024 * 1024 ? `${Math.max(1, Math.round(bytes / 1024))} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`);

function PassphraseForm({ status }: { status: BackupStatus }) {
  const [passphrase, setPassphrase] = useState('');
  const [again, setAgain] = useState('');
  const [current, setCurrent] = useState('');
  const [open, setOpen] = useState(!status.passphraseSet);
  const save = useRpcMutation('backup.setPassphrase', {
    onSuccess: () => {
      toast.success('Recovery passphrase saved. Write it down and keep it away from this computer.');
      setPassphrase('');
      setAgain('');
      setCurrent('');
      setOpen(false);
    },
  });
  const mismatch = again.length > 0 && again !== passphrase ? 'The two passphrases differ' : undefined;
  const err = save.error;
  if (!open) {
    return (
      <div className="security-line">
        <StatusChip tone="success">Recovery passphrase set</StatusChip>
        <Button size="sm" variant="ghost" onClick={() => setOpen(true)}>Change it</Button>
      </div>
    );
  }
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (mismatch || passphrase.length < MIN_BACKUP_PASSPHRASE) return;
    save.mutate(status.passphraseSet ? { passphrase, current } : { passphrase });
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Set the recovery passphrase">
      <p className="muted small">
        A backup opens only with this passphrase. Paydesk does not keep it: if it is lost, the backups cannot be opened by anyone,
        Paydesk included. Write it down and keep it somewhere safe, away from this computer.
      </p>
      {status.passphraseSet && (
        <TextField label="Current passphrase" type="password" autoComplete="off" value={current} onChange={(e) => setCurrent(e.target.value)} error={err?.field === 'current' ? err.message : undefined} />
      )}
      <TextField label="Recovery passphrase" type="password" autoComplete="new-password" value={passphrase} onChange={(e) => setPassphrase(e.target.value)}
        hint={`At least ${MIN_BACKUP_PASSPHRASE} characters; a few unrelated words are easy to keep and hard to guess.`}
        error={err?.field === 'passphrase' ? err.message : undefined} />
      <TextField label="The same passphrase again" type="password" autoComplete="new-password" value={again} onChange={(e) => setAgain(e.target.value)} error={mismatch} />
      {err && !err.field && <p className="field-error">{err.message}</p>}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={passphrase.length < MIN_BACKUP_PASSPHRASE || again !== passphrase}>Save passphrase</Button>
        {status.passphraseSet && <Button variant="ghost" onClick={() => setOpen(false)}>Cancel</Button>}
      </div>
    </form>
  );
}

function ScheduleForm({ status }: { status: BackupStatus }) {
  const [folder, setFolder] = useState(status.config.folder ?? '');
  const [keep, setKeep] = useState(String(status.config.keep));
  const [everyHours, setEveryHours] = useState(status.config.everyHours);
  const save = useRpcMutation('backup.configure', { onSuccess: () => toast.success('Backup settings saved') });
  const err = save.error;
  const keepN = Number(keep);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate({ folder: folder.trim() || null, keep: keepN, everyHours });
  };
  return (
    <form className="stack" onSubmit={submit} aria-label="Where and how often">
      <TextField label="Backup folder" value={folder} onChange={(e) => setFolder(e.target.value)} placeholder="/media/usb/paydesk-backups"
        hint="A full path: an external drive or a folder that syncs to another place. Not this computer's data folder."
        error={err?.field === 'folder' ? err.message : undefined} />
      <div className="form-row">
        <SelectField label="Automatic backups" value={String(everyHours)} onChange={(e) => setEveryHours(Number(e.target.value))}>
          {SCHEDULES.map((s) => <option key={s.value} value={s.value}>{s.label}</option>)}
        </SelectField>
        <TextField label="Keep the last" type="number" min={1} max={365} value={keep} onChange={(e) => setKeep(e.target.value)} hint="Older backups Paydesk made in the folder are deleted." error={err?.field === 'keep' ? err.message : undefined} />
      </div>
      {err && !err.field && <p className="field-error">{err.message}</p>}
      <div className="form-actions">
        <Button type="submit" busy={save.isPending} disabled={!Number.isInteger(keepN) || keepN < 1}>Save</Button>
      </div>
    </form>
  );
}

function ManifestFacts({ m }: { m: BackupManifest }) {
  return (
    <dl className="facts" aria-label="What the backup holds" data-testid="backup-manifest">
      <div><dt>Made</dt><dd>{formatDateTime(m.createdAt)} by Paydesk {m.appVersion}</dd></div>
      <div><dt>Holds</dt><dd>{m.counts.payments} payments, {m.counts.refunds} refunds, {m.counts.auditRows} audit entries, {m.counts.operators} people</dd></div>
      {m.sums.length > 0 && (
        <div>
          <dt>Totals</dt>
          <dd>{m.sums.map((x) => `${displayMoney(x.capturedMinor, x.currency)} taken, ${displayMoney(x.refundedMinor, x.currency)} refunded${x.livemode ? '' : ' (test)'}`).join('; ')}</dd>
        </div>
      )}
    </dl>
  );
}

/** Restore: choose the file, see what it holds, enter the passphrase, confirm replacing a desk, restore. */
function RestoreForm() {
  const [file, setFile] = useState('');
  const [asked, setAsked] = useState('');
  const [passphrase, setPassphrase] = useState('');
  const [replace, setReplace] = useState(false);
  const seen = useRpcQuery('backup.inspect', { file: asked }, { enabled: asked !== '', retry: false });
  const restore = useRpcMutation('backup.restore');
  if (restore.data) {
    return (
      <Banner tone="success" title="Backup restored: restart Paydesk to open it">
        The backup was checked and its keys sealed for this computer. When Paydesk starts again it opens the restored desk
        {restore.data.replacesDesk ? ' (the desk that was here is kept in the data folder, under replaced-…)' : ''}.
        {restore.data.manifest.counts.operators > 0 ? ' It starts locked: an owner signs in with their PIN.' : ''}
      </Banner>
    );
  }
  const m = asked === file.trim() ? seen.data : undefined;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!m) setAsked(file.trim());
    else restore.mutate({ file: file.trim(), passphrase, replace });
  };
  const err = restore.error;
  return (
    <form className="stack" onSubmit={submit} aria-label="Restore a backup">
      <h3>Restore a backup</h3>
      <TextField label="Backup file" value={file} onChange={(e) => setFile(e.target.value)} placeholder="/media/usb/paydesk-backups/paydesk-20260101-090000Z.paydesk-backup"
        hint="The full path of a .paydesk-backup file on this computer." error={asked === file.trim() && seen.error ? seen.error.message : undefined} />
      {m && <ManifestFacts m={m.manifest} />}
      {m && (
        <TextField label="Recovery passphrase of the backup" type="password" autoComplete="off" value={passphrase} onChange={(e) => setPassphrase(e.target.value)}
          error={err && err.field !== 'replace' ? err.message : undefined} />
      )}
      {m?.replacesDesk && (
        <CheckboxField name="replace-desk" label="Replace the desk on this computer" checked={replace} onChange={setReplace}
          hint="Everything here now is copied aside first (in the data folder, under replaced-…), then the backup takes its place." />
      )}
      <div className="form-actions">
        {m ? (
          <Button type="submit" variant="danger" busy={restore.isPending} disabled={passphrase === '' || (m.replacesDesk && !replace)}>Restore</Button>
        ) : (
          <Button type="submit" busy={seen.isFetching} disabled={file.trim() === ''}>Open backup</Button>
        )}
      </div>
    </form>
  );
}

export function BackupPanel() {
  const q = useRpcQuery('backup.status', {});
  const can = useCan('backup.run');
  const run = useRpcMutation('backup.run', {
    onSuccess: (m) => toast.success(`Backup made: ${m.file}`),
    onError: (e) => toast.error(e.message),
  });
  const s = q.data;
  return (
    <Card id="backup" title="Backup" description="One file with everything Paydesk alone keeps: people and PINs, the audit log, refunds, notes, reconciliation flags, tokens and the sealed keys. Restore it here or on a new computer.">
      {!s ? (
        <div className="skeleton" aria-busy="true" />
      ) : (
        <div className="stack">
          <div className="security-line" data-testid="backup-last">
            {s.last ? (
              <>
                <StatusChip tone={s.stale ? 'warning' : 'success'}>{s.stale ? 'Backup overdue' : 'Backed up'}</StatusChip>
                <span className="small">Last backup {formatDateTime(s.last.at)}, {size(s.last.bytes)}, in <code>{s.last.file}</code></span>
              </>
            ) : (
              <>
                <StatusChip tone={s.stale ? 'warning' : 'neutral'}>No backup yet</StatusChip>
                <span className="muted small">{s.passphraseSet && s.config.folder ? 'The first backup runs within a minute, or click Back up now.' : 'Set a recovery passphrase and a folder to start.'}</span>
              </>
            )}
          </div>
          {s.lastFailure && (!s.last || s.lastFailure.at > s.last.at) && (
            <p className="field-error" role="alert">The last backup failed ({formatDateTime(s.lastFailure.at)}): {s.lastFailure.message}</p>
          )}
          {can.allowed ? (
            <>
              <PassphraseForm status={s} />
              <ScheduleForm key={`${s.config.folder ?? ''}|${s.config.keep}|${s.config.everyHours}`} status={s} />
              <div className="form-actions">
                <Button variant="primary" busy={run.isPending} disabled={!s.passphraseSet || !s.config.folder} onClick={() => run.mutate({})}>Back up now</Button>
              </div>
              <hr className="divider" />
              <RestoreForm />
            </>
          ) : (
            <RoleNote permission={can} />
          )}
        </div>
      )}
    </Card>
  );
}
