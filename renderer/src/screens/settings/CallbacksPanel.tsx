// Settings → Developers → Callbacks (owner only): where Paydesk POSTs payment news to the shop's server,
// the signing secret (shown once when it is made, then only its last four), and the log of what was sent,
// with a resend per event. Core signs and retries; this panel only shows and asks.
import { useState, type FormEvent } from 'react';
import type { CallbackDelivery, CallbacksStatus } from '../../../../shared/contract';
import { fieldError, useRpcMutation, useRpcQuery } from '../../api/hooks';
import { Banner, Button, Card, StatusChip, TextField, toast, type ChipTone } from '../../components';
import { CopyButton } from '../../components/CopyButton';
import { formatDateTime, formatRelative } from '../../format/dates';

const STATUS: Record<CallbackDelivery['status'], { word: string; tone: ChipTone }> = {
  delivered: { word: 'Delivered', tone: 'success' },
  pending: { word: 'Waiting', tone: 'info' },
  failed: { word: 'Failed', tone: 'danger' },
};

// the log's columns; the shared table rows bring the borders and spacing
const COLUMNS = { gridTemplateColumns: '110px minmax(170px, 1.4fr) 96px 64px minmax(150px, 1.6fr) 84px' };

interface Shown { secret: string; previousSignsUntil: number | null }

export function CallbacksPanel() {
  const status = useRpcQuery('callbacks.get', {});
  const [shown, setShown] = useState<Shown | null>(null);
  const s = status.data;
  return (
    <Card
      id="callbacks"
      title="Callbacks"
      description="Paydesk tells your shop’s server when a payment is paid, fails or is refunded, and when a link expires: a signed POST to the address you set here, retried until your server answers 2xx."
    >
      {status.error && !status.data ? (
        <Banner tone="danger" title="Couldn’t load the callback settings">{status.error.message}</Banner>
      ) : !s ? (
        <div className="skeleton" aria-busy="true" />
      ) : (
        <div className="stack dev">
          <UrlForm status={s} onSecret={setShown} />
          <Secret status={s} shown={shown} onSecret={setShown} onDismiss={() => setShown(null)} />
          <hr className="divider" />
          <DeliveryLog />
        </div>
      )}
    </Card>
  );
}

