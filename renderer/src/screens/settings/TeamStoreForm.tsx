// Settings → Team, for owners: point this desk at a team's PostgreSQL database (tested first, in words), or
// back at this computer's own file. Core saves the choice for the next start, with the password and the join
// code sealed on this computer; the desk switches when Paydesk starts again.
import { useState, type FormEvent } from 'react';
import type { TeamStoreTest } from '../../../../shared/contract';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, ConfirmDialog, TextField, toast } from '../../components';

/** What switching needs: a restart, said the way this shell does it. */
export function RestartBanner() {
  const info = useRpcQuery('system.info', {});
  return (
    <Banner tone="info" title="Restart Paydesk to switch">
      <span data-testid="team-store-restart">
        {info.data?.shell === 'browser'
          ? 'Stop the Paydesk host (Ctrl+C) and start it again with the same --data-dir, without --store: it opens the database chosen here.'
          : 'Quit Paydesk and open it again: it opens the database chosen here.'}
      </span>
    </Banner>
  );
}

function TestResult({ t }: { t: TeamStoreTest }) {
  if (!t.ok) return t.field ? null : <p className="field-error" role="alert">{t.message}</p>;
  return <Banner tone="success" title="The database answers"><span data-testid="team-store-result">{t.message}</span></Banner>;
}

export function TeamStoreForm() {
  const [url, setUrl] = useState('');
  const [password, setPassword] = useState('');
  const [joinCode, setJoinCode] = useState('');
  const [tested, setTested] = useState<TeamStoreTest | null>(null);
  const [saved, setSaved] = useState(false);
  const test = useRpcMutation('team.testStore', { onSuccess: setTested, onError: (e) => toast.error(e.message) });
  const use = useRpcMutation('team.useStore', { onSuccess: () => setSaved(true) });
  const changed = (set: (v: string) => void) => (v: string) => {
    set(v);
    setTested(null);
    use.reset();
  };
  const submitTest = (e: FormEvent) => {
    e.preventDefault();
    test.mutate({ url: url.trim(), ...(password ? { password } : {}) });
  };
  const save = () => use.mutate({ url: url.trim(), ...(password ? { password } : {}), ...(tested?.hasTeam ? { joinCode: joinCode.trim() } : {}) });
  const failed = tested && !tested.ok ? tested : null;
  const errorOf = (field: 'url' | 'password') => (failed?.field === field ? failed.message : fieldError(use.error, field));
  if (saved) return <RestartBanner />;
  return (
    <form className="dev-group" onSubmit={submitTest} aria-label="Team database" data-testid="team-store-form">
      <span className="strong">Share this shop with other desks</span>
      <p className="small muted" data-testid="team-how">
        Several people on several computers share one shop through a PostgreSQL database (15 or newer) that the user in the URL owns. A new team database
        starts empty: to bring this desk’s payments along, quit Paydesk and run <code>npm run store -- migrate --to postgres://…</code> first.
      </p>
      <TextField
        label="Database URL"
        value={url}
        onChange={(e) => changed(setUrl)(e.target.value)}
        placeholder="postgres://paydesk@db.example.com:5432/paydesk"
        autoComplete="off"
        spellCheck={false}
        required
        error={errorOf('url')}
        hint="postgres://user@host:port/database, without the password"
      />
      <TextField
        label="Password"
        type="password"
        optional
        value={password}
        onChange={(e) => changed(setPassword)(e.target.value)}
        autoComplete="off"
        error={errorOf('password')}
        // the error already says what to type
        hint={errorOf('password') ? undefined : 'Leave empty to use PGPASSWORD or ~/.pgpass. Paydesk seals it on this computer.'}
      />
      {tested && <TestResult t={tested} />}
      {tested?.ok && tested.hasTeam && (
        <TextField
          label="Join code"
          value={joinCode}
          onChange={(e) => setJoinCode(e.target.value)}
          autoComplete="off"
          spellCheck={false}
          required
          error={fieldError(use.error, 'joinCode')}
          hint="From an owner’s desk: Settings → Team → Invite a desk. It works once, for 10 minutes."
        />
      )}
      {tested?.ok && !tested.hasTeam && (tested.schema ?? 0) === 0 && (
        <p className="small muted">
          This desk’s payments stay in its own file unless you run <code>npm run store -- migrate --to {url.trim()}</code> before switching.
        </p>
      )}
      {use.error && !['url', 'password', 'joinCode'].includes(use.error.field ?? '') && <p className="field-error" role="alert">{use.error.message}</p>}
      <div className="form-actions">
        <Button type="submit" variant={tested?.ok ? 'secondary' : 'primary'} busy={test.isPending} disabled={url.trim() === ''}>Test connection</Button>
        {tested?.ok && (
          <Button variant="primary" busy={use.isPending} disabled={tested.hasTeam && joinCode.trim() === ''} onClick={save}>
            {tested.hasTeam ? 'Join this team' : 'Use this database'}
          </Button>
        )}
      </div>
    </form>
  );
}

/** On a team database: back to this computer's own file from the next start. */
export function UseOwnFile() {
  const [asking, setAsking] = useState(false);
  const [saved, setSaved] = useState(false);
  const use = useRpcMutation('team.useStore');
  if (saved) return <RestartBanner />;
  return (
    <div className="security-line" data-testid="team-own-file">
      <span className="small muted">This desk can go back to the SQLite file on this computer from its next start.</span>
      <Button size="sm" variant="secondary" onClick={() => setAsking(true)}>Use this computer’s own file instead</Button>
      <ConfirmDialog
        open={asking}
        title="Use this computer’s own file?"
        confirmLabel="Use own file"
        busy={use.isPending}
        onCancel={() => setAsking(false)}
        onConfirm={() =>
          use.mutate({ engine: 'sqlite' }, {
            onSuccess: () => setSaved(true),
            onError: (e) => toast.error(e.message),
            onSettled: () => setAsking(false),
          })
        }
      >
        <p>
          From the next start this desk opens its own SQLite file again. That file holds only what this desk had before it joined the team: payments,
          refunds and settings made since are in the team database, which the other desks keep using. A command line <code>--store</code> still wins.
        </p>
      </ConfirmDialog>
    </div>
  );
}
