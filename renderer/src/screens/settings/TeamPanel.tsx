// Settings → Team: which store this desk runs on, whether it answers, and which desk runs the shared jobs
// (public address, webhooks, the merchant API, callbacks, sync, report refresh). Everyone sees that; owners
// also see the desks holding the team key, invite a desk with a one-time code and remove one. On SQLite the
// desk is a team of one and owners can point it at a team's PostgreSQL database (TeamStoreForm.tsx).
import { useState } from 'react';
import type { TeamDesk, TeamInvite, TeamStatus } from '../../../../shared/contract';
import { useCan } from '../../api/access';
import { useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Card, ConfirmDialog, RoleNote, StatusChip, toast } from '../../components';
import { CopyButton } from '../../components/CopyButton';
import { formatDateTime, formatRelative } from '../../format/dates';
import { TeamStoreForm, UseOwnFile } from './TeamStoreForm';

const JOBS = 'the public address and webhooks, the merchant API and shop pages, callbacks to the shop, gateway sync and report refresh';

function Connection({ s }: { s: TeamStatus }) {
  if (s.engine === 'sqlite') {
    return (
      <div className="security-line" data-testid="team-engine">
        <StatusChip tone="neutral">One desk</StatusChip>
        <span className="small">This desk keeps its data in its own SQLite file and runs everything itself: {JOBS}.</span>
      </div>
    );
  }
  const up = s.connection.state === 'connected';
  return (
    <div className="stack-sm" data-testid="team-engine">
      <div className="security-line">
        <StatusChip tone={up ? 'success' : 'danger'}>{up ? 'Connected' : 'Unreachable'}</StatusChip>
        <span className="small">
          Team database <code>{s.database}</code> · this desk is <span className="strong">{s.thisDesk.name}</span>
        </span>
      </div>
      {!up && (
        <p className="field-error" role="alert">
          Since {formatDateTime(s.connection.since)}: {s.connection.message} This desk shows what it had and refuses anything that moves money until the
          database answers again; it reconnects by itself.
        </p>
      )}
    </div>
  );
}

function Lease({ s }: { s: TeamStatus }) {
  if (s.engine === 'sqlite') return null;
  const l = s.lease;
  return (
    <div className="stack-sm" data-testid="team-lease">
      <span className="strong">Shared jobs</span>
      {l ? (
        <p className="small">
          <span className="strong">{l.thisDesk ? 'This desk' : l.holderName}</span> runs {JOBS}, since {formatDateTime(l.acquiredAt)}
          {l.publicUrl ? <> at <code>{l.publicUrl}</code></> : null}. If it stops, another desk takes over within seconds and moves the Stripe webhook endpoint.
        </p>
      ) : (
        <p className="small muted">No desk runs the shared jobs right now; one takes them over within seconds.</p>
      )}
      {!s.stableAddress && (
        <Banner tone="warning" title="Razorpay webhooks need a fixed public address to follow a takeover">
          Razorpay’s webhook URL is typed into its Dashboard by hand, so when another desk takes over with a different address, Razorpay keeps sending to the old
          one. Reserve an ngrok domain or use your own URL under Developers → Public address.
        </Banner>
      )}
    </div>
  );
}

function InviteShownOnce({ invite, onDismiss }: { invite: TeamInvite; onDismiss(): void }) {
  return (
    <div className="once" role="status" aria-label="The join code">
      <span className="strong">Join code for one new desk</span>
      <div className="copy-row dev-secret">
        <code className="mono url-text" data-testid="team-join-code">{invite.code}</code>
        <CopyButton text={invite.code} what="join code" variant="primary" />
      </div>
      <p className="once-note small">
        <strong>Works once, until {formatDateTime(invite.expiresAt)}.</strong> On the new desk, start Paydesk on the same database with{' '}
        <code>--join {invite.code.slice(0, 5)}…</code> (or <code>PAYDESK_JOIN</code>). It receives the team key and seals it on that computer; the key
        itself never goes into the database.
      </p>
      <Button size="sm" variant="ghost" onClick={onDismiss}>Done</Button>
    </div>
  );
}