function UrlForm({ status: s, onSecret }: { status: CallbacksStatus; onSecret(x: Shown): void }) {
  const [url, setUrl] = useState(s.url ?? '');
  const set = useRpcMutation('callbacks.set', {
    onSuccess: (r) => {
      if (r.created) onSecret(r.created);
      toast.success(r.status.enabled ? 'Callbacks go to the new address' : 'Callbacks are off');
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    set.mutate({ url: url.trim() === '' ? null : url.trim() });
  };
  const urlError = fieldError(set.error, 'url');
  const general = set.error && !urlError ? set.error.message : null;
  const c = s.counts;
  return (
    <form className="dev-group" onSubmit={submit} aria-label="Callback address">
      <div className="security-line">
        <span className="strong">Shop callbacks</span>
        {s.enabled ? <StatusChip tone="success">On</StatusChip> : <StatusChip tone="neutral">Off</StatusChip>}
        <span className="muted small" data-testid="callbacks-counts">
          {c.delivered} delivered · {c.pending} waiting · {c.failed} failed
        </span>
      </div>
      <TextField
        label="Callback URL"
        type="url"
        value={url}
        onChange={(e) => setUrl(e.target.value)}
        placeholder="https://shop.example.com/paydesk/callbacks"
        autoComplete="off"
        spellCheck={false}
        error={urlError}
        hint="Your server’s address for Paydesk’s events. HTTPS; only an address on this computer may use http://."
      />
      {general && <Banner tone="danger" title="Couldn’t save the address">{general}</Banner>}
      <div className="form-actions">
        <Button type="submit" variant="primary" busy={set.isPending && set.variables?.url !== null} disabled={url.trim() === '' || url.trim() === s.url}>
          Save
        </Button>
        {s.enabled && (
          <Button variant="secondary" busy={set.isPending && set.variables?.url === null} onClick={() => { setUrl(''); set.mutate({ url: null }); }}>
            Switch off
          </Button>
        )}
      </div>
    </form>
  );
}

function Secret({ status: s, shown, onSecret, onDismiss }: { status: CallbacksStatus; shown: Shown | null; onSecret(x: Shown): void; onDismiss(): void }) {
  const rotate = useRpcMutation('callbacks.rotateSecret', { onSuccess: (r) => onSecret(r.created), onError: (e) => toast.error(e.message) });
  if (shown) {
    return (
      <div className="once" role="status" aria-label="The new signing secret">
        <span className="strong">Signing secret</span>
        <div className="copy-row dev-secret">
          <code className="mono url-text" data-testid="callbacks-secret">{shown.secret}</code>
          <CopyButton text={shown.secret} what="signing secret" variant="primary" />
        </div>
        <p className="once-note small">
          <strong>Shown once.</strong> Put it in your shop’s settings: your server checks each callback’s Paydesk-Signature with it.
          {shown.previousSignsUntil !== null && ` The previous secret keeps signing too until ${formatDateTime(shown.previousSignsUntil)}, so switch before then.`}
        </p>
        <Button size="sm" variant="ghost" onClick={onDismiss}>
          I’ve stored it
        </Button>
      </div>
    );
  }
  if (s.secretLast4 === null) return null;
  return (
    <div className="dev-group">
      <div className="dev-switch">
        <div className="security-line">
          <span className="strong">Signing secret</span>
          <span className="mono muted small">pdcb_••••{s.secretLast4}</span>
          {s.previousSignsUntil !== null && <span className="muted small">The previous secret also signs until {formatDateTime(s.previousSignsUntil)}.</span>}
        </div>
        <Button variant="secondary" icon="key" busy={rotate.isPending} onClick={() => rotate.mutate({})}>
          Rotate secret
        </Button>
      </div>
    </div>
  );
}

function DeliveryLog() {
  // attempts push callbacks.changed; the interval only refreshes the relative times
  const q = useRpcQuery('callbacks.deliveries', { limit: 50 }, { refetchInterval: 30_000 });
  if (q.isPending) return <div className="skeleton" aria-busy="true" />;
  if (q.error) return <Banner tone="danger" title="Couldn’t load the delivery log">{q.error.message}</Banner>;
  return (
    <div className="dev-group">
      <span className="strong">Sent events</span>
      {q.data.length === 0 ? (
        <p className="muted small">Nothing sent yet. Events appear here when a payment changes after callbacks are switched on.</p>
      ) : (
        <div className="dtable" role="table" aria-label="Sent callback events">
          <div className="dtable-row dtable-head" role="row" style={COLUMNS}>
            <span role="columnheader">Time</span>
            <span role="columnheader">Event</span>
            <span role="columnheader">Status</span>
            <span role="columnheader">Attempts</span>
            <span role="columnheader">Last response</span>
            <span role="columnheader"><span className="visually-hidden">Resend</span></span>
          </div>
          {q.data.map((e) => <EventRow key={e.id} e={e} />)}
        </div>
      )}
    </div>
  );
}

function lastResponse(e: CallbackDelivery): string {
  if (e.lastError) return e.lastError;
  if (e.lastStatus !== null) return `HTTP ${e.lastStatus}`;
  return e.status === 'pending' ? 'Not tried yet' : '—';
}

function EventRow({ e }: { e: CallbackDelivery }) {
  const resend = useRpcMutation('callbacks.resend', { onSuccess: () => toast.success(`${e.type} queued to send again`), onError: (err) => toast.error(err.message) });
  const st = STATUS[e.status];
  const next = e.status === 'pending' && e.nextAttemptAt !== null && e.attempts > 0 ? ` · next try ${formatRelative(e.nextAttemptAt)}` : '';
  return (
    <div className="dtable-row" role="row" style={COLUMNS} data-event-id={e.id} data-status={e.status}>
      <span role="cell">
        <time dateTime={new Date(e.createdAt).toISOString()} title={formatDateTime(e.createdAt)}>{formatRelative(e.createdAt)}</time>
      </span>
      <span role="cell" className="dtable-event">
        <span className="mono truncate">{e.type}</span>
        <span className="mono muted small truncate" title={e.id}>{e.orderId ? `${e.orderId} · ${e.id}` : e.id}</span>
      </span>
      <span role="cell"><StatusChip tone={st.tone}>{st.word}</StatusChip></span>
      <span role="cell" className="mono">{e.attempts}</span>
      <span role="cell" className="muted small truncate" title={lastResponse(e)}>{lastResponse(e)}{next}</span>
      <span role="cell">
        <Button size="sm" variant="ghost" busy={resend.isPending} aria-label={`Resend ${e.type} ${e.id}`} onClick={() => resend.mutate({ id: e.id })}>
          Resend
        </Button>
      </span>
    </div>
  );
}