function DeskRow({ d, onRemove }: { d: TeamDesk; onRemove(d: TeamDesk): void }) {
  return (
    <li className="dev-token" data-testid="team-desk">
      <div className="mini-list-main">
        <span className="dev-token-name">
          <span className="strong">{d.name}</span>
          {d.thisDesk && <StatusChip tone="info" dot={false}>This desk</StatusChip>}
          {d.removedAt !== null && <StatusChip tone="danger" dot={false}>Removed</StatusChip>}
        </span>
        <span className="muted small">
          Joined {formatDateTime(d.joinedAt)} ({d.joinedBy}) · last seen {formatRelative(d.lastSeenAt)}
          {d.removedAt !== null ? ` · removed ${formatDateTime(d.removedAt)}` : ''}
        </span>
      </div>
      {!d.thisDesk && d.removedAt === null && (
        <Button size="sm" variant="ghost" icon="trash" aria-label={`Remove ${d.name}`} onClick={() => onRemove(d)}>Remove</Button>
      )}
    </li>
  );
}

function Desks() {
  const q = useRpcQuery('team.desks', {});
  const [invite, setInvite] = useState<TeamInvite | null>(null);
  const [removing, setRemoving] = useState<TeamDesk | null>(null);
  const make = useRpcMutation('team.invite', { onSuccess: setInvite, onError: (e) => toast.error(e.message) });
  const remove = useRpcMutation('team.removeDesk');
  if (q.isPending) return <div className="skeleton" aria-busy="true" />;
  if (q.error) return <Banner tone="danger" title="Couldn’t load the desks">{q.error.message}</Banner>;
  return (
    <div className="dev-group">
      <span className="strong">Desks holding the team key</span>
      <ul className="mini-list dev-tokens" aria-label="Desks">
        {q.data.map((d) => <DeskRow key={d.id} d={d} onRemove={setRemoving} />)}
      </ul>
      {invite ? (
        <InviteShownOnce invite={invite} onDismiss={() => setInvite(null)} />
      ) : (
        <div className="form-actions">
          <Button variant="primary" icon="plus" busy={make.isPending} onClick={() => make.mutate({})}>Invite a desk</Button>
        </div>
      )}
      <ConfirmDialog
        open={!!removing}
        title={removing ? `Remove “${removing.name}” from the team?` : 'Remove?'}
        confirmLabel="Remove desk"
        busy={remove.isPending}
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          if (!removing) return;
          const name = removing.name;
          remove.mutate({ id: removing.id }, {
            onSuccess: () => toast.success(`${name} can no longer open the team’s data`),
            onError: (e) => toast.error(e.message),
            onSettled: () => setRemoving(null),
          });
        }}
      >
        <p>
          The desk refuses to open the team’s data from its next start. The team key is not changed: that computer still has a sealed copy, so if it may be in
          the wrong hands, also change the gateway keys in Settings → Accounts.
        </p>
      </ConfirmDialog>
    </div>
  );
}

export function TeamPanel() {
  const q = useRpcQuery('team.status', {});
  const can = useCan('team.desks');
  const s = q.data;
  return (
    <Card id="team" title="Team" description="Which database this desk uses, which desk runs the shared jobs, and the desks that share the shop.">
      {!s ? (
        q.error ? <Banner tone="danger" title="Couldn’t load the team">{q.error.message}</Banner> : <div className="skeleton" aria-busy="true" />
      ) : (
        <div className="stack">
          <Connection s={s} />
          <Lease s={s} />
          {s.engine === 'postgres' && (can.allowed ? <Desks /> : <RoleNote permission={can} />)}
          {s.engine === 'postgres' && can.allowed && <UseOwnFile />}
          {s.engine === 'sqlite' && can.allowed && <TeamStoreForm />}
        </div>
      )}
    </Card>
  );
}
